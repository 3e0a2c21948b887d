#include "reports/case_report.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "core/base/version.h"
#include "reports/case_view.h"
#include "reports/timeline.h"

namespace tern {

absl::StatusOr<std::vector<WrittenOutput>> WriteCaseReports(CaseStore& store, const CaseDir& out,
                                                            const OutputRegistry& outputs,
                                                            const CaseReportOptions& options,
                                                            RunLog* log) {
  const OutputInfo* timeline = nullptr;
  if (!options.timeline.empty()) {
    TERN_ASSIGN_OR_RETURN(timeline, outputs.Find(options.timeline, kOutputTimeline, "timeline"));
  }
  TERN_RETURN_IF_ERROR(out.Create());
  TERN_ASSIGN_OR_RETURN(CaseView view, LoadCaseView(store, ToolVersion()));
  view.display_timezone = options.timezone;
  std::vector<WrittenOutput> written;
  if (timeline != nullptr) {
    const std::string path = out.File(timeline->file_name);
    TERN_ASSIGN_OR_RETURN(uint64_t events, WriteTimeline(store, *timeline, path));
    if (log != nullptr) log->Line("INFO", absl::StrCat("wrote ", path, ": ", events, " events"));
    written.push_back({timeline->label, DisplayPath(path)});
  }
  for (const OutputInfo* document : outputs.For(kOutputCaseDocument)) {
    if (document->written_when != nullptr && !document->written_when(view)) continue;
    OutputTarget target;
    target.path = out.File(document->file_name);
    target.store = &store;
    target.view = &view;
    std::unique_ptr<OutputModule> module = document->make(target);
    TERN_RETURN_IF_ERROR(module->WriteHeader());
    TERN_RETURN_IF_ERROR(module->WriteFooter());
    if (log != nullptr) log->Line("INFO", absl::StrCat("wrote ", target.path));
    written.push_back({document->label, DisplayPath(target.path)});
  }
  return written;
}

}  // namespace tern
