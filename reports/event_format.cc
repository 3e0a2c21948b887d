#include "reports/event_format.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/base/strings.h"
#include "core/model/enums.h"

namespace tern {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsOneOf(std::string_view op, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (EqualsIgnoreCase(op, n)) return true;
  }
  return false;
}

// Set-Mailbox and friends are admin work in general, but changing
// forwarding or send-on-behalf rights is what BEC actors do: chart it with
// the rules and permissions.
bool ChangesForwardingOrDelegation(const Event& e) {
  for (const NameValue& p : e.parameters) {
    if (ContainsIgnoreCase(p.name, "forwarding") || ContainsIgnoreCase(p.name, "sendonbehalf") ||
        ContainsIgnoreCase(p.name, "delivertomailbox")) {
      return true;
    }
  }
  return false;
}

void AppendPart(std::vector<std::string>* parts, std::string part) {
  if (!part.empty()) parts->push_back(std::move(part));
}

std::string ItemsText(const std::vector<MailItem>& items) {
  if (items.empty()) return "";
  // A few subjects are enough to recognize an item; the rest are counted.
  constexpr size_t kShown = 3;
  std::vector<std::string> shown;
  std::vector<std::string> folders;
  for (const MailItem& item : items) {
    if (shown.size() < kShown) {
      std::string text =
          item.subject.empty() ? "(no subject)" : absl::StrCat("\"", item.subject, "\"");
      if (!item.folder.empty()) absl::StrAppend(&text, " in ", item.folder);
      shown.push_back(std::move(text));
    }
  }
  std::string out = items.size() == 1 ? "item " : absl::StrCat(items.size(), " items: ");
  out += absl::StrJoin(shown, ", ");
  if (items.size() > kShown) out += ", …";
  return out;
}

}  // namespace

std::string_view CategoryName(Category c) {
  switch (c) {
    case Category::kRead:
      return "read";
    case Category::kSend:
      return "send";
    case Category::kDelete:
      return "delete";
    case Category::kRulesPermissions:
      return "rules-permissions";
    case Category::kAdmin:
      return "admin";
    case Category::kSignIn:
      return "sign-in";
    case Category::kOther:
      break;
  }
  return "other";
}

std::string_view CategoryLabel(Category c) {
  switch (c) {
    case Category::kRead:
      return "Read";
    case Category::kSend:
      return "Send";
    case Category::kDelete:
      return "Delete";
    case Category::kRulesPermissions:
      return "Rules & permissions";
    case Category::kAdmin:
      return "Admin";
    case Category::kSignIn:
      return "Sign-in";
    case Category::kOther:
      break;
  }
  return "Other";
}

Category CategorizeEvent(const Event& e) {
  const std::string_view op = e.operation;
  // RecordType 15 = AzureActiveDirectoryStsLogon.
  if (e.record_type == 15 ||
      IsOneOf(op, {"UserLoggedIn", "UserLoginFailed", "UserLoggedOut", "MailboxLogin"})) {
    return Category::kSignIn;
  }
  if (ContainsIgnoreCase(op, "inboxrule") || ContainsIgnoreCase(op, "permission") ||
      ContainsIgnoreCase(op, "transportrule") || ContainsIgnoreCase(op, "roleassignment") ||
      ContainsIgnoreCase(op, "delegate") || ChangesForwardingOrDelegation(e)) {
    return Category::kRulesPermissions;
  }
  if (IsOneOf(op, {"SoftDelete", "HardDelete", "MoveToDeletedItems"})) return Category::kDelete;
  if (IsOneOf(op, {"Send", "SendAs", "SendOnBehalf"})) return Category::kSend;
  if (IsOneOf(op, {"MailItemsAccessed", "FolderBind", "MessageBind", "PreviewItem"}) ||
      ContainsIgnoreCase(op, "searchquery")) {
    return Category::kRead;
  }
  // 1 ExchangeAdmin, 18 SCC cmdlets, 24 Discovery; "Verb-Noun" is a cmdlet.
  if (e.record_type == 1 || e.record_type == 18 || e.record_type == 24 ||
      op.find('-') != std::string_view::npos) {
    return Category::kAdmin;
  }
  return Category::kOther;
}

std::string LogonTypeText(int32_t logon_type) {
  if (logon_type < 0) return "";
  std::string_view name = LogonTypeName(logon_type);
  return name.empty() ? absl::StrCat(logon_type) : std::string(name);
}

std::string DescribeObject(const Event& e, size_t max_chars) {
  std::vector<std::string> parts;
  if (!e.object_id.empty() && e.object_id != e.mailbox_upn && e.object_id != e.mailbox_guid) {
    AppendPart(&parts, absl::StrCat("ObjectId=", e.object_id));
  }
  if (!e.parameters.empty()) {
    std::vector<std::string> params;
    for (const NameValue& p : e.parameters) {
      params.push_back(p.has_value ? absl::StrCat(p.name, "=", p.value) : p.name);
    }
    AppendPart(&parts, absl::StrJoin(params, "; "));
  }
  AppendPart(&parts, ItemsText(e.items));
  if (!e.folders.empty()) {
    AppendPart(&parts, absl::StrCat("folders: ", absl::StrJoin(e.folders, ", ")));
  }
  for (std::string_view name : {"MailAccessType", "IsThrottled"}) {
    if (const NameValue* p = Event::Find(e.operation_properties, name); p != nullptr) {
      AppendPart(&parts, absl::StrCat(p->name, "=", p->value));
    }
  }
  for (std::string_view name :
       {"SendAsUserSmtp", "SendOnBehalfOfUserSmtp", "DestFolder", "DestMailboxOwnerUPN"}) {
    if (const NameValue* p = Event::Find(e.extra, name); p != nullptr && !p->value.empty()) {
      AppendPart(&parts, absl::StrCat(p->name, "=", p->value));
    }
  }
  std::string text = absl::StrJoin(parts, "; ");
  return max_chars == 0 ? text : TruncateUtf8(text, max_chars);
}

std::string EventMessage(const Event& e) {
  std::string out = e.operation.empty() ? "(no operation)" : e.operation;
  if (!e.actor_upn.empty()) absl::StrAppend(&out, " by ", e.actor_upn);
  const std::string& mailbox = e.mailbox_upn.empty() ? e.mailbox_guid : e.mailbox_upn;
  if (!mailbox.empty() && !EqualsIgnoreCase(mailbox, e.actor_upn)) {
    absl::StrAppend(&out, " on mailbox ", mailbox);
  }
  if (!e.client_ip.empty()) absl::StrAppend(&out, " from ", e.client_ip);
  const std::string object = DescribeObject(e, 300);
  if (!object.empty()) absl::StrAppend(&out, ": ", object);
  return out;
}

std::string FlagsText(uint32_t flags) {
  std::vector<std::string> names;
  if (flags & kFlagAuditDataTruncated) names.push_back("auditdata-truncated");
  if (flags & kFlagTimeFromWrapper) names.push_back("time-from-wrapper");
  if (flags & kFlagSyntheticId) names.push_back("synthetic-id");
  if (flags & kFlagInvalidUtf8) names.push_back("invalid-utf8");
  if (flags & kFlagNoTime) names.push_back("no-time");
  return absl::StrJoin(names, ",");
}

size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string TruncateUtf8(std::string_view text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars == max_chars) {
      // Leave room for the ellipsis within the limit.
      size_t cut = i;
      if (max_chars > 0) {
        do {
          --cut;
        } while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80);
      }
      return absl::StrCat(ToAbsl(text.substr(0, cut)), "…");
    }
    ++chars;
  }
  return std::string(text);
}

}  // namespace tern
