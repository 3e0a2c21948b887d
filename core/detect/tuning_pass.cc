#include "core/detect/tuning_pass.h"

#include <algorithm>
#include <vector>

#include "core/correlate/text.h"
#include "core/sigma/pattern.h"

namespace tern::detect {
namespace {

template <typename T>
bool In(const std::vector<T>& list, const T& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

Severity Step(Severity s, int delta) {
  return static_cast<Severity>(std::clamp(static_cast<int>(s) + delta,
                                          static_cast<int>(Severity::kInfo),
                                          static_cast<int>(Severity::kCritical)));
}

}  // namespace

std::function<bool(std::string_view ip)> TrustedIpMatcher(const TuningPolicy& policy) {
  std::vector<sigma::Pattern> trusted;
  for (const std::string& n : policy.trusted_networks) {
    absl::StatusOr<sigma::Pattern> p = sigma::Pattern::Cidr(n);
    if (p.ok()) trusted.push_back(*std::move(p));
  }
  return [trusted = std::move(trusted)](std::string_view ip) {
    return std::any_of(trusted.begin(), trusted.end(),
                       [&](const sigma::Pattern& p) { return p.Matches(ip); });
  };
}

void ApplyTuningPolicy(const TuningPolicy& policy, IncidentTable& incidents,
                       const std::function<uint32_t(const std::string&)>& asn_of) {
  const std::function<bool(std::string_view)> trusted_ip = TrustedIpMatcher(policy);
  auto is_trusted = [&](const std::string& ip) {
    if (trusted_ip(ip)) return true;
    const uint32_t asn = policy.trusted_asns.empty() ? 0 : asn_of(ip);
    return asn != 0 && In(policy.trusted_asns, asn);
  };
  incidents.EraseIf([&](Incident& inc) { return In(policy.rules_disabled, inc.info().id); });
  incidents.ForEach([&](Incident& inc) {
    const std::string actor = correlate::Lower(inc.actor());
    if (!actor.empty() && In(policy.service_accounts, actor)) {
      inc.SetSeverity(Step(inc.severity(), -1), "actor is a service account (tuning)");
    }
    if (!actor.empty() && In(policy.admin_accounts, actor)) inc.Flag("known_admin");
    if (!inc.ips().empty() && std::all_of(inc.ips().begin(), inc.ips().end(), is_trusted)) {
      inc.SetSeverity(Step(inc.severity(), -1), "all client IPs are trusted (tuning)");
    }
    const std::string upn = correlate::Lower(inc.mailbox().upn);
    const std::string guid = correlate::Lower(inc.mailbox().guid);
    if ((!upn.empty() && In(policy.vip_mailboxes, upn)) ||
        (!guid.empty() && In(policy.vip_mailboxes, guid))) {
      inc.SetSeverity(Step(inc.severity(), +1), "VIP mailbox (tuning)");
    }
    auto it = policy.severity_overrides.find(inc.info().id);
    if (it != policy.severity_overrides.end()) {
      inc.SetSeverity(it->second, "severity set by the tuning file");
    }
  });
}

}  // namespace tern::detect
