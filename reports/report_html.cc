// report.html: page skeleton, case header, executive summary and
// methodology. The other sections live in html_findings.cc, html_chart.cc
// and html_tables.cc.
#include "reports/report_html.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/store/case_store.h"
#include "reports/findings_json.h"
#include "reports/html_internal.h"

namespace tern {
namespace html {
namespace {

constexpr Severity kSeverities[] = {Severity::kCritical, Severity::kHigh, Severity::kMedium,
                                    Severity::kLow, Severity::kInfo};

void Kpi(std::string* out, std::string_view label, std::string_view value_html,
         std::string_view css = "") {
  absl::StrAppend(out, "<div class=\"kpi", css.empty() ? "" : " ", ToAbsl(css),
                  "\"><div class=\"v\">", ToAbsl(value_html), "</div><div class=\"k\">", Esc(label),
                  "</div></div>");
}

uint64_t SeverityCount(const CaseView& view, Severity s) {
  auto it = view.findings_by_severity.find(s);
  return it == view.findings_by_severity.end() ? 0 : it->second;
}

// Rows of `node` and its members while `budget` lasts; counts them in `shown`.
void EvidenceRows(const Context& ctx, const EvidenceNodeView& node, int depth,
                  const ByteBudget& budget, size_t* shown, std::string* out) {
  if (budget.Spent()) return;
  ++*shown;
  const EvidenceRecord& r = *node.record;
  out->append("<tr>");
  auto label = ctx.evidence_label.find(r.sha256);
  Td(out, label == ctx.evidence_label.end() ? "" : label->second, "mono");
  std::string name(static_cast<size_t>(depth) * 4, ' ');
  if (depth > 0) name += "↳ ";
  name += r.parent == 0 ? TopLevelPath(r) : r.member_path;
  Td(out, name, "wrap pre");
  Td(out, r.sha256, "hash");
  TdNum(out, r.size);
  Td(out, r.is_container ? r.container_format : r.format);
  Td(out, r.status);
  if (r.is_container) {
    out->append("<td></td><td></td><td></td>");
  } else {
    TdNum(out, r.records_parsed);
    TdNum(out, r.records_stored + r.records_duplicate);
    TdNum(out, r.records_rejected);
  }
  TdTime(out, r.first_event_ms);
  TdTime(out, r.last_event_ms);
  out->append("</tr>\n");
  for (const EvidenceNodeView& m : node.members) {
    EvidenceRows(ctx, m, depth + 1, budget, shown, out);
  }
}

// "All times are UTC." or the zone the page shows (--timezone).
std::string TimeZoneNote() {
  const std::string zone = ScopedDisplayZone::Name();
  if (zone == "UTC") return "All times are UTC (RFC 3339).";
  return absl::StrCat("Times are shown in ", Esc(zone),
                      " with their UTC offset (RFC 3339); the timeline chart, findings.json and "
                      "the exports are in UTC.");
}

}  // namespace

void RenderHeader(const Context& ctx, std::string* out) {
  const CaseView& v = ctx.view;
  absl::StrAppend(out, "<header class=\"top\"><h1>Mailbox audit investigation report</h1>",
                  "<div class=\"sub\">Exchange / Microsoft 365 audit evidence processed by tern. ",
                  TimeZoneNote(), "</div><dl>");
  absl::StrAppend(out, "<div><dt>Case</dt><dd id=\"case-id\">",
                  Esc(v.case_id.empty() ? "(not set)" : v.case_id), "</dd></div>");
  absl::StrAppend(out, "<div><dt>Examiner</dt><dd>",
                  Esc(v.examiner.empty() ? "(not set)" : v.examiner), "</dd></div>");
  absl::StrAppend(out, "<div><dt>Tool</dt><dd>tern ", Esc(v.tool_version), "</dd></div>");
  absl::StrAppend(out, "<div><dt>Evidence coverage</dt><dd>",
                  v.first_event == kNoTime
                      ? std::string("no events")
                      : absl::StrCat(TimeText(v.first_event), " – ", TimeText(v.last_event)),
                  "</dd></div></dl></header>\n");
  // The incidents open the page when there are any (html_incidents.cc).
  out->append("<nav class=\"toc\">");
  if (!v.incidents.empty()) {
    absl::StrAppend(out, "<a href=\"#incidents\">Incidents (", Count(v.incidents.size()), ")</a>");
  }
  out->append(
      "<a href=\"#summary\">Summary</a><a href=\"#findings\">Findings</a>"
      "<a href=\"#timeline\">Timeline</a><a href=\"#mailboxes\">Mailboxes</a>"
      "<a href=\"#ips\">IP addresses</a><a href=\"#sessions\">Sessions</a>"
      "<a href=\"#evidence\">Evidence</a><a href=\"#warnings\">Completeness</a>"
      "<a href=\"#methodology\">Methodology</a></nav>\n<main>\n");
}

void RenderEvidence(const Context& ctx, std::string* out) {
  out->append(
      "<section class=\"block\" id=\"evidence\"><h2>Evidence</h2>\n<p class=\"note\">Every input "
      "file and archive member, hashed while read (SHA-256; MD5 and SHA-1 are in custody.json). "
      "Labels E1, E2, … are used by the evidence anchors of the findings. Coverage is the time of "
      "the first and last record in each item.</p>\n");
  BeginTable(out, "tbl-evidence",
             {{"Label"},
              {"Item"},
              {"SHA-256"},
              {"Bytes", Column::kNum},
              {"Format"},
              {"Status"},
              {"Records", Column::kNum},
              {"Accepted", Column::kNum},
              {"Rejected", Column::kNum},
              {"First event", Column::kTime},
              {"Last event", Column::kTime}});
  const ByteBudget budget(*out, kTableBytes);
  size_t shown = 0;
  for (const EvidenceNodeView& node : ctx.view.evidence) {
    EvidenceRows(ctx, node, 0, budget, &shown, out);
  }
  EndTable(out);
  OmittedNote(shown, ctx.view.evidence_records.size(), "evidence items",
              "in custody.json (and findings.json's evidence), with their hashes and counts.", out);
  out->append("</section>\n");
}

void RenderSummary(const Context& ctx, std::string* out) {
  const CaseView& v = ctx.view;
  out->append("<section class=\"block\" id=\"summary\"><h2>Executive summary</h2>\n");

  // Mailboxes named by findings of medium severity or above, and the client
  // IPs of high and critical findings (the likely attacker infrastructure).
  std::map<std::string, std::vector<size_t>> affected;
  std::map<std::string, std::vector<size_t>> attacker_ips;
  for (size_t i = 0; i < v.findings.size(); ++i) {
    const Finding& f = v.findings[i];
    if (f.severity >= Severity::kMedium && (!f.mailbox_guid.empty() || !f.mailbox_upn.empty())) {
      affected[MailboxKey(f.mailbox_guid, f.mailbox_upn)].push_back(i);
    }
    if (f.severity >= Severity::kHigh) {
      for (const std::string& ip : f.client_ips) attacker_ips[ip].push_back(i);
    }
  }

  std::string narrative;
  if (v.first_event == kNoTime) {
    narrative = "The evidence holds no timed audit events. ";
  } else {
    narrative = absl::StrCat("Between ", TimeText(v.first_event), " and ", TimeText(v.last_event),
                             " the evidence holds ", Count(v.events), " distinct audit events for ",
                             Count(v.mailboxes), " mailboxes. ");
  }
  if (v.findings.empty()) {
    absl::StrAppend(&narrative, "No detection rule raised a finding.");
  } else {
    std::string parts;
    for (Severity s : kSeverities) {
      if (uint64_t n = SeverityCount(v, s); n > 0) {
        absl::StrAppend(&parts, parts.empty() ? "" : ", ", n, " ", ToAbsl(SeverityName(s)));
      }
    }
    absl::StrAppend(&narrative, "tern raised ", v.findings.size(),
                    v.findings.size() == 1 ? " finding (" : " findings (", parts, "); ",
                    affected.size(), affected.size() == 1 ? " mailbox is" : " mailboxes are",
                    " named by findings of medium severity or above and ", attacker_ips.size(),
                    attacker_ips.size() == 1 ? " client IP is" : " client IPs are",
                    " tied to high or critical findings.");
  }
  absl::StrAppend(out, "<p>", Esc(narrative), "</p>\n<div class=\"kpis\">");
  Kpi(out, "Audit events", Count(v.events));
  Kpi(out, "Mailboxes", Count(v.mailboxes));
  Kpi(out, "Sessions", Count(v.SessionCount()));
  Kpi(out, "Findings", Count(v.findings.size()));
  Kpi(out, "Duplicates merged", Count(v.duplicates));
  Kpi(out, "Rejected records", Count(v.rejected));
  Kpi(out, "Evidence items", Count(v.evidence_records.size()));
  Kpi(out, "Warnings", Count(v.warnings.size()));
  out->append("</div>\n<div class=\"kpis\">");
  for (Severity s : kSeverities) {
    Kpi(out, SeverityName(s), Count(SeverityCount(v, s)),
        absl::StrCat("sevk ", ToAbsl(SeverityName(s))));
  }
  out->append("</div>\n");

  out->append("<h3>Affected mailboxes</h3>\n");
  if (affected.empty()) {
    out->append("<p class=\"note\">No finding of medium severity or above names a mailbox.</p>\n");
  } else {
    BeginTable(out, "tbl-affected",
               {{"Mailbox"},
                {"GUID"},
                {"Highest severity", Column::kNum},
                {"Findings", Column::kNum},
                {"Finding ids"},
                {"First seen", Column::kTime},
                {"Last seen", Column::kTime}},
               /*filter=*/false);
    // Highest severity first, then by owner.
    std::vector<std::pair<std::string, std::vector<size_t>>> rows(affected.begin(), affected.end());
    std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
      return MaxSeverity(v, a.second) > MaxSeverity(v, b.second);
    });
    const ByteBudget budget(*out, kTableBytes);
    size_t shown = 0;
    for (const auto& [key, indexes] : rows) {
      if (budget.Spent()) break;
      ++shown;
      const Finding& f = v.findings[indexes.front()];
      TimeMs first = f.first_seen;
      TimeMs last = f.last_seen;
      for (size_t i : indexes) {
        first = std::min(first, v.findings[i].first_seen);
        last = std::max(last, v.findings[i].last_seen);
      }
      const Severity max = MaxSeverity(v, indexes);
      out->append("<tr>");
      Td(out, f.mailbox_upn);
      Td(out, f.mailbox_guid, "mono");
      absl::StrAppend(out, "<td data-v=\"", static_cast<int>(max), "\">", SeverityBadge(max),
                      "</td>");
      TdNum(out, indexes.size());
      TdHtml(out, FindingLinks(ctx, indexes));
      TdTime(out, first);
      TdTime(out, last);
      out->append("</tr>\n");
    }
    EndTable(out);
    OmittedNote(shown, rows.size(), "mailboxes", "in findings.json (each finding names one).", out);
  }

