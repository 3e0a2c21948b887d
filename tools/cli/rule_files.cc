#include "tools/cli/rule_files.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "core/base/status_macros.h"
#include "core/detect/builtin_rules.h"
#include "core/detect/rule.h"
#include "core/evidence/hasher.h"
#include "core/ingest/custody.h"

namespace tern::cli {
namespace {

// Recorded under the file's name: outputs must not depend on where it was kept.
std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

sigma::RuleLoad LoadRuleFiles(const std::vector<std::string>& paths,
                              std::vector<AnalysisInput>* inputs, bool lint) {
  sigma::RuleLoad given;
  for (const std::string& path : paths) sigma::LoadPath(path, given);
  // tern's pack first: user rules may name its rules in correlations, and
  // an id may not be used twice. When linting, a given rules/NAME.yml is the
  // working copy of a pack file and stands in for the embedded one.
  sigma::RuleLoad load;
  detect::LoadBuiltinRules(load, [&](const detect::EmbeddedRuleFile& f) {
    if (!lint) return false;
    for (const std::string& file : given.files) {
      if (file == f.path || file.ends_with("/" + f.path)) return true;
    }
    return false;
  });
  for (sigma::Rule& r : given.rules) load.rules.push_back(std::move(r));
  for (sigma::Diagnostic& d : given.diagnostics) load.diagnostics.push_back(std::move(d));
  load.files = std::move(given.files);
  for (const sigma::Rule& r : load.rules) {
    for (const detect::CppRule& c : detect::CppRules()) {
      if (c.info.id == r.id) {
        load.diagnostics.push_back(sigma::Diagnostic{sigma::Diagnostic::Level::kError, r.source,
                                                     r.line, r.id,
                                                     "id is the id of a built-in rule"});
      }
    }
  }
  sigma::Link(load);
  std::map<std::string, std::string> sha256;
  for (const std::string& file : load.files) {
    absl::StatusOr<std::string> text = ReadWholeFile(file);
    if (!text.ok()) continue;  // the loader has reported it
    sha256[file] = Sha256Hex(*text);
    if (inputs != nullptr) {
      inputs->push_back(AnalysisInput{kInputRoleRules, BaseName(file), sha256[file], *text, file});
    }
  }
  for (sigma::Rule& rule : load.rules) {
    auto it = sha256.find(rule.source);
    if (it != sha256.end()) rule.source_sha256 = it->second;
  }
  return load;
}

absl::StatusOr<Tuning> LoadTuningFile(const std::string& path,
                                      const std::vector<std::string>& known_rules) {
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read the tuning file ", path));
  }
  TERN_ASSIGN_OR_RETURN(Tuning tuning, ParseTuning(*text, path, known_rules));
  tuning.sha256 = Sha256Hex(*text);
  tuning.source = BaseName(path);
  tuning.path = path;
  tuning.content = *text;
  return tuning;
}

void PrintNotes(std::FILE* err, const std::vector<std::string>& notes) {
  for (const std::string& n : notes) std::fprintf(err, "tern: %s\n", TerminalSafe(n).c_str());
}

}  // namespace tern::cli
