#include "reports/timeline.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "reports/case_view.h"

namespace tern {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};

absl::Status ErrnoError(std::string_view what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat("cannot ", ToAbsl(what), " ", path, ": ", std::strerror(errno)));
}

}  // namespace

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
  const std::string temp = path + ".tmp";
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(temp.c_str(), "wb"));
  if (file == nullptr) return ErrnoError("create", temp);
  EventWriter writer(format, file.get());
  uint64_t count = 0;
  absl::Status inner;
  absl::Status scan = store.ScanEvents(
      std::numeric_limits<TimeMs>::min(), std::numeric_limits<TimeMs>::max(), [&](const Event& e) {
        absl::StatusOr<ResolvedAnchor> source =
            resolver.Resolve(e.record_id, e.provenance.evidence, e.provenance.line, e.time_ms);
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
  std::FILE* raw = file.release();
  if (std::fclose(raw) != 0 && scan.ok()) scan = ErrnoError("write", temp);
  if (scan.ok() && std::rename(temp.c_str(), path.c_str()) != 0) {
    scan = ErrnoError("rename into place", path);
  }
  if (!scan.ok()) {
    std::remove(temp.c_str());
    return scan;
  }
  return count;
}

}  // namespace tern
