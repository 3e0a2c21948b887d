// Sample evidence for the micro-benchmarks, made by tern-gen's own code so
// the shapes and sizes match what tools/bench.sh measures end to end.
// Built once per process; thread-compatible.
#ifndef TERN_TOOLS_BENCH_SAMPLES_H_
#define TERN_TOOLS_BENCH_SAMPLES_H_

#include <string>
#include <vector>

#include "core/model/event.h"

namespace tern::bench {

struct Samples {
  std::vector<std::string> audit;  // AuditData JSON of each record
  std::string purview_csv;         // the same records as one Purview CSV export
  std::string jsonl;               // and as JSON Lines
  std::vector<Event> events;       // normalized (NormalizeAuditData)
  uint64_t audit_bytes = 0;
};

// About 3,000 records: two working days of a 150-mailbox tenant.
const Samples& GetSamples();

}  // namespace tern::bench

#endif  // TERN_TOOLS_BENCH_SAMPLES_H_
