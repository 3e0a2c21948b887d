// report.html: the findings section, grouped by severity, each finding with
// its facts, rule-specific details, ATT&CK ids and the events it rests on
// (with their evidence anchors).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "reports/event_format.h"
#include "reports/html_internal.h"

namespace tern::html {
namespace {

constexpr Severity kSeverities[] = {Severity::kCritical, Severity::kHigh, Severity::kMedium,
                                    Severity::kLow, Severity::kInfo};

std::string SourceHtml(const Context& ctx, const ResolvedAnchor& a) {
  std::string out;
  auto label = ctx.evidence_label.find(a.sha256);
  if (label != ctx.evidence_label.end()) {
    absl::StrAppend(&out, "<a href=\"#evidence\">", Esc(label->second), "</a> ");
  }
  absl::StrAppend(&out, "line ", a.line);
  if (a.copies > 1) absl::StrAppend(&out, " · ", a.copies, " copies");
  absl::StrAppend(&out, "<div class=\"note\"><span class=\"hash\" title=\"", Esc(a.sha256), "\">",
                  Esc(a.sha256.substr(0, 16)), "…</span>");
  if (!a.member.empty()) absl::StrAppend(&out, " ", Esc(a.member));
  out.append("</div>");
  return out;
}

void EventRow(const Context& ctx, const ResolvedAnchor& anchor, const std::optional<Event>& e,
              std::string* out) {
  out->append("<tr>");
  if (!e.has_value()) {
    TdTime(out, anchor.time_ms);
    absl::StrAppend(out, "<td colspan=\"4\" class=\"note\">record ", Esc(anchor.record_id),
                    " is not in the case store</td>");
  } else {
    TdTime(out, e->time_ms);
    Td(out, e->operation, "wrap");
    const std::string& mailbox = e->mailbox_upn.empty() ? e->mailbox_guid : e->mailbox_upn;
    const std::string& actor = e->actor_upn.empty() ? e->actor_sid : e->actor_upn;
    std::string who = Esc(mailbox);
    if (!actor.empty() && actor != mailbox) {
      absl::StrAppend(&who, "<div class=\"note\">by ", Esc(actor), "</div>");
    }
    TdHtml(out, who, "wrap");
    TdHtml(out,
           absl::StrCat("<span class=\"mono\">", Esc(e->client_ip), "</span><div class=\"note\">",
                        Esc(TruncateUtf8(e->client_info, 120)), "</div>"),
           "any");
    Td(out, DescribeObject(*e, 400), "any");
  }
  TdHtml(out, SourceHtml(ctx, anchor), "wrap");
  out->append("</tr>\n");
}

absl::Status RenderFinding(const Context& ctx, size_t index, std::string* out) {
  const CaseView& v = ctx.view;
  const Finding& f = v.findings[index];
  const std::string sev(SeverityName(f.severity));
  const std::string id = Esc(f.id);
  absl::StrAppend(out, "<article class=\"finding sev-", sev, "\" id=\"", id, "\" data-sev=\"", sev,
                  "\">\n<h4>", SeverityBadge(f.severity), "<span class=\"fid\">", id, "</span>",
                  Esc(f.title), "</h4>\n<dl class=\"facts\">");
  auto rule = ctx.rule_by_id.find(f.rule);
  absl::StrAppend(out, "<dt>Rule</dt><dd><span class=\"mono\">", Esc(f.rule), "</span>",
                  rule == ctx.rule_by_id.end() ? "" : " — ",
                  rule == ctx.rule_by_id.end() ? "" : Esc(rule->second->title), "</dd>");
  std::string attack;
  for (const std::string& t : f.attack) {
    absl::StrAppend(&attack, "<span class=\"tag\">", Esc(t), "</span>");
  }
  absl::StrAppend(out, "<dt>ATT&amp;CK</dt><dd>", attack.empty() ? "—" : attack, "</dd>");
  if (!f.mailbox_upn.empty() || !f.mailbox_guid.empty()) {
    absl::StrAppend(out, "<dt>Mailbox</dt><dd>", Esc(f.mailbox_upn));
    if (!f.mailbox_guid.empty()) {
      absl::StrAppend(out, " <span class=\"mono note\">", Esc(f.mailbox_guid), "</span>");
    }
    out->append("</dd>");
  }
  if (!f.actor.empty()) absl::StrAppend(out, "<dt>Actor</dt><dd>", Esc(f.actor), "</dd>");
  if (!f.client_ips.empty()) {
    std::string ips;
    for (const std::string& ip : f.client_ips) {
      absl::StrAppend(&ips, ips.empty() ? "" : "; ", "<a class=\"mono\" href=\"#ip-", Esc(ip),
                      "\">", Esc(ip), "</a>");
      auto geo = ctx.geo_by_ip.find(ip);
      if (geo != ctx.geo_by_ip.end()) absl::StrAppend(&ips, " (", Esc(GeoText(geo->second)), ")");
    }
    absl::StrAppend(out, "<dt>Client IPs</dt><dd>", ips, "</dd>");
  }
  absl::StrAppend(out, "<dt>First seen</dt><dd>", TimeText(f.first_seen),
                  "</dd><dt>Last seen</dt><dd>", TimeText(f.last_seen), "</dd>");
  if (!f.sessions.empty()) {
    std::string links;
    for (const std::string& s : f.sessions) {
      absl::StrAppend(&links, links.empty() ? "" : " ", "<a class=\"mono\" href=\"#", Esc(s), "\">",
                      Esc(s), "</a>");
    }
    absl::StrAppend(out, "<dt>Sessions</dt><dd>", links, "</dd>");
  }
  absl::StrAppend(out, "<dt>Evidence</dt><dd>", Count(f.evidence.size()),
                  f.evidence.size() == 1 ? " event" : " events", "</dd></dl>\n");
  if (!f.details_json.empty() && f.details_json != "{}") {
    out->append(DetailsHtml(f.details_json));
  }

  const std::vector<ResolvedAnchor>& anchors = v.anchors[index];
  std::vector<std::optional<Event>> read;
  const std::vector<std::optional<Event>>* events = nullptr;
  if (v.activity.event_store != nullptr) {
    TERN_ASSIGN_OR_RETURN(read, LoadFindingEvents(*v.activity.event_store, f));
    events = &read;
  } else if (index < v.activity.finding_events.size()) {
    events = &v.activity.finding_events[index];
  }
  BeginTable(out, absl::StrCat("ev-", f.id),
             {{"Time", Column::kTime},
              {"Operation"},
              {"Mailbox / actor"},
              {"Client IP / client"},
              {"Object"},
              {"Source"}},
             /*filter=*/false);
  const size_t shown = events == nullptr ? 0 : std::min(events->size(), anchors.size());
  for (size_t i = 0; i < shown; ++i) EventRow(ctx, anchors[i], (*events)[i], out);
  EndTable(out);
  if (shown < anchors.size()) {
    absl::StrAppend(out, "<p class=\"note\">Showing the first ", shown, " of ",
                    Count(anchors.size()),
                    " events; findings.json lists the evidence anchor of every one.</p>\n");
  }
  out->append("</article>\n");
  return absl::OkStatus();
}

// Low-level anomalies summarized per identity (issue 11): one row per actor
// (else mailbox) with the low and info findings that name it, so a reader
// sees who drifted from their baseline without reading each finding.
void RenderAnomalySummary(const Context& ctx, std::string* out) {
  struct Row {
    std::set<std::string> rules;
    std::vector<size_t> indexes;
    uint64_t events = 0;
    TimeMs first = 0;
    TimeMs last = 0;
  };
  std::map<std::string, Row> rows;
  for (size_t i = 0; i < ctx.view.findings.size(); ++i) {
    const Finding& f = ctx.view.findings[i];
    if (f.severity > Severity::kLow) continue;
    const std::string& who = !f.actor.empty()        ? f.actor
                             : f.mailbox_upn.empty() ? f.mailbox_guid
                                                     : f.mailbox_upn;
    if (who.empty()) continue;
    Row& r = rows[who];
    if (r.indexes.empty() || f.first_seen < r.first) r.first = f.first_seen;
    if (r.indexes.empty() || f.last_seen > r.last) r.last = f.last_seen;
    r.rules.insert(f.rule);
    r.indexes.push_back(i);
    r.events += f.evidence.size();
  }
  if (rows.empty()) return;
  absl::StrAppend(out, "<h3>Low-level anomalies per identity</h3>\n<p class=\"note\">",
                  Count(rows.size()),
                  " identities with low or informational findings only worth a glance: "
                  "each finding's details say which signals it rests on and which baseline "
                  "it was compared with.</p>\n");
  BeginTable(
      out, "anomalies",
      {{"Identity"}, {"Rules"}, {"Findings"}, {"Events", Column::kNum}, {"Seen", Column::kTime}});
  const ByteBudget budget(*out, kTableBytes);
  size_t shown = 0;
  for (const auto& [who, r] : rows) {
    if (budget.Spent()) break;
    ++shown;
    out->append("<tr>");
    Td(out, who, "wrap");
    std::string rules;
    for (const std::string& rule : r.rules)
      absl::StrAppend(&rules, rules.empty() ? "" : ", ", rule);
    Td(out, rules, "wrap");
    TdHtml(out, FindingLinks(ctx, r.indexes), "wrap");
    TdNum(out, r.events);
    TdSpan(out, r.first, r.last);
    out->append("</tr>\n");
  }
  EndTable(out);
  OmittedNote(shown, rows.size(), "identities",
              "in findings.json (every finding names its actor and mailbox).", out);
}

// One row per finding the page has no room to show with its events.
void FindingRow(const Finding& f, std::string* out) {
  absl::StrAppend(out, "<tr id=\"", Esc(f.id), "\">");
  Td(out, f.id, "mono nowrap");
  absl::StrAppend(out, "<td data-v=\"", static_cast<int>(f.severity), "\">",
                  SeverityBadge(f.severity), "</td>");
  Td(out, f.rule, "mono");
  Td(out, f.title, "wrap");
  Td(out, f.mailbox_upn.empty() ? f.mailbox_guid : f.mailbox_upn, "wrap");
  Td(out, f.actor, "wrap");
  TdSpan(out, f.first_seen, f.last_seen);
  TdNum(out, f.evidence.size());
  out->append("</tr>\n");
}

// The findings after the detail budget: one row each while the list budget
// lasts, then counts per rule. All of them are in findings.json.
void RenderFindingList(const Context& ctx, const std::vector<size_t>& rest, std::string* out) {
  if (rest.empty()) return;
  const CaseView& v = ctx.view;
  absl::StrAppend(out, "<h3>", Count(rest.size()), " more findings, without their events</h3>\n",
                  "<p class=\"note omitted\">This page shows the events of the first ",
                  Count(v.findings.size() - rest.size()), " of ", Count(v.findings.size()),
                  " findings (most severe first) and lists the others here; findings.json holds "
                  "every finding with all its evidence anchors, and <span class=\"mono\">tern "
                  "search</span> finds their events.</p>\n");
  BeginTable(out, "tbl-more-findings",
             {{"Finding"},
              {"Severity", Column::kNum},
              {"Rule"},
              {"Title"},
              {"Mailbox"},
              {"Actor"},
              {"First / last seen", Column::kTime},
              {"Events", Column::kNum}});
  const ByteBudget budget(*out, kFindingsListBytes);
  size_t shown = 0;
  for (; shown < rest.size() && !budget.Spent(); ++shown) FindingRow(v.findings[rest[shown]], out);
  EndTable(out);
  if (shown == rest.size()) return;
  std::map<std::string, uint64_t> by_rule;
  for (size_t i = shown; i < rest.size(); ++i) ++by_rule[v.findings[rest[i]].rule];
  std::string rules;
  for (const auto& [rule, n] : by_rule) {
    absl::StrAppend(&rules, rules.empty() ? "" : ", ", "<span class=\"mono\">", Esc(rule),
                    "</span> ×", Count(n));
  }
  absl::StrAppend(out, "<p class=\"note omitted\">", Count(rest.size() - shown),
                  " further findings are in findings.json only: ", rules, ".</p>\n");
}

}  // namespace

absl::Status RenderFindings(const Context& ctx, std::string* out) {
  const CaseView& v = ctx.view;
  out->append("<section class=\"block\" id=\"findings\"><h2>Findings</h2>\n");
  if (v.findings.empty()) {
    out->append(
        "<p class=\"note\">No detection rule raised a finding on this evidence. The rules "
        "that ran are listed under Methodology.</p>\n</section>\n");
    return absl::OkStatus();
  }
  out->append(
      "<div class=\"tools\"><input type=\"search\" id=\"finding-filter\" "
      "class=\"ffilter\" placeholder=\"Filter findings…\" aria-label=\"Filter "
      "findings\">");
  for (Severity s : kSeverities) {
    auto it = v.findings_by_severity.find(s);
    if (it == v.findings_by_severity.end() || it->second == 0) continue;
    const std::string name(SeverityName(s));
    absl::StrAppend(out,
                    "<label class=\"sevtoggle\"><input type=\"checkbox\" class=\"sevtoggle\" "
                    "value=\"",
                    name, "\" checked> ", name, " (", it->second, ")</label>");
  }
  out->append("<span class=\"count\" id=\"finding-count\"></span></div>\n");
  RenderAnomalySummary(ctx, out);
  const ByteBudget details(*out, kFindingsDetailBytes);
  std::vector<size_t> rest;  // findings past the detail budget, most severe first
  for (Severity s : kSeverities) {
    std::vector<size_t> indexes;
    for (size_t i = 0; i < v.findings.size(); ++i) {
      if (v.findings[i].severity == s) indexes.push_back(i);
    }
    if (indexes.empty()) continue;
    const std::string name(SeverityName(s));
    absl::StrAppend(out, "<section class=\"sevgroup\" data-sev=\"", name, "\"><h3>",
                    SeverityBadge(s), " ", indexes.size(),
                    indexes.size() == 1 ? " finding" : " findings", "</h3>\n");
    for (size_t i : indexes) {
      if (details.Spent()) {
        rest.push_back(i);
      } else {
        TERN_RETURN_IF_ERROR(RenderFinding(ctx, i, out));
      }
    }
    out->append("</section>\n");
  }
  RenderFindingList(ctx, rest, out);
  out->append("</section>\n");
  return absl::OkStatus();
}

}  // namespace tern::html
