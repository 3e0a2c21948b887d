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

#include "core/ingest/parser.h"
#include "core/model/event.h"
#include "parsers/csv_parsers.h"
#include "parsers/flat_csv.h"
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
    // ModifyFolderPermissions / AddFolderPermissions: who got which rights
    // (kept in Event::extra, where the permission rule reads them).
    {"MemberRights", "MemberRights"},
    {"MemberUpn", "MemberUpn"},
    {"MemberSid", "MemberSid"},
};

// LastAccessed is unique to this log; with the mailbox columns beside it
// and no AuditData column it is decisive.
constexpr std::string_view kRequired[] = {
    "LastAccessed", "Operation", "MailboxOwnerUPN|MailboxGuid|LogonType|MailboxResolvedOwnerName"};
constexpr std::string_view kAbsent[] = {"AuditData"};

// The legacy log's implicit facts: every record is Exchange's, an owner
// logon is the mailbox owner acting, and the item sits in the folder the
// operation names.
void CompleteMailboxAudit(const FlatRow& row, Event* event) {
  if (event->workload.empty()) event->workload = "Exchange";
  if (event->actor_upn.empty() && event->logon_type == kLogonOwner) {
    event->actor_upn = event->mailbox_upn;
  }
  const std::string_view folder = row.Cell("FolderPathName");
  for (MailItem& item : event->items) {
    if (item.folder.empty()) item.folder = std::string(folder);
  }
}

constexpr FlatCsvFormat kMailboxAuditCsv = {
    .name = "mailbox-audit-csv",
    .description = "Search-MailboxAuditLog -ShowDetails output saved with Export-Csv",
    .required = kRequired,
    .absent = kAbsent,
    .confidence = 90,
    .columns = kMailboxAuditColumns,
    .time = "LastAccessed",
    .complete = CompleteMailboxAudit,
};

}  // namespace

std::unique_ptr<Parser> MakeMailboxAuditCsvParser() { return MakeFlatCsvParser(kMailboxAuditCsv); }

}  // namespace tern
