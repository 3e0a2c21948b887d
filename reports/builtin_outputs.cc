#include "reports/builtin_outputs.h"

#include "core/base/status_macros.h"

// Every built-in output, one line each: the OutputInfo function defined in
// the output's own file. The order is the order the commands list and write
// them (case documents: report.html before findings.json, as printed).
#define TERN_BUILTIN_OUTPUTS(X) \
  X(ReportHtmlOutputInfo)       \
  X(FindingsJsonOutputInfo)     \
  X(SessionsJsonlOutputInfo)    \
  X(ExposureCsvOutputInfo)      \
  X(TableOutputInfo)            \
  X(CsvOutputInfo)              \
  X(JsonlOutputInfo)            \
  X(EcsOutputInfo)

namespace tern {

#define TERN_DECLARE_OUTPUT(info) OutputInfo info();
TERN_BUILTIN_OUTPUTS(TERN_DECLARE_OUTPUT)
#undef TERN_DECLARE_OUTPUT

absl::Status RegisterBuiltinOutputs(OutputRegistry& registry) {
#define TERN_REGISTER_OUTPUT(info) TERN_RETURN_IF_ERROR(registry.Register(info()));
  TERN_BUILTIN_OUTPUTS(TERN_REGISTER_OUTPUT)
#undef TERN_REGISTER_OUTPUT
  return absl::OkStatus();
}

const OutputRegistry& BuiltinOutputs() {
  // Never destroyed (no static destructor order issues); built once,
  // thread-safe. A duplicate name fails reports_output_test, not here.
  static const OutputRegistry* const registry = [] {
    auto* built = new OutputRegistry;
    RegisterBuiltinOutputs(*built).IgnoreError();
    return built;
  }();
  return *registry;
}

}  // namespace tern

#undef TERN_BUILTIN_OUTPUTS