  out->append(
      "<h3>Attacker IP addresses</h3>\n<p class=\"note\">Client IPs of high and critical "
      "findings.</p>\n");
  if (attacker_ips.empty()) {
    out->append("<p class=\"note\">No high or critical finding names a client IP.</p>\n");
  } else {
    BeginTable(out, "tbl-attacker-ips",
               {{"IP address"},
                {"Location / network"},
                {"Highest severity", Column::kNum},
                {"Findings"},
                {"Mailboxes"}},
               /*filter=*/false);
    const ByteBudget budget(*out, kTableBytes);
    size_t shown = 0;
    for (const auto& [ip, indexes] : attacker_ips) {
      if (budget.Spent()) break;
      ++shown;
      std::set<std::string> mailboxes;
      for (size_t i : indexes) {
        const Finding& f = v.findings[i];
        mailboxes.insert(f.mailbox_upn.empty() ? f.mailbox_guid : f.mailbox_upn);
      }
      mailboxes.erase("");
      auto geo = ctx.geo_by_ip.find(ip);
      const Severity max = MaxSeverity(v, indexes);
      out->append("<tr>");
      TdHtml(out, absl::StrCat("<a href=\"#ip-", Esc(ip), "\">", Esc(ip), "</a>"), "mono");
      Td(out, geo == ctx.geo_by_ip.end() ? "" : GeoText(geo->second));
      absl::StrAppend(out, "<td data-v=\"", static_cast<int>(max), "\">", SeverityBadge(max),
                      "</td>");
      TdHtml(out, FindingLinks(ctx, indexes));
      std::vector<std::string> listed(mailboxes.begin(), mailboxes.end());
      const bool more = listed.size() > kMaxListedValues;
      if (more) listed.resize(kMaxListedValues);
      TdHtml(out, ListHtml(listed, more));
      out->append("</tr>\n");
    }
    EndTable(out);
    OmittedNote(shown, attacker_ips.size(), "addresses",
                "in findings.json (the client_ips of its high and critical findings).", out);
  }
  out->append("</section>\n");
}

