// report.html: the self-contained human report for a consultant, a client
// and a court. One file: inline CSS and our own small script, allowed by
// their SHA-256 hashes in a Content-Security-Policy that forbids any network
// access; print CSS for PDF. Sections: case header, executive summary,
// findings by severity (anchors, events, ATT&CK), timeline chart (inline SVG),
// mailboxes, IP addresses, sessions, evidence, completeness, methodology.
//
// Byte-identical for the same view (no time of run, no random ids, stable
// order, integer-only chart coordinates). Every string that comes from
// evidence goes through HtmlEscape, in text, attributes and the SVG alike;
// none is ever written inside <script> or <style>. A function of the view
// and, for a view LoadCaseView made, of the case store it reads the events
// under findings from (Activity::event_store); thread-safe.
#ifndef TERN_REPORTS_REPORT_HTML_H_
#define TERN_REPORTS_REPORT_HTML_H_

#include <string>

#include "absl/status/statusor.h"
#include "reports/case_view.h"

namespace tern {

// Renders the page (UTF-8, trailing newline); fails only if the store cannot
// be read.
absl::StatusOr<std::string> RenderReportHtml(const CaseView& view);

}  // namespace tern

#endif  // TERN_REPORTS_REPORT_HTML_H_
