// The files an analysis read besides the evidence — Sigma rule files given
// with --rules and the tuning file (--config) — by name, SHA-256 and whole
// text, kept in the case store's meta by the last analysis and shown in
// custody.json and the report's methodology, so a report says exactly which
// rules and tuning produced it. Thread-compatible, like the CaseStore.
#ifndef TERN_CORE_STORE_ANALYSIS_INPUTS_H_
#define TERN_CORE_STORE_ANALYSIS_INPUTS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/store/case_store.h"

namespace tern {

// Roles, as the signed manifest names them (core/custody/manifest.h).
inline constexpr char kInputRoleRules[] = "rules";
inline constexpr char kInputRoleConfig[] = "config";

struct AnalysisInput {
  std::string role;     // kInputRole*
  std::string name;     // the file's name without its folder (outputs must
                        // not depend on where it was kept)
  std::string sha256;   // of its bytes
  std::string content;  // its text
  // The path as the command named it: what the signed manifest lists, so
  // `tern report` seals the same entry as `run` did (never shown in
  // custody.json or the report). "" in cases from before it was kept.
  std::string path;
};

// Replaces the recorded inputs with `inputs` (possibly none).
absl::Status PutAnalysisInputs(CaseStore& store, const std::vector<AnalysisInput>& inputs);
// The recorded inputs in the order stored; none for a case analyzed without
// any (or by an older tern). DataLoss when the record does not decode.
absl::StatusOr<std::vector<AnalysisInput>> GetAnalysisInputs(CaseStore& store);

}  // namespace tern

#endif  // TERN_CORE_STORE_ANALYSIS_INPUTS_H_
