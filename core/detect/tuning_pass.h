// Applies the tuning policy to the incidents of an analysis, after every
// rule and the attacker-context pass, each change explained in
// details.reasons:
//   rules_disabled        the rule's findings are dropped;
//   service_accounts      findings whose actor is one: one level lower;
//   admin_accounts        findings whose actor is one: flagged known_admin;
//   trusted_ips / _asns   findings all of whose client IPs are trusted: one
//                         level lower;
//   vip_mailboxes         findings on a VIP mailbox: one level higher;
//   severity_overrides    the rule's findings get exactly that severity
//                         (applied last: an explicit choice wins).
// Thread-compatible.
#ifndef TERN_CORE_DETECT_TUNING_PASS_H_
#define TERN_CORE_DETECT_TUNING_PASS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/detect/incident.h"
#include "core/detect/tuning_policy.h"

namespace tern::detect {

// Whether an address is one of the policy's trusted_networks (IPs or
// CIDRs; the ASNs are not looked at). The matcher owns its patterns.
std::function<bool(std::string_view ip)> TrustedIpMatcher(const TuningPolicy& policy);

// `asn_of` gives an IP's ASN (0 when unknown).
void ApplyTuningPolicy(const TuningPolicy& policy, IncidentTable& incidents,
                       const std::function<uint32_t(const std::string&)>& asn_of);

}  // namespace tern::detect

#endif  // TERN_CORE_DETECT_TUNING_PASS_H_