void RenderMethodology(const Context& ctx, std::string* out) {
  const CaseView& v = ctx.view;
  out->append("<section class=\"block\" id=\"methodology\"><h2>Methodology</h2>\n");
  absl::StrAppend(out, "<dl class=\"facts\"><dt>Tool</dt><dd>tern ", Esc(v.tool_version),
                  "</dd><dt>findings.json schema</dt><dd class=\"mono\">", kFindingsSchema,
                  "</dd><dt>Case store schema</dt><dd>", v.store_schema, "</dd>");
  if (!v.library_versions.empty()) {
    out->append("<dt>Libraries</dt><dd>");
    for (size_t i = 0; i < v.library_versions.size(); ++i) {
      absl::StrAppend(out, i == 0 ? "" : "; ", Esc(v.library_versions[i]));
    }
    out->append("</dd>");
  }
  absl::StrAppend(out, "<dt>Time zone</dt><dd>", TimeZoneNote(), "</dd></dl>\n");
  out->append(
      "<p>Every input file and archive member is opened read-only and hashed (SHA-256, SHA-1, "
      "MD5) while it is read; the hashes and per-item record counts form the chain of custody "
      "(custody.json). Records are parsed from their content, normalized to UTC and de-duplicated "
      "by the audit record Id: a record present in several exports is stored once and its other "
      "copies are counted. Rejected records are counted per item and listed in tern.log.</p>\n"
      "<p>Sessions group the events of one mailbox, client IP and actor, split by SessionId where "
      "present and by an inactivity gap. The detection rules below run over the events and "
      "sessions; each finding carries evidence anchors (SHA-256 of the source item, archive "
      "member, line) for the events it rests on. When a record exists in several sources, the "
      "anchor names the smallest (SHA-256, member, line), so the report does not depend on the "
      "order in which evidence was given.</p>\n"
      "<p>The same evidence yields a byte-identical report and findings.json whatever the input "
      "order, thread count or case location; the time, host and command line of a run are "
      "recorded in custody.json and tern.log only. Every string taken from evidence is escaped "
      "before it is written into this page, and the page loads nothing from the network.</p>\n"
      "<p>Timeline categories: <b>read</b> MailItemsAccessed, FolderBind, MessageBind, searches; "
      "<b>send</b> Send, SendAs, SendOnBehalf; <b>delete</b> SoftDelete, HardDelete, "
      "MoveToDeletedItems; <b>rules &amp; permissions</b> inbox and transport rules, mailbox and "
      "folder permissions, delegation, forwarding changes; <b>admin</b> other cmdlets; "
      "<b>sign-in</b> Azure AD sign-ins and mailbox logins; <b>other</b> the rest.</p>\n");
  std::map<std::string, uint64_t> fired;
  for (const Finding& f : v.findings) ++fired[f.rule];
  out->append("<h3>Detection rules</h3>\n");
  BeginTable(out, "tbl-rules",
             {{"Rule"},
              {"Title"},
              {"Default severity", Column::kNum},
              {"ATT&CK"},
              {"Findings here", Column::kNum},
              {"Logic and thresholds"}});
  for (const RuleInfo& r : v.rules) {
    out->append("<tr>");
    Td(out, r.id, "mono");
    Td(out, r.title);
    absl::StrAppend(out, "<td data-v=\"", static_cast<int>(r.severity), "\">",
                    SeverityBadge(r.severity), "</td>");
    std::string attack;
    for (const std::string& t : r.attack)
      absl::StrAppend(&attack, "<span class=\"tag\">", Esc(t), "</span>");
    TdHtml(out, attack);
    auto it = fired.find(r.id);
    TdNum(out, it == fired.end() ? 0 : it->second);
    Td(out, r.description, "wrap");
    out->append("</tr>\n");
  }
  EndTable(out);
  // The rule files and the tuning file, whole: the report says exactly which
  // rules ran and how it was tuned.
  if (!v.inputs.empty()) out->append("<h3>Rule and tuning files</h3>\n");
  for (const AnalysisInput& in : v.inputs) {
    absl::StrAppend(
        out, "<details><summary>", in.role == kInputRoleConfig ? "Tuning file" : "Sigma rule file",
        " <span class=\"mono\">", Esc(in.name), "</span>, SHA-256 <span class=\"mono\">",
        Esc(in.sha256), "</span></summary>\n<pre>", Esc(in.content), "</pre></details>\n");
  }
  out->append("</section>\n");
}

}  // namespace html

