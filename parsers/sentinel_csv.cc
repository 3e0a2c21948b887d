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

#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/ingest/parser.h"
#include "parsers/csv_common.h"
#include "parsers/csv_parsers.h"
#include "parsers/csv_reader.h"
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

class SentinelCsvParser : public Parser {
 public:
  std::string_view name() const override { return "sentinel-csv"; }
  std::string_view description() const override {
    return "Microsoft Sentinel OfficeActivity table exported from Log Analytics as CSV";
  }
  // OfficeWorkload is Sentinel's own rename of Workload; with the id or time
  // columns beside it, and no AuditData column, the table is unmistakable.
  int Sniff(std::string_view head) const override {
    std::optional<CsvHead> csv = ReadCsvHead(head);
    if (!csv) return 0;
    const CsvHeader& h = csv->header;
    if (h.Has("AuditData") || !h.Has("OfficeWorkload")) return 0;
    if (h.Find({"OfficeId", "SourceRecordId", "TimeGenerated [UTC]", "TimeGenerated"}) < 0) {
      return 0;
    }
    return 95;
  }
  absl::Status Parse(ByteStream& text, ParseContext& ctx) const override;
};

absl::Status SentinelCsvParser::Parse(ByteStream& text, ParseContext& ctx) const {
  CsvReader reader(&text, CsvOptionsFor(ctx));
  TERN_ASSIGN_OR_RETURN(const bool has_header, reader.Next());
  if (!has_header) return absl::OkStatus();
  const CsvHeader header(reader.fields());
  const FlatSchema schema(header, kSentinelColumns);
  const int time_col = header.Find({"TimeGenerated [UTC]", "TimeGenerated"});
  const int late_col =
      header.Find({"Start_Time [UTC]", "Start_Time", "ElevationTime [UTC]", "ElevationTime"});
  if (time_col < 0 && late_col >= 0) {
    ctx.Warn("time-from-wrapper", reader.line(),
             absl::StrCat("no TimeGenerated column; event times are taken from '",
                          ToAbsl(header.names()[late_col]),
                          "', which Sentinel fills at collection (minutes after the event)"));
  }

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
    std::string_view date = time_col >= 0 ? reader.field(time_col) : std::string_view();
    uint32_t flags = 0;
    if (AllCellsEmpty({date}) && late_col >= 0) {
      date = reader.field(late_col);
      flags = kFlagTimeFromWrapper;
    }
    out.Observe(date, std::nullopt, line);
    TERN_RETURN_IF_ERROR(out.EmitDated(std::move(event), reader.raw(), line, index, date, flags));
  }
  return out.Finish();
}

}  // namespace

std::unique_ptr<Parser> MakeSentinelCsvParser() { return std::make_unique<SentinelCsvParser>(); }

}  // namespace tern
