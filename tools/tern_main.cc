// tern: offline forensic processor for Exchange / Microsoft 365 mailbox audit
// exports. main() only dispatches through the command table; the commands
// are the tools/cli library.
#include "tools/cli/builtin_commands.h"
#include "tools/cli/command.h"

#ifdef TERN_MIMALLOC
#include <mimalloc.h>

#include <cstdlib>

#include "tools/cli/case_steps.h"

namespace {

// How long mimalloc keeps freed memory before handing it back to the
// kernel, per phase of the case commands.
// - Ingest: 250 ms instead of mimalloc's 25. RocksDB's memtables, flushes
//   and write batches free and reallocate MiB-sized buffers many times a
//   second, and each page given back came back as a page fault: at 100k
//   records this cut ingest CPU by about a quarter for some 20 MiB more
//   peak RSS (docs/BENCHMARKS.md "Change 7").
// - Analysis and report: none. They grow long-lived state while freeing
//   short-lived buffers, and memory held back only adds to their peak: a
//   2M-record analysis peaked at 290 MiB instead of 347 for a few percent
//   more CPU (docs/BENCHMARKS.md "Change 18").
constexpr long kIngestDecommitDelayMs = 250;

void TuneAllocatorFor(tern::cli::CasePhase phase) {
  mi_option_set(mi_option_decommit_delay,
                phase == tern::cli::CasePhase::kIngest ? kIngestDecommitDelayMs : 0);
}

}  // namespace
#endif

int main(int argc, char** argv) {
#ifdef TERN_MIMALLOC
  // mimalloc replaces malloc for the whole process once it is linked, but
  // GCC links with --as-needed and would drop a library nothing calls: this
  // call keeps it (tools/CMakeLists.txt).
  (void)mi_version();
  // The environment variable, when set, wins. Commands without these
  // phases (verify, export, ...) keep the ingest's delay: they too read
  // through RocksDB and free buffers as fast.
  if (std::getenv("MIMALLOC_DECOMMIT_DELAY") == nullptr) {
    mi_option_set(mi_option_decommit_delay, kIngestDecommitDelayMs);
    tern::cli::SetCasePhaseListener(&TuneAllocatorFor);
  }
#endif
  return tern::cli::RunTool(tern::cli::BuiltinCommands(), argc, argv);
}
