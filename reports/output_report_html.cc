// Output report.html: the self-contained report for people
// (reports/report_html.h), a case document of `tern report` and `tern run`.
#include <memory>

#include "core/base/files.h"
#include "core/base/status_macros.h"
#include "core/case/case_dir.h"
#include "reports/output.h"
#include "reports/report_html.h"

namespace tern {
namespace {

class ReportHtmlOutput : public OutputModule {
 public:
  explicit ReportHtmlOutput(const OutputTarget& target) : target_(target) {}
  absl::Status WriteFooter() override {
    TERN_ASSIGN_OR_RETURN(const std::string page, RenderReportHtml(*target_.view));
    return WriteFileAtomically(target_.path, page);
  }

 private:
  OutputTarget target_;
};

std::unique_ptr<OutputModule> MakeReportHtml(const OutputTarget& target) {
  return std::make_unique<ReportHtmlOutput>(target);
}

}  // namespace

OutputInfo ReportHtmlOutputInfo() {
  return {
      kReportFile,    "the self-contained HTML report", kOutputCaseDocument, kReportFile, "report",
      &MakeReportHtml};
}

}  // namespace tern
