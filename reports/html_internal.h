// Internal to the HTML report (reports/report_html.cc and reports/html_*.cc):
// the lookups shared by the sections, small HTML builders and the section
// renderers. Every builder that takes raw text escapes it (HtmlEscape); only
// parameters named `html` take markup, and callers pass only markup built
// here. Nothing in this header is public API. Thread-compatible.
#ifndef TERN_REPORTS_HTML_INTERNAL_H_
#define TERN_REPORTS_HTML_INTERNAL_H_

#ifndef TERN_REPORTS_INTERNALS
#error "reports/html_internal.h is internal to tern_reports: include reports/report_html.h"
#endif

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/model/finding.h"
#include "reports/case_view.h"

namespace tern::html {

// Lookups computed once from the view; keys are as stored (normalized IPs);
// mailbox keys are MailboxKey's (activity.h).
struct Context {
  explicit Context(const CaseView& v);

  const CaseView& view;
  std::map<std::string, std::string> evidence_label;  // SHA-256 -> "E3"
  std::map<std::string, const Session*> session_by_id;
  std::map<std::string, const RuleInfo*> rule_by_id;
  std::map<std::string, GeoInfo> geo_by_ip;  // IP rows and the IPs findings name
  FindingsByRow findings_by_row;             // for the mailbox and IP tables
  std::map<std::string, std::vector<size_t>> findings_by_session;  // -> finding indexes
};

// --- text
std::string Esc(std::string_view raw);  // HtmlEscape
std::string TimeText(TimeMs t);         // DisplayTime, "" for kNoTime
// Times in the page: RFC 3339 UTC ("...Z"), or in the zone a ScopedDisplayZone
// set on this thread, with its offset ("2024-05-02T12:01:00+02:00").
std::string DisplayTime(TimeMs t);
// Sets the display zone (an IANA name; "" = UTC) for this thread until
// destroyed. RenderReportHtml holds one while it renders.
class ScopedDisplayZone {
 public:
  explicit ScopedDisplayZone(const std::string& name);
  ~ScopedDisplayZone();
  ScopedDisplayZone(const ScopedDisplayZone&) = delete;
  ScopedDisplayZone& operator=(const ScopedDisplayZone&) = delete;
  // The zone's name for the page ("UTC" when none).
  static std::string Name();
};
std::string Count(uint64_t n);            // 12,345
std::string GeoText(const GeoInfo& geo);  // "DE · Berlin · AS3320 Example", "" if unknown
std::string SeverityBadge(Severity s);
std::string FindingLinks(const Context& ctx, const std::vector<size_t>& indexes);
Severity MaxSeverity(const CaseView& view, const std::vector<size_t>& indexes);
// A finding's details_json as readable fields (a <dl>); indented JSON when
// it is not the flat object the rules write (html_details.cc).
std::string DetailsHtml(std::string_view details_json);
// Re-indents compact JSON text (our own JsonWriter output) for display.
std::string PrettyJson(std::string_view json);
// "a, b, c" of escaped values, with "…" when more were dropped.
std::string ListHtml(const std::vector<std::string>& values, bool more);

// --- sortable, filterable tables (the inline script finds them by class)
struct Column {
  enum Kind { kText, kNum, kTime };  // how the script sorts the column
  std::string_view label;
  Kind kind = kText;
};
// Writes the filter box (when `filter`), then <table id=...><thead>...<tbody>.
void BeginTable(std::string* out, std::string_view id, std::initializer_list<Column> columns,
                bool filter = true);
void EndTable(std::string* out);
void Td(std::string* out, std::string_view raw, std::string_view css_class = "");
void TdHtml(std::string* out, std::string_view html, std::string_view css_class = "");
void TdNum(std::string* out, uint64_t n);
void TdTime(std::string* out, TimeMs t);
// First and last time on two lines; sorts by the first.
void TdSpan(std::string* out, TimeMs first, TimeMs last);

// --- sections, in report order
void RenderHeader(const Context& ctx, std::string* out);
void RenderIncidents(const Context& ctx, std::string* out);  // html_incidents.cc
void RenderSummary(const Context& ctx, std::string* out);
// Reads the events under each finding it shows (Activity::event_store).
absl::Status RenderFindings(const Context& ctx, std::string* out);
void RenderTimelineChart(const Context& ctx, std::string* out);
void RenderMailboxes(const Context& ctx, std::string* out);
void RenderIps(const Context& ctx, std::string* out);
void RenderSessions(const Context& ctx, std::string* out);
void RenderEvidence(const Context& ctx, std::string* out);
void RenderWarnings(const Context& ctx, std::string* out);
void RenderMethodology(const Context& ctx, std::string* out);

// --- assets (constant text, never evidence)
std::string_view ReportCss();
std::string_view ReportScript();
// The Content-Security-Policy: no network at all; the inline style and
// script are allowed by their SHA-256 hashes only.
std::string ContentSecurityPolicy();

// --- size: report.html stays under 10 MB and renders in seconds at any case
// size (docs/BENCHMARKS.md). Each part that grows with the case stops adding
// rows at its byte budget (or kMaxTableRows) and says how many it left out and
// where they are: findings.json, sessions.jsonl, custody.json, `tern search`.
inline constexpr size_t kMaxTableRows = 2000;
inline constexpr size_t kFindingsDetailBytes = 1536 << 10;  // findings with their events
inline constexpr size_t kFindingsListBytes = 768 << 10;     // further findings, one row each
inline constexpr size_t kTableBytes = 384 << 10;            // each table that grows with the case
inline constexpr size_t kFindingLinksShown = 20;            // finding links per table cell

// Tracks the bytes a part of the page appended to `out` since construction.
class ByteBudget {
 public:
  ByteBudget(const std::string& out, size_t bytes) : out_(out), start_(out.size()), bytes_(bytes) {}
  bool Spent() const { return out_.size() - start_ >= bytes_; }

 private:
  const std::string& out_;
  size_t start_;
  size_t bytes_;
};

// "Showing N of M <what> (...). <where_html>" when rows were left out.
void OmittedNote(size_t shown, size_t total, std::string_view what, std::string_view where_html,
                 std::string* out);

}  // namespace tern::html

#endif  // TERN_REPORTS_HTML_INTERNAL_H_
