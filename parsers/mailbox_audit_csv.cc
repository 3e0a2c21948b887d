// mailbox-audit-csv: Search-MailboxAuditLog -ShowDetails saved with
// Export-Csv (FORMATS.md §3.1), the legacy per-mailbox audit log that case
// files still hold (Microsoft-Extractor-Suite's Get-MailboxAuditLogLegacy,
// Hawk, hand-run PowerShell, on-premises Exchange).
//
// Decisions:
//  * Time: LastAccessed, the event time, culture-formatted ("1/4/2019
//    3:04:05 PM"); its day/month order is resolved per file. It is the
//    record's own time, so it is not flagged kFlagTimeFromWrapper. It is
//    read as UTC (Exchange Online returns UTC DateTimes; an on-premises
//    export in local time would be off by the server's offset).
//  * Record id: none. Identity is the audit item's store id, not a UAL Id,
//    so record_id stays empty and the ingester derives a content id.
//  * Actor: the log has no UserId. For an Owner logon the actor is by
//    definition the mailbox owner, so actor_upn = MailboxOwnerUPN; for other
//    logons only LogonUserDisplayName / LogonUserSid are known.
//  * Workload is "Exchange"; RecordType stays unknown (the legacy log has
//    none, and detections key on Operation).
//  * FolderPathName/ItemSubject/ItemId/ItemInternetMessageId become Folder
//    and Item as in UAL records; OperationProperties "Name:Value" words
//    become Name/Value pairs; AggregatedRecordFoldersData (JSON) becomes
//    Folders. Multi-valued SourceItem*List columns are kept in the raw
//    record only: Export-Csv renders them as type names or joined text.
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

constexpr FlatColumn kMailboxAuditColumns[] = {
    {"Operation", "Operation"},
    {"OperationResult", "ResultStatus"},
    {"LogonType", "LogonType"},
    {"InternalLogonType", "InternalLogonType"},
    {"ExternalAccess", "ExternalAccess"},
    {"MailboxGuid", "MailboxGuid"},
    {"MailboxOwnerUPN", "MailboxOwnerUPN"},
    {"MailboxOwnerSid", "MailboxOwnerSid"},
    {"MailboxResolvedOwnerName", "MailboxResolvedOwnerName"},
    {"LogonUserDisplayName", "LogonUserDisplayName"},
    {"LogonUserDN", "LogonUserDisplayName"},
    {"LogonUserSid", "LogonUserSid"},
    {"ClientIP", "ClientIP"},
    {"ClientIPAddress", "ClientIPAddress"},
    {"ClientInfoString", "ClientInfoString"},
    {"ClientMachineName", "ClientMachineName"},
    {"ClientProcessName", "ClientProcessName"},
    {"ClientVersion", "ClientVersion"},
    {"SessionId", "SessionId"},
    {"AppId", "AppId"},
    {"ClientAppId", "ClientAppId"},
    {"OriginatingServer", "OriginatingServer"},
    {"CrossMailboxOperation", "CrossMailboxOperation"},
    {"DestMailboxGuid", "DestMailboxId"},
    {"DestMailboxOwnerUPN", "DestMailboxOwnerUPN"},
    {"DestMailboxOwnerSid", "DestMailboxOwnerSid"},
    {"OperationProperties", "OperationProperties", FlatKind::kNameValueTokens},
    {"AuditOperationsCountInAggregatedRecord", "OperationCount"},
    {"AggregatedRecordFoldersData", "Folders"},
    {"FolderPathName", "Folder.Path"},
    {"FolderId", "Folder.Id"},
    {"DestFolderPathName", "DestFolder.Path"},
    {"DestFolderId", "DestFolder.Id"},
    {"ItemId", "Item.Id"},
    {"ItemSubject", "Item.Subject"},
    {"ItemInternetMessageId", "Item.InternetMessageId"},
    {"ItemAttachments", "Item.Attachments"},
};

class MailboxAuditCsvParser : public Parser {
 public:
  std::string_view name() const override { return "mailbox-audit-csv"; }
  std::string_view description() const override {
    return "Search-MailboxAuditLog -ShowDetails output saved with Export-Csv";
  }
  // LastAccessed is unique to this log; with the mailbox columns beside it
  // and no AuditData/Sentinel columns it is decisive.
  int Sniff(std::string_view head) const override {
    std::optional<CsvHead> csv = ReadCsvHead(head);
    if (!csv) return 0;
    const CsvHeader& h = csv->header;
    if (!h.Has("LastAccessed") || !h.Has("Operation")) return 0;
    if (h.Has("AuditData") || h.Has("OfficeWorkload")) return 0;
    if (h.Find({"MailboxOwnerUPN", "MailboxGuid", "LogonType", "MailboxResolvedOwnerName"}) < 0) {
      return 0;
    }
    return 90;
  }
  absl::Status Parse(ByteStream& text, ParseContext& ctx) const override;
};

absl::Status MailboxAuditCsvParser::Parse(ByteStream& text, ParseContext& ctx) const {
  CsvReader reader(&text, CsvOptionsFor(ctx));
  TERN_ASSIGN_OR_RETURN(const bool has_header, reader.Next());
  if (!has_header) return absl::OkStatus();
  const CsvHeader header(reader.fields());
  const FlatSchema schema(header, kMailboxAuditColumns);
  const int time_col = header.Find({"LastAccessed"});
  const int folder_col = header.Find({"FolderPathName"});

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
    if (event.workload.empty()) event.workload = "Exchange";
    if (event.actor_upn.empty() && event.logon_type == kLogonOwner) {
      event.actor_upn = event.mailbox_upn;
    }
    // The item sits in the folder the operation names.
    if (folder_col >= 0) {
      for (MailItem& item : event.items) {
        if (item.folder.empty()) item.folder = std::string(reader.field(folder_col));
      }
    }
    const std::string_view date = time_col >= 0 ? reader.field(time_col) : std::string_view();
    out.Observe(date, std::nullopt, line);
    TERN_RETURN_IF_ERROR(out.EmitDated(std::move(event), reader.raw(), line, index, date, 0));
  }
  return out.Finish();
}

}  // namespace

std::unique_ptr<Parser> MakeMailboxAuditCsvParser() {
  return std::make_unique<MailboxAuditCsvParser>();
}

}  // namespace tern
