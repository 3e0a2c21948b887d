#include "core/correlate/identity_directory.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base/codec.h"
#include "core/base/escape.h"
#include "core/base/strings.h"
#include "core/correlate/text.h"

namespace tern::correlate {
namespace {

constexpr std::string_view kAmbiguous = "\x1f";
// Identities kept per alias / display name: two already make it ambiguous.
constexpr size_t kMaxNameOwners = 4;

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool IsGuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHex(s[i])) return false;
  }
  return true;
}

// A PUID as Entra ID and Exchange write it: 16 hex digits.
bool IsPuid(std::string_view s) { return s.size() == 16 && std::all_of(s.begin(), s.end(), IsHex); }

bool IsUpn(std::string_view s) {
  const size_t at = s.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < s.size() &&
         s.find_first_of(" |\\/:") == std::string_view::npos;
}

bool IsSystemName(std::string_view lower_id) {
  return lower_id.starts_with("nt authority") || lower_id == "s-1-5-18" ||
         lower_id.starts_with("devilfish-applicationaccount");
}

}  // namespace

IdentityFacts IdentityFacts::Of(const Event& e) {
  IdentityFacts f;
  f.organization_id = e.organization_id;
  f.mailbox_guid = e.mailbox_guid;
  f.mailbox_upn = e.mailbox_upn;
  f.actor_upn = e.actor_upn;
  f.actor_sid = e.actor_sid;
  f.actor_display = e.actor_display;
  f.user_type = e.user_type;
  f.logon_type = e.logon_type;
  // One pass over the extra fields: the first MailboxOwnerSid and UserKey
  // (as Event::Find), every valued element of the arrays.
  bool have_owner_sid = false;
  bool have_user_key = false;
  for (const NameValue& nv : e.extra) {
    if (!have_owner_sid && EqualsIgnoreCase(nv.name, "MailboxOwnerSid")) {
      f.owner_sid = nv.value;
      have_owner_sid = true;
    } else if (!have_user_key && EqualsIgnoreCase(nv.name, "UserKey")) {
      f.user_key = nv.value;
      have_user_key = true;
    }
    if (!nv.has_value) continue;
    if (EqualsIgnoreCase(nv.name, "Actor.ID")) {
      f.actor_ids.push_back(nv.value);
    } else if (EqualsIgnoreCase(nv.name, "Actor.Type")) {
      f.actor_types.push_back(nv.value);
    } else if (EqualsIgnoreCase(nv.name, "Target.ID")) {
      f.target_ids.push_back(nv.value);
    } else if (EqualsIgnoreCase(nv.name, "Target.Type")) {
      f.target_types.push_back(nv.value);
    }
  }
  return f;
}

std::string IdentityFacts::Key() const {
  std::string key;
  for (std::string_view v : {organization_id, mailbox_guid, mailbox_upn, owner_sid, actor_upn,
                             actor_sid, actor_display, user_key}) {
    PutLengthPrefixed(v, &key);
  }
  PutVarsint64(user_type, &key);
  PutVarsint64(logon_type, &key);
  for (const std::vector<std::string_view>* list :
       {&actor_ids, &actor_types, &target_ids, &target_types}) {
    PutVarint64(list->size(), &key);
    for (std::string_view v : *list) PutLengthPrefixed(v, &key);
  }
  return key;
}

std::string NormalIdentifier(std::string_view id);

namespace {

// UserKey as an identifier of the actor: Entra ID writes the PUID as
// "<puid>@tenant.onmicrosoft.com", which is no UPN; other addresses that
// are not the actor's own are dropped.
std::string UserKeyId(std::string_view user_key, const std::string& actor) {
  std::string key = NormalIdentifier(user_key);
  if (!IsUpn(key) || key == actor) return key;
  const std::string local = key.substr(0, key.find('@'));
  return IsPuid(local) ? local : "";
}

}  // namespace

std::string TenantOf(const Event& e) { return Lower(Trim(e.organization_id)); }

std::string NormalIdentifier(std::string_view id) {
  std::string_view s = Trim(id);
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = s.substr(1, s.size() - 2);
  if (StartsWithIgnoreCase(s, "User_")) s.remove_prefix(5);
  return Lower(s);
}

uint32_t IdentityDirectory::Tenant::Node(std::string_view id) {
  const uint32_t n = ids.Intern(id);
  if (n == parent.size()) {
    parent.push_back(n);
    best_upn.push_back(kNoNode);
    best_is_owner.push_back(false);
  }
  return n;
}

uint32_t IdentityDirectory::Tenant::Root(uint32_t n) const {
  while (parent[n] != n) n = parent[n];
  return n;
}

std::string_view IdentityDirectory::Tenant::BestUpn(uint32_t r) const {
  return best_upn[r] == kNoNode ? std::string_view() : ids.View(best_upn[r]);
}

void IdentityDirectory::Tenant::OfferUpn(uint32_t n, uint32_t upn, bool owner) {
  const uint32_t r = Root(n);
  const uint32_t best = best_upn[r];
  const bool better = best == kNoNode || (owner && !best_is_owner[r]) ||
                      (owner == best_is_owner[r] && ids.View(upn) < ids.View(best));
  if (better) {
    best_upn[r] = upn;
    best_is_owner[r] = owner;
  }
}

