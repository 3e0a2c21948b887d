// `tern report --timeline csv|jsonl`: the full event timeline of a case, in
// (time, record id) order, each event with its source resolved to the
// smallest (SHA-256, member, line) copy, so the file is byte-identical for
// the same evidence. Streams: memory does not grow with the case.
// Thread-compatible.
#ifndef TERN_REPORTS_TIMELINE_H_
#define TERN_REPORTS_TIMELINE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/store/case_store.h"
#include "reports/event_export.h"

namespace tern {

// "csv" or "jsonl" (InvalidArgument otherwise).
absl::StatusOr<EventFormat> ParseTimelineFormat(std::string_view name);

// "timeline.csv" or "timeline.jsonl".
std::string TimelineFileName(EventFormat format);

// Writes the timeline to `path` through a temporary file renamed into place,
// so a failed run never leaves a partial timeline. Returns the number of
// events written; Unavailable when the file cannot be written.
// REQUIRES: format is kCsv or kJsonl.
absl::StatusOr<uint64_t> WriteTimeline(CaseStore& store, EventFormat format,
                                       const std::string& path);

}  // namespace tern

#endif  // TERN_REPORTS_TIMELINE_H_
