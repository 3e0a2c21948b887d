#include "parsers/audit_data.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/base/escape.h"
#include "core/base/ip.h"
#include "core/base/time.h"
#include "core/model/enums.h"
#include "parsers/audit_data_dom.h"
#include "parsers/json_util.h"

namespace tern {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// The AuditData fields tern keeps. Several keys may feed one field; the key
// with the lowest rank present (and not blank) wins, whatever the key order.
enum Field : uint8_t {
  kId,
  kCreationTime,
  kRecordType,
  kOperation,
  kWorkload,
  kResultStatus,
  kOrganizationId,
  kUserId,
  kLogonUserSid,
  kLogonUserDisplayName,
  kUserType,
  kLogonType,
  kMailboxGuid,
  kMailboxOwnerUpn,
  kClientIp,
  kClientInfo,
  kExtendedProperties,
  kSessionId,
  kAppAccessContext,
  kAppId,
  kClientAppId,
  kExternalAccess,
  kObjectId,
  kParameters,
  kOperationProperties,
  kItem,
  kAffectedItems,
  kFolders,
  kFolder,
  kDestFolder,
  kMessages,
  kFirstExtra,  // from here on: copied into Event::extra under the key name
  kSendAsUserSmtp = kFirstExtra,
  kSendOnBehalfOfUserSmtp,
  kClientProcessName,
  kClientVersion,
  kDestMailboxOwnerUpn,
  kCrossMailboxOperation,
  kCrossMailboxOperations,
  kOperationCount,
  kModifiedObjectResolvedName,
  kOriginatingServer,
  kUserKey,
  kVersion,
  kFieldCount
};

struct KeySpec {
  std::string_view key;  // canonical spelling; matched ignoring ASCII case
  Field field;
  uint8_t rank;
};

// Sentinel OfficeActivity column names are aliases ranked behind the
// AuditData names, so one table serves both shapes.
constexpr KeySpec kKeys[] = {
    {"Id", kId, 0},
    {"OfficeId", kId, 1},
    {"SourceRecordId", kId, 2},
    {"CreationTime", kCreationTime, 0},
    {"RecordType", kRecordType, 0},
    {"Operation", kOperation, 0},
    {"Workload", kWorkload, 0},
    {"OfficeWorkload", kWorkload, 1},
    {"ResultStatus", kResultStatus, 0},
    {"OrganizationId", kOrganizationId, 0},
    {"UserId", kUserId, 0},
    {"LogonUserSid", kLogonUserSid, 0},
    {"LogonUserDisplayName", kLogonUserDisplayName, 0},
    {"UserType", kUserType, 0},
    {"LogonType", kLogonType, 0},
    {"Logon_Type", kLogonType, 1},
    {"MailboxGuid", kMailboxGuid, 0},
    {"MailboxOwnerUPN", kMailboxOwnerUpn, 0},
    // DETECTIONS.md §0.3 precedence; "ClientIp" matches "ClientIP" (case).
    {"ClientIP", kClientIp, 0},
    {"ClientIPAddress", kClientIp, 1},
    {"Client_IPAddress", kClientIp, 1},
    {"ActorIpAddress", kClientIp, 2},
    {"ClientInfoString", kClientInfo, 0},
    {"UserAgent", kClientInfo, 1},
    {"ExtendedProperties", kExtendedProperties, 0},
    {"SessionId", kSessionId, 0},
    {"AppAccessContext", kAppAccessContext, 0},
    {"AppId", kAppId, 0},
    {"ClientAppId", kClientAppId, 0},
    {"ExternalAccess", kExternalAccess, 0},
    {"ObjectId", kObjectId, 0},
    {"OfficeObjectId", kObjectId, 1},
    {"Parameters", kParameters, 0},
    {"OperationProperties", kOperationProperties, 0},
    {"Item", kItem, 0},
    {"AffectedItems", kAffectedItems, 0},
    {"Folders", kFolders, 0},
    {"Folder", kFolder, 0},
    {"DestFolder", kDestFolder, 0},
    {"Messages", kMessages, 0},
    {"SendAsUserSmtp", kSendAsUserSmtp, 0},
    {"SendOnBehalfOfUserSmtp", kSendOnBehalfOfUserSmtp, 0},
    {"ClientProcessName", kClientProcessName, 0},
    {"ClientVersion", kClientVersion, 0},
    {"DestMailboxOwnerUPN", kDestMailboxOwnerUpn, 0},
    {"CrossMailboxOperation", kCrossMailboxOperation, 0},
    {"CrossMailboxOperations", kCrossMailboxOperations, 0},
    {"OperationCount", kOperationCount, 0},
    {"ModifiedObjectResolvedName", kModifiedObjectResolvedName, 0},
    {"OriginatingServer", kOriginatingServer, 0},
    {"UserKey", kUserKey, 0},
    {"Version", kVersion, 0},
};

constexpr size_t kMaxKeyLength = 48;

const KeySpec* LookupKey(std::string_view key) {
  // Built once, never destroyed (style guide: no non-trivial static dtors).
  static const auto* const kIndex = [] {
    auto* index = new absl::flat_hash_map<std::string, const KeySpec*>();
    for (const KeySpec& spec : kKeys) index->emplace(json::Lower(spec.key), &spec);
    return index;
  }();
  if (key.size() > kMaxKeyLength) return nullptr;
  char lower[kMaxKeyLength];
  for (size_t i = 0; i < key.size(); ++i) {
    lower[i] = absl::ascii_tolower(static_cast<unsigned char>(key[i]));
  }
  auto it = kIndex->find(absl::string_view(lower, key.size()));
  return it == kIndex->end() ? nullptr : it->second;
}

// True when the winning key of `field` is fully kept by a typed Event field
// (or already in extra under its canonical name), so flattening it again
// would only grow the store. AppAccessContext, ExtendedProperties, Item,
// Folder and DestFolder are only partly typed: they are flattened too.
bool HeldInTypedField(Field field) {
  switch (field) {
    case kAppAccessContext:
    case kExtendedProperties:
    case kItem:
    case kFolder:
    case kDestFolder:
      return false;
    default:
      return true;
  }
}

// Item leaves that Event::items already holds (AddItem); the rest of Item
// (ParentFolder.MemberRights, Attachments, ...) goes to extra.
constexpr std::string_view kHeldItemPaths[] = {"Item.Id", "Item.Subject", "Item.InternetMessageId",
                                               "Item.SizeInBytes", "Item.ParentFolder.Path"};

std::string_view ExtraName(Field field) {
  for (const KeySpec& spec : kKeys) {
    if (spec.field == field) return spec.key;
  }
  return {};
}

// Calls fn(element) with `e` itself, or with the JSON value a string `e`
// holds (Sentinel and CSV exports keep nested objects as JSON text). A string
// that does not parse is ignored: the raw record keeps it.
template <typename Fn>
void WithDecoded(element e, Fn&& fn) {
  std::optional<std::string_view> text = json::AsString(e);
  if (!text) {
    fn(e);
    return;
  }
  std::string_view t = json::StripLeadingSpace(*text);
  if (t.empty() || (t.front() != '{' && t.front() != '[')) return;
  json::ParserLease lease;
  element inner;
  if (lease.Parse(t).get(inner) != simdjson::SUCCESS) return;
  fn(inner);
}

// Calls fn(element) for each entry of an array, or once for a lone object.
template <typename Fn>
void ForEachEntry(element e, Fn&& fn) {
  WithDecoded(e, [&](element v) {
    simdjson::dom::array arr;
    if (v.get_array().get(arr) == simdjson::SUCCESS) {
      for (element entry : arr) fn(entry);
    } else if (v.is_object()) {
      fn(v);
    }
  });
}

std::string StringField(object obj, std::string_view key) {
  element v;
  if (!json::FindKey(obj, key, &v)) return {};
  return json::ScalarText(v);
}

void ReadNameValues(element e, std::vector<NameValue>* out) {
  ForEachEntry(e, [&](element entry) {
    object obj;
    if (entry.get_object().get(obj) != simdjson::SUCCESS) return;
    NameValue nv;
    nv.name = StringField(obj, "Name");
    element value;
    // {"Name":"RuleName"} (no Value) is real; keep it apart from "".
    if (json::FindKey(obj, "Value", &value) && !value.is_null()) {
      nv.value = json::ScalarText(value);
    } else {
      nv.has_value = false;
    }
    out->push_back(std::move(nv));
  });
}

std::string FolderPath(element e) {
  std::string path;
  WithDecoded(e, [&](element v) {
    object obj;
    if (v.get_object().get(obj) == simdjson::SUCCESS) path = StringField(obj, "Path");
  });
  return path;
}

void AddItem(object obj, std::string_view folder, Event* event) {
  MailItem item;
  item.subject = StringField(obj, "Subject");
  item.message_id = StringField(obj, "InternetMessageId");
  item.item_id = StringField(obj, "Id");
  element v;
  if (json::FindKey(obj, "ParentFolder", &v)) item.folder = FolderPath(v);
  if (item.folder.empty()) item.folder = std::string(folder);
  if (json::FindKey(obj, "SizeInBytes", &v)) {
    if (std::optional<int64_t> size = json::AsInt(v)) item.size_bytes = *size;
  }
  event->items.push_back(std::move(item));
}

void ReadItems(element e, std::string_view folder, Event* event) {
  ForEachEntry(e, [&](element entry) {
    object obj;
    if (entry.get_object().get(obj) == simdjson::SUCCESS) AddItem(obj, folder, event);
  });
}

// Folders[] (Path + FolderItems[]) and Messages[] (Path + MessageItems[]).
void ReadFolderList(element e, std::string_view items_key, Event* event) {
  ForEachEntry(e, [&](element entry) {
    object obj;
    if (entry.get_object().get(obj) != simdjson::SUCCESS) return;
    std::string path = StringField(obj, "Path");
    if (!path.empty()) event->folders.push_back(path);
    element items;
    if (json::FindKey(obj, items_key, &items)) ReadItems(items, path, event);
  });
}

void ReadAppAccessContext(element e, Event* event) {
  WithDecoded(e, [&](element v) {
    object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return;
    event->aad_session_id = StringField(obj, "AADSessionId");
    if (event->client_app_id.empty()) event->client_app_id = StringField(obj, "ClientAppId");
  });
}

std::string UserAgentProperty(element e) {
  std::vector<NameValue> props;
  ReadNameValues(e, &props);
  const NameValue* ua = Event::Find(props, "UserAgent");
  return ua ? ua->value : std::string();
}

std::optional<int32_t> EnumValue(element e, std::optional<int32_t> (*by_name)(std::string_view)) {
  if (std::optional<int64_t> n = json::AsInt(e)) {
    if (*n >= INT32_MIN && *n <= INT32_MAX) return static_cast<int32_t>(*n);
    return std::nullopt;
  }
  std::optional<std::string_view> s = json::AsString(e);
  if (!s) return std::nullopt;
  return by_name(json::StripSpace(*s));
}

constexpr int kMaxStringNesting = 2;

absl::Status NormalizeText(std::string_view json, int nesting, Event* event);

// Cuts a cut-off object back to its last complete member (before a ',' or
// just after a container opened), closes what is open there and retries.
absl::Status Salvage(std::string_view text, Event* event) {
  struct Cut {
    size_t pos;
    std::string open;  // containers open at pos, outermost first
  };
  constexpr size_t kMaxCuts = 8;
  constexpr size_t kMaxOpen = 512;
  std::vector<Cut> cuts;  // the last kMaxCuts safe cut points
  std::string open;
  bool in_string = false;
  bool escape = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    bool cut_after = false;
    size_t cut_pos = i;
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (open.size() >= kMaxOpen) return absl::InvalidArgumentError("AuditData nests too deep");
      open.push_back(c);
      cut_after = true;
      cut_pos = i + 1;
    } else if (c == '}' || c == ']') {
      if (open.empty()) break;
      open.pop_back();
      if (open.empty()) {
        // The object closed: the text was complete but malformed.
        return absl::InvalidArgumentError("AuditData is not valid JSON");
      }
    } else if (c == ',') {
      cut_after = true;
    }
    if (cut_after) {
      if (cuts.size() == kMaxCuts) cuts.erase(cuts.begin());
      cuts.push_back(Cut{cut_pos, open});
    }
  }
  if (open.empty()) return absl::InvalidArgumentError("AuditData is not valid JSON");

  auto closers = [](std::string_view stack) {
    std::string s;
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) s.push_back(*it == '{' ? '}' : ']');
    return s;
  };
  // Only cut points are tried: the value the export cut through may look
  // complete ("2023-09-2", "203.0.11") and must not be kept.
  std::vector<std::string> attempts;
  for (auto it = cuts.rbegin(); it != cuts.rend(); ++it) {
    std::string attempt(text.substr(0, it->pos));
    attempts.push_back(attempt + closers(it->open));
  }
  json::ParserLease lease;
  for (const std::string& attempt : attempts) {
    element root;
    object obj;
    if (lease.Parse(attempt).get(root) != simdjson::SUCCESS) continue;
    if (root.get_object().get(obj) != simdjson::SUCCESS) continue;
    absl::Status status = NormalizeAuditObject(obj, event);
    if (!status.ok()) return status;
    event->flags |= kFlagAuditDataTruncated;
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError("AuditData is cut short and could not be salvaged");
}

