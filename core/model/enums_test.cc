#include "core/model/enums.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace tern {
namespace {

struct Named {
  int32_t value;
  std::string_view name;
};

TEST(RecordTypeTest, NamesOfMailboxAndCommonTypes) {
  // Values checked against office-365-management-activity-api-schema.md.
  const Named cases[] = {
      {1, "ExchangeAdmin"},
      {2, "ExchangeItem"},
      {3, "ExchangeItemGroup"},
      {4, "SharePoint"},
      {6, "SharePointFileOperation"},
      {7, "OneDrive"},
      {8, "AzureActiveDirectory"},
      {9, "AzureActiveDirectoryAccountLogon"},
      {14, "SharePointSharingOperation"},
      {15, "AzureActiveDirectoryStsLogon"},
      {18, "SecurityComplianceCenterEOPCmdlet"},
      {19, "ExchangeAggregatedOperation"},
      {20, "PowerBIAudit"},
      {24, "Discovery"},
      {25, "MicrosoftTeams"},
      {28, "ThreatIntelligence"},
      {36, "SharePointListOperation"},
      {40, "SecurityComplianceAlerts"},
      {41, "ThreatIntelligenceUrl"},
      {47, "ThreatIntelligenceAtpContent"},
      {50, "ExchangeItemAggregated"},
      {52, "DataInsightsRestApiAudit"},
      {54, "SharePointListItemOperation"},
      {64, "AirInvestigation"},
      {78, "WDATPAlerts"},
      {101, "ExchangeSearch"},
      {154, "OMEPortal"},
      {261, "CopilotInteraction"},
  };
  for (const Named& c : cases) {
    EXPECT_EQ(RecordTypeName(c.value), c.name) << c.value;
    EXPECT_EQ(ParseRecordType(c.name), c.value) << c.name;
  }
}

TEST(RecordTypeTest, UnknownNumbersHaveNoName) {
  for (int32_t value : {0, 5, 12, 26, 27, 74, 155, 462, 463, -1, INT32_MIN, INT32_MAX}) {
    EXPECT_EQ(RecordTypeName(value), "") << value;
  }
}

TEST(RecordTypeTest, EveryNamedValueRoundTrips) {
  int named = 0;
  for (int32_t value = -5; value < 1000; ++value) {
    const std::string_view name = RecordTypeName(value);
    if (name.empty()) continue;
    ++named;
    EXPECT_EQ(ParseRecordType(name), value) << name;
  }
  EXPECT_GE(named, 130);
}

TEST(RecordTypeTest, ParseAcceptsAnyCaseAndNumbers) {
  EXPECT_EQ(ParseRecordType("exchangeItemAggregated"), 50);  // Graph camelCase
  EXPECT_EQ(ParseRecordType("EXCHANGEADMIN"), 1);
  EXPECT_EQ(ParseRecordType("exchangeitemgroup"), 3);
  EXPECT_EQ(ParseRecordType("vivaGoals"), 216);
  EXPECT_EQ(ParseRecordType(" ExchangeItem "), 2);
  EXPECT_EQ(ParseRecordType("50"), 50);
  EXPECT_EQ(ParseRecordType("2"), 2);
  EXPECT_EQ(ParseRecordType("007"), 7);
  // Unknown numbers stay numbers (FORMATS.md 4.3).
  EXPECT_EQ(ParseRecordType("463"), 463);
  EXPECT_EQ(ParseRecordType("0"), 0);
}

TEST(RecordTypeTest, ParseRejects) {
  const std::string_view rejected[] = {
      "",
      " ",
      "Exchange Item",
      "ExchangeItemX",
      "unknownFutureValue",
      "-1",
      "+2",
      "2.0",
      "0x32",
      "2147483648",
      "99999999999999999999",
      std::string_view("2\0", 2),
      std::string_view("ExchangeItem\0", 13),
      "Exchange\xC3\x8Btem",
  };
  for (std::string_view text : rejected) {
    EXPECT_EQ(ParseRecordType(text), std::nullopt) << text;
  }
  EXPECT_EQ(ParseRecordType("2147483647"), INT32_MAX);
  EXPECT_EQ(ParseRecordType(std::string(100000, '9')), std::nullopt);
  EXPECT_EQ(ParseRecordType(std::string(100000, 'x')), std::nullopt);
}

TEST(LogonTypeTest, NamesAndParsing) {
  const Named cases[] = {
      {0, "Owner"},         {1, "Admin"},      {2, "Delegate"},       {3, "Transport"},
      {4, "SystemService"}, {5, "BestAccess"}, {6, "DelegatedAdmin"},
  };
  for (const Named& c : cases) {
    EXPECT_EQ(LogonTypeName(c.value), c.name) << c.value;
    EXPECT_EQ(ParseLogonType(c.name), c.value) << c.name;
    EXPECT_EQ(ParseLogonType(std::to_string(c.value)), c.value);
  }
  EXPECT_EQ(ParseLogonType("Delegated"), 2);  // schema spelling
  EXPECT_EQ(ParseLogonType("delegate"), 2);
  EXPECT_EQ(ParseLogonType("OWNER"), 0);
  EXPECT_EQ(ParseLogonType("delegatedadmin"), 6);
  EXPECT_EQ(ParseLogonType(" Admin "), 1);
  EXPECT_EQ(ParseLogonType("9"), 9);
  EXPECT_EQ(LogonTypeName(7), "");
  EXPECT_EQ(LogonTypeName(-1), "");
  EXPECT_EQ(ParseLogonType(""), std::nullopt);
  EXPECT_EQ(ParseLogonType("Delegates"), std::nullopt);
  EXPECT_EQ(ParseLogonType("Regular"), std::nullopt);
}

TEST(UserTypeTest, NamesAndParsing) {
  const Named cases[] = {
      {0, "Regular"},           {1, "Reserved"},     {2, "Admin"},
      {3, "DcAdmin"},           {4, "System"},       {5, "Application"},
      {6, "ServicePrincipal"},  {7, "CustomPolicy"}, {8, "SystemPolicy"},
      {9, "PartnerTechnician"}, {10, "Guest"},
  };
  for (const Named& c : cases) {
    EXPECT_EQ(UserTypeName(c.value), c.name) << c.value;
    EXPECT_EQ(ParseUserType(c.name), c.value) << c.name;
    EXPECT_EQ(ParseUserType(std::to_string(c.value)), c.value);
  }
  // Graph camelCase and the FORMATS.md spelling.
  EXPECT_EQ(ParseUserType("dcAdmin"), 3);
  EXPECT_EQ(ParseUserType("DCAdmin"), 3);
  EXPECT_EQ(ParseUserType("servicePrincipal"), 6);
  EXPECT_EQ(ParseUserType("partnerTechnician"), 9);
  EXPECT_EQ(ParseUserType("guest"), 10);
  EXPECT_EQ(UserTypeName(11), "");
  EXPECT_EQ(ParseUserType("Owner"), std::nullopt);
  EXPECT_EQ(ParseUserType("unknownFutureValue"), std::nullopt);
}

}  // namespace
}  // namespace tern
