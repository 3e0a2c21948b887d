// The tuning file (`--config FILE`, YAML): what a consultant knows about the
// tenant that the logs do not say — organization and partner domains,
// trusted networks, service / admin accounts, VIP mailboxes — plus rules
// disabled, severity overrides and named thresholds (mapped onto
// AnalyzeOptions by their field names). Its SHA-256 and content travel with
// the case (custody.json, report methodology), so a report says exactly how
// it was tuned.
//
//   organization_domains: [contoso.com]
//   partner_domains: [fabrikam.example]       # forwarding there is not external
//   trusted_ips: [203.0.113.0/24, 198.51.100.7]
//   trusted_asns: [8075]
//   service_accounts: [svc-backup@contoso.com]
//   admin_accounts: [it-admin@contoso.com]
//   vip_mailboxes: [ceo@contoso.com]
//   rules_disabled: [first-seen-ip]
//   severity_overrides: {send-as: medium}
//   thresholds: {mass_delete_items: 200, mass_delete_window: 2h, travel_kmh: 1000}
//
// Parsing is pure; the result is immutable and safe to share.
#ifndef TERN_CORE_TUNING_TUNING_H_
#define TERN_CORE_TUNING_TUNING_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/detect/analyzer.h"
#include "core/model/finding.h"

namespace tern {

struct Tuning {
  std::string source;   // the file's name, without its folder
  std::string path;     // the path as given (for the signed manifest)
  std::string sha256;   // of the file's bytes
  std::string content;  // the file's text, as recorded in custody

  std::vector<std::string> organization_domains;
  std::vector<std::string> partner_domains;
  std::vector<std::string> trusted_ips;  // addresses or CIDRs
  std::vector<uint32_t> trusted_asns;
  std::vector<std::string> service_accounts;  // lower-case UPNs
  std::vector<std::string> admin_accounts;
  std::vector<std::string> vip_mailboxes;  // lower-case UPNs or GUIDs
  std::vector<std::string> rules_disabled;
  std::map<std::string, Severity> severity_overrides;
  std::map<std::string, std::string> thresholds;  // name -> value as written
};

// Parses the YAML text. InvalidArgument naming the line and problem for an
// unknown key, a bad value, a rule id that no rule has (`known_rule`), or an
// unknown threshold name.
absl::StatusOr<Tuning> ParseTuning(std::string_view yaml, std::string_view source,
                                   const std::vector<std::string>& known_rules);

// Applies the tuning to `options` (domains, thresholds and the policy the
// analysis applies to findings). InvalidArgument for a threshold value that
// does not fit its field.
absl::Status ApplyTuning(const Tuning& tuning, AnalyzeOptions* options);

// The names `thresholds` accepts (AnalyzeOptions fields; `_ms` fields also
// by their name without `_ms`, with a duration like 90m, 7d).
std::vector<std::string> ThresholdNames();

}  // namespace tern

#endif  // TERN_CORE_TUNING_TUNING_H_
