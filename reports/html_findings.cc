// report.html: the findings section, grouped by severity, each finding with
// its facts, rule-specific details, ATT&CK ids and the events it rests on
// (with their evidence anchors).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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

void RenderFinding(const Context& ctx, size_t index, std::string* out) {
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
  const std::vector<std::optional<Event>>* events =
      index < v.activity.finding_events.size() ? &v.activity.finding_events[index] : nullptr;
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
}

// Low-level anomalies summarized per identity (issue 11): one row per actor
// (else mailbox) with the low and info findings that name it, so a reader
// sees who drifted from their baseline without reading each finding.
void RenderAnomalySummary(const Context& ctx, std::string* out) {
  struct Row {
    std::set<std::string> rules;
    std::vector<std::string> ids;
    uint64_t events = 0;
    TimeMs first = 0;
    TimeMs last = 0;
  };
  std::map<std::string, Row> rows;
  for (const Finding& f : ctx.view.findings) {
    if (f.severity > Severity::kLow) continue;
    const std::string& who = !f.actor.empty()        ? f.actor
                             : f.mailbox_upn.empty() ? f.mailbox_guid
                                                     : f.mailbox_upn;
    if (who.empty()) continue;
    Row& r = rows[who];
    if (r.ids.empty() || f.first_seen < r.first) r.first = f.first_seen;
    if (r.ids.empty() || f.last_seen > r.last) r.last = f.last_seen;
    r.rules.insert(f.rule);
    r.ids.push_back(f.id);
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
  for (const auto& [who, r] : rows) {
    out->append("<tr>");
    Td(out, who, "wrap");
    std::string rules;
    for (const std::string& rule : r.rules)
      absl::StrAppend(&rules, rules.empty() ? "" : ", ", rule);
    Td(out, rules, "wrap");
    std::string links;
    for (const std::string& id : r.ids) {
      absl::StrAppend(&links, links.empty() ? "" : " ", "<a class=\"mono\" href=\"#", Esc(id),
                      "\">", Esc(id), "</a>");
    }
    TdHtml(out, links, "wrap");
    TdNum(out, r.events);
    TdSpan(out, r.first, r.last);
    out->append("</tr>\n");
  }
  EndTable(out);
}

}  // namespace

void RenderFindings(const Context& ctx, std::string* out) {
  const CaseView& v = ctx.view;
  out->append("<section class=\"block\" id=\"findings\"><h2>Findings</h2>\n");
  if (v.findings.empty()) {
    out->append(
        "<p class=\"note\">No detection rule raised a finding on this evidence. The rules "
        "that ran are listed under Methodology.</p>\n</section>\n");
    return;
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
    for (size_t i : indexes) RenderFinding(ctx, i, out);
    out->append("</section>\n");
  }
  out->append("</section>\n");
}

}  // namespace tern::html
