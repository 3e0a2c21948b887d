// Loads Sigma rules from YAML (yaml-cpp) into compiled rules, with
// diagnostics that name file, line and problem (what `tern rules lint`
// prints). Rules for other log sources than Microsoft 365 audit records are
// skipped with a note: `logsource` product m365, or product azure / m365
// with service m365, exchange, audit or threat_management.
//
// Errors (a rule that cannot be used) keep that rule out; warnings (e.g. a
// field UAL records never carry) keep it in. Thread-compatible.
#ifndef TERN_CORE_SIGMA_LOADER_H_
#define TERN_CORE_SIGMA_LOADER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/sigma/rule.h"

namespace tern::sigma {

struct Diagnostic {
  enum class Level { kError, kWarning, kNote };
  Level level = Level::kError;
  std::string file;
  int line = 0;      // 1-based; 0 when the problem is the whole file
  std::string rule;  // the rule's id (or title) when known
  std::string message;

  // "file:line: error: message [rule]"
  std::string ToString() const;
};

struct RuleLoad {
  std::vector<Rule> rules;
  std::vector<Diagnostic> diagnostics;
  std::vector<std::string> files;  // every file read, in load order

  bool has_errors() const;
};

// Parses every YAML document of `text`; `source` names it in diagnostics.
void LoadText(std::string_view text, std::string_view source, RuleLoad& out);
// Loads a file, or every *.yml / *.yaml below a directory (sorted by path).
// Unreadable paths are error diagnostics.
void LoadPath(const std::string& path, RuleLoad& out);
// Checks what needs every rule: unique ids, correlation references that
// resolve to loaded detection rules; marks the input-only rules (Rule::
// input_only). Call once after the last Load*.
void Link(RuleLoad& out);

}  // namespace tern::sigma

#endif  // TERN_CORE_SIGMA_LOADER_H_
