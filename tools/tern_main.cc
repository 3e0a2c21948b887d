// tern: offline forensic processor for Exchange / Microsoft 365 mailbox audit
// exports. main() only dispatches through the command table; the commands
// are the tools/cli library.
#include "tools/cli/builtin_commands.h"
#include "tools/cli/command.h"

#ifdef TERN_MIMALLOC
#include <mimalloc.h>
#endif

int main(int argc, char** argv) {
#ifdef TERN_MIMALLOC
  // mimalloc replaces malloc for the whole process once it is linked, but
  // GCC links with --as-needed and would drop a library nothing calls: this
  // call keeps it (tools/CMakeLists.txt).
  (void)mi_version();
#endif
  return tern::cli::RunTool(tern::cli::BuiltinCommands(), argc, argv);
}
