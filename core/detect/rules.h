// Factories of the individual rules (one per catalog id) and the small
// pieces of state several rules share. Thread-compatible.
#ifndef TERN_CORE_DETECT_RULES_H_
#define TERN_CORE_DETECT_RULES_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "core/detect/incident.h"
#include "core/detect/remembered.h"
#include "core/detect/rule.h"

namespace tern::detect {

// Keys (mailboxes) with the time each was last seen and a value, inside a
// sliding window: expiry costs O(log n) per dropped key, so a busy shared IP
// or application with thousands of mailboxes stays cheap per event.
template <typename V>
class SlidingKeys {
 public:
  // Drops the keys last seen before `oldest`, calling on_drop(value) for each.
  template <typename F>
  void Expire(TimeMs oldest, F on_drop) {
    while (!by_last_.empty() && by_last_.begin()->first < oldest) {
      auto it = entries_.find(by_last_.begin()->second);
      on_drop(it->second.value);
      entries_.erase(it);
      by_last_.erase(by_last_.begin());
    }
  }
  // The value for `key` (inserted as `value` when absent) and whether it
  // was inserted; the key's last-seen time becomes `t`.
  std::pair<V*, bool> Touch(const std::string& key, TimeMs t, V value) {
    auto [it, inserted] = entries_.try_emplace(key, Entry{t, std::move(value)});
    if (!inserted) by_last_.erase({it->second.last, key});
    it->second.last = t;
    by_last_.emplace(t, key);
    return {&it->second.value, inserted};
  }
  size_t size() const { return entries_.size(); }
  // True when every key was last seen before `oldest` (Expire would drop all).
  bool AllBefore(TimeMs oldest) const {
    return by_last_.empty() || by_last_.rbegin()->first < oldest;
  }
  // Visits (key, value) in key order.
  template <typename F>
  void ForEach(F fn) const {
    for (const auto& [key, entry] : entries_) fn(key, entry.value);
  }

 private:
  struct Entry {
    TimeMs last;
    V value;
  };
  std::map<std::string, Entry> entries_;
  std::set<std::pair<TimeMs, std::string>> by_last_;
};

// Per-key window state (per mailbox, actor or IP) that no later event can
// read any more, because all of it is older than the window at `now` and
// the next event of its key would drop it first, goes every 65,536 events:
// the maps then hold the keys active within their window, not every key of
// the case (a deque or a window's bookkeeping costs ~0.5-1.5 KB per key even
// when empty). `stale(value)` says whether a value is such state.
class StaleSweep {
 public:
  template <typename Map, typename Stale>
  void Run(Map& map, Stale stale) {
    if (++events_ % kEvents != 0) return;
    for (auto it = map.begin(); it != map.end();) {
      if (stale(it->second)) {
        map.erase(it++);
      } else {
        ++it;
      }
    }
  }

 private:
  static constexpr uint64_t kEvents = 65536;
  uint64_t events_ = 0;
};

// rules_forwarding.cc
std::unique_ptr<Rule> NewMailboxForwardingRule(const RuleEnv& env, const RuleInfo& info);
std::unique_ptr<Rule> NewInboxRuleForwardRule(const RuleEnv& env, const RuleInfo& info);
std::unique_ptr<Rule> NewTransportRuleRedirectRule(const RuleEnv& env, const RuleInfo& info);
// rules_inbox.cc
std::unique_ptr<Rule> NewInboxRuleSuspiciousRule(const RuleEnv& env, const RuleInfo& info);
// rules_permissions.cc
std::unique_ptr<Rule> NewPermissionGrantRule(const RuleEnv& env, const RuleInfo& info);
std::unique_ptr<Rule> NewImpersonationRoleRule(const RuleEnv& env, const RuleInfo& info);
// rules_access.cc
std::unique_ptr<Rule> NewDelegateAccessRule(const RuleEnv& env, const RuleInfo& info);
std::unique_ptr<Rule> NewSendAsRule(const RuleEnv& env, const RuleInfo& info);
void EscalateSendAs(Incident& incident, const AttackerContext& context);
// rules_deletion.cc
std::unique_ptr<Rule> NewMassDeletionRule(const RuleEnv& env, const RuleInfo& info);
std::unique_ptr<Rule> NewSentThenDeletedRule(const RuleEnv& env, const RuleInfo& info);
// rules_tampering.cc
std::unique_ptr<Rule> NewAuditTamperingRule(const RuleEnv& env, const RuleInfo& info);
std::unique_ptr<Rule> NewEDiscoveryRule(const RuleEnv& env, const RuleInfo& info);
// rules_mail_access.cc
std::unique_ptr<Rule> NewThrottledRule(const RuleEnv& env, const RuleInfo& info);
std::unique_ptr<Rule> NewSyncBulkRule(const RuleEnv& env, const RuleInfo& info);
void EscalateSyncBulk(Incident& incident, const AttackerContext& context);
// rules_network.cc
std::unique_ptr<Rule> NewIpMultipleMailboxesRule(const RuleEnv& env, const RuleInfo& info);
std::unique_ptr<Rule> NewSessionIpChangeRule(const RuleEnv& env, const RuleInfo& info);
void EscalateSessionIpChange(Incident& incident, const AttackerContext& context);
std::unique_ptr<Rule> NewFirstSeenIpRule(const RuleEnv& env, const RuleInfo& info);
void EscalateFirstSeenIp(Incident& incident, const AttackerContext& context);
std::unique_ptr<Rule> NewImpossibleTravelRule(const RuleEnv& env, const RuleInfo& info);
// rules_client.cc
std::unique_ptr<Rule> NewSuspiciousClientRule(const RuleEnv& env, const RuleInfo& info);
// rules_identity.cc
std::unique_ptr<Rule> NewPasswordResetNewAsnRule(const RuleEnv& env, const RuleInfo& info);
// rules_spray.cc
std::unique_ptr<Rule> NewPasswordSprayRule(const RuleEnv& env, const RuleInfo& info);

// Raises severities that depend on other findings (DETECTIONS.md section 2,
// "Attacker-context propagation"): the IPs of high/critical findings of the
// registry rules marked kAttackerBehaviour form the attacker context (those
// marked kHighRiskChange also its high-risk part), and each rule's row
// `escalate` raises its findings that touch it: Sync bulk reads [36], sends
// [47], concurrent sessions [70], first-seen IPs carrying high-risk changes
// [66]. Only IPs for which `is_new_ip` holds (public, first seen in the case
// after the baseline) can be context: an office egress where an admin once
// did something high must not turn everybody's routine work into an attack.
// Uses the severities as they were before this pass (no cascades).
void EscalateAttackerContext(IncidentTable& incidents,
                             const std::function<bool(const std::string&)>& is_new_ip);

}  // namespace tern::detect

#endif  // TERN_CORE_DETECT_RULES_H_
