// report.html: the per-mailbox, per-IP, sessions and completeness sections.
// Long tables are capped at kMaxTableRows (rows tied to findings first); the
// full data stays reachable through findings.json and `tern search`.
#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/ip.h"
#include "core/base/strings.h"
#include "reports/event_format.h"
#include "reports/html_internal.h"

namespace tern::html {
namespace {

const std::vector<size_t>& Lookup(const std::map<std::string, std::vector<size_t>>& map,
                                  const std::string& key) {
  static const std::vector<size_t>* const kEmpty = new std::vector<size_t>();
  auto it = map.find(key);
  return it == map.end() ? *kEmpty : it->second;
}

void SeverityCell(const CaseView& v, const std::vector<size_t>& indexes, std::string* out) {
  if (indexes.empty()) {
    out->append("<td data-v=\"-1\"></td>");
    return;
  }
  const Severity max = MaxSeverity(v, indexes);
  absl::StrAppend(out, "<td data-v=\"", static_cast<int>(max), "\">", SeverityBadge(max), "</td>");
}

// A small stacked bar of the categories with their counts as text, so the
// tables stay narrow enough to read and print.
void ActivityCell(const CategoryCounts& counts, std::string* out) {
  constexpr uint64_t kBarWidth = 120;
  uint64_t total = 0;
  for (uint64_t c : counts) total += c;
  std::string text;
  std::string bar;
  uint64_t cumulative = 0;
  for (int i = 0; i < kCategoryCount; ++i) {
    if (counts[i] == 0) continue;
    const std::string name(CategoryName(static_cast<Category>(i)));
    absl::StrAppend(&text, text.empty() ? "" : " · ", Count(counts[i]), " ", name);
    const uint64_t x0 = cumulative * kBarWidth / total;
    cumulative += counts[i];
    const uint64_t x1 = cumulative * kBarWidth / total;
    if (x1 > x0) {
      absl::StrAppend(&bar, "<rect class=\"c-", name, "\" x=\"", x0, "\" y=\"0\" width=\"", x1 - x0,
                      "\" height=\"8\"/>");
    }
  }
  absl::StrAppend(out, "<td><svg class=\"mini\" viewBox=\"0 0 ", kBarWidth, " 8\">", bar,
                  "</svg><div class=\"note\">", text, "</div></td>");
}

// LoadActivity keeps the rows of highest rank: all those a table can show.
static_assert(kActivityRowsKept >= kMaxTableRows);

// Orders rows by RankRow, highest first; ties keep the incoming (sorted)
// order, as LoadActivity's choice of rows does.
template <typename Row>
std::vector<const Row*> Prioritize(const std::vector<Row>& rows,
                                   const std::vector<std::vector<size_t>>& findings,
                                   const CaseView& v) {
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) order[i] = i;
  auto key = [&](size_t i) { return RankRow(v.findings, findings[i], rows[i].events); };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) > key(b); });
  std::vector<const Row*> out;
  for (size_t i : order) out.push_back(&rows[i]);
  return out;
}

std::string OperationsText(const Session& s) {
  std::vector<std::pair<std::string, uint64_t>> ops = s.operations;
  std::stable_sort(ops.begin(), ops.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (size_t i = 0; i < ops.size() && i < 4; ++i) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", ops[i].first, " ×", ops[i].second);
  }
  if (ops.size() > 4) absl::StrAppend(&out, ", +", ops.size() - 4, " more");
  return out;
}

void SessionRow(const Context& ctx, const Session& s, std::string* out) {
  absl::StrAppend(out, "<tr id=\"", Esc(s.id), "\">");
  Td(out, s.id, "mono nowrap");
  const std::string& mailbox = s.mailbox_upn.empty() ? s.mailbox_guid : s.mailbox_upn;
  std::string who = Esc(mailbox);
  if (!s.actor.empty() && s.actor != mailbox) {
    absl::StrAppend(&who, "<div class=\"note\">by ", Esc(s.actor), "</div>");
  }
  TdHtml(out, who, "wrap");
  TdHtml(out,
         absl::StrCat("<span class=\"mono\">", Esc(s.client_ip), "</span><div class=\"note\">",
                      Esc(GeoText(s.geo)), "</div>"),
         "wrap");
  TdSpan(out, s.start, s.end);
  TdNum(out, s.events);
  TdNum(out, s.items);
  Td(out, OperationsText(s), "wrap");
  std::vector<std::string> logons;
  for (int32_t t : s.logon_types) logons.push_back(LogonTypeText(t));
  TdHtml(out, ListHtml(logons, false));
  std::vector<std::string> clients;
  for (const std::string& c : s.client_infos) clients.push_back(TruncateUtf8(c, 60));
  TdHtml(out, ListHtml(clients, false), "any");
  Td(out, s.first_seen_ip ? "new" : "");
  TdHtml(out, FindingLinks(ctx, Lookup(ctx.findings_by_session, s.id)));
  out->append("</tr>\n");
}

}  // namespace

