// ual-flat-csv: AuditData already spread into columns, one per key
// (CreationTime, Id, Operation, UserId, ClientIP, ...), with no AuditData
// column. Microsoft-Extractor-Suite writes it with `Get-UAL -AuditDataOnly
// -Output CSV` (FORMATS.md §5.2), and analysts produce it by expanding
// AuditData in Excel/Power Query and saving as CSV.
//
// Columns are named after AuditData keys, so the alias table is mostly the
// identity. Nested values arrive as JSON when a tool serialized them, or as
// PowerShell text ("@{Id=...; Path=...}", "System.Object[]") when
// Export-Csv flattened an object; the latter carry nothing usable and are
// dropped (the raw record keeps them).
//
// Time: CreationTime. It is ISO-8601 when copied as text, culture-formatted
// when PowerShell 7's ConvertFrom-Json turned it into a DateTime first; both
// are read, the day/month order resolved per file. Record id: Id.
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

constexpr FlatColumn kAuditDataColumns[] = {
    {"Id", "Id"},
    {"RecordType", "RecordType"},
    {"Operation", "Operation"},
    {"Operations", "Operation"},
    {"Workload", "Workload"},
    {"ResultStatus", "ResultStatus"},
    {"OrganizationId", "OrganizationId"},
    {"UserId", "UserId"},
    {"UserIds", "UserId"},
    {"UserType", "UserType"},
    {"UserKey", "UserKey"},
    {"ObjectId", "ObjectId"},
    {"ClientIP", "ClientIP"},
    {"ClientIPAddress", "ClientIPAddress"},
    {"ActorIpAddress", "ActorIpAddress"},
    {"ClientInfoString", "ClientInfoString"},
    {"UserAgent", "UserAgent"},
    {"ExternalAccess", "ExternalAccess"},
    {"LogonType", "LogonType"},
    {"InternalLogonType", "InternalLogonType"},
    {"LogonUserSid", "LogonUserSid"},
    {"LogonUserDisplayName", "LogonUserDisplayName"},
    {"MailboxGuid", "MailboxGuid"},
    {"MailboxOwnerUPN", "MailboxOwnerUPN"},
    {"MailboxOwnerSid", "MailboxOwnerSid"},
    {"SessionId", "SessionId"},
    {"AppId", "AppId"},
    {"ClientAppId", "ClientAppId"},
    {"AppAccessContext", "AppAccessContext"},
    {"ClientProcessName", "ClientProcessName"},
    {"ClientVersion", "ClientVersion"},
    {"OriginatingServer", "OriginatingServer"},
    {"OrganizationName", "OrganizationName"},
    {"Parameters", "Parameters"},
    {"OperationProperties", "OperationProperties"},
    {"Item", "Item"},
    {"AffectedItems", "AffectedItems"},
    {"Folders", "Folders"},
    {"Folder", "Folder"},
    {"DestFolder", "DestFolder"},
    {"Messages", "Messages"},
    {"ExtendedProperties", "ExtendedProperties"},
    {"ModifiedProperties", "ModifiedProperties"},
    {"ModifiedObjectResolvedName", "ModifiedObjectResolvedName"},
    {"SendAsUserSmtp", "SendAsUserSmtp"},
    {"SendOnBehalfOfUserSmtp", "SendOnBehalfOfUserSmtp"},
    {"DestMailboxOwnerUPN", "DestMailboxOwnerUPN"},
    {"CrossMailboxOperation", "CrossMailboxOperation"},
    {"OperationCount", "OperationCount"},
    {"Version", "Version"},
};

// CreationTime + Operation + the record identity keys, and no AuditData
// column (that would be a Purview or Export-Csv file).
constexpr std::string_view kRequired[] = {"CreationTime", "Operation", "Id",
                                          "RecordType|Workload|UserId"};
constexpr std::string_view kAbsent[] = {"AuditData"};

constexpr FlatCsvFormat kUalFlatCsv = {
    .name = "ual-flat-csv",
    .description =
        "AuditData expanded into one column per key (Get-UAL -AuditDataOnly CSV, "
        "spreadsheet-expanded exports)",
    .required = kRequired,
    .absent = kAbsent,
    .confidence = 80,
    .columns = kAuditDataColumns,
    .time = "CreationTime|CreationDate",
};

}  // namespace

std::unique_ptr<Parser> MakeUalFlatCsvParser() { return MakeFlatCsvParser(kUalFlatCsv); }

}  // namespace tern
