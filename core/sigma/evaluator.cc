#include "core/sigma/evaluator.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/base/strings.h"

namespace tern::sigma {
namespace {

constexpr uint64_t kSweepEvery = 4096;

bool Counting(const Correlation& c) {
  return c.type == Correlation::Type::kEventCount || c.type == Correlation::Type::kValueCount;
}

struct Entry {
  TimeMs time = 0;
  HitEvent event;
  std::string value;  // value_count: the counted value
  int position = 0;   // temporal: which of the named rules matched
};

}  // namespace

struct Evaluator::Window {
  std::deque<Entry> entries;
  absl::flat_hash_map<std::string, int64_t> values;  // value_count: value -> entries
  TimeMs start = 0;                                  // tumbling windows
  TimeMs last_fire = kNoTime;
  std::string burst_key;
  std::string group;

  void Push(Entry e, bool count_values) {
    if (count_values) ++values[e.value];
    entries.push_back(std::move(e));
  }
  void PopFront(bool count_values) {
    if (count_values) {
      auto it = values.find(entries.front().value);
      if (--it->second == 0) values.erase(it);
    }
    entries.pop_front();
  }
  void Clear() {
    entries.clear();
    values.clear();
  }
};

struct Evaluator::CorrelationState {
  const Rule* rule = nullptr;
  std::vector<int> refs;  // indexes into rules_, in the correlation's order
  std::map<std::string, Window> groups;

  const Correlation& c() const { return *rule->correlation; }
  bool values() const { return c().type == Correlation::Type::kValueCount; }
  int64_t Count(const Window& w) const {
    return values() ? static_cast<int64_t>(w.values.size())
                    : static_cast<int64_t>(w.entries.size());
  }
  bool Temporal() const { return !Counting(c()); }
  bool Satisfied(const Window& w) const {
    if (!Temporal()) return c().Holds(Count(w));
    if (c().type == Correlation::Type::kTemporal) {
      std::vector<bool> seen(refs.size(), false);
      for (const Entry& e : w.entries) seen[e.position] = true;
      return std::all_of(seen.begin(), seen.end(), [](bool b) { return b; });
    }
    size_t next = 0;  // ordered: the named rules as a subsequence
    for (const Entry& e : w.entries) {
      if (static_cast<size_t>(e.position) == next && ++next == refs.size()) return true;
    }
    return false;
  }

  void Emit(const Window& w, std::string key, bool all, const CorrelationSink& sink) const {
    CorrelationHit hit;
    hit.rule = rule;
    hit.group = w.group;
    hit.key = std::move(key);
    hit.count = Temporal() ? static_cast<int64_t>(w.entries.size()) : Count(w);
    if (all) {
      for (const Entry& e : w.entries) hit.events.push_back(e.event);
    } else {
      hit.events.push_back(w.entries.back().event);
    }
    sink(hit);
  }

  // Tumbling window of an upper-bound-only condition: judged once, then reset.
  void Close(Window& w, const std::string& group_key, const CorrelationSink& sink) {
    if (!w.entries.empty() && c().Holds(Count(w))) {
      Emit(w, absl::StrCat(group_key, "@", w.start), true, sink);
    }
    w.Clear();
  }
};

Evaluator::Evaluator(const std::vector<Rule>& rules) : rules_(rules), prefilter_(rules) {
  reports_.assign(rules.size(), false);
  absl::flat_hash_map<std::string, int> by_ref;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].correlation) continue;
    reports_[i] = !rules[i].input_only;
    by_ref.emplace(rules[i].id, static_cast<int>(i));
    if (!rules[i].name.empty()) by_ref.emplace(rules[i].name, static_cast<int>(i));
  }
  for (const Rule& rule : rules) {
    if (!rule.correlation) continue;
    auto state = std::make_unique<CorrelationState>();
    state->rule = &rule;
    for (const std::string& ref : rule.correlation->rules) {
      auto it = by_ref.find(ref);
      if (it == by_ref.end()) continue;  // Link() reported it
      state->refs.push_back(it->second);
    }
    if (state->refs.size() == rule.correlation->rules.size()) {
      correlations_.push_back(std::move(state));
    }
  }
}

Evaluator::~Evaluator() = default;

