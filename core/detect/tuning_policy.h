// What the tuning file (core/tuning) asks of the analysis beyond thresholds:
// partner domains (forwarding there is not external), trusted networks and
// ASNs, service / admin accounts, VIP mailboxes, rules disabled and severity
// overrides. (The file itself is recorded as an analysis input,
// core/store/analysis_inputs.h.) Plain data.
#ifndef TERN_CORE_DETECT_TUNING_POLICY_H_
#define TERN_CORE_DETECT_TUNING_POLICY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/model/finding.h"

namespace tern {

struct TuningPolicy {
  std::vector<std::string> partner_domains;   // lower-case
  std::vector<std::string> trusted_networks;  // IPs or CIDRs
  std::vector<uint32_t> trusted_asns;
  std::vector<std::string> service_accounts;  // lower-case UPNs
  std::vector<std::string> admin_accounts;    // lower-case UPNs
  std::vector<std::string> vip_mailboxes;     // lower-case UPNs or mailbox GUIDs
  std::vector<std::string> rules_disabled;
  std::map<std::string, Severity> severity_overrides;
};

}  // namespace tern

#endif  // TERN_CORE_DETECT_TUNING_POLICY_H_
