// report.html: the self-contained human report (inline CSS/JS, no network).
// Byte-identical for the same evidence; every evidence string is escaped.
#ifndef TERN_REPORTS_REPORT_HTML_H_
#define TERN_REPORTS_REPORT_HTML_H_

#include <string>

#include "reports/case_view.h"

namespace tern {

std::string RenderReportHtml(const CaseView& view);

}  // namespace tern

#endif  // TERN_REPORTS_REPORT_HTML_H_