absl::StatusOr<std::string> RenderReportHtml(const CaseView& view) {
  const html::ScopedDisplayZone zone(view.display_timezone);
  const html::Context ctx(view);
  std::string out;
  absl::StrAppend(&out,
                  "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"",
                  html::ContentSecurityPolicy(),
                  "\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<meta name=\"generator\" content=\"tern ",
                  html::Esc(view.tool_version), "\">\n<title>tern report — ",
                  html::Esc(view.case_id.empty() ? "case" : view.case_id), "</title>\n<style>",
                  ToAbsl(html::ReportCss()), "</style>\n</head>\n<body>\n");
  html::RenderHeader(ctx, &out);
  html::RenderIncidents(ctx, &out);
  html::RenderSummary(ctx, &out);
  TERN_RETURN_IF_ERROR(html::RenderFindings(ctx, &out));
  html::RenderTimelineChart(ctx, &out);
  html::RenderMailboxes(ctx, &out);
  html::RenderIps(ctx, &out);
  html::RenderSessions(ctx, &out);
  html::RenderEvidence(ctx, &out);
  html::RenderWarnings(ctx, &out);
  html::RenderMethodology(ctx, &out);
  absl::StrAppend(
      &out, "</main>\n<footer>Generated by tern ", html::Esc(view.tool_version), " from case ",
      html::Esc(view.case_id), ". Machine-readable findings: findings.json (", kFindingsSchema,
      ").</footer>\n<script>", ToAbsl(html::ReportScript()), "</script>\n</body></html>\n");
  return out;
}

}  // namespace tern