absl::Status NormalizeText(std::string_view json, int nesting, Event* event) {
  std::string_view text = json::StripLeadingSpace(json);
  if (text.empty()) return absl::InvalidArgumentError("AuditData is empty");
  if (text.front() != '{' && text.front() != '"') {
    return absl::InvalidArgumentError("AuditData is not a JSON object");
  }
  // ANSI (Windows-1252) exports put raw bytes like 0xE9 in folder names, and
  // .NET writes "\ud800" for a string holding a lone surrogate (an attacker's
  // inbox rule name can): the record is kept with U+FFFD there, and flagged.
  json::ParserLease lease;
  element root;
  std::string storage;
  std::string_view used;
  bool lossy = false;
  const simdjson::error_code error =
      json::ParseRecovering(lease, text, &root, &storage, &used, &lossy);
  absl::Status status;
  if (error == simdjson::SUCCESS) {
    object obj;
    std::optional<std::string_view> inner;
    if (root.get_object().get(obj) == simdjson::SUCCESS) {
      status = NormalizeAuditObject(obj, event);
    } else if ((inner = json::AsString(root)) && nesting < kMaxStringNesting) {
      // A record serialized twice (ConvertTo-Json of the AuditData string).
      status = NormalizeText(*inner, nesting + 1, event);
    } else {
      status = absl::InvalidArgumentError("AuditData is not a JSON object");
    }
  } else if (used.front() != '{') {
    status = absl::InvalidArgumentError(
        absl::StrCat("AuditData is not valid JSON: ", simdjson::error_message(error)));
  } else {
    status = Salvage(used, event);
  }
  if (status.ok() && lossy) event->flags |= kFlagInvalidUtf8;
  return status;
}

}  // namespace

