// tern: offline forensic processor for Exchange / Microsoft 365 mailbox audit
// exports. main() only dispatches through the command table; the commands
// are the tools/cli library.
#include "tools/cli/builtin_commands.h"
#include "tools/cli/command.h"

#ifdef TERN_MIMALLOC
#include <mimalloc.h>

#include <cstdlib>
#endif

int main(int argc, char** argv) {
#ifdef TERN_MIMALLOC
  // mimalloc replaces malloc for the whole process once it is linked, but
  // GCC links with --as-needed and would drop a library nothing calls: this
  // call keeps it (tools/CMakeLists.txt).
  (void)mi_version();
  // Memory freed is handed back to the kernel 250 ms later instead of 25:
  // RocksDB's memtables, flushes and write batches free and reallocate
  // MiB-sized buffers many times a second during an ingest, and each
  // page given back came back as a page fault. At 100k records this cut
  // ingest CPU by about a quarter for some 20 MiB more peak RSS
  // (docs/BENCHMARKS.md "Change 7"). The environment variable still wins.
  if (std::getenv("MIMALLOC_DECOMMIT_DELAY") == nullptr) {
    mi_option_set(mi_option_decommit_delay, 250);
  }
#endif
  return tern::cli::RunTool(tern::cli::BuiltinCommands(), argc, argv);
}
