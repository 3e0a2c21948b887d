// `--timeline NAME` (report, run): the full event timeline of a case through
// an event output module (csv, jsonl, ...: reports/output.h), in (time,
// record id) order, each event with its source resolved to the smallest
// (SHA-256, member, line) copy, so the file is byte-identical for the same
// evidence. Streams: memory does not grow with the case.
// Thread-compatible.
#ifndef TERN_REPORTS_TIMELINE_H_
#define TERN_REPORTS_TIMELINE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "core/store/case_store.h"
#include "reports/output.h"

namespace tern {

// Writes every event of `store` through `output` to `path`, through a
// temporary file renamed into place, so a failed run never leaves a partial
// timeline. Returns the number of events written; Unavailable when the file
// cannot be written.
absl::StatusOr<uint64_t> WriteTimeline(CaseStore& store, const OutputInfo& output,
                                       const std::string& path);

}  // namespace tern

#endif  // TERN_REPORTS_TIMELINE_H_
