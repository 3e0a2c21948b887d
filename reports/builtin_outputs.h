// The outputs tern ships (reports/builtin_outputs.cc lists them, one line
// each) and the registry that holds them, for the commands. Thread-safe.
#ifndef TERN_REPORTS_BUILTIN_OUTPUTS_H_
#define TERN_REPORTS_BUILTIN_OUTPUTS_H_

#include "absl/status/status.h"
#include "reports/output.h"

namespace tern {

// Registers every built-in output; AlreadyExists if two share a name.
absl::Status RegisterBuiltinOutputs(OutputRegistry& registry);

// A registry holding the built-in outputs, built on first use.
const OutputRegistry& BuiltinOutputs();

}  // namespace tern

#endif  // TERN_REPORTS_BUILTIN_OUTPUTS_H_