void IdentityDirectory::Tenant::Union(uint32_t a, uint32_t b) {
  uint32_t ra = Root(a);
  uint32_t rb = Root(b);
  if (ra == rb) return;
  // Two people (two different UPNs) are never merged, even when a record
  // seems to link them (a shared SID or key): the first link stands.
  // (Node names are distinct: the same node is the same UPN.)
  if (best_upn[ra] != kNoNode && best_upn[rb] != kNoNode && best_upn[ra] != best_upn[rb]) return;
  if (rb < ra) std::swap(ra, rb);  // the older identity stays the root
  parent[rb] = ra;
  // Shorten the path from b for later lookups.
  for (uint32_t n = b; parent[n] != ra;) {
    const uint32_t next = parent[n];
    parent[n] = ra;
    n = next;
  }
  if (best_upn[rb] != kNoNode) OfferUpn(ra, best_upn[rb], best_is_owner[rb]);
}

std::string IdentityDirectory::Tenant::Lookup(const std::string& id) const {
  if (std::optional<uint32_t> n = ids.Find(id)) return std::string(BestUpn(Root(*n)));
  auto it = names.find(id);
  if (it == names.end()) return "";
  std::set<uint32_t> roots;
  for (uint32_t n : it->second) roots.insert(Root(n));
  if (roots.size() != 1) return std::string(kAmbiguous);
  return std::string(BestUpn(*roots.begin()));
}

void IdentityDirectory::Link(Tenant& t, const std::vector<std::string>& ids) {
  uint32_t first = 0;
  bool have = false;
  for (const std::string& id : ids) {
    if (id.empty() || IsSystemName(id)) continue;
    const uint32_t n = t.Node(id);
    if (IsUpn(id)) {
      t.OfferUpn(n, n, false);
      if (const size_t at = id.find('@'); at != std::string::npos) {
        AddName(t, id.substr(0, at), id);
      }
    }
    if (have) {
      t.Union(first, n);
    } else {
      first = n;
      have = true;
    }
  }
}

void IdentityDirectory::AddName(Tenant& t, std::string name, const std::string& id) {
  if (name.empty() || t.ids.contains(name)) return;
  std::vector<uint32_t>& owners = t.names[std::move(name)];
  const uint32_t n = t.Node(id);
  for (uint32_t o : owners) {
    if (t.Root(o) == t.Root(n)) return;
  }
  if (owners.size() < kMaxNameOwners) owners.push_back(n);
}

void IdentityDirectory::ObserveArray(Tenant& t, const std::vector<std::string_view>& ids,
                                     const std::vector<std::string_view>& types, bool target) {
  if (ids.empty()) return;
  const bool typed = types.size() == ids.size();
  std::set<std::string> upns, user_guids, bare_guids, puids;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string_view raw = Trim(ids[i]);
    const std::string id = NormalIdentifier(raw);
    const std::string_view type = typed ? Trim(types[i]) : std::string_view();
    if (IsUpn(id)) {
      upns.insert(id);
    } else if (IsGuid(id)) {
      (StartsWithIgnoreCase(raw, "User_") ? user_guids : bare_guids).insert(id);
    } else if (type == "3" || (!typed && IsPuid(id))) {
      puids.insert(id);
    }
  }
  // Only an array that names one person is a link; role, group and
  // application targets carry no UPN and are left alone.
  if (upns.size() != 1) return;
  std::vector<std::string> link(upns.begin(), upns.end());
  link.insert(link.end(), user_guids.begin(), user_guids.end());
  for (const std::string& g : bare_guids) {
    // A bare GUID is the person's object id when it repeats the User_ form,
    // or (sign-in actors: object id + UPN) when it is the only one.
    if (user_guids.contains(g) || (user_guids.empty() && bare_guids.size() == 1 && !target)) {
      link.push_back(g);
    }
  }
  if (puids.size() == 1) link.push_back(*puids.begin());
  Link(t, link);
}

void IdentityDirectory::Observe(const IdentityFacts& f) {
  Tenant& t = tenants_[Lower(Trim(f.organization_id))];
  const std::string owner = NormalIdentifier(f.mailbox_upn);
  const std::string guid = NormalIdentifier(f.mailbox_guid);
  const std::string owner_sid = NormalIdentifier(f.owner_sid);
  if (IsUpn(owner)) {
    Link(t, {owner, guid, owner_sid});
    const uint32_t o = t.Node(owner);
    t.OfferUpn(o, o, true);
  }
  const std::string actor = NormalIdentifier(f.actor_upn);
  if (IsUpn(actor) && f.user_type != 3 && f.user_type != 4) {
    Link(t, {actor, UserKeyId(f.user_key, actor), NormalIdentifier(f.actor_sid)});
    // The owner's display name is only known from the owner's own records.
    if (!f.actor_display.empty() && actor == owner && f.logon_type == kLogonOwner) {
      AddName(t, Lower(Trim(f.actor_display)), actor);
    }
  }
  ObserveArray(t, f.actor_ids, f.actor_types, /*target=*/false);
  ObserveArray(t, f.target_ids, f.target_types, /*target=*/true);
}

