// The normalized audit event: one record of any supported export, in UTC,
// with its provenance. Plain data, no I/O; thread-compatible.
#ifndef TERN_CORE_MODEL_EVENT_H_
#define TERN_CORE_MODEL_EVENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/time.h"

namespace tern {

// One entry of Parameters / OperationProperties. Real records carry entries
// without a Value ({"Name":"RuleName"}): has_value tells them apart from "".
struct NameValue {
  std::string name;
  std::string value;
  bool has_value = true;

  bool operator==(const NameValue&) const = default;
};

// A mail item an event touched (Item, AffectedItems[], Folders[].FolderItems[]).
struct MailItem {
  std::string subject;
  std::string folder;      // folder path, e.g. "\Inbox" (localized in real data)
  std::string message_id;  // InternetMessageId
  std::string item_id;     // Exchange item Id
  int64_t size_bytes = -1;

  bool operator==(const MailItem&) const = default;
};

// Exchange LogonType (schema doc: 0 Owner, 1 Admin, 2 Delegated, 3 Transport,
// 4 SystemService, 5 BestAccess, 6 DelegatedAdmin). Stored as its number.
enum LogonType : int32_t {
  kLogonUnknown = -1,
  kLogonOwner = 0,
  kLogonAdmin = 1,
  kLogonDelegate = 2,
  kLogonTransport = 3,
  kLogonSystemService = 4,
  kLogonBestAccess = 5,
  kLogonDelegatedAdmin = 6,
};

// Where the record came from. The evidence ordinal is case-local; reports
// translate it into the item's SHA-256 and archive member path.
struct Provenance {
  uint32_t evidence = 0;      // ordinal of the evidence item (file or archive member)
  uint64_t line = 0;          // 1-based line where the record starts
  uint64_t record_index = 0;  // 1-based record number within the item

  bool operator==(const Provenance&) const = default;
};

// Bits of Event::flags: how much to trust the record.
enum EventFlag : uint32_t {
  kFlagAuditDataTruncated = 1u << 0,  // AuditData was cut short; fields are partial
  kFlagTimeFromWrapper = 1u << 1,     // no CreationTime; time from the wrapper column
  kFlagSyntheticId = 1u << 2,         // no Id in the record; record_id is a content hash
  kFlagInvalidUtf8 = 1u << 3,         // the source bytes held invalid UTF-8
  kFlagNoTime = 1u << 4,              // no parseable time at all (time_ms = 0)
};

struct Event {
  TimeMs time_ms = 0;        // UTC
  std::string record_id;     // AuditData Id, lower-cased (the de-duplication key)
  int32_t record_type = -1;  // RecordType number; -1 unknown
  std::string operation;
  std::string workload;
  std::string result_status;
  std::string organization_id;

  // Who acted.
  std::string actor_upn;      // UserId
  std::string actor_sid;      // LogonUserSid
  std::string actor_display;  // LogonUserDisplayName
  int32_t user_type = -1;     // UserType number; -1 unknown
  int32_t logon_type = kLogonUnknown;

  // Which mailbox.
  std::string mailbox_guid;  // lower-cased
  std::string mailbox_upn;   // MailboxOwnerUPN

  // From where, with what.
  std::string client_ip;       // normalized (see core/base/ip.h)
  std::string client_ip_raw;   // as recorded
  std::string client_info;     // ClientInfoString (or user agent)
  std::string session_id;      // SessionId
  std::string aad_session_id;  // AppAccessContext.AADSessionId
  std::string app_id;
  std::string client_app_id;
  int8_t external_access = -1;  // -1 unknown, 0 false, 1 true

  // What.
  std::string object_id;                        // ObjectId (admin: the modified object)
  std::vector<NameValue> parameters;            // ExchangeAdmin Parameters
  std::vector<NameValue> operation_properties;  // OperationProperties
  std::vector<MailItem> items;
  std::vector<std::string> folders;  // folder paths touched, in record order
  // Every AuditData field the typed fields do not hold: detection fields by canonical name first
  // (SendAsUserSmtp, OperationCount, ...), then the rest sorted by dotted path
  // ("Item.ParentFolder.MemberRights", "ExtendedProperties.UserAgent"; parsers/audit_data_dom.h).
  std::vector<NameValue> extra;

  uint32_t flags = 0;
  Provenance provenance;

  // Looks up a NameValue by case-insensitive name in `list`; nullptr if absent.
  static const NameValue* Find(const std::vector<NameValue>& list, std::string_view name);
};

// Whether two records that carry the same Id describe the same audited
// action: every field both of them carry agrees (names and addresses compared
// ignoring ASCII case, times to the second). A field one export shape leaves
// out (a flat CSV without Parameters, a cut-short AuditData) does not count
// against it, so one record in any export shape stays one event.
bool SameRecordContent(const Event& a, const Event& b);

// 16 hex digits (FNV-1a 64) over the identifying fields of `e`, stable across
// versions: the record key suffix of a second, different record that reuses
// an Id already in the case ("<id>~<tag>").
std::string ContentTag(const Event& e);

}  // namespace tern

#endif  // TERN_CORE_MODEL_EVENT_H_
