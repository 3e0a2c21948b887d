#include "core/tuning/tuning.h"

#include <algorithm>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/base/strings.h"
#include "core/correlate/text.h"
#include "core/sigma/pattern.h"
#include "yaml-cpp/yaml.h"

namespace tern {
namespace {

using correlate::Lower;

struct IntThreshold {
  std::string_view name;
  int64_t AnalyzeOptions::*field;
  bool duration;  // milliseconds; a value may be written as 90m, 7d
};

constexpr IntThreshold kIntThresholds[] = {
    {"session_gap_ms", &AnalyzeOptions::session_gap_ms, true},
    {"baseline_ms", &AnalyzeOptions::baseline_ms, true},
    {"mass_delete_items", &AnalyzeOptions::mass_delete_items, false},
    {"mass_delete_window_ms", &AnalyzeOptions::mass_delete_window_ms, true},
    {"sent_delete_window_ms", &AnalyzeOptions::sent_delete_window_ms, true},
    {"ip_mailboxes", &AnalyzeOptions::ip_mailboxes, false},
    {"ip_mailboxes_window_ms", &AnalyzeOptions::ip_mailboxes_window_ms, true},
    {"sync_folders", &AnalyzeOptions::sync_folders, false},
    {"mia_record_items", &AnalyzeOptions::mia_record_items, false},
    {"mia_daily_records", &AnalyzeOptions::mia_daily_records, false},
    {"api_mailboxes", &AnalyzeOptions::api_mailboxes, false},
    {"api_window_ms", &AnalyzeOptions::api_window_ms, true},
    {"send_as_daily", &AnalyzeOptions::send_as_daily, false},
    {"rule_send_move_window_ms", &AnalyzeOptions::rule_send_move_window_ms, true},
    {"same_destination_window_ms", &AnalyzeOptions::same_destination_window_ms, true},
    {"reset_signin_window_ms", &AnalyzeOptions::reset_signin_window_ms, true},
    {"spray_window_ms", &AnalyzeOptions::spray_window_ms, true},
    {"spray_min_identities", &AnalyzeOptions::spray_min_identities, false},
    {"spray_identities", &AnalyzeOptions::spray_identities, false},
    {"spray_tenant_percent", &AnalyzeOptions::spray_tenant_percent, false},
    {"org_min_identities", &AnalyzeOptions::org_min_identities, false},
    {"org_min_days", &AnalyzeOptions::org_min_days, false},
    {"max_anchors_per_finding", &AnalyzeOptions::max_anchors_per_finding, false},
};

// "90" (ms), "90s", "90m", "12h", "7d", "2w".
bool ParseDurationMs(std::string_view text, int64_t* ms) {
  static constexpr std::pair<char, int64_t> kUnits[] = {
      {'s', 1000}, {'m', 60'000}, {'h', 3'600'000}, {'d', 86'400'000}, {'w', 604'800'000}};
  if (text.empty()) return false;
  for (auto [unit, factor] : kUnits) {
    if (text.back() == unit) {
      int64_t n = 0;
      if (!absl::SimpleAtoi(ToAbsl(text.substr(0, text.size() - 1)), &n) || n < 0) return false;
      *ms = n * factor;
      return true;
    }
  }
  return absl::SimpleAtoi(ToAbsl(text), ms) && *ms >= 0;
}

const IntThreshold* FindThreshold(std::string_view name) {
  for (const IntThreshold& t : kIntThresholds) {
    if (t.name == name || (t.duration && t.name == absl::StrCat(ToAbsl(name), "_ms"))) return &t;
  }
  return nullptr;
}

absl::Status Bad(const YAML::Node& n, std::string_view source, std::string what) {
  const int line = n.Mark().line >= 0 ? n.Mark().line + 1 : 0;
  return absl::InvalidArgumentError(
      absl::StrCat(ToAbsl(source), line > 0 ? absl::StrCat(":", line) : "", ": ", what));
}

absl::Status ReadList(const YAML::Node& n, std::string_view source, bool lower,
                      std::vector<std::string>* out) {
  if (n.IsScalar()) {
    out->push_back(lower ? Lower(n.Scalar()) : n.Scalar());
    return absl::OkStatus();
  }
  if (!n.IsSequence()) return Bad(n, source, "expected a list");
  for (const YAML::Node& v : n) {
    if (!v.IsScalar()) return Bad(v, source, "expected a plain value");
    out->push_back(lower ? Lower(v.Scalar()) : v.Scalar());
  }
  return absl::OkStatus();
}

std::optional<Severity> ParseSeverity(std::string_view text) {
  const std::string s = Lower(text);
  if (s == "info" || s == "informational") return Severity::kInfo;
  if (s == "low") return Severity::kLow;
  if (s == "medium") return Severity::kMedium;
  if (s == "high") return Severity::kHigh;
  if (s == "critical") return Severity::kCritical;
  return std::nullopt;
}

absl::StatusOr<Tuning> Parse(const YAML::Node& root, std::string_view source,
                             const std::vector<std::string>& known_rules) {
  Tuning t;
  t.source = std::string(source);
  if (root.IsNull()) return t;
  if (!root.IsMap()) return Bad(root, source, "the tuning file must be a YAML mapping");
  auto known_rule = [&](const std::string& id) {
    return std::find(known_rules.begin(), known_rules.end(), id) != known_rules.end();
  };
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string key = it->first.Scalar();
    const YAML::Node v = it->second;
    absl::Status s;
    if (key == "organization_domains") {
      s = ReadList(v, source, true, &t.organization_domains);
    } else if (key == "partner_domains") {
      s = ReadList(v, source, true, &t.partner_domains);
    } else if (key == "trusted_ips") {
      s = ReadList(v, source, false, &t.trusted_ips);
      for (const std::string& ip : t.trusted_ips) {
        if (!sigma::Pattern::Cidr(ip).ok()) {
          return Bad(v, source, absl::StrCat("'", ip, "' is not an IP address or CIDR"));
        }
      }
    } else if (key == "trusted_asns") {
      std::vector<std::string> asns;
      s = ReadList(v, source, true, &asns);
      for (std::string a : asns) {
        if (a.starts_with("as")) a = a.substr(2);
        uint32_t n = 0;
        if (!absl::SimpleAtoi(a, &n)) return Bad(v, source, absl::StrCat("bad ASN '", a, "'"));
        t.trusted_asns.push_back(n);
      }
    } else if (key == "service_accounts") {
      s = ReadList(v, source, true, &t.service_accounts);
    } else if (key == "admin_accounts") {
      s = ReadList(v, source, true, &t.admin_accounts);
    } else if (key == "vip_mailboxes") {
      s = ReadList(v, source, true, &t.vip_mailboxes);
    } else if (key == "rules_disabled") {
      s = ReadList(v, source, false, &t.rules_disabled);
      for (const std::string& id : t.rules_disabled) {
        if (!known_rule(id)) return Bad(v, source, absl::StrCat("unknown rule id '", id, "'"));
      }
    } else if (key == "severity_overrides") {
      if (!v.IsMap()) return Bad(v, source, "severity_overrides maps rule ids to severities");
      for (auto o = v.begin(); o != v.end(); ++o) {
        const std::string id = o->first.Scalar();
        if (!known_rule(id))
          return Bad(o->first, source, absl::StrCat("unknown rule id '", id, "'"));
        std::optional<Severity> sev = ParseSeverity(o->second.Scalar());
        if (!sev) {
          return Bad(o->second, source,
                     absl::StrCat("unknown severity '", o->second.Scalar(),
                                  "' (info, low, medium, high, critical)"));
        }
        t.severity_overrides[id] = *sev;
      }
    } else if (key == "thresholds") {
      if (!v.IsMap()) return Bad(v, source, "thresholds maps names to values");
      for (auto o = v.begin(); o != v.end(); ++o) {
        const std::string name = o->first.Scalar();
        if (name != "travel_kmh" && FindThreshold(name) == nullptr) {
          return Bad(o->first, source, absl::StrCat("unknown threshold '", name, "'"));
        }
        t.thresholds[name] = o->second.Scalar();
      }
    } else {
      return Bad(it->first, source, absl::StrCat("unknown key '", key, "'"));
    }
    if (!s.ok()) return s;
  }
  return t;
}

}  // namespace

absl::StatusOr<Tuning> ParseTuning(std::string_view yaml, std::string_view source,
                                   const std::vector<std::string>& known_rules) {
  try {
    absl::StatusOr<Tuning> t = Parse(YAML::Load(std::string(yaml)), source, known_rules);
    if (t.ok()) t->content = std::string(yaml);
    return t;
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(ToAbsl(source), ":", e.mark.line + 1, ": not valid YAML: ", e.msg));
  }
}

absl::Status ApplyTuning(const Tuning& t, AnalyzeOptions* o) {
  for (const auto& [name, value] : t.thresholds) {
    if (name == "travel_kmh") {
      if (!absl::SimpleAtod(value, &o->travel_kmh) || o->travel_kmh <= 0) {
        return absl::InvalidArgumentError(absl::StrCat(t.source, ": bad travel_kmh '", value, "'"));
      }
      continue;
    }
    const IntThreshold* th = FindThreshold(name);
    int64_t n = 0;
    const bool ok =
        th->duration ? ParseDurationMs(value, &n) : absl::SimpleAtoi(value, &n) && n >= 0;
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat(t.source, ": bad value '", value, "' for threshold ", name,
                       th->duration ? " (a duration like 90m or 7d)" : " (a whole number)"));
    }
    o->*(th->field) = n;
  }
  if (!t.organization_domains.empty()) o->org_domains = t.organization_domains;
  TuningPolicy& p = o->tuning;
  p.partner_domains = t.partner_domains;
  p.trusted_networks = t.trusted_ips;
  p.trusted_asns = t.trusted_asns;
  p.service_accounts = t.service_accounts;
  p.admin_accounts = t.admin_accounts;
  p.vip_mailboxes = t.vip_mailboxes;
  p.rules_disabled = t.rules_disabled;
  p.severity_overrides = t.severity_overrides;
  o->inputs.push_back(AnalysisInput{kInputRoleConfig, t.source, t.sha256, t.content, t.path});
  return absl::OkStatus();
}

std::vector<std::string> ThresholdNames() {
  std::vector<std::string> names;
  for (const IntThreshold& t : kIntThresholds) names.emplace_back(t.name);
  names.emplace_back("travel_kmh");
  return names;
}

}  // namespace tern
