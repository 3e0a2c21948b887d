// Shared lookups and small builders of the HTML report (html_internal.h).
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/base/escape.h"
#include "core/base/strings.h"
#include "reports/html_internal.h"

namespace tern::html {
namespace {

void LabelEvidence(const EvidenceNodeView& node, int* next,
                   std::map<std::string, std::string>* labels) {
  labels->emplace(node.record->sha256, absl::StrCat("E", (*next)++));
  for (const EvidenceNodeView& m : node.members) LabelEvidence(m, next, labels);
}

}  // namespace

Context::Context(const CaseView& v) : view(v), findings_by_row(v.findings) {
  int next = 1;
  for (const EvidenceNodeView& node : v.evidence) LabelEvidence(node, &next, &evidence_label);
  for (const Session& s : v.sessions) session_by_id.emplace(s.id, &s);
  for (const RuleInfo& r : v.rules) rule_by_id.emplace(r.id, &r);
  for (const IpActivity& ip : v.activity.ips) {
    if (ip.geo.known || ip.geo.asn != 0) geo_by_ip.emplace(ip.ip, ip.geo);
  }
  for (const auto& [ip, geo] : v.activity.finding_ip_geo) geo_by_ip.emplace(ip, geo);
  for (size_t i = 0; i < v.findings.size(); ++i) {
    for (const std::string& s : v.findings[i].sessions) findings_by_session[s].push_back(i);
  }
}

std::string Esc(std::string_view raw) { return HtmlEscape(raw); }

namespace {

// The display zone of the page being rendered on this thread.
struct DisplayZone {
  bool set = false;
  std::string name;
  absl::TimeZone zone;
};
thread_local DisplayZone* display_zone = nullptr;

}  // namespace

ScopedDisplayZone::ScopedDisplayZone(const std::string& name) {
  if (name.empty()) return;
  auto* zone = new DisplayZone;
  // Validated by the command line (--timezone); an unknown name stays UTC.
  zone->set = absl::LoadTimeZone(name, &zone->zone);
  zone->name = name;
  display_zone = zone;
}

ScopedDisplayZone::~ScopedDisplayZone() {
  delete display_zone;
  display_zone = nullptr;
}

std::string ScopedDisplayZone::Name() {
  return display_zone != nullptr && display_zone->set ? display_zone->name : "UTC";
}

std::string DisplayTime(TimeMs t) {
  if (t == kNoTime) return "";
  if (display_zone == nullptr || !display_zone->set) return FormatRfc3339(t);
  return absl::FormatTime(t % 1000 == 0 ? "%Y-%m-%dT%H:%M:%S%Ez" : "%Y-%m-%dT%H:%M:%E3S%Ez",
                          absl::FromUnixMillis(t), display_zone->zone);
}

std::string TimeText(TimeMs t) { return DisplayTime(t); }

std::string Count(uint64_t n) {
  std::string digits = absl::StrCat(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string GeoText(const GeoInfo& geo) {
  std::vector<std::string> parts;
  if (geo.known) {
    if (!geo.country.empty() || !geo.country_iso.empty()) {
      parts.push_back(geo.country_iso.empty()
                          ? geo.country
                          : absl::StrCat(geo.country.empty() ? geo.country_iso : geo.country, " (",
                                         geo.country_iso, ")"));
    }
    if (!geo.city.empty()) parts.push_back(geo.city);
  }
  if (geo.asn != 0) {
    parts.push_back(absl::StrCat("AS", geo.asn, geo.as_org.empty() ? "" : " ", geo.as_org));
  }
  std::string out;
  for (const std::string& p : parts) absl::StrAppend(&out, out.empty() ? "" : " · ", p);
  return out;
}

std::string SeverityBadge(Severity s) {
  const std::string name(SeverityName(s));
  return absl::StrCat("<span class=\"sev sev-", name, "\">", name, "</span>");
}

std::string FindingLinks(const Context& ctx, const std::vector<size_t>& indexes) {
  std::string out;
  for (size_t n = 0; n < indexes.size() && n < kFindingLinksShown; ++n) {
    const std::string id = Esc(ctx.view.findings[indexes[n]].id);
    absl::StrAppend(&out, out.empty() ? "" : " ", "<a href=\"#", id, "\">", id, "</a>");
  }
  if (indexes.size() > kFindingLinksShown) {
    absl::StrAppend(&out, " <span class=\"note\">+", Count(indexes.size() - kFindingLinksShown),
                    " more</span>");
  }
  return out;
}

Severity MaxSeverity(const CaseView& view, const std::vector<size_t>& indexes) {
  Severity max = Severity::kInfo;
  for (size_t i : indexes) max = std::max(max, view.findings[i].severity);
  return max;
}

std::string PrettyJson(std::string_view json) {
  std::string out;
  int depth = 0;
  bool in_string = false;
  auto newline = [&] {
    out.push_back('\n');
    out.append(static_cast<size_t>(std::max(depth, 0)) * 2, ' ');
  };
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < json.size()) {
        out.push_back(json[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        out.push_back(c);
        break;
      case '{':
      case '[':
        out.push_back(c);
        // Keep empty containers on one line.
        if (i + 1 < json.size() && (json[i + 1] == '}' || json[i + 1] == ']')) {
          out.push_back(json[++i]);
        } else {
          ++depth;
          newline();
        }
        break;
      case '}':
      case ']':
        --depth;
        newline();
        out.push_back(c);
        break;
      case ',':
        out.push_back(c);
        newline();
        break;
      case ':':
        out.append(": ");
        break;
      case ' ':
      case '\n':
      case '\t':
      case '\r':
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string ListHtml(const std::vector<std::string>& values, bool more) {
  std::string out;
  for (const std::string& v : values) absl::StrAppend(&out, out.empty() ? "" : ", ", Esc(v));
  if (more) out += ", …";
  return out;
}

void BeginTable(std::string* out, std::string_view id, std::initializer_list<Column> columns,
                bool filter) {
  const std::string safe_id = Esc(id);
  if (filter) {
    absl::StrAppend(out,
                    "<div class=\"tools\"><input type=\"search\" class=\"filter\" data-table=\"",
                    safe_id, "\" placeholder=\"Filter rows…\" aria-label=\"Filter rows\">",
                    "<span class=\"count\" id=\"", safe_id, "-count\"></span></div>\n");
  }
  absl::StrAppend(out, "<div class=\"scroll\"><table class=\"sortable\" id=\"", safe_id,
                  "\">\n<thead><tr>");
  for (const Column& c : columns) {
    const char* open = c.kind == Column::kNum    ? "<th class=\"num\">"
                       : c.kind == Column::kTime ? "<th class=\"time\">"
                                                 : "<th>";
    absl::StrAppend(out, open, Esc(c.label), "</th>");
  }
  out->append("</tr></thead>\n<tbody>\n");
}

void EndTable(std::string* out) { out->append("</tbody></table></div>\n"); }

void Td(std::string* out, std::string_view raw, std::string_view css_class) {
  TdHtml(out, Esc(raw), css_class);
}

void TdHtml(std::string* out, std::string_view html, std::string_view css_class) {
  if (css_class.empty()) {
    absl::StrAppend(out, "<td>", ToAbsl(html), "</td>");
  } else {
    absl::StrAppend(out, "<td class=\"", Esc(css_class), "\">", ToAbsl(html), "</td>");
  }
}

void TdNum(std::string* out, uint64_t n) {
  absl::StrAppend(out, "<td class=\"num\" data-v=\"", n, "\">", Count(n), "</td>");
}

void TdTime(std::string* out, TimeMs t) {
  if (t == kNoTime) {
    out->append("<td data-v=\"\"></td>");
    return;
  }
  absl::StrAppend(out, "<td class=\"time\" data-v=\"", t, "\">", DisplayTime(t), "</td>");
}

void TdSpan(std::string* out, TimeMs first, TimeMs last) {
  if (first == kNoTime) {
    out->append("<td data-v=\"\"></td>");
    return;
  }
  absl::StrAppend(out, "<td class=\"time\" data-v=\"", first, "\">", DisplayTime(first), "<div>",
                  DisplayTime(last), "</div></td>");
}

}  // namespace tern::html
