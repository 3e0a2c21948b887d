#include "core/store/analysis_inputs.h"

#include <optional>
#include <string_view>

#include "core/base/codec.h"
#include "core/base/status_macros.h"

namespace tern {
namespace {

constexpr char kAnalysisInputsKey[] = "analysis_inputs";

}  // namespace

absl::Status PutAnalysisInputs(CaseStore& store, const std::vector<AnalysisInput>& inputs) {
  std::string out;
  PutVarint64(inputs.size(), &out);
  for (const AnalysisInput& in : inputs) {
    for (const std::string* field : {&in.role, &in.name, &in.sha256, &in.content}) {
      PutLengthPrefixed(*field, &out);
    }
  }
  // The paths follow as a block of their own, so records written before
  // they were kept still decode.
  for (const AnalysisInput& in : inputs) PutLengthPrefixed(in.path, &out);
  return store.PutMeta(kAnalysisInputsKey, out);
}

absl::StatusOr<std::vector<AnalysisInput>> GetAnalysisInputs(CaseStore& store) {
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> bytes, store.GetMeta(kAnalysisInputsKey));
  std::vector<AnalysisInput> inputs;
  if (!bytes.has_value()) return inputs;
  Decoder d(*bytes);
  uint64_t n = 0;
  bool ok = d.GetVarint64(&n);
  for (uint64_t i = 0; ok && i < n; ++i) {
    AnalysisInput& in = inputs.emplace_back();
    for (std::string* field : {&in.role, &in.name, &in.sha256, &in.content}) {
      ok = ok && d.GetString(field);
    }
  }
  for (size_t i = 0; ok && !d.done() && i < inputs.size(); ++i) ok = d.GetString(&inputs[i].path);
  if (!ok || !d.done())
    return absl::DataLossError("corrupt analysis-inputs record in the case store");
  return inputs;
}

}  // namespace tern