std::string IdentityDirectory::UpnOf(std::string_view tenant_view,
                                     std::string_view identifier) const {
  const std::string id = NormalIdentifier(identifier);
  if (id.empty()) return "";
  const std::string tenant = Lower(tenant_view);
  auto in = [&](const std::string& key) -> std::string {
    auto it = tenants_.find(key);
    return it == tenants_.end() ? "" : it->second.Lookup(id);
  };
  if (!tenant.empty()) {
    std::string upn = in(tenant);
    if (upn.empty()) upn = in("");
    return upn == kAmbiguous ? "" : upn;
  }
  std::string found;
  for (const auto& [key, t] : tenants_) {
    const std::string upn = t.Lookup(id);
    if (upn.empty()) continue;
    if (upn == kAmbiguous || (!found.empty() && found != upn)) return "";
    found = upn;
  }
  return found;
}

std::vector<std::string> IdentityDirectory::IdentifiersOf(std::string_view tenant,
                                                          std::string_view upn) const {
  std::vector<std::string> out;
  auto it = tenants_.find(Lower(tenant));
  if (it == tenants_.end()) return out;
  const Tenant& t = it->second;
  const std::optional<uint32_t> n = t.ids.Find(NormalIdentifier(upn));
  if (!n.has_value()) return out;
  const uint32_t root = t.Root(*n);
  for (uint32_t i = 0; i < t.parent.size(); ++i) {
    if (t.Root(i) == root) out.emplace_back(t.ids.View(i));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> IdentityDirectory::IdentifiersInAnyTenant(std::string_view upn) const {
  std::vector<std::string> out;
  for (const auto& [tenant, unused] : tenants_) {
    std::vector<std::string> ids = IdentifiersOf(tenant, upn);
    out.insert(out.end(), ids.begin(), ids.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

constexpr char kLinkSeparator = '\x1f';
constexpr char kIdentifierLink = 'i';
constexpr char kNameLink = 'n';

std::string LinkKey(const std::string& tenant, char kind, std::string_view id) {
  std::string key = tenant;
  key.push_back(kLinkSeparator);
  key.push_back(kind);
  key.append(id);
  return key;
}

}  // namespace

void IdentityDirectory::ForEachLink(
    const std::function<void(std::string key, std::string upn)>& fn) const {
  for (const auto& [tenant, t] : tenants_) {
    for (uint32_t n = 0; n < t.parent.size(); ++n) {
      const std::string_view upn = t.BestUpn(t.Root(n));
      if (!upn.empty()) fn(LinkKey(tenant, kIdentifierLink, t.ids.View(n)), std::string(upn));
    }
    for (const auto& [name, owners] : t.names) {
      if (t.ids.contains(name)) continue;  // the identifier answers first
      std::string upn = t.Lookup(name);
      if (!upn.empty()) fn(LinkKey(tenant, kNameLink, name), std::move(upn));
    }
  }
}

std::vector<std::pair<std::string, std::string>> IdentityDirectory::Links() const {
  std::vector<std::pair<std::string, std::string>> out;
  ForEachLink(
      [&](std::string key, std::string upn) { out.emplace_back(std::move(key), std::move(upn)); });
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<IdentityDirectory> IdentityDirectory::FromLinks(
    const std::vector<std::pair<std::string, std::string>>& links) {
  IdentityDirectory d;
  for (const auto& [key, upn] : links) {
    const size_t sep = key.find(kLinkSeparator);
    if (sep == std::string::npos || sep + 2 > key.size() || upn.empty()) {
      return absl::DataLossError(
          absl::StrCat("identity link '", ToAbsl(TerminalSafe(key)), "' cannot be read"));
    }
    Tenant& t = d.tenants_[key.substr(0, sep)];
    const std::string id = key.substr(sep + 2);
    if (key[sep + 1] == kNameLink) {
      // An empty owner list looks up as ambiguous (Tenant::Lookup).
      std::vector<uint32_t>& owners = t.names[id];
      if (upn != kAmbiguous) owners.push_back(t.Node(upn));
      continue;
    }
    if (key[sep + 1] != kIdentifierLink) {
      return absl::DataLossError(
          absl::StrCat("identity link '", ToAbsl(TerminalSafe(key)), "' has an unknown kind"));
    }
    // Every identity's UPN is one of its identifiers, so rooting each
    // identifier at its UPN's node rebuilds the identity.
    const uint32_t n = t.Node(id);
    const uint32_t root = t.Node(upn);
    if (n != root) t.parent[n] = root;
    t.best_upn[root] = root;
  }
  return d;
}

std::string LinkedActorUpn(const IdentityDirectory& identities, const Event& e) {
  if (IsUpn(NormalIdentifier(e.actor_upn))) return "";
  const std::string tenant = TenantOf(e);
  std::string upn = identities.UpnOf(tenant, e.actor_upn);
  if (upn.empty() && !e.actor_sid.empty()) upn = identities.UpnOf(tenant, e.actor_sid);
  return upn;
}

}  // namespace tern::correlate
