#include "reports/diff.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/base/json_writer.h"

namespace tern {
namespace {

std::string Mailbox(const DocumentFinding& f) {
  return f.mailbox_upn.empty() ? f.mailbox_guid : f.mailbox_upn;
}

std::string Describe(const DocumentFinding& f) {
  return absl::StrCat(f.severity, " ", f.id, " last_seen=", f.last_seen, " evidence=", f.evidence,
                      " \"", f.title, "\"");
}

std::string IncidentKey(const DocumentIncident& i) {
  return absl::StrCat("identities=", absl::StrJoin(i.identities, ","),
                      " ips=", absl::StrJoin(i.attacker_ips, ","), " first_seen=", i.first_seen);
}

std::string Describe(const DocumentIncident& i) {
  return absl::StrCat(i.severity, " ", i.id, " last_seen=", i.last_seen,
                      " rules=", absl::StrJoin(i.rules, ","), " \"", i.title, "\"");
}

// Differences of two keyed multisets: items under the same key are paired in
// order of their description, so duplicates of one key diff sensibly.
template <typename T, typename KeyFn, typename DescribeFn>
void DiffKeyed(const std::vector<T>& a, const std::vector<T>& b, const std::string& kind,
               KeyFn key_of, DescribeFn describe, std::vector<Difference>* out) {
  std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>> by_key;
  for (const T& x : a) by_key[key_of(x)].first.push_back(describe(x));
  for (const T& x : b) by_key[key_of(x)].second.push_back(describe(x));
  for (auto& [key, sides] : by_key) {
    auto& [before, after] = sides;
    std::sort(before.begin(), before.end());
    std::sort(after.begin(), after.end());
    const size_t common = std::min(before.size(), after.size());
    for (size_t i = 0; i < common; ++i) {
      // The F-number alone moving is no change.
      if (before[i] == after[i]) continue;
      out->push_back({kind, "changed", key, before[i], after[i]});
    }
    for (size_t i = common; i < before.size(); ++i)
      out->push_back({kind, "removed", key, before[i], ""});
    for (size_t i = common; i < after.size(); ++i)
      out->push_back({kind, "added", key, "", after[i]});
  }
}

void DiffCounts(const std::map<std::string, uint64_t>& a, const std::map<std::string, uint64_t>& b,
                const std::string& kind, std::vector<Difference>* out) {
  std::set<std::string> keys;
  for (const auto& [k, v] : a) keys.insert(k);
  for (const auto& [k, v] : b) keys.insert(k);
  for (const std::string& k : keys) {
    auto ia = a.find(k);
    auto ib = b.find(k);
    const std::string va = ia == a.end() ? "" : absl::StrCat(ia->second);
    const std::string vb = ib == b.end() ? "" : absl::StrCat(ib->second);
    if (va != vb) out->push_back({kind, "changed", k, va, vb});
  }
}

// Descriptions without the F-/I-number, for the equality test of a pair.
template <typename T>
std::string WithoutId(T x) {
  x.id.clear();
  return Describe(x);
}

}  // namespace

std::string FindingKey(const DocumentFinding& f) {
  return absl::StrCat(f.rule, " mailbox=", Mailbox(f), " actor=", f.actor,
                      " ips=", absl::StrJoin(f.client_ips, ","), " first_seen=", f.first_seen);
}

FindingsDiff DiffFindings(const FindingsDocument& a, const FindingsDocument& b) {
  FindingsDiff diff;
  std::vector<Difference>& out = diff.differences;
  DiffCounts(a.counts, b.counts, "summary", &out);
  DiffCounts(a.findings_by_severity, b.findings_by_severity, "severity-count", &out);
  // Pair on the description without the F-number, then show it with.
  std::vector<Difference> findings;
  DiffKeyed(
      a.findings, b.findings, "finding", FindingKey,
      [](const DocumentFinding& f) { return WithoutId(f) + "\x1f" + f.id; }, &findings);
  std::vector<Difference> incidents;
  DiffKeyed(
      a.incidents, b.incidents, "incident", IncidentKey,
      [](const DocumentIncident& i) { return WithoutId(i) + "\x1f" + i.id; }, &incidents);
  for (std::vector<Difference>* part : {&findings, &incidents}) {
    for (Difference& d : *part) {
      auto strip = [](std::string& s) {
        const size_t sep = s.find('\x1f');
        if (sep == std::string::npos) return std::string();
        std::string id = s.substr(sep + 1);
        s.resize(sep);
        return id;
      };
      const std::string id_before = strip(d.before);
      const std::string id_after = strip(d.after);
      if (d.change == "changed" && d.before == d.after) continue;  // only the number moved
      if (!id_before.empty()) d.before = absl::StrCat(d.before, " (", id_before, ")");
      if (!id_after.empty()) d.after = absl::StrCat(d.after, " (", id_after, ")");
      out.push_back(std::move(d));
    }
  }
  std::sort(out.begin(), out.end(), [](const Difference& x, const Difference& y) {
    return std::tie(x.kind, x.key, x.change, x.before, x.after) <
           std::tie(y.kind, y.key, y.change, y.before, y.after);
  });
  return diff;
}

std::string RenderDiffText(const FindingsDiff& diff) {
  std::string out;
  for (const Difference& d : diff.differences) {
    if (d.change == "added") {
      absl::StrAppend(&out, "+ ", d.kind, " ", d.key, "  ", d.after, "\n");
    } else if (d.change == "removed") {
      absl::StrAppend(&out, "- ", d.kind, " ", d.key, "  ", d.before, "\n");
    } else {
      absl::StrAppend(&out, "~ ", d.kind, " ", d.key, "  ", d.before.empty() ? "(none)" : d.before,
                      " -> ", d.after.empty() ? "(none)" : d.after, "\n");
    }
  }
  if (diff.equal()) {
    out += "no differences\n";
  } else {
    absl::StrAppend(&out, diff.differences.size(), " differences\n");
  }
  return out;
}

std::string RenderDiffJson(const FindingsDiff& diff) {
  JsonWriter json(2);
  json.BeginObject();
  json.Key("equal").Bool(diff.equal());
  json.Key("differences").BeginArray();
  for (const Difference& d : diff.differences) {
    json.BeginObject();
    json.Key("kind").String(d.kind);
    json.Key("change").String(d.change);
    json.Key("key").String(d.key);
    json.Key("before").String(d.before);
    json.Key("after").String(d.after);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  std::string text = json.Take();
  text.push_back('\n');
  return text;
}

}  // namespace tern