void OmittedNote(size_t shown, size_t total, std::string_view what, std::string_view where_html,
                 std::string* out) {
  if (shown >= total) return;
  absl::StrAppend(out, "<p class=\"note omitted\">Showing ", Count(shown), " of ", Count(total),
                  " ", Esc(what), "; ", Count(total - shown), " more ", ToAbsl(where_html),
                  "</p>\n");
}

void RenderMailboxes(const Context& ctx, std::string* out) {
  const CaseView& v = ctx.view;
  const std::vector<MailboxActivity>& rows = v.activity.mailboxes;
  out->append(
      "<section class=\"block\" id=\"mailboxes\"><h2>Mailboxes</h2>\n<p class=\"note\">"
      "Activity per mailbox over the whole evidence, by category.</p>\n");
  std::vector<std::vector<size_t>> findings;
  for (const MailboxActivity& m : rows) {
    findings.push_back(ctx.findings_by_row.ForMailbox(m.guid, m.upn));
  }
  std::vector<const MailboxActivity*> ordered = Prioritize(rows, findings, v);
  BeginTable(out, "tbl-mailboxes",
             {{"Mailbox"},
              {"Highest severity", Column::kNum},
              {"Findings"},
              {"Events", Column::kNum},
              {"First / last event", Column::kTime},
              {"Activity"},
              {"Client IPs"},
              {"Actors"}});
  const ByteBudget budget(*out, kTableBytes);
  size_t shown = 0;
  for (; shown < ordered.size() && shown < kMaxTableRows && !budget.Spent(); ++shown) {
    const MailboxActivity& m = *ordered[shown];
    const std::vector<size_t>& f = findings[static_cast<size_t>(&m - rows.data())];
    out->append("<tr>");
    TdHtml(out, absl::StrCat(Esc(m.upn), "<div class=\"mono note\">", Esc(m.guid), "</div>"),
           "wrap");
    SeverityCell(v, f, out);
    TdHtml(out, FindingLinks(ctx, f));
    TdNum(out, m.events);
    TdSpan(out, m.first, m.last);
    ActivityCell(m.categories, out);
    TdHtml(out, ListHtml(m.ips.values, m.ips.more), "mono wrap");
    TdHtml(out, ListHtml(m.actors.values, m.actors.more), "wrap");
    out->append("</tr>\n");
  }
  EndTable(out);
  OmittedNote(shown, v.activity.MailboxCount(), "mailboxes, those tied to findings first",
              "with <span class=\"mono\">tern search --mailbox UPN</span> (their events) and in "
              "sessions.jsonl (their sessions).",
              out);
  out->append("</section>\n");
}

void RenderIps(const Context& ctx, std::string* out) {
  const CaseView& v = ctx.view;
  const std::vector<IpActivity>& rows = v.activity.ips;
  out->append(
      "<section class=\"block\" id=\"ips\"><h2>IP addresses</h2>\n<p class=\"note\">"
      "Client addresses seen in the evidence, with location and network when geo-IP "
      "databases were given.</p>\n");
  std::vector<std::vector<size_t>> findings;
  for (const IpActivity& ip : rows) findings.push_back(ctx.findings_by_row.ForIp(ip.ip));
  std::vector<const IpActivity*> ordered = Prioritize(rows, findings, v);
  BeginTable(out, "tbl-ips",
             {{"IP address / location"},
              {"Highest severity", Column::kNum},
              {"Findings"},
              {"Events", Column::kNum},
              {"First / last event", Column::kTime},
              {"Activity"},
              {"Mailboxes"},
              {"Actors"},
              {"Clients"}});
  const ByteBudget budget(*out, kTableBytes);
  size_t shown = 0;
  for (; shown < ordered.size() && shown < kMaxTableRows && !budget.Spent(); ++shown) {
    const IpActivity& ip = *ordered[shown];
    const std::vector<size_t>& f = findings[static_cast<size_t>(&ip - rows.data())];
    std::string where = GeoText(ip.geo);
    if (where.empty() && IsIpLiteral(ip.ip) && IsPrivateOrLocalIp(ip.ip)) {
      where = "private / local address";
    } else if (where.empty() && !IsIpLiteral(ip.ip)) {
      where = "host name, not an address";
    }
    absl::StrAppend(out, "<tr id=\"ip-", Esc(ip.ip), "\">");
    TdHtml(out,
           absl::StrCat("<span class=\"mono\">", Esc(ip.ip), "</span><div class=\"note\">",
                        Esc(where), "</div>"),
           "wrap");
    SeverityCell(v, f, out);
    TdHtml(out, FindingLinks(ctx, f));
    TdNum(out, ip.events);
    TdSpan(out, ip.first, ip.last);
    ActivityCell(ip.categories, out);
    TdHtml(out, ListHtml(ip.mailboxes.values, ip.mailboxes.more), "wrap");
    TdHtml(out, ListHtml(ip.actors.values, ip.actors.more), "wrap");
    std::vector<std::string> clients;
    for (const std::string& c : ip.client_infos.values) clients.push_back(TruncateUtf8(c, 60));
    TdHtml(out, ListHtml(clients, ip.client_infos.more), "any");
    out->append("</tr>\n");
  }
  EndTable(out);
  OmittedNote(shown, v.activity.IpCount(), "addresses, those tied to findings first",
              "with <span class=\"mono\">tern search --ip ADDRESS</span> (their events) and in "
              "sessions.jsonl (their sessions).",
              out);
  out->append("</section>\n");
}

