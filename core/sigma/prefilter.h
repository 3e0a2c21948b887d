// OperationPrefilter: which detection rules could match a record, judged
// from its Operation alone, so that the evaluator skips the rest.
//
// Most rules pin the operation: a selection `Operation: X` (or a list of
// exact values) joined to the others by `and`. A rule whose condition does
// not (`not`, keywords, contains / wildcards / regex on Operation, a
// selection without Operation on one side of an `or`) is a candidate for
// every record. Pinning is a necessary condition derived from the condition
// tree, so evaluating only the candidates, in rule order, gives the same
// matches in the same order as evaluating every rule.
//
// Immutable after construction apart from a lookup buffer: thread-compatible.
#ifndef TERN_CORE_SIGMA_PREFILTER_H_
#define TERN_CORE_SIGMA_PREFILTER_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/sigma/rule.h"

namespace tern::sigma {

// The operations (lower-case) one of which a record must carry for `rule`
// to match it; nullopt when the rule can match a record of any operation
// (correlations included: they match no record themselves).
std::optional<std::set<std::string>> RequiredOperations(const Rule& rule);

class OperationPrefilter {
 public:
  explicit OperationPrefilter(const std::vector<Rule>& rules);

  // Indexes into `rules` of the detection rules that may match a record
  // whose Operation is `operation` (compared ignoring ASCII case),
  // ascending. Valid until the next call.
  const std::vector<int>& Candidates(std::string_view operation);

 private:
  std::vector<int> unpinned_;
  absl::flat_hash_map<std::string, std::vector<int>> by_operation_;
  std::string lower_;
};

}  // namespace tern::sigma

#endif  // TERN_CORE_SIGMA_PREFILTER_H_
