// Who an identifier names, per tenant: the identity directory built from
// every record of a case, Exchange and Entra ID alike (issue 13). A person
// appears in audit records under many names: UPN (UserId, MailboxOwnerUPN),
// directory object id (bare or as "User_<guid>"), PUID (UserKey), mailbox
// GUID, SID (LogonUserSid, MailboxOwnerSid), alias (UPN local part) and
// display name. Records that carry two of them at once link them:
//  - mailbox records: MailboxGuid, MailboxOwnerUPN, MailboxOwnerSid;
//  - any record whose UserId is a UPN: UserKey and LogonUserSid (the actor's);
//  - Entra ID records: the Actor and Target arrays (Actor.ID / Target.ID with
//    their Type), when they name exactly one UPN ("Reset user password."
//    links the target's object id, UPN and PUID).
// Strong identifiers (UPN, object id, PUID, GUID, SID) are joined into one
// identity, but two identities that each have a UPN are never merged (the
// first link stands); aliases and display names only look up, and not when
// two identities share them.
//
// Tenant scope: everything is keyed by the record's OrganizationId; nothing
// is ever joined across tenants. Records without an OrganizationId form the
// "" tenant; a lookup from a tenant falls back to it, and a lookup without a
// tenant succeeds only when exactly one tenant knows the name.
//
// Thread-compatible: Observe() from one thread; const methods are then safe
// from any thread.
#ifndef TERN_CORE_CORRELATE_IDENTITY_DIRECTORY_H_
#define TERN_CORE_CORRELATE_IDENTITY_DIRECTORY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/base/string_pool.h"
#include "core/model/event.h"

namespace tern::correlate {

// The tenant key of a record: its OrganizationId, lower-cased ("" if none).
std::string TenantOf(const Event& e);

// An identifier in the directory's normal form: trimmed, lower-cased, braces
// and a "User_" prefix dropped ("User_F757…" and "{f757…}" -> "f757…").
std::string NormalIdentifier(std::string_view id);

// The fields of a record that the directories learn from (IdentityDirectory
// and MailboxDirectory::Observe), as views into the event. Learning is
// idempotent per input: a record whose facts were learned before, whatever
// came between, teaches nothing new (links are unions, a UPN offer keeps the
// best, names keep their first owners), so a directory may skip it.
struct IdentityFacts {
  std::string_view organization_id;
  std::string_view mailbox_guid;
  std::string_view mailbox_upn;
  std::string_view owner_sid;  // MailboxOwnerSid
  std::string_view actor_upn;
  std::string_view actor_sid;
  std::string_view actor_display;
  std::string_view user_key;  // UserKey
  int32_t user_type = -1;
  int32_t logon_type = kLogonUnknown;
  // Entra ID records' Actor and Target arrays, in record order.
  std::vector<std::string_view> actor_ids;
  std::vector<std::string_view> actor_types;
  std::vector<std::string_view> target_ids;
  std::vector<std::string_view> target_types;

  // `e` must outlive the facts.
  static IdentityFacts Of(const Event& e);
  // Every field above as one text: equal texts, equal facts.
  std::string Key() const;
};

class IdentityDirectory {
 public:
  // Learns the links one record carries.
  void Observe(const Event& e) { Observe(IdentityFacts::Of(e)); }
  void Observe(const IdentityFacts& facts);

  // What the directory resolves, as (key, UPN) entries in key order: key
  // tenant '\x1f' 'i' identifier for strong identifiers, tenant '\x1f' 'n'
  // name for aliases and display names; UPN "\x1f" for an ambiguous name.
  // Identifiers that resolve to no UPN are left out.
  std::vector<std::pair<std::string, std::string>> Links() const;
  // The same entries one at a time, in no particular order, without
  // holding them all (a tenant of tens of thousands has millions of bytes).
  void ForEachLink(const std::function<void(std::string key, std::string upn)>& fn) const;
  // A directory that answers UpnOf and IdentifiersOf as the one whose
  // Links() these are. DataLoss for an entry that is none of Links()'.
  static absl::StatusOr<IdentityDirectory> FromLinks(
      const std::vector<std::pair<std::string, std::string>>& links);

  // The UPN (lower-case) that `identifier` names in `tenant` (see the file
  // comment for the tenant fallbacks); "" when no record links it to one or
  // the name is ambiguous.
  std::string UpnOf(std::string_view tenant, std::string_view identifier) const;

  // Every identifier joined with `upn`'s identity in `tenant`, sorted (for
  // reports' details and tests).
  std::vector<std::string> IdentifiersOf(std::string_view tenant, std::string_view upn) const;

  // The same for every tenant that knows `upn`, merged (sorted, unique).
  std::vector<std::string> IdentifiersInAnyTenant(std::string_view upn) const;

  size_t tenant_count() const { return tenants_.size(); }

 private:
  // One tenant's union-find over strong identifiers. A node is the
  // identifier's id in `ids`, which holds each identifier once: at 10M
  // records a tenant has hundreds of thousands of them (UPNs, object ids,
  // PUIDs, SIDs, mailbox GUIDs).
  struct Tenant {
    static constexpr uint32_t kNoNode = ~uint32_t{0};

    StringPool ids;  // identifier <-> node
    std::vector<uint32_t> parent;
    // Per root: the node of its preferred UPN (kNoNode none) and whether
    // that is an owner's.
    std::vector<uint32_t> best_upn;
    std::vector<bool> best_is_owner;
    // Alias / display name -> nodes of the identities that use it (a few).
    absl::flat_hash_map<std::string, std::vector<uint32_t>> names;

    uint32_t Node(std::string_view id);
    uint32_t Root(uint32_t n) const;
    void Union(uint32_t a, uint32_t b);
    // Offers the identifier of node `upn` as the preferred UPN of `n`'s identity.
    void OfferUpn(uint32_t n, uint32_t upn, bool owner);
    // The preferred UPN of root `r`; "" none.
    std::string_view BestUpn(uint32_t r) const;
    // The preferred UPN of `id`'s identity; "" unknown, "\x1f" ambiguous.
    std::string Lookup(const std::string& id) const;
  };

  void Link(Tenant& t, const std::vector<std::string>& ids);
  void AddName(Tenant& t, std::string name, const std::string& id);
  void ObserveArray(Tenant& t, const std::vector<std::string_view>& ids,
                    const std::vector<std::string_view>& types, bool target);

  std::map<std::string, Tenant> tenants_;
};

// How exports show who acted (issue 13): the UPN a record links the
// recorded UserId (else SID) to, when the record itself names no UPN there;
// "" when it does or nothing links it. The recorded values stay in the event.
std::string LinkedActorUpn(const IdentityDirectory& identities, const Event& e);

}  // namespace tern::correlate

#endif  // TERN_CORE_CORRELATE_IDENTITY_DIRECTORY_H_
