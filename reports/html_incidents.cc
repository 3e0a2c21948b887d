// report.html: the incidents, first thing after the header (issue 13). One
// block each: who was compromised, from where, when, which findings, the
// ATT&CK tactics in kill-chain order, what was exposed (exposure.csv) and
// the attacker's timeline with the evidence anchor of every event.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/model/case_incident.h"
#include "reports/html_internal.h"
#include "reports/incident_report.h"

namespace tern::html {
namespace {

// Timeline rows shown per incident; findings.json holds them all.
constexpr size_t kTimelineRows = 500;

std::string Joined(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& s : list) absl::StrAppend(&out, out.empty() ? "" : ", ", Esc(s));
  return out.empty() ? "—" : out;
}

std::string SourceText(const Context& ctx, const ResolvedAnchor& a) {
  auto label = ctx.evidence_label.find(a.sha256);
  std::string out = label == ctx.evidence_label.end() ? "" : Esc(label->second) + " ";
  absl::StrAppend(&out, "line ", a.line);
  return out;
}

void RenderExposure(const CaseIncident& c, std::string* out) {
  const ExposureCounts& n = c.counts;
  std::string text = absl::StrCat(
      Count(n.messages_accessed), " messages read (Bind), ", Count(n.folders_synced.size()),
      " folders synchronized, ", Count(n.messages_sent), " sent, ", Count(n.items_deleted),
      " deleted, ", Count(n.items_moved), " moved, ", Count(n.rules_created), " inbox rules, ",
      Count(n.forwarding_changes), " forwarding changes");
  absl::StrAppend(out, "<dt>Exposure</dt><dd>", text, " — ", Count(c.exposure_items),
                  " items listed in <span class=\"mono\">", kExposureFileName, "</span>");
  if (!n.folders_synced.empty()) {
    absl::StrAppend(out,
                    "<div class=\"note\">Whole folders synchronized: ", Joined(n.folders_synced),
                    "</div>");
  }
  out->append("</dd>");
  if (n.throttled_records > 0) {
    absl::StrAppend(out, "<dt>Blind spots</dt><dd>", Count(n.throttled_records),
                    " MailItemsAccessed records were throttled: access in that window was not "
                    "itemized, so the exposure list is incomplete</dd>");
  }
}

void RenderIncident(const Context& ctx, const IncidentView& v, std::string* out) {
  const CaseIncident& c = v.incident;
  const std::string sev(SeverityName(c.severity));
  absl::StrAppend(out, "<article class=\"finding incident sev-", sev, "\" id=\"", Esc(c.id),
                  "\">\n<h4>", SeverityBadge(c.severity), "<span class=\"fid\">", Esc(c.id),
                  "</span>", Esc(c.title), "</h4>\n<dl class=\"facts\">");
  absl::StrAppend(out, "<dt>Compromised identities</dt><dd>", Joined(c.identities), "</dd>");
  if (!c.other_identities.empty()) {
    absl::StrAppend(out, "<dt>Also touched</dt><dd>", Joined(c.other_identities), "</dd>");
  }
  std::vector<std::string> mailboxes;
  for (const auto& [guid, upn] : c.mailboxes) mailboxes.push_back(upn.empty() ? guid : upn);
  absl::StrAppend(out, "<dt>Mailboxes</dt><dd>", Joined(mailboxes), "</dd>");
  std::string ips;
  for (const IncidentIp& ip : c.attacker_ips) {
    absl::StrAppend(&ips, ips.empty() ? "" : "; ", "<span class=\"mono\">", Esc(ip.ip), "</span>");
    const std::string geo = GeoText(ip.geo);
    if (!geo.empty()) absl::StrAppend(&ips, " (", Esc(geo), ")");
  }
  absl::StrAppend(out, "<dt>Attacker IPs</dt><dd>", ips.empty() ? "—" : ips, "</dd>");
  absl::StrAppend(out, "<dt>Attacker activity</dt><dd>", TimeText(c.first_seen), " — ",
                  TimeText(c.last_seen), "</dd>");
  absl::StrAppend(out, "<dt>Sign-ins</dt><dd>", Count(c.sign_ins), " succeeded, ",
                  Count(c.failed_sign_ins), " failed</dd>");
  std::string tactics;
  for (const std::string& t : c.tactics) {
    absl::StrAppend(&tactics, "<span class=\"tag\">", Esc(t), "</span>");
  }
  absl::StrAppend(out, "<dt>Tactics</dt><dd>", tactics.empty() ? "—" : tactics, "</dd>");
  std::string links;
  for (const std::string& f : c.findings) {
    absl::StrAppend(&links, links.empty() ? "" : " ", "<a class=\"mono\" href=\"#", Esc(f), "\">",
                    Esc(f), "</a>");
  }
  absl::StrAppend(out, "<dt>Findings</dt><dd>", links.empty() ? "—" : links, "</dd>");
  RenderExposure(c, out);
  out->append("</dl>\n");

  const size_t shown = std::min(c.timeline.size(), kTimelineRows);
  absl::StrAppend(out, "<details open><summary>Timeline: ", Count(c.timeline_events),
                  c.timeline_events == 1 ? " event" : " events");
  if (shown < c.timeline_events) {
    absl::StrAppend(out, " (first ", Count(shown), " shown; all in findings.json)");
  }
  out->append("</summary>\n");
  BeginTable(out, absl::StrCat("tl-", c.id),
             {{"Time", Column::kTime},
              {"Operation"},
              {"Mailbox / actor"},
              {"Client IP"},
              {"What"},
              {"Source"}},
             /*filter=*/false);
  for (size_t i = 0; i < shown; ++i) {
    const IncidentEvent& e = c.timeline[i];
    out->append("<tr>");
    TdTime(out, e.anchor.time_ms);
    Td(out, e.operation, "wrap");
    std::string who = Esc(e.mailbox);
    if (!e.actor.empty() && e.actor != e.mailbox) {
      absl::StrAppend(&who, "<div class=\"note\">by ", Esc(e.actor), "</div>");
    }
    TdHtml(out, who, "wrap");
    Td(out, e.client_ip, "mono");
    Td(out, e.summary, "any");
    TdHtml(out, SourceText(ctx, v.timeline[i]), "nowrap");
    out->append("</tr>\n");
  }
  EndTable(out);
  out->append("</details>\n</article>\n");
}

}  // namespace

void RenderIncidents(const Context& ctx, std::string* out) {
  const CaseView& v = ctx.view;
  if (v.incidents.empty()) return;
  absl::StrAppend(out, "<section class=\"block\" id=\"incidents\"><h2>Incidents</h2>\n",
                  "<p class=\"note\">Findings that share attacker addresses, sessions or "
                  "identities, with every event of the attacker's sessions and sign-ins between "
                  "them. ",
                  Count(v.incidents.size()), v.incidents.size() == 1 ? " incident." : " incidents.",
                  "</p>\n");
  for (const IncidentView& incident : v.incidents) RenderIncident(ctx, incident, out);
  out->append("</section>\n");
}

}  // namespace tern::html
