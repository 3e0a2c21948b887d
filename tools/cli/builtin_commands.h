// The table of `tern` commands. Adding a command = one file
// tools/cli/<verb>_command.cc defining NewVerbCommand(), plus its line in
// builtin_commands.cc (docs/DESIGN.md, "Adding a command"). No static
// self-registration: the list is explicit. Thread-safe.
#ifndef TERN_TOOLS_CLI_BUILTIN_COMMANDS_H_
#define TERN_TOOLS_CLI_BUILTIN_COMMANDS_H_

#include "absl/types/span.h"
#include "tools/cli/command.h"

namespace tern::cli {

// The commands in the order `tern --help` lists them.
absl::Span<const CommandFactory> BuiltinCommands();

}  // namespace tern::cli

#endif  // TERN_TOOLS_CLI_BUILTIN_COMMANDS_H_
