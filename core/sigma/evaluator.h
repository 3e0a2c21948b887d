// Runs compiled Sigma rules over a case's events in time order: detection
// rules per record, and correlation rules (event_count, value_count,
// temporal, temporal_ordered) over the matches of the rules they name,
// grouped by their group-by fields within their timespan.
//
// Counting correlations with a lower bound (gt, gte, eq) fire as soon as
// the sliding window satisfies them; a burst that keeps satisfying it within
// the timespan stays one hit (same key). Upper-bound-only conditions (lt,
// lte, neq) are judged on tumbling windows when they close. Windows hold at
// most kMaxWindowEvents events per group (the oldest go first) and idle
// groups are dropped, so memory is bounded by the activity of one timespan.
//
// Thread-compatible: one evaluator per analysis, fed from one thread.
#ifndef TERN_CORE_SIGMA_EVALUATOR_H_
#define TERN_CORE_SIGMA_EVALUATOR_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/model/event.h"
#include "core/model/finding.h"
#include "core/sigma/prefilter.h"
#include "core/sigma/rule.h"

namespace tern::sigma {

inline constexpr size_t kMaxWindowEvents = 100000;

// An event a correlation rests on.
struct HitEvent {
  EvidenceAnchor anchor;
  std::string client_ip;
};

struct CorrelationHit {
  const Rule* rule = nullptr;
  // Group-by values joined by ", " ("" without group-by), and a key that
  // stays the same for one burst of the group.
  std::string group;
  std::string key;
  int64_t count = 0;             // events (event_count) or distinct values (value_count)
  std::vector<HitEvent> events;  // new since the last hit with this key
};

class Evaluator {
 public:
  using MatchSink = std::function<void(const Rule&)>;
  using CorrelationSink = std::function<void(const CorrelationHit&)>;

  // `rules` (linked, see loader.h) must outlive the evaluator.
  explicit Evaluator(const std::vector<Rule>& rules);
  ~Evaluator();

  // Feeds one event (in (time, record id) order). `on_match` sees each
  // detection rule that matches and reports on its own; `on_correlation`
  // each correlation the event completes or extends.
  void OnEvent(const Event& e, const MatchSink& on_match, const CorrelationSink& on_correlation);
  // Judges the windows still open (upper-bound-only conditions).
  void Finish(const CorrelationSink& on_correlation);

 private:
  struct Window;
  struct CorrelationState;

  void Correlate(size_t c, const std::vector<int>& matched, const Event& e,
                 const CorrelationSink& sink);

  const std::vector<Rule>& rules_;
  OperationPrefilter prefilter_;  // which rules a record's Operation leaves in
  std::vector<bool> reports_;     // detection rule reports its own matches
  std::vector<std::unique_ptr<CorrelationState>> correlations_;
  FieldValues scratch_;
  uint64_t fed_ = 0;
};

}  // namespace tern::sigma

#endif  // TERN_CORE_SIGMA_EVALUATOR_H_
