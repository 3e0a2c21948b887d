#include "core/correlate/directory.h"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base/codec.h"
#include "core/base/escape.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/correlate/text.h"

namespace tern::correlate {
namespace {

constexpr int32_t kRecordExchangeAdmin = 1;
constexpr int32_t kRecordAadStsLogon = 15;

// Cmdlet nouns whose Identity names a mailbox (or a rule/folder inside one).
bool IsMailboxScopedCmdlet(std::string_view op) {
  const size_t dash = op.find('-');
  if (dash == std::string_view::npos) return false;
  const std::string noun = Lower(op.substr(dash + 1));
  static constexpr std::string_view kNouns[] = {
      "mailbox",      "inboxrule",  "mailuser",     "recipientpermission",
      "adpermission", "casmailbox", "remotemailbox"};
  for (std::string_view n : kNouns) {
    if (noun.find(n) != std::string::npos) return true;
  }
  return false;
}

bool IsInboxRuleCmdlet(std::string_view op) { return EndsWithIgnoreCase(op, "-InboxRule"); }

// The mailbox part of an Exchange identity: drops quotes, a ":\folder" or
// "\rule" suffix and a DN / "tenant/" prefix.
std::string MailboxPart(std::string_view identity) {
  std::string_view s = Trim(identity);
  if (!s.empty() && s.front() == '"') s.remove_prefix(1);
  if (!s.empty() && s.back() == '"') s.remove_suffix(1);
  if (size_t p = s.find(":\\"); p != std::string_view::npos) s = s.substr(0, p);
  if (size_t p = s.rfind('\\'); p != std::string_view::npos) s = s.substr(0, p);
  if (size_t p = s.rfind('/'); p != std::string_view::npos) s = s.substr(p + 1);
  return Lower(Trim(s));
}

}  // namespace

std::string ActorOf(const Event& e) {
  if (!e.actor_upn.empty()) return Lower(e.actor_upn);
  if (!e.actor_sid.empty()) return Lower(e.actor_sid);
  return Lower(e.actor_display);
}

bool IsSystemPrincipal(const Event& e) {
  // UserType 3 DcAdmin / 4 System; LogonType 3 Transport / 4 SystemService.
  if (e.user_type == 3 || e.user_type == 4) return true;
  if (e.logon_type == kLogonTransport || e.logon_type == kLogonSystemService) return true;
  const std::string actor = ActorOf(e);
  return actor.starts_with("nt authority\\") || actor == "s-1-5-18" ||
         actor.starts_with("devilfish-applicationaccount") || Lower(e.actor_sid) == "s-1-5-18";
}

OrgDomains::OrgDomains(const std::vector<std::string>& domains) {
  for (const std::string& raw : domains) {
    std::string d = Lower(Trim(raw));
    if (d.starts_with("*.")) d.erase(0, 2);
    if (d.starts_with("@")) d.erase(0, 1);
    if (d.empty()) continue;
    domains_.push_back(d);
    const size_t dot = d.find('.');
    if (dot != std::string::npos && !d.ends_with(".onmicrosoft.com")) {
      domains_.push_back(d.substr(0, dot) + ".onmicrosoft.com");
      domains_.push_back(d.substr(0, dot) + ".mail.onmicrosoft.com");  // hybrid routing domain
    }
  }
  std::sort(domains_.begin(), domains_.end());
  domains_.erase(std::unique(domains_.begin(), domains_.end()), domains_.end());
}

bool OrgDomains::IsInternal(std::string_view domain_view) const {
  const std::string domain = Lower(domain_view);
  for (const std::string& d : domains_) {
    if (domain == d) return true;
    if (domain.size() > d.size() && domain.ends_with(d) &&
        domain[domain.size() - d.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

bool OrgDomains::IsExternalAddress(std::string_view address) const {
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos || at + 1 >= address.size()) return false;
  return !IsInternal(address.substr(at + 1));
}

void MailboxDirectory::AddName(absl::flat_hash_map<std::string, std::string>& map, std::string name,
                               const std::string& key) {
  if (name.empty() || key.empty()) return;
  auto [it, inserted] = map.emplace(std::move(name), key);
  if (!inserted && it->second != key) it->second.clear();  // shared: ambiguous
}

void MailboxDirectory::Observe(const Event& e) {
  ++events_;
  if (e.time_ms != kNoTime && !(e.flags & kFlagNoTime)) {
    if (first_ == kNoTime || e.time_ms < first_) first_ = e.time_ms;
    if (last_ == kNoTime || e.time_ms > last_) last_ = e.time_ms;
  }
  const IdentityFacts facts = IdentityFacts::Of(e);
  // Most records repeat facts learned before (the same user on the same
  // mailbox): learning them again changes nothing (IdentityFacts), and was
  // the first pass' largest cost (docs/BENCHMARKS.md "Change 27").
  if (learned_key_bytes_ > 0) {
    std::string key = facts.Key();
    if (learned_.contains(key)) return;
    if (learned_bytes_ + key.size() > learned_key_bytes_) {
      learned_.clear();
      learned_bytes_ = 0;
    }
    learned_bytes_ += key.size();
    learned_.insert(std::move(key));
  }
  identities_.Observe(facts);
  Learn(facts);
}

void MailboxDirectory::FinishObserving() {
  absl::flat_hash_set<std::string>().swap(learned_);
  learned_bytes_ = 0;
}

void MailboxDirectory::Learn(const IdentityFacts& f) {
  const std::string guid = Lower(f.mailbox_guid);
  const std::string upn = Lower(f.mailbox_upn);
  if (guid.empty() && upn.empty()) return;
  if (!guid.empty()) {
    auto it = guid_to_upn_.find(guid);
    if (it == guid_to_upn_.end()) {
      guid_to_upn_.emplace(guid, upn);
    } else if (it->second.empty()) {
      it->second = upn;
    }
    if (!upn.empty()) {
      upn_to_guid_.emplace(upn, guid);
      upn_only_.erase(upn);
    }
  } else if (!upn_to_guid_.contains(upn)) {
    upn_only_.emplace(upn, true);
  }
  const std::string& key = guid.empty() ? upn : guid;
  const std::string tenant = Lower(Trim(f.organization_id));
  if (const size_t at = upn.find('@'); at != std::string::npos) {
    AddName(alias_, Cat(tenant, '\x1f', upn.substr(0, at)), key);
    AddName(alias_, Cat("*\x1f", upn.substr(0, at)), key);
    owner_domains_.emplace(upn.substr(at + 1), true);
  }
  // The owner's display name is only known from the owner's own records.
  if (f.logon_type == kLogonOwner && !f.actor_display.empty() &&
      (f.actor_upn.empty() || Lower(f.actor_upn) == upn)) {
    AddName(display_, Cat(tenant, '\x1f', Lower(f.actor_display)), key);
    AddName(display_, Cat("*\x1f", Lower(f.actor_display)), key);
  }
}

MailboxRef MailboxDirectory::FromGuidOrUpn(std::string_view guid_view,
                                           std::string_view upn_view) const {
  MailboxRef ref{Lower(guid_view), Lower(upn_view)};
  if (!ref.guid.empty()) {
    if (ref.upn.empty()) {
      if (auto it = guid_to_upn_.find(ref.guid); it != guid_to_upn_.end()) ref.upn = it->second;
    }
    return ref;
  }
  if (auto it = upn_to_guid_.find(ref.upn); it != upn_to_guid_.end()) ref.guid = it->second;
  return ref;
}

MailboxRef MailboxDirectory::Resolve(std::string_view identity, std::string_view tenant_view,
                                     std::string* raw) const {
  const std::string part = MailboxPart(identity);
  if (part.empty()) return {};
  if (guid_to_upn_.contains(part)) return FromGuidOrUpn(part, "");
  if (upn_to_guid_.contains(part) || upn_only_.contains(part)) return FromGuidOrUpn("", part);
  const std::string tenant = Lower(tenant_view);
  // A record's tenant first, then records that name no tenant; without a
  // tenant, only a name no two mailboxes of any tenant share.
  std::vector<std::string> scopes;
  if (tenant.empty()) {
    scopes.push_back(Cat("*\x1f", part));
  } else {
    scopes.push_back(Cat(tenant, '\x1f', part));
    scopes.push_back(Cat('\x1f', part));
  }
  for (const auto* names : {&alias_, &display_}) {
    for (const std::string& scoped : scopes) {
      auto it = names->find(scoped);
      if (it == names->end()) continue;
      if (it->second.empty()) break;  // ambiguous in this scope
      if (guid_to_upn_.contains(it->second)) return FromGuidOrUpn(it->second, "");
      return FromGuidOrUpn("", it->second);
    }
  }
  if (std::string upn = identities_.UpnOf(tenant, part); !upn.empty()) {
    if (raw != nullptr && upn != part) *raw = part;
    return FromGuidOrUpn("", upn);
  }
  return MailboxRef{"", part};
}

MailboxRef MailboxDirectory::ForEvent(const Event& e, std::string* raw) const {
  if (!e.mailbox_guid.empty() || !e.mailbox_upn.empty()) {
    return FromGuidOrUpn(e.mailbox_guid, e.mailbox_upn);
  }
  const std::string tenant = TenantOf(e);
  if (IsMailboxScopedCmdlet(e.operation)) {
    for (std::string_view name : {"Identity", "Mailbox"}) {
      const NameValue* p = Event::Find(e.parameters, name);
      if (p != nullptr && !p->value.empty()) return Resolve(p->value, tenant, raw);
    }
    if (!e.object_id.empty()) {
      MailboxRef ref = Resolve(e.object_id, tenant, raw);
      // "…/Rule name" without a mailbox part does not name a mailbox.
      if (!IsInboxRuleCmdlet(e.operation) || e.object_id.find('\\') != std::string::npos)
        return ref;
      if (raw != nullptr) raw->clear();
    }
    if (IsInboxRuleCmdlet(e.operation) && !e.actor_upn.empty()) {
      return Resolve(e.actor_upn, tenant, raw);
    }
    return {};
  }
  if (e.record_type == kRecordExchangeAdmin) return {};  // tenant-wide cmdlet
  if (e.record_type == kRecordAadStsLogon && !e.actor_upn.empty()) {
    MailboxRef ref = Resolve(e.actor_upn, tenant);
    if (!ref.guid.empty()) return ref;  // only the actor's own, known mailbox
  }
  return {};
}

std::string MailboxDirectory::MailboxInputs(const Event& e) {
  // Mirrors ForEvent's branches; each text starts with the branch's letter.
  constexpr char kSep = '\x1f';
  if (!e.mailbox_guid.empty() || !e.mailbox_upn.empty()) {
    return Cat('m', kSep, e.mailbox_guid, kSep, e.mailbox_upn);
  }
  if (IsMailboxScopedCmdlet(e.operation)) {
    std::string text =
        Cat('c', kSep, e.operation, kSep, e.organization_id, kSep, e.object_id, kSep, e.actor_upn);
    for (std::string_view name : {"Identity", "Mailbox"}) {
      const NameValue* p = Event::Find(e.parameters, name);
      text += Cat(kSep, p == nullptr ? std::string_view() : std::string_view(p->value));
    }
    return text;
  }
  if (e.record_type == kRecordAadStsLogon && !e.actor_upn.empty()) {
    return Cat('a', kSep, e.organization_id, kSep, e.actor_upn);
  }
  return "";
}

std::string MailboxDirectory::ActorFor(const Event& e) const {
  std::string actor = ActorOf(e);
  if (actor.empty()) return actor;
  const std::string tenant = TenantOf(e);
  std::string upn = identities_.UpnOf(tenant, actor);
  if (upn.empty() && !e.actor_sid.empty() && e.actor_upn.find('@') == std::string::npos) {
    upn = identities_.UpnOf(tenant, e.actor_sid);
  }
  return upn.empty() ? actor : upn;
}

const std::string& ActorMemo::For(const Event& e) {
  // ActorFor reads these four fields and the (unchanging) directory.
  key_.clear();
  for (std::string_view field : {e.organization_id, e.actor_upn, e.actor_sid, e.actor_display}) {
    PutLengthPrefixed(field, &key_);
  }
  return memo_.Get(key_, [&] { return directory_->ActorFor(e); });
}

std::vector<std::string> MailboxDirectory::OwnerDomains() const {
  std::vector<std::string> out;
  for (const auto& [d, unused] : owner_domains_) out.push_back(d);
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

// Entries() key prefixes, one per map.
constexpr char kGuidEntry = 'g';      // GUID -> owner UPN ("" unknown)
constexpr char kUpnEntry = 'u';       // UPN -> GUID
constexpr char kUpnOnlyEntry = 'o';   // UPN never seen with a GUID -> ""
constexpr char kAliasEntry = 'a';     // tenant \x1f alias -> key ("" ambiguous)
constexpr char kDisplayEntry = 'd';   // tenant \x1f display name -> key
constexpr char kDomainEntry = 'm';    // owner domain -> ""
constexpr char kIdentityEntry = 'i';  // an IdentityDirectory link

template <typename Map>
void VisitEntries(char prefix, const Map& map,
                  const std::function<void(std::string key, std::string value)>& fn) {
  for (const auto& [key, value] : map) {
    if constexpr (std::is_same_v<std::decay_t<decltype(value)>, bool>) {
      fn(Cat(std::string(1, prefix), key), "");
    } else {
      fn(Cat(std::string(1, prefix), key), value);
    }
  }
}

}  // namespace

void MailboxDirectory::ForEachEntry(
    const std::function<void(std::string key, std::string value)>& fn) const {
  VisitEntries(kGuidEntry, guid_to_upn_, fn);
  VisitEntries(kUpnEntry, upn_to_guid_, fn);
  VisitEntries(kUpnOnlyEntry, upn_only_, fn);
  VisitEntries(kAliasEntry, alias_, fn);
  VisitEntries(kDisplayEntry, display_, fn);
  VisitEntries(kDomainEntry, owner_domains_, fn);
  identities_.ForEachLink([&](std::string key, std::string upn) {
    fn(Cat(std::string(1, kIdentityEntry), key), std::move(upn));
  });
}

std::vector<std::pair<std::string, std::string>> MailboxDirectory::Entries() const {
  std::vector<std::pair<std::string, std::string>> out;
  ForEachEntry([&](std::string key, std::string value) {
    out.emplace_back(std::move(key), std::move(value));
  });
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<MailboxDirectory> MailboxDirectory::FromEntries(
    const std::vector<std::pair<std::string, std::string>>& entries) {
  MailboxDirectory d;
  std::vector<std::pair<std::string, std::string>> links;
  for (const auto& [key, value] : entries) {
    const std::string rest = key.empty() ? "" : key.substr(1);
    switch (key.empty() ? '\0' : key[0]) {
      case kGuidEntry:
        d.guid_to_upn_.emplace(rest, value);
        break;
      case kUpnEntry:
        d.upn_to_guid_.emplace(rest, value);
        break;
      case kUpnOnlyEntry:
        d.upn_only_.emplace(rest, true);
        break;
      case kAliasEntry:
        d.alias_.emplace(rest, value);
        break;
      case kDisplayEntry:
        d.display_.emplace(rest, value);
        break;
      case kDomainEntry:
        d.owner_domains_.emplace(rest, true);
        break;
      case kIdentityEntry:
        links.emplace_back(rest, value);
        break;
      default:
        return absl::DataLossError(
            absl::StrCat("directory entry '", ToAbsl(TerminalSafe(key)), "' cannot be read"));
    }
  }
  TERN_ASSIGN_OR_RETURN(d.identities_, IdentityDirectory::FromLinks(links));
  return d;
}

absl::StatusOr<std::optional<MailboxDirectory>> LoadMailboxDirectory(CaseStore& store) {
  std::vector<std::pair<std::string, std::string>> entries;
  TERN_RETURN_IF_ERROR(
      store.ScanDerived(kDirectoryKind, [&](std::string_view key, std::string_view value) {
        entries.emplace_back(std::string(key), std::string(value));
        return true;
      }));
  if (entries.empty()) return std::nullopt;
  TERN_ASSIGN_OR_RETURN(MailboxDirectory directory, MailboxDirectory::FromEntries(entries));
  return directory;
}

std::string ShownMailboxUpn(const MailboxDirectory& directory, const Event& e) {
  if (e.mailbox_upn.find('@') != std::string::npos) return e.mailbox_upn;
  const MailboxRef ref = directory.ForEvent(e);
  if (!ref.upn.empty() && ref.upn.find('@') != std::string::npos) return ref.upn;
  if (!ref.guid.empty()) {
    if (std::string upn = directory.identities().UpnOf(TenantOf(e), ref.guid); !upn.empty()) {
      return upn;
    }
  }
  return "";
}

}  // namespace tern::correlate
