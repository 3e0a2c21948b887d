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

#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/ingest/parser.h"
#include "parsers/csv_common.h"
#include "parsers/csv_parsers.h"
#include "parsers/csv_reader.h"
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

class UalFlatCsvParser : public Parser {
 public:
  std::string_view name() const override { return "ual-flat-csv"; }
  std::string_view description() const override {
    return "AuditData expanded into one column per key (Get-UAL -AuditDataOnly CSV, "
           "spreadsheet-expanded exports)";
  }
  // CreationTime + Operation + the record identity keys, and none of the
  // columns that mark the other CSV shapes.
  int Sniff(std::string_view head) const override {
    std::optional<CsvHead> csv = ReadCsvHead(head);
    if (!csv) return 0;
    const CsvHeader& h = csv->header;
    if (h.Has("AuditData") || h.Has("OfficeWorkload") || h.Has("LastAccessed")) return 0;
    if (!h.Has("CreationTime") || !h.Has("Operation")) return 0;
    if (!h.Has("Id") || h.Find({"RecordType", "Workload", "UserId"}) < 0) return 0;
    return 80;
  }
  absl::Status Parse(ByteStream& text, ParseContext& ctx) const override;
};

absl::Status UalFlatCsvParser::Parse(ByteStream& text, ParseContext& ctx) const {
  CsvReader reader(&text, CsvOptionsFor(ctx));
  TERN_ASSIGN_OR_RETURN(const bool has_header, reader.Next());
  if (!has_header) return absl::OkStatus();
  const CsvHeader header(reader.fields());
  const FlatSchema schema(header, kAuditDataColumns);
  const int time_col = header.Find({"CreationTime", "CreationDate"});

  DatedEmitter out(ctx);
  std::string scratch;
  uint64_t index = 0;
  for (;;) {
    TERN_ASSIGN_OR_RETURN(const bool more, reader.Next());
    if (!more) break;
    ++index;
    const uint64_t line = reader.line();
    if (RejectMalformed(reader, ctx)) continue;
    if (AllCellsEmpty(reader.fields())) continue;
    Event event;
    absl::Status status = NormalizeFlatRecord(schema, reader.fields(), &event, &scratch);
    if (!status.ok()) {
      ctx.Reject(line, ToStd(status.message()));
      continue;
    }
    const std::string_view date = time_col >= 0 ? reader.field(time_col) : std::string_view();
    out.Observe(date, std::nullopt, line);
    TERN_RETURN_IF_ERROR(out.EmitDated(std::move(event), reader.raw(), line, index, date, 0));
  }
  return out.Finish();
}

}  // namespace

std::unique_ptr<Parser> MakeUalFlatCsvParser() { return std::make_unique<UalFlatCsvParser>(); }

}  // namespace tern
