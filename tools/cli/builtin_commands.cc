#include "tools/cli/builtin_commands.h"

#include <memory>

namespace tern::cli {

// Each factory is defined in its tools/cli/<verb>_command.cc.
std::unique_ptr<Command> NewRunCommand();
std::unique_ptr<Command> NewIngestCommand();
std::unique_ptr<Command> NewAnalyzeCommand();
std::unique_ptr<Command> NewReportCommand();
std::unique_ptr<Command> NewVerifyCommand();
std::unique_ptr<Command> NewSearchCommand();
std::unique_ptr<Command> NewRulesCommand();
std::unique_ptr<Command> NewVersionCommand();
std::unique_ptr<Command> NewExportCommand();
std::unique_ptr<Command> NewDiffCommand();

absl::Span<const CommandFactory> BuiltinCommands() {
  // clang-format off: one line per command.
  static constexpr CommandFactory kCommands[] = {
      &NewRunCommand,    &NewIngestCommand, &NewAnalyzeCommand, &NewReportCommand,
      &NewVerifyCommand, &NewSearchCommand, &NewRulesCommand,   &NewVersionCommand,
      &NewExportCommand,
      &NewDiffCommand,
  };
  // clang-format on
  return kCommands;
}

}  // namespace tern::cli
