// Who is who in a case: the mailboxes seen in the events (GUID, owner UPN,
// alias, owner display name), the organization's domains, and the
// attribution of each event to the mailbox it concerns and the actor who did
// it. Built in a first pass over the events (Observe), then read-only.
//
// Attribution rules (DETECTIONS.md section 2, "Per-mailbox view"):
//  - mailbox records (RecordType 2, 3, 50, ...) belong to MailboxGuid, else
//    to MailboxOwnerUPN resolved to a known GUID;
//  - admin cmdlets on mailbox-scoped objects (Set-Mailbox, *-InboxRule,
//    Add-MailboxPermission, Add-RecipientPermission, *-MailboxFolderPermission,
//    ...) belong to the mailbox they target: the Identity / Mailbox parameter,
//    else ObjectId, resolved through GUID, UPN, alias or owner display name;
//    *-InboxRule without a target belongs to the actor's own mailbox;
//  - sign-in records (RecordType 15) belong to the actor's own mailbox;
//  - everything else (tenant-wide cmdlets, eDiscovery) belongs to no mailbox.
// A name that is no known mailbox (a directory object id, a PUID, a SID) is
// resolved through the identity directory (identity_directory.h) to the UPN
// a record links it to. Aliases and display names are looked up in the
// record's tenant (OrganizationId) only: two tenants' "AdeleV" stay apart.
//
// Thread-compatible: Observe() from one thread; const methods are then safe
// from any thread.
#ifndef TERN_CORE_CORRELATE_DIRECTORY_H_
#define TERN_CORE_CORRELATE_DIRECTORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "core/base/bounded_memo.h"
#include "core/base/time.h"
#include "core/correlate/identity_directory.h"
#include "core/model/event.h"
#include "core/store/case_store.h"

namespace tern::correlate {

// A mailbox as far as it is known: GUID (lower-case) and/or owner UPN
// (lower-case). Both empty = no mailbox (tenant-wide activity).
struct MailboxRef {
  std::string guid;
  std::string upn;

  bool empty() const { return guid.empty() && upn.empty(); }
  // The grouping key: the GUID when known, else the UPN.
  const std::string& key() const { return guid.empty() ? upn : guid; }
  bool operator==(const MailboxRef&) const = default;
};

// The actor of an event for grouping: UserId lower-cased, else LogonUserSid,
// else the display name; "" when the record names nobody.
std::string ActorOf(const Event& e);

// True for Exchange / Microsoft service principals that act on mailboxes as
// part of normal operation (DETECTIONS.md section 0.5): NT AUTHORITY\SYSTEM
// (...), S-1-5-18, devilfish-applicationaccount, UserType 3 (DcAdmin) and
// 4 (System), and LogonType 3/4 (Transport, SystemService).
bool IsSystemPrincipal(const Event& e);

// The organization's mail domains; a domain is internal when it equals one of
// them or is a subdomain of one.
class OrgDomains {
 public:
  OrgDomains() = default;
  // `domains` are lower-cased; for each "label.tld" the tenant's
  // "label.onmicrosoft.com" (DETECTIONS.md entry 1) and its routing domain
  // "label.mail.onmicrosoft.com" are added as well.
  explicit OrgDomains(const std::vector<std::string>& domains);
  bool IsInternal(std::string_view domain) const;
  // True for "user@domain" whose domain is not internal. Addresses without a
  // domain (recipient names, legacy DNs) resolve inside Exchange: internal.
  bool IsExternalAddress(std::string_view address) const;
  const std::vector<std::string>& domains() const { return domains_; }

 private:
  std::vector<std::string> domains_;  // sorted, unique
};

// The derived kind under which `tern analyze` stores its directory
// (MailboxDirectory::Entries), so that readers which do not scan every event
// (`tern search`, the timelines, the exports) attribute events as it did.
inline constexpr std::string_view kDirectoryKind = "directory";

class MailboxDirectory {
 public:
  // Facts already learned are remembered up to `learned_key_bytes` of keys
  // (then forgotten at once: learning them again is only slower); 0
  // remembers none.
  static constexpr size_t kLearnedKeyBytes = size_t{2} << 20;
  explicit MailboxDirectory(size_t learned_key_bytes = kLearnedKeyBytes)
      : learned_key_bytes_(learned_key_bytes) {}

  // Learns from one event; call for every event, in time order (pass 1).
  void Observe(const Event& e);
  // Forgets which facts were learned (memory for Observe alone) once the
  // events are all observed.
  void FinishObserving();

