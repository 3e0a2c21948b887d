// tern's own rule pack: the single-record and simple-correlation rules kept
// as Sigma YAML in the repository's rules/ folder, compiled into the binary
// (cmake/EmbedRules.cmake) with each file's SHA-256, which the report's
// methodology shows. Stateful rules (sessions, windows, baselines, geo) stay
// C++ (the registry, catalog.cc). Thread-safe (immutable after first use).
#ifndef TERN_CORE_DETECT_BUILTIN_RULES_H_
#define TERN_CORE_DETECT_BUILTIN_RULES_H_

#include <functional>
#include <string>
#include <vector>

#include "core/sigma/loader.h"

namespace tern::detect {

struct EmbeddedRuleFile {
  std::string path;    // "rules/NAME.yml"
  std::string sha256;  // of the file's bytes
  std::string text;
};

// Every rules/*.yml, sorted by name (generated source).
const std::vector<EmbeddedRuleFile>& BuiltinRuleFiles();

// The source of a pack rule is kBuiltinSourcePrefix + its path.
inline constexpr char kBuiltinSourcePrefix[] = "builtin:";

// Loads the pack into `load` (sources "builtin:rules/NAME.yml", hashes set)
// but the files `skip` (if given) holds for; call before loading user rules
// and linking.
void LoadBuiltinRules(sigma::RuleLoad& load,
                      const std::function<bool(const EmbeddedRuleFile&)>& skip = nullptr);

// Whether `rule` is one of the pack's (as loaded by LoadBuiltinRules).
bool IsBuiltinSigmaRule(const sigma::Rule& rule);

// The pack alone, linked; loaded once. An error in it is a build defect
// (the unit tests load it and require no errors).
const std::vector<sigma::Rule>& BuiltinSigmaRules();

}  // namespace tern::detect

#endif  // TERN_CORE_DETECT_BUILTIN_RULES_H_
