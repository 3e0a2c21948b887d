// The Sigma condition language: search identifiers, `and`, `or`, `not`,
// parentheses, `1 of sel*`, `all of sel*`, `N of sel*`, `1 of them`,
// `all of them` (`them` leaves out identifiers starting with '_'). The
// deprecated aggregation pipe (`| count() ...`) is rejected: correlation
// rules replace it. Pure function; thread-safe.
#ifndef TERN_CORE_SIGMA_CONDITION_H_
#define TERN_CORE_SIGMA_CONDITION_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/sigma/rule.h"

namespace tern::sigma {

// Parses `text` over the rule's search identifiers (in `names` order).
// Errors name the offending token; referencing an unknown identifier, or a
// pattern that names none, is an error.
absl::StatusOr<Condition> ParseCondition(std::string_view text,
                                         const std::vector<std::string>& names);

}  // namespace tern::sigma

#endif  // TERN_CORE_SIGMA_CONDITION_H_