void Evaluator::OnEvent(const Event& e, const MatchSink& on_match,
                        const CorrelationSink& on_correlation) {
  std::vector<int> matched;
  for (int i : prefilter_.Candidates(e.operation)) {
    if (!rules_[i].Matches(e, scratch_)) continue;
    matched.push_back(i);
    if (reports_[i]) on_match(rules_[i]);
  }
  if (!matched.empty()) {
    for (size_t c = 0; c < correlations_.size(); ++c) Correlate(c, matched, e, on_correlation);
  }
  if (++fed_ % kSweepEvery != 0) return;
  // Drop idle groups (and judge the tumbling windows that closed).
  for (auto& state : correlations_) {
    const int64_t span = state->c().timespan_ms;
    const bool tumbling = Counting(state->c()) && state->c().UpperBoundOnly();
    for (auto it = state->groups.begin(); it != state->groups.end();) {
      Window& w = it->second;
      if (tumbling && !w.entries.empty() && e.time_ms > w.start + span) {
        state->Close(w, it->first, on_correlation);
      }
      const bool idle = w.entries.empty() || w.entries.back().time < e.time_ms - span;
      it = idle && (!tumbling || w.entries.empty()) ? state->groups.erase(it) : std::next(it);
    }
  }
}

void Evaluator::Correlate(size_t index, const std::vector<int>& matched, const Event& e,
                          const CorrelationSink& sink) {
  CorrelationState& state = *correlations_[index];
  const Correlation& c = state.c();
  std::vector<int> positions;
  for (size_t p = 0; p < state.refs.size(); ++p) {
    if (std::find(matched.begin(), matched.end(), state.refs[p]) != matched.end()) {
      positions.push_back(static_cast<int>(p));
    }
  }
  if (positions.empty()) return;

  std::string key, group;
  for (size_t i = 0; i < c.group_by.size(); ++i) {
    const FieldRef& f = c.group_by[i];
    scratch_.Clear();
    f.Collect(e, scratch_);
    const std::string_view v = scratch_.empty() ? std::string_view() : scratch_.views().front();
    absl::StrAppend(&key, i == 0 ? "" : "\x1f", ToAbsl(v));
    absl::StrAppend(&group, i == 0 ? "" : ", ", ToAbsl(v));
  }
  Entry entry;
  entry.time = e.time_ms;
  entry.event.anchor =
      EvidenceAnchor{e.record_id, e.provenance.evidence, e.provenance.line, e.time_ms};
  entry.event.client_ip = e.client_ip;
  if (c.value_field) {
    scratch_.Clear();
    c.value_field->Collect(e, scratch_);
    if (scratch_.empty()) return;  // no value to count
    entry.value = std::string(scratch_.views().front());
  }

  Window& w = state.groups[key];
  w.group = group;
  const bool values = state.values();
  const bool tumbling = Counting(c) && c.UpperBoundOnly();
  if (tumbling) {
    if (!w.entries.empty() && e.time_ms > w.start + c.timespan_ms) state.Close(w, key, sink);
    if (w.entries.empty()) w.start = e.time_ms;
    w.Push(std::move(entry), values);
    if (w.entries.size() > kMaxWindowEvents) w.PopFront(values);
    return;
  }
  for (size_t i = 0; i < positions.size(); ++i) {
    Entry copy = i + 1 < positions.size() ? entry : std::move(entry);
    copy.position = positions[i];
    w.Push(std::move(copy), values);
  }
  while (!w.entries.empty() && (w.entries.front().time < e.time_ms - c.timespan_ms ||
                                w.entries.size() > kMaxWindowEvents)) {
    w.PopFront(values);
  }
  if (!state.Satisfied(w)) return;
  const bool same_burst = w.last_fire != kNoTime && e.time_ms - w.last_fire <= c.timespan_ms;
  if (!same_burst) w.burst_key = absl::StrCat(key, "@", w.entries.front().time);
  w.last_fire = e.time_ms;
  state.Emit(w, w.burst_key, !same_burst, sink);
}

void Evaluator::Finish(const CorrelationSink& on_correlation) {
  for (auto& state : correlations_) {
    if (!Counting(state->c()) || !state->c().UpperBoundOnly()) continue;
    for (auto& [key, w] : state->groups) state->Close(w, key, on_correlation);
  }
}

}  // namespace tern::sigma
