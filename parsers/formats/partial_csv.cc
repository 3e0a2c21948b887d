// partial-csv: some columns of an audit record, as analysts export them from
// a KQL query (Sentinel / Log Analytics `project TimeGenerated, UserId,
// ClientIP, Operation, Parameters`), a SIEM search or a spreadsheet: no
// AuditData, no full column set. msticpy's demo data is such a file
// (fixtures/formats/csv/msticpy_demo_exchange_data_excerpt.csv).
//
// Decisions:
//  * Columns are recognized by name in the spellings of the UAL, of
//    Sentinel's OfficeActivity and of common SIEM exports (TimeGenerated,
//    CreationTime, TimeCreated; UserId, UserPrincipalName, UserKey; ClientIP,
//    Client_IPAddress, IPAddress; Operation, OperationName; ...). When several
//    columns can feed a field, the first non-empty one in table order wins.
//  * Parameters (and OperationProperties) may be JSON, PowerShell command-line
//    text or "Name:Value" words.
//  * UserKey (a PUID or SID in the UAL, sometimes the UPN) is the actor only
//    when no UserId-like column has a value for the record.
//  * A field without a column is left empty, and one "partial-columns"
//    warning per file names what is missing, so custody says which analyses
//    were limited. Without an Id the ingester derives a content id.
//  * Confidence 40: a file that a specific format recognizes goes there.
#include <memory>
#include <string_view>

#include "core/ingest/parser.h"
#include "parsers/flat_csv.h"
#include "parsers/flat_record.h"

namespace tern {
namespace {

constexpr std::string_view kTime =
    "TimeGenerated [UTC]|TimeGenerated|CreationTime|CreationDate|TimeCreated|Timestamp|"
    "EventTime|createdDateTime|_time|@timestamp";
constexpr std::string_view kOperation = "Operation|Operations|OperationName";
constexpr std::string_view kUser = "UserId|UserIds|UserPrincipalName|UserKey";
constexpr std::string_view kIp =
    "ClientIP|ClientIPAddress|Client_IPAddress|ActorIpAddress|IPAddress|SourceIP|CallerIpAddress";

constexpr FlatColumn kColumns[] = {
    {"Id", "Id"},
    {"OfficeId", "Id"},
    {"SourceRecordId", "Id"},
    {"RecordId", "Id"},
    {"RecordType", "RecordType"},
    {"Operation", "Operation"},
    {"Operations", "Operation"},
    {"OperationName", "Operation"},
    {"Workload", "Workload"},
    {"OfficeWorkload", "Workload"},
    {"ResultStatus", "ResultStatus"},
    {"OrganizationId", "OrganizationId"},
    {"OrganizationName", "OrganizationName"},
    {"UserId", "UserId"},
    {"UserIds", "UserId"},
    {"UserPrincipalName", "UserId"},
    {"UserKey", "UserId"},
    {"UserKey", "UserKey"},
    {"UserType", "UserType"},
    {"ClientIP", "ClientIP"},
    {"IPAddress", "ClientIP"},
    {"SourceIP", "ClientIP"},
    {"CallerIpAddress", "ClientIP"},
    {"ClientIPAddress", "ClientIPAddress"},
    {"Client_IPAddress", "ClientIPAddress"},
    {"ActorIpAddress", "ActorIpAddress"},
    {"ClientInfoString", "ClientInfoString"},
    {"UserAgent", "UserAgent"},
    {"ExternalAccess", "ExternalAccess"},
    {"LogonType", "LogonType"},
    {"Logon_Type", "LogonType"},
    {"InternalLogonType", "InternalLogonType"},
    {"LogonUserSid", "LogonUserSid"},
    {"LogonUserDisplayName", "LogonUserDisplayName"},
    {"MailboxGuid", "MailboxGuid"},
    {"MailboxOwnerUPN", "MailboxOwnerUPN"},
    {"MailboxOwnerSid", "MailboxOwnerSid"},
    {"SessionId", "SessionId"},
    {"AppId", "AppId"},
    {"ClientAppId", "ClientAppId"},
    {"ClientProcessName", "ClientProcessName"},
    {"ClientVersion", "ClientVersion"},
    {"OriginatingServer", "OriginatingServer"},
    {"ObjectId", "ObjectId"},
    {"OfficeObjectId", "ObjectId"},
    {"Parameters", "Parameters", FlatKind::kNameValueList},
    {"OperationProperties", "OperationProperties", FlatKind::kNameValueList},
    {"ExtendedProperties", "ExtendedProperties"},
    {"ModifiedProperties", "ModifiedProperties"},
    {"Item", "Item"},
    {"AffectedItems", "AffectedItems"},
    {"Folders", "Folders"},
    {"Folder", "Folder"},
    {"DestFolder", "DestFolder"},
    {"SendAsUserSmtp", "SendAsUserSmtp"},
    {"SendOnBehalfOfUserSmtp", "SendOnBehalfOfUserSmtp"},
    {"DestMailboxOwnerUPN", "DestMailboxOwnerUPN"},
    {"CrossMailboxOperation", "CrossMailboxOperation"},
    {"OperationCount", "OperationCount"},
};

// A time, an operation and one more audit column; AuditData would make it
// a full export.
constexpr std::string_view kRequired[] = {
    kTime, kOperation,
    "UserId|UserIds|UserPrincipalName|UserKey|ClientIP|ClientIPAddress|Client_IPAddress|"
    "ActorIpAddress|IPAddress|SourceIP|CallerIpAddress|Parameters|OperationProperties|"
    "MailboxOwnerUPN|MailboxGuid|OrganizationName|OrganizationId|ObjectId|OfficeObjectId|"
    "RecordType|Workload|OfficeWorkload"};
constexpr std::string_view kAbsent[] = {"AuditData"};

constexpr FlatExpected kExpected[] = {
    {"record Id", "Id|OfficeId|SourceRecordId|RecordId"},
    {"user", kUser},
    {"client IP", kIp},
    {"mailbox", "MailboxOwnerUPN|MailboxGuid"},
    {"logon type", "LogonType|Logon_Type"},
    {"client", "ClientInfoString|UserAgent"},
    {"session", "SessionId"},
    {"workload", "Workload|OfficeWorkload"},
    {"items and folders", "Item|AffectedItems|Folders|Folder"},
};

constexpr FlatCsvFormat kPartialCsv = {
    .name = "partial-csv",
    .description =
        "Some columns of audit records, as exported from a KQL query, a SIEM or a "
        "spreadsheet (TimeGenerated, UserId, ClientIP, Operation, Parameters, ...)",
    .required = kRequired,
    .absent = kAbsent,
    .confidence = 40,
    .columns = kColumns,
    .time = kTime,
    .expected = kExpected,
    .missing_kind = "partial-columns",
    .missing_note =
        "the export holds only some columns of the audit record. Those fields are empty in its "
        "events, and what needs them is limited for these events: de-duplication (a content id "
        "stands in for the record Id), sessions by client IP and mailbox, rules on logon type, "
        "client or items.",
};

}  // namespace

std::unique_ptr<Parser> MakePartialCsvParser() { return MakeFlatCsvParser(kPartialCsv); }

}  // namespace tern
