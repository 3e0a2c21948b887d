#include "core/model/enums.h"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>

#include "absl/strings/ascii.h"
#include "core/base/strings.h"

namespace tern {
namespace {

struct EnumName {
  int32_t value;
  std::string_view name;
};

// AuditLogRecordType as documented in MicrosoftDocs/office-365-management-api,
// office-365-management-activity-api-schema.md. Values dropped from later
// revisions of that table (77, 81, 131) are kept because older exports carry
// them. The doc spells 216 "Viva Goals"; the enum member (Graph's
// auditLogRecordType, Search-UnifiedAuditLog -RecordType) is VivaGoals.
// Sorted by value; unknown numbers stay numbers (see FORMATS.md 4.3).
constexpr EnumName kRecordTypes[] = {
    {1, "ExchangeAdmin"},
    {2, "ExchangeItem"},
    {3, "ExchangeItemGroup"},
    {4, "SharePoint"},
    {6, "SharePointFileOperation"},
    {7, "OneDrive"},
    {8, "AzureActiveDirectory"},
    {9, "AzureActiveDirectoryAccountLogon"},
    {10, "DataCenterSecurityCmdlet"},
    {11, "ComplianceDLPSharePoint"},
    {13, "ComplianceDLPExchange"},
    {14, "SharePointSharingOperation"},
    {15, "AzureActiveDirectoryStsLogon"},
    {16, "SkypeForBusinessPSTNUsage"},
    {17, "SkypeForBusinessUsersBlocked"},
    {18, "SecurityComplianceCenterEOPCmdlet"},
    {19, "ExchangeAggregatedOperation"},
    {20, "PowerBIAudit"},
    {21, "CRM"},
    {22, "Yammer"},
    {23, "SkypeForBusinessCmdlets"},
    {24, "Discovery"},
    {25, "MicrosoftTeams"},
    {28, "ThreatIntelligence"},
    {29, "MailSubmission"},
    {30, "MicrosoftFlow"},
    {31, "AeD"},
    {32, "MicrosoftStream"},
    {33, "ComplianceDLPSharePointClassification"},
    {34, "ThreatFinder"},
    {35, "Project"},
    {36, "SharePointListOperation"},
    {37, "SharePointCommentOperation"},
    {38, "DataGovernance"},
    {39, "Kaizala"},
    {40, "SecurityComplianceAlerts"},
    {41, "ThreatIntelligenceUrl"},
    {42, "SecurityComplianceInsights"},
    {43, "MIPLabel"},
    {44, "WorkplaceAnalytics"},
    {45, "PowerAppsApp"},
    {46, "PowerAppsPlan"},
    {47, "ThreatIntelligenceAtpContent"},
    {48, "LabelContentExplorer"},
    {49, "TeamsHealthcare"},
    {50, "ExchangeItemAggregated"},
    {51, "HygieneEvent"},
    {52, "DataInsightsRestApiAudit"},
    {53, "InformationBarrierPolicyApplication"},
    {54, "SharePointListItemOperation"},
    {55, "SharePointContentTypeOperation"},
    {56, "SharePointFieldOperation"},
    {57, "MicrosoftTeamsAdmin"},
    {58, "HRSignal"},
    {59, "MicrosoftTeamsDevice"},
    {60, "MicrosoftTeamsAnalytics"},
    {61, "InformationWorkerProtection"},
    {62, "Campaign"},
    {63, "DLPEndpoint"},
    {64, "AirInvestigation"},
    {65, "Quarantine"},
    {66, "MicrosoftForms"},
    {67, "ApplicationAudit"},
    {68, "ComplianceSupervisionExchange"},
    {69, "CustomerKeyServiceEncryption"},
    {70, "OfficeNative"},
    {71, "MipAutoLabelSharePointItem"},
    {72, "MipAutoLabelSharePointPolicyLocation"},
    {73, "MicrosoftTeamsShifts"},
    {75, "MipAutoLabelExchangeItem"},
    {76, "CortanaBriefing"},
    {77, "Search"},
    {78, "WDATPAlerts"},
    {81, "MDATPAudit"},
    {82, "SensitivityLabelPolicyMatch"},
    {83, "SensitivityLabelAction"},
    {84, "SensitivityLabeledFileAction"},
    {85, "AttackSim"},
    {86, "AirManualInvestigation"},
    {87, "SecurityComplianceRBAC"},
    {88, "UserTraining"},
    {89, "AirAdminActionInvestigation"},
    {90, "MSTIC"},
    {91, "PhysicalBadgingSignal"},
    {93, "AipDiscover"},
    {94, "AipSensitivityLabelAction"},
    {95, "AipProtectionAction"},
    {96, "AipFileDeleted"},
    {97, "AipHeartBeat"},
    {98, "MCASAlerts"},
    {99, "OnPremisesFileShareScannerDlp"},
    {100, "OnPremisesSharePointScannerDlp"},
    {101, "ExchangeSearch"},
    {102, "SharePointSearch"},
    {103, "PrivacyInsights"},
    {105, "MyAnalyticsSettings"},
    {106, "SecurityComplianceUserChange"},
    {107, "ComplianceDLPExchangeClassification"},
    {109, "MipExactDataMatch"},
    {113, "MS365DCustomDetection"},
    {131, "OfficeScriptsRunAction"},
    {147, "CoreReportingSettings"},
    {148, "ComplianceConnector"},
    {154, "OMEPortal"},
    {174, "DataShareOperation"},
    {181, "EduDataLakeDownloadOperation"},
    {183, "MicrosoftGraphDataConnectOperation"},
    {186, "PowerPagesSite"},
    {188, "PlannerPlan"},
    {189, "PlannerCopyPlan"},
    {190, "PlannerTask"},
    {191, "PlannerRoster"},
    {192, "PlannerPlanList"},
    {193, "PlannerTaskList"},
    {194, "PlannerTenantSettings"},
    {195, "ProjectForTheWebProject"},
    {196, "ProjectForTheWebTask"},
    {197, "ProjectForTheWebRoadmap"},
    {198, "ProjectForTheWebRoadmapItem"},
    {199, "ProjectForTheWebProjectSettings"},
    {200, "ProjectForTheWebRoadmapSettings"},
    {216, "VivaGoals"},
    {217, "MicrosoftGraphDataConnectConsent"},
    {218, "AttackSimAdmin"},
    {230, "TeamsUpdates"},
    {231, "PlannerRosterSensitivityLabel"},
    {237, "DefenderExpertsforXDRAdmin"},
    {251, "VfamCreatePolicy"},
    {252, "VfamUpdatePolicy"},
    {253, "VfamDeletePolicy"},
    {261, "CopilotInteraction"},
    {287, "ProjectForTheWebAssignedToMeSettings"},
};

// Exchange mailbox LogonType. The schema's name for 2 is "Delegated";
// Search-MailboxAuditLog and Sentinel print "Delegate", which tern displays.
constexpr EnumName kLogonTypes[] = {
    {0, "Owner"},         {1, "Admin"},      {2, "Delegate"},       {3, "Transport"},
    {4, "SystemService"}, {5, "BestAccess"}, {6, "DelegatedAdmin"},
};
constexpr EnumName kLogonTypeAliases[] = {
    {2, "Delegated"},
};

// Common-schema UserType; 9 and 10 come from Graph's auditLogUserType, which
// continues the same numbering.
constexpr EnumName kUserTypes[] = {
    {0, "Regular"},           {1, "Reserved"},     {2, "Admin"},
    {3, "DcAdmin"},           {4, "System"},       {5, "Application"},
    {6, "ServicePrincipal"},  {7, "CustomPolicy"}, {8, "SystemPolicy"},
    {9, "PartnerTechnician"}, {10, "Guest"},
};

template <size_t N>
constexpr bool IsSortedByValue(const EnumName (&table)[N]) {
  for (size_t i = 1; i < N; ++i) {
    if (table[i - 1].value >= table[i].value) return false;
  }
  return true;
}
static_assert(IsSortedByValue(kRecordTypes), "binary search needs ascending unique values");
static_assert(IsSortedByValue(kLogonTypes), "binary search needs ascending unique values");
static_assert(IsSortedByValue(kUserTypes), "binary search needs ascending unique values");

template <size_t N>
std::string_view NameOf(const EnumName (&table)[N], int32_t value) {
  const EnumName* it =
      std::lower_bound(std::begin(table), std::end(table), value,
                       [](const EnumName& entry, int32_t wanted) { return entry.value < wanted; });
  if (it == std::end(table) || it->value != value) return "";
  return it->name;
}

template <size_t N>
std::optional<int32_t> ValueOf(const EnumName (&table)[N], std::string_view name) {
  for (const EnumName& entry : table) {
    if (EqualsIgnoreCase(entry.name, name)) return entry.value;
  }
  return std::nullopt;
}

// "50" -> 50. Only plain non-negative decimal numbers: these enums have no
// negative members, and "+5" or "0x5" never occur in exports.
std::optional<int32_t> ParseEnumNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return std::nullopt;
  }
  int32_t value = 0;
  const std::from_chars_result result =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) {
    return std::nullopt;  // more than int32_t holds
  }
  return value;
}

template <size_t N>
std::optional<int32_t> ParseEnum(const EnumName (&table)[N], std::string_view text) {
  const std::string_view trimmed = TrimAsciiWhitespace(text);
  if (std::optional<int32_t> number = ParseEnumNumber(trimmed)) return number;
  return ValueOf(table, trimmed);
}

}  // namespace

std::string_view RecordTypeName(int32_t record_type) { return NameOf(kRecordTypes, record_type); }

std::optional<int32_t> ParseRecordType(std::string_view text) {
  return ParseEnum(kRecordTypes, text);
}

std::string_view LogonTypeName(int32_t logon_type) { return NameOf(kLogonTypes, logon_type); }

std::optional<int32_t> ParseLogonType(std::string_view text) {
  if (std::optional<int32_t> value = ParseEnum(kLogonTypes, text)) return value;
  return ValueOf(kLogonTypeAliases, TrimAsciiWhitespace(text));
}

std::string_view UserTypeName(int32_t user_type) { return NameOf(kUserTypes, user_type); }

std::optional<int32_t> ParseUserType(std::string_view text) { return ParseEnum(kUserTypes, text); }

}  // namespace tern
