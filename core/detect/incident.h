// Incidents: findings under construction. Rules open one incident per group
// of related events (e.g. mailbox + actor + day, or a session) and add each
// event it rests on; the table turns them into findings with a total,
// input-order-independent sort and F-0001... numbering.
//
// Memory: anchors are capped per incident (AnalyzeOptions.
// max_anchors_per_finding); lists in details are capped at kMaxDetailList.
// Thread-compatible.
#ifndef TERN_CORE_DETECT_INCIDENT_H_
#define TERN_CORE_DETECT_INCIDENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_set.h"
#include "core/correlate/directory.h"
#include "core/detect/analyzer.h"
#include "core/detect/packed_text.h"
#include "core/detect/rule.h"
#include "core/model/finding.h"

namespace tern::detect {

// Values kept per list-valued detail (sorted, smallest kept).
inline constexpr size_t kMaxDetailList = 50;

// The anchors of one incident in the order they were kept, each record id
// once. Indexed by position, hashed by record id: a set of the ids
// themselves was a second copy of every one (~80 bytes an anchor,
// docs/BENCHMARKS.md "Change 16"), and the anchors are packed (Change 17).
// Move-only.
class AnchorSet {
 public:
  AnchorSet();

  bool contains(const PackedText& record_id) const { return index_.contains(record_id); }
  // REQUIRES: !contains(anchor.record_id()).
  void Add(PackedAnchor anchor);
  size_t size() const { return anchors_->size(); }
  const PackedAnchor& operator[](size_t i) const { return (*anchors_)[i]; }
  // The anchors, unpacked, in the order they were kept.
  std::vector<EvidenceAnchor> Unpack() const;

 private:
  // Hash and equality of positions by their record id, and of record ids
  // themselves, so a lookup by id needs no position.
  struct ByRecordId {
    using is_transparent = void;
    const std::vector<PackedAnchor>* anchors;
    const PackedText& Of(uint32_t i) const { return (*anchors)[i].record_id(); }
    static const PackedText& Of(const PackedText& id) { return id; }
    size_t operator()(uint32_t i) const { return (*this)(Of(i)); }
    size_t operator()(const PackedText& id) const;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return Of(a) == Of(b);
    }
  };
  // On the heap, so the index's functors point at it across moves.
  std::unique_ptr<std::vector<PackedAnchor>> anchors_;
  absl::flat_hash_set<uint32_t, ByRecordId, ByRecordId> index_;
};

class Incident {
 public:
  Incident(const RuleInfo* info, size_t max_anchors);

  // Adds an event the finding rests on: its anchor, IP, session, time; the
  // mailbox and actor of the first event added this way become the
  // finding's unless set before.
  void Add(const EventContext& ctx);
  // Adds an event remembered earlier by a rule (e.g. from a sliding window).
  void AddAnchor(const EvidenceAnchor& anchor, std::string_view ip, std::string_view session);
  void AddAnchor(PackedAnchor anchor, std::string_view ip, std::string_view session);

  void SetMailbox(const correlate::MailboxRef& mailbox) {
    mailbox_ = mailbox;
    mailbox_set_ = true;
  }
  void SetActor(std::string actor) {
    actor_ = std::move(actor);
    actor_set_ = true;
  }
  void SetTitle(std::string title) { title_ = std::move(title); }
  // Raises the severity to at least `s`; `reason` (if any) is listed in
  // details.reasons so that readers see why the severity was earned.
  void Raise(Severity s, std::string_view reason = "");
  // Sets the severity to `s`, up or down (the tuning file), listing `reason`.
  void SetSeverity(Severity s, std::string_view reason);

  // Details (written in key order into details_json).
  void Set(std::string_view key, std::string value);  // last write wins
  void SetIfEmpty(std::string_view key, std::string value);
  void List(std::string_view key, std::string_view value);  // sorted set
  void Count(std::string_view key, int64_t n = 1);
  void Max(std::string_view key, int64_t v);
  void Flag(std::string_view key);

  Severity severity() const { return severity_; }
  const RuleInfo& info() const { return *info_; }
  const std::set<std::string>& ips() const { return ips_; }
  const correlate::MailboxRef& mailbox() const { return mailbox_; }
  const std::string& actor() const { return actor_; }
  TimeMs first_seen() const { return first_; }
  bool empty() const { return events_ == 0; }
  bool HasDetail(std::string_view key) const { return details_.contains(std::string(key)); }
  // A rule-internal label (not written to the finding), e.g. to tell the
  // escalation pass which kind of incident this is.
  void set_tag(std::string tag) { tag_ = std::move(tag); }
  const std::string& tag() const { return tag_; }

  // Takes over `other`'s events, IPs, sessions and details (lists merge,
  // counts add, maxima keep the larger, other values keep this one's) and
  // the higher severity: one finding for what several incidents found.
  void Absorb(const Incident& other);

  Finding Build() const;

 private:
  // Keeps `anchor` (not kept yet) unless the cap is reached.
  void KeepAnchor(PackedAnchor anchor);
  void AddSession(std::string_view session);
  // Every session, sorted as text.
  std::vector<std::string> Sessions() const;

  using Value = std::variant<std::string, int64_t, bool, std::set<std::string>>;

  const RuleInfo* info_;
  size_t max_anchors_;
  Severity severity_ = Severity::kInfo;
  std::string title_;
  std::string tag_;
  correlate::MailboxRef mailbox_;
  bool mailbox_set_ = false;
  std::string actor_;
  bool actor_set_ = false;
  std::set<std::string> ips_;
  // Sessions as their 48-bit values (correlate::SessionIdValue): a string
  // set's node took about 80 bytes an id, and findings of a busy mailbox
  // name tens of thousands of sessions. Any other text stays text.
  absl::btree_set<uint64_t> session_values_;
  std::set<std::string> other_sessions_;
  TimeMs first_ = 0;
  TimeMs last_ = 0;
  uint64_t events_ = 0;
  bool truncated_ = false;
  AnchorSet anchors_;
  std::map<std::string, Value> details_;
};

class IncidentTable {
 public:
  explicit IncidentTable(size_t max_anchors) : max_anchors_(max_anchors) {}

  // The incident (rule_id, key), created on first use.
  Incident& Open(std::string_view rule_id, std::string_view key);
  // Likewise for a rule outside the catalog (a Sigma rule); `info` must
  // outlive the table's findings.
  Incident& Open(const RuleInfo& info, std::string_view key);
  // The incident or nullptr.
  Incident* Find(std::string_view rule_id, std::string_view key);
  // Visits every incident in (rule, key) order.
  void ForEach(const std::function<void(Incident&)>& fn);
  // Removes the incidents for which `drop` holds.
  void EraseIf(const std::function<bool(Incident&)>& drop);

  // Roll-up (issue 11): the incidents of one rule that stayed at or below
  // `max_severity` become one per identity (actor) and mailbox, with all
  // their anchors and details.rolled_up = how many were merged. Incidents
  // naming neither (IP pivots) stay. Returns the number merged away.
  size_t RollUp(Severity max_severity);

  // Builds the findings, sorts them by (first_seen, rule, mailbox, first
  // record id, then the remaining fields) and numbers them F-0001...
  std::vector<Finding> TakeFindings();

 private:
  size_t max_anchors_;
  std::map<std::string, Incident> incidents_;  // rule + '\x1f' + key
};

// Total order of findings used by TakeFindings (exposed for tests).
bool FindingLess(const Finding& a, const Finding& b);

}  // namespace tern::detect

#endif  // TERN_CORE_DETECT_INCIDENT_H_
