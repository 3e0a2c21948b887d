#include "core/model/event.h"

#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "core/base/strings.h"

namespace tern {
namespace {

// Equal, or at least one side does not carry the field.
bool Agree(std::string_view a, std::string_view b) {
  return a.empty() || b.empty() || EqualsIgnoreCase(a, b);
}
bool AgreeNumber(int64_t a, int64_t b) { return a < 0 || b < 0 || a == b; }
template <typename T>
bool AgreeList(const std::vector<T>& a, const std::vector<T>& b) {
  return a.empty() || b.empty() || a == b;
}

constexpr uint64_t kFnvOffset = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

void Mix(std::string_view field, uint64_t* h) {
  for (char c : field) {
    *h ^= static_cast<unsigned char>(absl::ascii_tolower(static_cast<unsigned char>(c)));
    *h *= kFnvPrime;
  }
  *h ^= 0x1f;  // field separator
  *h *= kFnvPrime;
}

}  // namespace

bool SameRecordContent(const Event& a, const Event& b) {
  const bool timed = ((a.flags | b.flags) & kFlagNoTime) == 0;
  if (timed && a.time_ms / 1000 != b.time_ms / 1000) return false;
  if (!Agree(a.operation, b.operation) || !Agree(a.mailbox_guid, b.mailbox_guid) ||
      !Agree(a.mailbox_upn, b.mailbox_upn) || !Agree(a.actor_upn, b.actor_upn) ||
      !Agree(a.client_ip, b.client_ip) || !Agree(a.result_status, b.result_status) ||
      !Agree(a.session_id, b.session_id) || !Agree(a.object_id, b.object_id)) {
    return false;
  }
  if (!AgreeNumber(a.record_type, b.record_type) || !AgreeNumber(a.logon_type, b.logon_type)) {
    return false;
  }
  // A cut-short AuditData has partial lists; its scalars above still count.
  if (((a.flags | b.flags) & kFlagAuditDataTruncated) != 0) return true;
  return AgreeList(a.parameters, b.parameters) &&
         AgreeList(a.operation_properties, b.operation_properties) && AgreeList(a.items, b.items) &&
         AgreeList(a.folders, b.folders);
}

std::string ContentTag(const Event& e) {
  uint64_t h = kFnvOffset;
  Mix(std::to_string(e.time_ms / 1000), &h);
  for (const std::string* f : {&e.operation, &e.mailbox_guid, &e.mailbox_upn, &e.actor_upn,
                               &e.client_ip, &e.result_status, &e.session_id, &e.object_id}) {
    Mix(*f, &h);
  }
  Mix(std::to_string(e.logon_type), &h);
  for (const NameValue& nv : e.parameters) Mix(nv.name + "=" + nv.value, &h);
  for (const NameValue& nv : e.operation_properties) Mix(nv.name + "=" + nv.value, &h);
  for (const MailItem& item : e.items) Mix(item.item_id + item.message_id + item.subject, &h);
  for (const std::string& folder : e.folders) Mix(folder, &h);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) tag[i] = kHex[h & 0xf];
  return tag;
}

const NameValue* Event::Find(const std::vector<NameValue>& list, std::string_view name) {
  // Exports disagree on the case of parameter names ("ForwardTo" vs
  // "forwardTo"), so lookups ignore ASCII case; the first match wins.
  for (const NameValue& nv : list) {
    if (EqualsIgnoreCase(nv.name, name)) return &nv;
  }
  return nullptr;
}

}  // namespace tern