  // The mailbox `identity` names (UPN, alias, GUID, owner display name,
  // "org/…/alias" DN, "mailbox\rule", "mailbox:\folder", or an object id /
  // PUID / SID the identity directory links to a UPN) in `tenant` (see
  // TenantOf; "" = unknown): the known mailbox, else {"", identity
  // lower-cased} when it looks like an address or a name, else empty.
  // Ambiguous aliases/names do not resolve. When the result came through the
  // identity directory, `*raw` (if given) receives the name as recorded.
  MailboxRef Resolve(std::string_view identity, std::string_view tenant = "",
                     std::string* raw = nullptr) const;

  // The mailbox `e` concerns (see the file comment); `*raw` as for Resolve.
  MailboxRef ForEvent(const Event& e, std::string* raw = nullptr) const;
  // The fields ForEvent decides `e`'s mailbox from, as one text: events with
  // the same text get the same mailbox from any directory, and "" means none
  // ever. Lets the first pass, before the directory is complete, tell events
  // of one mailbox from events that may be of several (SharedIpCensus).
  static std::string MailboxInputs(const Event& e);

  // The actor of `e` by UPN when any record links its UserId / SID / name to
  // one (ActorOf otherwise).
  std::string ActorFor(const Event& e) const;

  const IdentityDirectory& identities() const { return identities_; }

  // Owner UPN domains seen in mailbox records, sorted.
  std::vector<std::string> OwnerDomains() const;

  // Everything Resolve, ForEvent, ActorFor and OwnerDomains consult, as
  // (key, value) entries in key order.
  std::vector<std::pair<std::string, std::string>> Entries() const;
  // The same entries one at a time, in no particular order, without holding
  // them all (what the analysis writes to the store).
  void ForEachEntry(const std::function<void(std::string key, std::string value)>& fn) const;
  // A directory that answers as the one whose Entries() these are (the
  // event count and span are not kept). DataLoss for an unreadable entry.
  static absl::StatusOr<MailboxDirectory> FromEntries(
      const std::vector<std::pair<std::string, std::string>>& entries);

  size_t mailbox_count() const { return guid_to_upn_.size() + upn_only_.size(); }
  uint64_t events() const { return events_; }
  TimeMs first_event() const { return first_; }  // kNoTime when no event
  TimeMs last_event() const { return last_; }

 private:
  // What Observe learns from facts it has not seen before.
  void Learn(const IdentityFacts& facts);
  MailboxRef FromGuidOrUpn(std::string_view guid, std::string_view upn) const;
  void AddName(absl::flat_hash_map<std::string, std::string>& map, std::string name,
               const std::string& key);

  absl::flat_hash_map<std::string, std::string> guid_to_upn_;  // first UPN seen
  absl::flat_hash_map<std::string, std::string> upn_to_guid_;
  absl::flat_hash_map<std::string, bool> upn_only_;  // UPNs never seen with a GUID
  // tenant + '\x1f' + alias (UPN local part) or owner display name ->
  // mailbox key, and the same under tenant "*" for lookups without a tenant;
  // "" when two mailboxes share it (ambiguous).
  absl::flat_hash_map<std::string, std::string> alias_;
  absl::flat_hash_map<std::string, std::string> display_;
  absl::flat_hash_map<std::string, bool> owner_domains_;
  IdentityDirectory identities_;
  size_t learned_key_bytes_;
  absl::flat_hash_set<std::string> learned_;  // IdentityFacts::Key() of facts learned
  size_t learned_bytes_ = 0;
  uint64_t events_ = 0;
  TimeMs first_ = kNoTime;
  TimeMs last_ = kNoTime;
};

// MailboxDirectory::ActorFor with a memo: a pass over a case's events asks
// for the same few thousand actors again and again, and each answer is a
// few normalized lookups (docs/BENCHMARKS.md "Change 27"). At most kEntries
// answers (a few MiB). Thread-compatible; `directory` must outlive it and no
// longer change.
class ActorMemo {
 public:
  explicit ActorMemo(const MailboxDirectory* directory) : directory_(directory) {}
  // directory->ActorFor(e); valid until the next call.
  const std::string& For(const Event& e);

 private:
  static constexpr size_t kEntries = size_t{1} << 14;
  const MailboxDirectory* directory_;
  BoundedMemo<std::string> memo_{kEntries};  // ActorFor's inputs -> answer
  std::string key_;
};

// The directory the last `tern analyze` stored in `store`; nullopt when the
// case was never analyzed (or by a version that did not store it).
absl::StatusOr<std::optional<MailboxDirectory>> LoadMailboxDirectory(CaseStore& store);

// The UPN of the mailbox `e` concerns, as exports show it (issue 13): the
// owner UPN the record names, else the attributed mailbox's UPN (ForEvent:
// a cmdlet's target, a sign-in's own mailbox), else the UPN a record links
// its GUID to; "" when none is known.
std::string ShownMailboxUpn(const MailboxDirectory& directory, const Event& e);

}  // namespace tern::correlate

#endif  // TERN_CORE_CORRELATE_DIRECTORY_H_