void RenderSessions(const Context& ctx, std::string* out) {
  const CaseView& v = ctx.view;
  out->append(
      "<section class=\"block\" id=\"sessions\"><h2>Sessions</h2>\n<p class=\"note\">"
      "Events of one mailbox, client IP and actor, split by SessionId and by inactivity. "
      "“New IP” marks an address never seen earlier in the case for that "
      "mailbox.</p>\n");
  // Sessions named by findings always appear; the rest in time order.
  std::vector<const Session*> rows;
  for (const Session& s : v.sessions) {
    if (ctx.findings_by_session.count(s.id) > 0) rows.push_back(&s);
  }
  for (const Session& s : v.sessions) {
    if (rows.size() >= kMaxTableRows) break;
    if (ctx.findings_by_session.count(s.id) == 0) rows.push_back(&s);
  }
  BeginTable(out, "tbl-sessions",
             {{"Session"},
              {"Mailbox / actor"},
              {"Client IP / location"},
              {"Start / end", Column::kTime},
              {"Events", Column::kNum},
              {"Items", Column::kNum},
              {"Operations"},
              {"Logon"},
              {"Clients"},
              {"New IP"},
              {"Findings"}});
  // Rows are rendered in that priority order while they fit the budget,
  // then shown in time order.
  std::vector<std::pair<const Session*, std::string>> shown;
  size_t bytes = 0;
  for (const Session* s : rows) {
    if (bytes >= kTableBytes) break;
    std::string row;
    SessionRow(ctx, *s, &row);
    bytes += row.size();
    shown.emplace_back(s, std::move(row));
  }
  std::stable_sort(shown.begin(), shown.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first->start, a.first->id) < std::tie(b.first->start, b.first->id);
  });
  for (const auto& [session, row] : shown) out->append(row);
  EndTable(out);
  OmittedNote(shown.size(), v.SessionCount(), "sessions, those tied to findings first",
              "in sessions.jsonl, one per line with every field shown here.", out);
  out->append("</section>\n");
}

void RenderWarnings(const Context& ctx, std::string* out) {
  const CaseView& v = ctx.view;
  out->append("<section class=\"block\" id=\"warnings\"><h2>Completeness</h2>\n");
  std::vector<std::string> notes;
  if (v.rejected > 0) {
    notes.push_back(
        absl::StrCat(Count(v.rejected),
                     " records could not be parsed and were rejected; each is listed "
                     "with its file and line in tern.log and counted in custody.json."));
  }
  if (v.activity.chart.untimed > 0) {
    notes.push_back(absl::StrCat(Count(v.activity.chart.untimed),
                                 " events carry no usable time and are left out of the timeline."));
  }
  uint64_t unusable = 0;
  for (const EvidenceRecord& r : v.evidence_records) {
    if (r.status != "ingested") ++unusable;
  }
  if (unusable > 0) {
    notes.push_back(absl::StrCat(Count(unusable),
                                 " evidence items were not fully read (see their status under "
                                 "Evidence)."));
  }
  if (v.warnings.empty() && notes.empty()) {
    out->append("<p>No completeness or integrity warnings were raised for this evidence.</p>\n");
  }
  for (const std::string& note : notes) absl::StrAppend(out, "<p>", Esc(note), "</p>\n");
  if (!v.warnings.empty()) {
    out->append(
        "<p class=\"note\">Warnings about the evidence as a whole: export caps reached, "
        "truncated records, encoding problems and similar signs of missing data.</p>\n");
    BeginTable(out, "tbl-warnings", {{"Kind"}, {"Source"}, {"Line", Column::kNum}, {"Detail"}});
    const ByteBudget budget(*out, kTableBytes);
    size_t shown = 0;
    for (const Warning& w : v.warnings) {
      if (budget.Spent()) break;
      ++shown;
      out->append("<tr>");
      Td(out, w.kind, "mono");
      Td(out, w.source, "wrap");
      if (w.line == 0) {
        out->append("<td data-v=\"0\"></td>");
      } else {
        TdNum(out, w.line);
      }
      Td(out, w.detail, "wrap");
      out->append("</tr>\n");
    }
    EndTable(out);
    OmittedNote(shown, v.warnings.size(), "warnings", "in findings.json and tern.log.", out);
  }
  out->append("</section>\n");
}

}  // namespace tern::html
