// tern: offline forensic processor for Exchange / Microsoft 365 mailbox audit
// exports. main() only dispatches through the command table; the commands
// are the tools/cli library.
#include "tools/cli/builtin_commands.h"
#include "tools/cli/command.h"

int main(int argc, char** argv) {
  return tern::cli::RunTool(tern::cli::BuiltinCommands(), argc, argv);
}
