#include "tools/cli/command.h"

#include <algorithm>
#include <exception>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/escape.h"
#include "core/base/strings.h"

namespace tern::cli {
namespace {

constexpr char kUsageInputs[] = R"(
INPUT is a file, a folder (walked recursively) or an archive (zip, tar, tar.gz,
gz, 7z; archives inside archives too). Formats are detected from content.
`tern <command> --help` shows the command's options.

exit codes:
  0  completed without warnings
  1  completed, but records were rejected or warnings were raised (see tern.log)
  2  usage error
  3  fatal error: the command could not complete (or --strict and any warning)
  4  verify: evidence changed or missing, or the case store is corrupt
)";

std::string JoinCommandLine(const std::vector<std::string>& words) {
  std::string line;
  for (const std::string& word : words) {
    if (!line.empty()) line += ' ';
    if (word.find_first_of(" \t\"'") != std::string::npos) {
      absl::StrAppend(&line, "\"", word, "\"");
    } else {
      line += word;
    }
  }
  return line;
}

int UsageError(const CommandContext& context, std::string_view command, std::string_view what) {
  std::fprintf(context.err, "tern: %s\n(see 'tern %s --help')\n", TerminalSafe(what).c_str(),
               std::string(command).c_str());
  return kExitUsage;
}

// `--help` is every command's.
po::options_description GeneralOptions() {
  po::options_description general("general");
  general.add_options()((std::string(kHelpOption) + ",h").c_str(), "show this help");
  return general;
}

std::string CommandHelp(const Command& command, const OptionSpec& spec,
                        const po::options_description& general) {
  std::ostringstream help;
  help << "usage: tern " << command.name() << ' ' << command.synopsis() << "\n\n";
  for (const auto& group : spec.groups()) help << *group << '\n';
  help << general;
  return help.str();
}

// Parses `args` against `command`'s options. Returns nullopt when the
// command should run, or the exit code to return (help printed, usage error).
// Throws po::error for what Boost.Program_options rejects.
std::optional<int> Parse(Command& command, const std::vector<std::string>& args,
                         const CommandContext& context) {
  OptionSpec spec;
  command.DefineOptions(spec);
  const po::options_description general = GeneralOptions();
  po::options_description all;
  for (const auto& group : spec.groups()) all.add(*group);
  all.add(general);
  po::positional_options_description positional;
  constexpr char kPositional[] = "positional-argument";
  if (spec.positionals() != nullptr) {
    all.add_options()(kPositional, po::value(spec.positionals())->composing());
    positional.add(kPositional, -1);
  }
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  if (vm.count(kHelpOption) != 0) {
    std::fputs(CommandHelp(command, spec, general).c_str(), context.out);
    return kExitOk;
  }
  po::notify(vm);
  if (spec.positionals_required() && spec.positionals()->empty()) {
    return UsageError(context, command.name(),
                      absl::StrCat("at least one ", spec.positionals_what(), " is required"));
  }
  if (absl::Status s = command.Validate(); !s.ok()) {
    if (s.code() == absl::StatusCode::kInvalidArgument) {
      return UsageError(context, command.name(), ToStd(s.message()));
    }
    return ReportFatal(context, s);
  }
  return std::nullopt;
}

}  // namespace

int ReportFatal(const CommandContext& context, const absl::Status& status) {
  std::fprintf(context.err, "tern: error: %s\n", TerminalSafe(ToStd(status.message())).c_str());
  return kExitFatal;
}

int ExecuteCommand(Command& command, const std::vector<std::string>& args,
                   const CommandContext& context) {
  try {
    if (std::optional<int> early = Parse(command, args, context); early.has_value()) {
      return *early;
    }
  } catch (const po::error& e) {
    // Boost.Program_options reports usage errors by throwing; they stop here.
    return UsageError(context, command.name(), e.what());
  }
  try {
    return command.Run(context);
  } catch (const std::exception& e) {
    // Our code does not throw; this is the standard library (allocation,
    // filesystem) failing. It must not escape as a crash.
    return ReportFatal(context, absl::InternalError(e.what()));
  }
}

std::string ToolUsage(absl::Span<const CommandFactory> commands) {
  std::vector<std::unique_ptr<Command>> listed;
  size_t name_width = 0;
  size_t synopsis_width = 0;
  for (CommandFactory factory : commands) {
    listed.push_back(factory());
    name_width = std::max(name_width, listed.back()->name().size());
    synopsis_width = std::max(synopsis_width, listed.back()->synopsis().size());
  }
  std::string usage = "usage: tern <command> [options]\n\ncommands:\n";
  for (const std::unique_ptr<Command>& command : listed) {
    absl::StrAppendFormat(&usage, "  %-*s %-*s  %s\n", name_width, ToAbsl(command->name()),
                          synopsis_width, ToAbsl(command->synopsis()), ToAbsl(command->summary()));
  }
  return usage + kUsageInputs;
}

int RunTool(absl::Span<const CommandFactory> commands, const std::vector<std::string>& args,
            const CommandContext& context) {
  if (args.empty()) {
    std::fputs(ToolUsage(commands).c_str(), context.err);
    return kExitUsage;
  }
  std::string name = args[0];
  if (name == "--help" || name == "-h" || name == "help") {
    std::fputs(ToolUsage(commands).c_str(), context.out);
    return kExitOk;
  }
  if (name == "--version") name = "version";
  for (CommandFactory factory : commands) {
    std::unique_ptr<Command> command = factory();
    if (command->name() != name) continue;
    return ExecuteCommand(*command, std::vector<std::string>(args.begin() + 1, args.end()),
                          context);
  }
  std::fprintf(context.err, "tern: unknown command '%s'\n\n%s", TerminalSafe(name).c_str(),
               ToolUsage(commands).c_str());
  return kExitUsage;
}

int RunTool(absl::Span<const CommandFactory> commands, int argc, char** argv) {
  const std::vector<std::string> words(argv, argv + argc);
  CommandContext context;
  context.command_line = JoinCommandLine(words);
  return RunTool(commands,
                 words.empty() ? words : std::vector<std::string>(words.begin() + 1, words.end()),
                 context);
}

}  // namespace tern::cli
