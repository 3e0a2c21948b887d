// The `tern` subcommands as a library (RocksDB ldb_cmd style): one class per
// command, a table of their factories (tools/cli/builtin_commands.cc), and
// RunTool(), which parses a command line, dispatches and returns the exit
// code. tools/tern_main.cc is a one-line main() over RunTool; tests call the
// same functions in process.
//
// Boost.Program_options is the only exception user in tern: its exceptions
// are caught in ExecuteCommand() and become usage errors (exit 2); any other
// exception a command lets escape becomes a fatal error (exit 3). Nothing
// throws out of this library.
//
// A Command is thread-compatible; the table is immutable and thread-safe.
#ifndef TERN_TOOLS_CLI_COMMAND_H_
#define TERN_TOOLS_CLI_COMMAND_H_

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "tools/cli/options.h"

namespace tern::cli {

// Documented exit codes (README "Exit codes", `tern --help`).
enum ExitCode : int {
  kExitOk = 0,
  kExitWarnings = 1,      // completed, but records were rejected or warnings raised
  kExitUsage = 2,         // bad command line
  kExitFatal = 3,         // could not complete (store failure, unusable case, ...)
  kExitVerifyFailed = 4,  // `verify`: evidence changed or missing, or store corrupt
};

// Where a command writes, and how it was invoked. The streams are not owned.
struct CommandContext {
  std::FILE* out = stdout;   // results
  std::FILE* err = stderr;   // progress, warnings, errors
  std::string command_line;  // as typed, recorded in custody and tern.log
};

class Command {
 public:
  virtual ~Command() = default;

  // "run", "verify", ...: the word after `tern`.
  virtual std::string_view name() const = 0;
  // One line for `tern --help`.
  virtual std::string_view summary() const = 0;
  // What follows the name in the usage line: "--case DIR [options] INPUT...".
  // Options are named through OptionUsage(kXOption, ...), never spelled out;
  // the synopsis names only options the command defines (command_test.cc).
  virtual std::string synopsis() const = 0;

  // Declares the options the command uses, bound to its own members. Only
  // these are accepted and shown by `tern NAME --help`.
  virtual void DefineOptions(OptionSpec& spec) = 0;
  // Checks and converts the parsed values; an InvalidArgument status is a
  // usage error (exit 2) with its message. Default: nothing to check.
  virtual absl::Status Validate() { return absl::OkStatus(); }
  // Does the work; returns an ExitCode.
  virtual int Run(const CommandContext& context) = 0;
};

using CommandFactory = std::unique_ptr<Command> (*)();

// Parses `args` (the words after the command name) into `command`, then runs
// it. `--help` prints the command's usage to context.out and returns 0; a
// usage error is printed to context.err and returns 2.
int ExecuteCommand(Command& command, const std::vector<std::string>& args,
                   const CommandContext& context);

// The whole command line: argv[0] is the program, argv[1] the command name.
// Dispatches through `commands`, also answering `--help`/`help`/`-h` and
// `--version`. Writes to stdout and stderr.
int RunTool(absl::Span<const CommandFactory> commands, int argc, char** argv);

// The same with explicit streams and arguments (argv without the program).
int RunTool(absl::Span<const CommandFactory> commands, const std::vector<std::string>& args,
            const CommandContext& context);

// `tern --help`: the commands of the table with their synopses and
// summaries, the INPUT conventions and the exit codes.
std::string ToolUsage(absl::Span<const CommandFactory> commands);

// Prints "tern: error: MESSAGE" (terminal-safe) to context.err and returns
// kExitFatal.
int ReportFatal(const CommandContext& context, const absl::Status& status);

}  // namespace tern::cli

#endif  // TERN_TOOLS_CLI_COMMAND_H_
