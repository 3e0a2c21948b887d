#include "core/correlate/baseline.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <tuple>
#include <vector>

#include "core/base/ip.h"
#include "core/base/strings.h"
#include "core/correlate/text.h"

namespace tern::correlate {
namespace {

// Values remembered per identity and kind: an identity that uses more
// distinct networks than this is anything but quiet, and the cap bounds memory.
constexpr size_t kMaxPerIdentity = 512;
constexpr size_t kMaxDevice = 160;
// Days counted per identity and country (DaysInCountryWithKnownDevice).
constexpr size_t kMaxCountryDays = 31;
// Identities followed per network or ASN in the first pass.
constexpr size_t kMaxTracked = 256;
constexpr int64_t kRegular = INT64_MIN;
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

int64_t DayOfMs(TimeMs t) { return t >= 0 ? t / kDayMs : (t - kDayMs + 1) / kDayMs; }

bool Has(std::string_view text, std::string_view needle) {
  return ContainsIgnoreCase(text, needle);
}

std::string_view UserAgentOf(const Event& e) {
  const NameValue* ua = Event::Find(e.extra, "UserAgent");
  return ua != nullptr ? std::string_view(ua->value) : std::string_view();
}

}  // namespace

std::string NetworkOf(std::string_view ip, int ipv6_bits) {
  if (ip.empty() || IsPrivateOrLocalIp(ip)) return "";
  return IpNetworkText(ip, 24, ipv6_bits);
}

ClientFamily ClassifyClient(const Event& e) {
  const std::string_view info = e.client_info;
  const std::string_view ua = UserAgentOf(e);
  for (std::string_view s : {info, ua}) {
    for (std::string_view script :
         {"python", "curl/", "axios", "aadinternals", "azurehound", "postmanruntime",
          "go-http-client", "fasthttp", "bav2ropc", "okhttp", "powershell/", "winhttp"}) {
      if (Has(s, script)) return ClientFamily::kScript;
    }
  }
  if (Has(info, "POP3") || Has(info, "IMAP4") || Has(info, "SMTP")) return ClientFamily::kLegacy;
  if (Has(info, "Powershell") || Has(ua, "WinRM")) return ClientFamily::kPowerShell;
  if (StartsWithIgnoreCase(info, "Client=OWA")) return ClientFamily::kOwa;
  if (StartsWithIgnoreCase(info, "Client=OutlookService") ||
      StartsWithIgnoreCase(info, "Client=ActiveSync") ||
      StartsWithIgnoreCase(info, "Client=AirSync") || Has(info, "Outlook-iOS") ||
      Has(info, "Outlook-Android") || Has(ua, "iPhone") || Has(ua, "Android")) {
    return ClientFamily::kMobile;
  }
  if (StartsWithIgnoreCase(info, "Client=MSExchangeRPC") || Has(info, "Outlook")) {
    return ClientFamily::kOutlook;
  }
  if (StartsWithIgnoreCase(info, "Client=REST") ||
      StartsWithIgnoreCase(info, "Client=WebServices")) {
    return ClientFamily::kRest;
  }
  if (Has(ua, "Mozilla/")) return ClientFamily::kBrowser;
  return ClientFamily::kUnknown;
}

std::string_view ClientFamilyName(ClientFamily family) {
  switch (family) {
    case ClientFamily::kOutlook:
      return "Outlook desktop";
    case ClientFamily::kOwa:
      return "Outlook on the web";
    case ClientFamily::kMobile:
      return "mobile mail app";
    case ClientFamily::kRest:
      return "REST/Graph/EWS application";
    case ClientFamily::kPowerShell:
      return "PowerShell";
    case ClientFamily::kLegacy:
      return "POP/IMAP/SMTP client";
    case ClientFamily::kScript:
      return "scripted client";
    case ClientFamily::kBrowser:
      return "web browser";
    case ClientFamily::kUnknown:
      break;
  }
  return "unknown client";
}

std::string DeviceOf(const Event& e) {
  std::string_view text = Trim(e.client_info);
  if (text.empty()) text = Trim(UserAgentOf(e));
  // OWA's ViaProxy records carry no browser: they say nothing of the device.
  if (text.empty() || Has(text, "Action=ViaProxy")) return "";
  std::string device = Lower(text.substr(0, kMaxDevice));
  if (!e.client_app_id.empty()) device.append("|").append(Lower(e.client_app_id));
  return device;
}

OrgInfrastructure::OrgInfrastructure(int64_t min_identities, int64_t min_days)
    : min_identities_(std::max<int64_t>(min_identities, 1)),
      min_days_(std::max<int64_t>(min_days, 1)) {}

void OrgInfrastructure::Count(Use& use, std::string_view identity, TimeMs t) const {
  const int64_t day = DayOfMs(t);
  if (static_cast<int64_t>(use.days.size()) < min_days_) use.days.insert(day);
  if (use.regulars >= min_identities_) return;
  auto it = use.identities.find(std::string(identity));
  if (it == use.identities.end()) {
    if (use.identities.size() < kMaxTracked) use.identities.emplace(std::string(identity), day);
  } else if (it->second != kRegular && it->second != day) {
    it->second = kRegular;
    ++use.regulars;
  }
}

bool OrgInfrastructure::Qualifies(const Use& use) const {
  return use.regulars >= min_identities_ && static_cast<int64_t>(use.days.size()) >= min_days_;
}

void OrgInfrastructure::Observe(std::string_view identity, std::string_view ip, uint32_t asn,
                                TimeMs t) {
  if (identity.empty()) return;
  const std::string network = NetworkOf(ip);
  if (network.empty()) return;
  Count(networks_[network], identity, t);
  if (asn != 0) Count(asns_[asn], identity, t);
}

void OrgInfrastructure::Finish() {
  for (const auto& [network, use] : networks_) {
    if (Qualifies(use)) org_networks_.insert(network);
  }
  for (const auto& [asn, use] : asns_) {
    if (Qualifies(use)) org_asns_.insert(asn);
  }
  networks_.clear();
  asns_.clear();
}

void OrgInfrastructure::Trust(std::function<bool(std::string_view ip)> is_trusted_ip,
                              const std::vector<uint32_t>& asns) {
  trusted_ip_ = std::move(is_trusted_ip);
  trusted_asns_.insert(asns.begin(), asns.end());
}

bool OrgInfrastructure::IsOrgIp(std::string_view ip, uint32_t asn) const {
  return IsOrgIp(ip, NetworkOf(ip), asn);
}

bool OrgInfrastructure::IsOrgIp(std::string_view ip, std::string_view network, uint32_t asn) const {
  if (trusted_ip_ && !ip.empty() && trusted_ip_(ip)) return true;
  return IsOrgNetwork(network) || IsOrgAsn(asn);
}

IdentityBaselines::IdentityBaselines(TimeMs baseline_end, const OrgInfrastructure* org)
    : baseline_end_(baseline_end), org_(org) {}

namespace {

// (kind, value, first): the order of Known::seen.
using SeenKey = std::tuple<int, uint32_t, int64_t>;

template <typename Seen>
SeenKey KeyOf(const Seen& s) {
  return {static_cast<int>(s.kind), s.value, s.first};
}

// The first entry at or after `key`.
template <typename Seen>
auto LowerBound(std::vector<Seen>& seen, const SeenKey& key) {
  return std::lower_bound(seen.begin(), seen.end(), key,
                          [](const Seen& a, const SeenKey& b) { return KeyOf(a) < b; });
}

// Entries from `from` up to, not including, `to`.
template <typename Seen>
size_t CountBetween(const std::vector<Seen>& seen, const SeenKey& from, const SeenKey& to) {
  auto before = [](const Seen& a, const SeenKey& b) { return KeyOf(a) < b; };
  return static_cast<size_t>(std::lower_bound(seen.begin(), seen.end(), to, before) -
                             std::lower_bound(seen.begin(), seen.end(), from, before));
}

}  // namespace

TimeMs IdentityBaselines::Known::FirstSeen(Kind kind, uint32_t value, TimeMs t) {
  auto it = LowerBound(seen, {static_cast<int>(kind), value, INT64_MIN});
  if (it != seen.end() && it->kind == kind && it->value == value) return it->first;
  if (Count(kind) >= kMaxPerIdentity) return kNoTime;
  seen.insert(it, Seen{value, kind, t});
  return t;
}

size_t IdentityBaselines::Known::Count(Kind kind) const {
  const int k = static_cast<int>(kind);
  return CountBetween(seen, {k, 0, INT64_MIN}, {k + 1, 0, INT64_MIN});
}

size_t IdentityBaselines::Known::Count(Kind kind, uint32_t value) const {
  const int k = static_cast<int>(kind);
  const SeenKey end =
      value == UINT32_MAX ? SeenKey{k + 1, 0, INT64_MIN} : SeenKey{k, value + 1, INT64_MIN};
  return CountBetween(seen, {k, value, INT64_MIN}, end);
}

bool IdentityBaselines::Known::Add(Kind kind, uint32_t value, int64_t first) {
  const SeenKey key{static_cast<int>(kind), value, first};
  auto it = LowerBound(seen, key);
  if (it != seen.end() && KeyOf(*it) == key) return false;
  if (seen.size() == seen.capacity()) {
    // Grow by a quarter, not double: with doubling about a quarter of the
    // capacity of 42,000 identities' vectors was spare at 10M records.
    const auto at = it - seen.begin();
    seen.reserve(seen.size() + seen.size() / 4 + 2);
    it = seen.begin() + at;
  }
  seen.insert(it, Seen{value, kind, first});
  return true;
}

TimeMs IdentityBaselines::FirstSeenValue(Known& k, Kind kind, std::string_view value, TimeMs t) {
  if (const std::optional<uint32_t> id = values_.Find(value)) return k.FirstSeen(kind, *id, t);
  if (k.Count(kind) >= kMaxPerIdentity) return kNoTime;
  return k.FirstSeen(kind, values_.Intern(value), t);
}

ClientFamily IdentityBaselines::FamilyOf(const Event& e) {
  if (!UserAgentOf(e).empty()) return ClassifyClient(e);
  return family_by_client_.Get(e.client_info, [&] { return ClassifyClient(e); });
}

Novelty IdentityBaselines::Observe(std::string_view identity, const Event& e, const GeoInfo& geo) {
  Novelty n;
  n.family = FamilyOf(e);
  if (identity.empty()) return n;
  auto found = identities_.find(absl::string_view(identity.data(), identity.size()));
  if (found == identities_.end()) found = identities_.try_emplace(std::string(identity)).first;
  Known& k = found->second;
  const TimeMs t = e.time_ms;
  auto is_new = [&](TimeMs first) { return first != kNoTime && first >= baseline_end_; };

  n.network = NetworkOf(e.client_ip);
  if (!n.network.empty()) {
    const bool prefix_new = is_new(FirstSeenValue(k, Kind::kNetwork, n.network, t));
    bool asn_known = false;
    if (geo.asn != 0) {
      n.asn_new = is_new(k.FirstSeen(Kind::kAsn, geo.asn, t));
      asn_known = !n.asn_new;
    }
    n.org_network = org_ != nullptr && org_->IsOrgIp(e.client_ip, n.network, geo.asn);
    n.network_new = prefix_new && !asn_known && !n.org_network;
  }
  const std::string device = DeviceOf(e);
  const bool device_known = !device.empty() && !is_new(FirstSeenValue(k, Kind::kDevice, device, t));
  if (!device.empty()) n.device_new = !device_known;
  if (n.family != ClientFamily::kUnknown) {
    n.family_new = is_new(k.FirstSeen(Kind::kFamily, static_cast<uint32_t>(n.family), t));
  }
  if (!geo.country_iso.empty()) {
    // The organization's own networks are known wherever they are.
    n.country_new = is_new(FirstSeenValue(k, Kind::kCountry, geo.country_iso, t)) && !n.org_network;
    if (device_known) {
      const uint32_t country = values_.Intern(geo.country_iso);
      if (k.Count(Kind::kCountryDay, country) < kMaxCountryDays) {
        k.Add(Kind::kCountryDay, country, DayOfMs(t));
      }
    }
  }
  return n;
}

int64_t IdentityBaselines::DaysInCountryWithKnownDevice(std::string_view identity,
                                                        std::string_view country) const {
  auto it = identities_.find(std::string(identity));
  if (it == identities_.end()) return 0;
  const std::optional<uint32_t> id = values_.Find(country);
  if (!id.has_value()) return 0;
  return static_cast<int64_t>(it->second.Count(Kind::kCountryDay, *id));
}

}  // namespace tern::correlate