absl::Status NormalizeAuditObject(object obj, Event* event) {
  std::array<element, kFieldCount> value;
  std::array<uint8_t, kFieldCount> rank;
  rank.fill(UINT8_MAX);
  for (simdjson::dom::key_value_pair field : obj) {
    const KeySpec* spec = LookupKey(field.key);
    if (spec == nullptr || json::IsBlank(field.value)) continue;
    if (spec->rank < rank[spec->field]) {
      rank[spec->field] = spec->rank;
      value[spec->field] = field.value;
    }
  }
  auto has = [&](Field f) { return rank[f] != UINT8_MAX; };
  auto text = [&](Field f) { return has(f) ? json::ScalarText(value[f]) : std::string(); };

  if (!has(kId) && !has(kCreationTime) && !has(kOperation) && !has(kRecordType) && !has(kUserId) &&
      !has(kWorkload)) {
    return absl::InvalidArgumentError(
        "AuditData has none of Id, CreationTime, Operation, "
        "RecordType, UserId, Workload");
  }
  event->record_id = json::Lower(text(kId));
  event->time_ms = 0;
  absl::StatusOr<TimeMs> time = absl::InvalidArgumentError("no CreationTime");
  if (has(kCreationTime)) {
    if (std::optional<std::string_view> s = json::AsString(value[kCreationTime])) {
      time = ParseIso8601(json::StripSpace(*s));
    }
  }
  if (time.ok()) {
    event->time_ms = *time;
  } else {
    event->flags |= kFlagNoTime;
  }
  if (has(kRecordType)) {
    event->record_type = EnumValue(value[kRecordType], ParseRecordType).value_or(-1);
  }
  if (has(kUserType)) event->user_type = EnumValue(value[kUserType], ParseUserType).value_or(-1);
  if (has(kLogonType)) {
    event->logon_type = EnumValue(value[kLogonType], ParseLogonType).value_or(kLogonUnknown);
  }
  event->operation = text(kOperation);
  event->workload = text(kWorkload);
  event->result_status = text(kResultStatus);
  event->organization_id = text(kOrganizationId);
  event->actor_upn = text(kUserId);
  event->actor_sid = text(kLogonUserSid);
  event->actor_display = text(kLogonUserDisplayName);
  event->mailbox_guid = json::Lower(text(kMailboxGuid));
  event->mailbox_upn = text(kMailboxOwnerUpn);
  event->client_ip_raw = text(kClientIp);
  event->client_ip = NormalizeClientIp(event->client_ip_raw);
  event->client_info = text(kClientInfo);
  if (event->client_info.empty() && has(kExtendedProperties)) {
    event->client_info = UserAgentProperty(value[kExtendedProperties]);
  }
  event->session_id = text(kSessionId);
  event->app_id = text(kAppId);
  event->client_app_id = text(kClientAppId);
  if (has(kAppAccessContext)) ReadAppAccessContext(value[kAppAccessContext], event);
  if (has(kExternalAccess)) {
    if (std::optional<bool> b = json::AsBool(value[kExternalAccess])) event->external_access = *b;
  }
  event->object_id = text(kObjectId);
  if (has(kParameters)) ReadNameValues(value[kParameters], &event->parameters);
  if (has(kOperationProperties)) {
    ReadNameValues(value[kOperationProperties], &event->operation_properties);
  }
  if (has(kItem)) ReadItems(value[kItem], "", event);
  if (has(kAffectedItems)) ReadItems(value[kAffectedItems], "", event);
  if (has(kFolder)) {
    std::string path = FolderPath(value[kFolder]);
    if (!path.empty()) event->folders.push_back(std::move(path));
  }
  if (has(kFolders)) ReadFolderList(value[kFolders], "FolderItems", event);
  if (has(kMessages)) ReadFolderList(value[kMessages], "MessageItems", event);
  if (has(kDestFolder)) {
    std::string path = FolderPath(value[kDestFolder]);
    if (!path.empty()) event->folders.push_back(std::move(path));
  }
  for (int f = kFirstExtra; f < kFieldCount; ++f) {
    if (!has(static_cast<Field>(f))) continue;
    std::string v = text(static_cast<Field>(f));
    if (f == kOriginatingServer) {
      // "AM0PR07MB5763 (15.20.4200.000)\r\n": the line end is an artifact.
      v.erase(v.find_last_not_of(" \t\r\n") + 1);
    }
    event->extra.push_back(NameValue{std::string(ExtraName(static_cast<Field>(f))), std::move(v)});
  }
  // Every other field, by dotted path (audit_data_extra.cc), sorted so that
  // the same content gives the same list whatever the key order of its
  // producer; the typed fields above hold the rest.
  const size_t flattened_from = event->extra.size();
  for (simdjson::dom::key_value_pair field : obj) {
    if (json::IsBlank(field.value)) continue;
    const KeySpec* spec = LookupKey(field.key);
    if (spec != nullptr && HeldInTypedField(spec->field) && spec->rank == rank[spec->field]) {
      continue;
    }
    AppendFlattenedField(field.key, field.value, kHeldItemPaths, &event->extra);
  }
  SortFlattened(&event->extra, flattened_from);
  return absl::OkStatus();
}

absl::Status NormalizeAuditElement(element e, Event* event) {
  object obj;
  if (e.get_object().get(obj) == simdjson::SUCCESS) return NormalizeAuditObject(obj, event);
  std::optional<std::string_view> text = json::AsString(e);
  if (!text) return absl::InvalidArgumentError("AuditData is not a JSON object");
  return NormalizeText(*text, 1, event);
}

absl::Status NormalizeAuditData(std::string_view json, Event* event) {
  return NormalizeText(json, 0, event);
}

}  // namespace tern
