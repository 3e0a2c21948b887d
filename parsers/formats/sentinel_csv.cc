// sentinel-csv: the Microsoft Sentinel OfficeActivity table exported from
// Log Analytics as CSV (FORMATS.md §5.3; shared/samples has two real ones).
//
// One row per UAL record, its fields spread over ~130 columns named after
// the AuditData keys with Sentinel's renames (OfficeId, OfficeWorkload,
// OfficeObjectId, Logon_Type, Client_IPAddress, "TimeGenerated [UTC]").
// Nested values (Folders, Item, AffectedItems, Parameters, ...) are JSON
// text, pretty-printed with CRLF inside quoted cells.
//
// Decisions, from the training-lab sample (266 rows):
//  * Record id: OfficeId, which equals SourceRecordId in every row and has
//    the shape of a UAL Id (…-08d90a528ec7); SourceRecordId is the fallback.
//  * Time: "TimeGenerated [UTC]". For OfficeActivity Sentinel sets it to
//    the record's CreationTime, so it is the event time, not flagged.
//    "Start_Time [UTC]" and "ElevationTime [UTC]" are equal in every row and
//    lie 7–9 minutes after TimeGenerated: they are filled at collection, and
//    are used (flagged kFlagTimeFromWrapper, one warning per file) only when
//    a file has no TimeGenerated, as the inbox-rule sample has not.
//  * Dates look like "4/28/2021, 2:54:37.000 PM"; the day/month order is
//    resolved per file like every other culture-formatted date.
#include <memory>
#include <string>
#include <string_view>

#include "core/ingest/parser.h"
#include "core/model/event.h"
#include "parsers/csv_parsers.h"
#include "parsers/flat_csv.h"
#include "parsers/flat_record.h"

namespace tern {
namespace {

// Sentinel column -> AuditData key. Columns that only repeat another
// (OrganizationId_, UserId_, ClientIP_) or describe the Sentinel workspace
// (TenantId, SourceSystem, Type, _ResourceId) are left to the raw record.
constexpr FlatColumn kSentinelColumns[] = {
    {"OfficeId", "Id"},
    {"SourceRecordId", "Id"},
    {"RecordType", "RecordType"},
    {"Operation", "Operation"},
    {"OfficeWorkload", "Workload"},
    {"ResultStatus", "ResultStatus"},
    {"OrganizationId", "OrganizationId"},
    {"UserType", "UserType"},
    {"UserKey", "UserKey"},
    {"OfficeObjectId", "ObjectId"},
    {"UserId", "UserId"},
    {"ClientIP", "ClientIP"},
    {"Client_IPAddress", "ClientIPAddress"},
    {"ClientIPAddress", "ClientIPAddress"},
    {"ActorIpAddress", "ActorIpAddress"},
    {"UserAgent", "UserAgent"},
    {"ExternalAccess", "ExternalAccess"},
    {"OriginatingServer", "OriginatingServer"},
    {"OrganizationName", "OrganizationName"},
    {"Logon_Type", "LogonType"},
    {"LogonType", "LogonType"},
    {"InternalLogonType", "InternalLogonType"},
    {"MailboxGuid", "MailboxGuid"},
    {"MailboxOwnerUPN", "MailboxOwnerUPN"},
    {"MailboxOwnerSid", "MailboxOwnerSid"},
    {"MailboxOwnerMasterAccountSid", "MailboxOwnerMasterAccountSid"},
    {"LogonUserSid", "LogonUserSid"},
    {"LogonUserDisplayName", "LogonUserDisplayName"},
    {"ClientInfoString", "ClientInfoString"},
    {"ClientMachineName", "ClientMachineName"},
    {"ClientProcessName", "ClientProcessName"},
    {"ClientVersion", "ClientVersion"},
    {"SessionId", "SessionId"},
    {"AppId", "AppId"},
    {"ClientAppId", "ClientAppId"},
    {"Folder", "Folder"},
    {"DestFolder", "DestFolder"},
    {"Folders", "Folders"},
    {"AffectedItems", "AffectedItems"},
    {"Item", "Item"},
    {"Parameters", "Parameters"},
    {"OperationProperties", "OperationProperties"},
    {"ModifiedProperties", "ModifiedProperties"},
    {"ExtendedProperties", "ExtendedProperties"},
    {"ModifiedObjectResolvedName", "ModifiedObjectResolvedName"},
    {"CrossMailboxOperations", "CrossMailboxOperations"},
    {"DestMailboxId", "DestMailboxId"},
    {"DestMailboxOwnerUPN", "DestMailboxOwnerUPN"},
    {"DestMailboxOwnerSid", "DestMailboxOwnerSid"},
    {"SendAsUserSmtp", "SendAsUserSmtp"},
    {"SendAsUserMailboxGuid", "SendAsUserMailboxGuid"},
    {"SendOnBehalfOfUserSmtp", "SendOnBehalfOfUserSmtp"},
    {"SendonBehalfOfUserMailboxGuid", "SendOnBehalfOfUserMailboxGuid"},
};

// OfficeWorkload is Sentinel's own rename of Workload; with the id or time
// columns beside it, and no AuditData column, the table is unmistakable.
constexpr std::string_view kRequired[] = {
    "OfficeWorkload", "OfficeId|SourceRecordId|TimeGenerated [UTC]|TimeGenerated"};
constexpr std::string_view kAbsent[] = {"AuditData"};

constexpr FlatCsvFormat kSentinelCsv = {
    .name = "sentinel-csv",
    .description = "Microsoft Sentinel OfficeActivity table exported from Log Analytics as CSV",
    .required = kRequired,
    .absent = kAbsent,
    .confidence = 95,
    .columns = kSentinelColumns,
    .time = "TimeGenerated [UTC]|TimeGenerated",
    .late_time = "Start_Time [UTC]|Start_Time|ElevationTime [UTC]|ElevationTime",
    .late_time_warning =
        "no TimeGenerated column; event times are taken from '{column}', "
        "which Sentinel fills at collection (minutes after the event)",
};

}  // namespace

std::unique_ptr<Parser> MakeSentinelCsvParser() { return MakeFlatCsvParser(kSentinelCsv); }

}  // namespace tern
