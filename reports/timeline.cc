#include "reports/timeline.h"

#include <cstdio>
#include <limits>

#include "absl/strings/str_cat.h"
#include "core/base/files.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "reports/case_view.h"

namespace tern {
namespace {}  // namespace

absl::StatusOr<EventFormat> ParseTimelineFormat(std::string_view name) {
  if (name == "csv") return EventFormat::kCsv;
  if (name == "jsonl") return EventFormat::kJsonl;
  return absl::InvalidArgumentError(
      absl::StrCat("--timeline must be csv or jsonl, not '", ToAbsl(name), "'"));
}

std::string TimelineFileName(EventFormat format) {
  return format == EventFormat::kCsv ? "timeline.csv" : "timeline.jsonl";
}

absl::StatusOr<uint64_t> WriteTimeline(CaseStore& store, EventFormat format,
                                       const std::string& path) {
  TERN_ASSIGN_OR_RETURN(SourceResolver resolver, SourceResolver::Create(store));
  uint64_t count = 0;
  TERN_RETURN_IF_ERROR(WriteFileThrough(path, [&](std::FILE* file) {
    EventWriter writer(format, file);
    absl::Status inner;
    absl::Status scan = store.ScanEvents(std::numeric_limits<TimeMs>::min(),
                                         std::numeric_limits<TimeMs>::max(), [&](const Event& e) {
                                           absl::StatusOr<ResolvedAnchor> source =
                                               resolver.Resolve(e.record_id, e.provenance.evidence,
                                                                e.provenance.line, e.time_ms);
                                           if (!source.ok()) {
                                             inner = source.status();
                                             return false;
                                           }
                                           inner = writer.Add(e, *source);
                                           ++count;
                                           return inner.ok();
                                         });
    if (scan.ok()) scan = inner;
    if (scan.ok()) scan = writer.Finish();
    return scan;
  }));
  return count;
}

}  // namespace tern
