#include "reports/case_report.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "core/base/files.h"
#include "core/base/status_macros.h"
#include "core/base/version.h"
#include "reports/case_view.h"
#include "reports/findings_json.h"
#include "reports/incident_report.h"
#include "reports/report_html.h"
#include "reports/timeline.h"

namespace tern {

absl::StatusOr<std::vector<WrittenOutput>> WriteCaseReports(CaseStore& store, const CaseDir& out,
                                                            const CaseReportOptions& options,
                                                            RunLog* log) {
  std::optional<EventFormat> timeline;
  if (!options.timeline.empty()) {
    TERN_ASSIGN_OR_RETURN(timeline, ParseTimelineFormat(options.timeline));
  }
  TERN_RETURN_IF_ERROR(out.Create());
  TERN_ASSIGN_OR_RETURN(CaseView view, LoadCaseView(store, ToolVersion()));
  view.display_timezone = options.timezone;
  TERN_RETURN_IF_ERROR(WriteFindingsJson(view, store, out.findings()));
  TERN_RETURN_IF_ERROR(WriteFileAtomically(out.report(), RenderReportHtml(view)));
  std::vector<WrittenOutput> written;
  if (!view.incidents.empty()) {  // exposure.csv: what the attacker touched (issue 13)
    const std::string exposure_path = out.File(kExposureFileName);
    TERN_RETURN_IF_ERROR(WriteFileAtomically(exposure_path, RenderExposureCsv(view)));
    written.push_back({"exposure", DisplayPath(exposure_path)});
  }
  if (timeline.has_value()) {
    const std::string timeline_path = out.File(TimelineFileName(*timeline));
    TERN_ASSIGN_OR_RETURN(uint64_t events, WriteTimeline(store, *timeline, timeline_path));
    if (log != nullptr) {
      log->Line("INFO", absl::StrCat("wrote ", timeline_path, ": ", events, " events"));
    }
    written.push_back({"timeline", DisplayPath(timeline_path)});
  }
  if (log != nullptr) {
    log->Line("INFO", absl::StrCat("wrote ", out.findings(), " and ", out.report()));
  }
  written.push_back({"report", DisplayPath(out.report())});
  written.push_back({"findings", DisplayPath(out.findings())});
  return written;
}

}  // namespace tern
