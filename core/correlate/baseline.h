// The tenant's own normal, learned from the case (issue 11): which networks
// belong to the organization (office NAT, VPN egress: IPv4 /24 and IPv6 /48
// prefixes, and ASNs, that many identities use on several days), and each
// identity's baseline by network prefix, ASN, country, client family and
// device rather than by exact IP (phones on carrier networks change address
// every day inside the same prefix and ASN; home routers change IPv4 inside
// the same ASN).
//
// OrgInfrastructure is filled in the analyzer's first pass and then read
// only; IdentityBaselines is fed every event in time order in the second and
// answers, per event, what is new for its identity compared with the
// baseline period. Memory is bounded by distinct (identity, value) pairs,
// each capped per identity. Thread-compatible.
#ifndef TERN_CORE_CORRELATE_BASELINE_H_
#define TERN_CORE_CORRELATE_BASELINE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "core/base/bounded_memo.h"
#include "core/base/string_pool.h"
#include "core/model/event.h"
#include "core/model/finding.h"

namespace tern::correlate {

// The network prefix an address belongs to for baselines: "81.2.69.0/24"
// for IPv4, "2a00:2012:4a10::/48" for IPv6 (or the /`ipv6_bits` prefix,
// a multiple of 8: the spray rule groups IPv6 by /64); "" for a host name,
// a private or local address, or no address.
std::string NetworkOf(std::string_view ip, int ipv6_bits = 48);

// The kind of client a record comes from, by ClientInfoString, user agent
// and app id.
enum class ClientFamily : uint8_t {
  kUnknown,
  kOutlook,     // Outlook desktop (MAPI / MSExchangeRPC)
  kOwa,         // Outlook on the web (including Action=ViaProxy records)
  kMobile,      // Outlook mobile, ActiveSync and other phone clients
  kRest,        // REST / Graph / EWS applications
  kPowerShell,  // Exchange / Azure AD PowerShell
  kLegacy,      // POP3, IMAP4, SMTP AUTH
  kScript,      // scripting and offensive user agents (python, curl, ...)
  kBrowser,     // a sign-in from a browser
};
ClientFamily ClassifyClient(const Event& e);
// In words: "Outlook desktop", "Outlook on the web", ...
std::string_view ClientFamilyName(ClientFamily family);
// The device a record comes from as far as the log tells: the client
// string (or user agent) with the parts ordinary use varies removed
// (OWA's "Action=ViaProxy" is the same browser); "" when unknown.
std::string DeviceOf(const Event& e);

class OrgInfrastructure {
 public:
  // A network or ASN is the organization's when at least `min_identities`
  // identities use it regularly (on two days or more each) and it is used
  // on at least `min_days` distinct UTC days. An attacker's network touches
  // each victim once, so many victims do not make it the organization's.
  OrgInfrastructure(int64_t min_identities, int64_t min_days);

  // One event of `identity` (non-system, non-empty) from `ip` in `asn` (0 =
  // unknown) at `t`.
  void Observe(std::string_view identity, std::string_view ip, uint32_t asn, TimeMs t);
  // Decides; call once after the last Observe.
  void Finish();

  // The addresses and ASNs the tuning file trusts (trusted_ips /
  // trusted_asns): the organization's whatever the logs show, so they are
  // never "new". `is_trusted_ip` matches an address (the caller owns the
  // CIDR matching).
  void Trust(std::function<bool(std::string_view ip)> is_trusted_ip,
             const std::vector<uint32_t>& asns);

  bool IsOrgNetwork(std::string_view network) const {
    return org_networks_.contains(absl::string_view(network.data(), network.size()));
  }
  bool IsOrgAsn(uint32_t asn) const {
    return asn != 0 && (org_asns_.contains(asn) || trusted_asns_.contains(asn));
  }
  // `ip` (in `asn`, 0 = unknown) is the organization's: trusted, or in a
  // network or ASN learned as the organization's.
  bool IsOrgIp(std::string_view ip, uint32_t asn) const;
  // The same for a caller that has NetworkOf(ip) already.
  bool IsOrgIp(std::string_view ip, std::string_view network, uint32_t asn) const;
  size_t org_networks() const { return org_networks_.size(); }
  size_t org_asns() const { return org_asns_.size(); }

 private:
  struct Use {
    // identity -> the day it was first seen, or kRegular once seen on a
    // second day (capped at kMaxTracked identities)
    absl::flat_hash_map<std::string, int64_t> identities;
    int64_t regulars = 0;
    absl::flat_hash_set<int64_t> days;  // capped at min_days
  };
  void Count(Use& use, std::string_view identity, TimeMs t) const;
  bool Qualifies(const Use& use) const;

  int64_t min_identities_;
  int64_t min_days_;
  absl::flat_hash_map<std::string, Use> networks_;
  absl::flat_hash_map<uint32_t, Use> asns_;
  absl::flat_hash_set<std::string> org_networks_;
  absl::flat_hash_set<uint32_t> org_asns_;
  std::function<bool(std::string_view)> trusted_ip_;  // null = none
  absl::flat_hash_set<uint32_t> trusted_asns_;
};

// What one event brings that its identity had not used before the end of
// the baseline period. A value first used after the baseline stays "new"
// for the rest of the case (as ip_new does for exact IPs).
struct Novelty {
  std::string network;       // NetworkOf(ip); "" when none
  bool org_network = false;  // the network or its ASN is the organization's
  bool network_new = false;  // prefix new and its ASN new or unknown, not the organization's
  bool asn_new = false;      // known ASN, new for the identity
  bool country_new = false;  // known country, new for the identity
  bool family_new = false;   // client family new for the identity
  bool device_new = false;   // device (client string) new for the identity
  ClientFamily family = ClientFamily::kUnknown;

  // Independent anomalies: a new place (network and/or country) and a new
  // client (family or device).
  bool place_new() const { return network_new || country_new; }
  bool client_new() const { return family_new || device_new; }
  int anomalies() const {
    return static_cast<int>(network_new) + static_cast<int>(country_new) +
           static_cast<int>(client_new());
  }
};

class IdentityBaselines {
 public:
  // Values an identity first used before `baseline_end` are its baseline.
  IdentityBaselines(TimeMs baseline_end, const OrgInfrastructure* org);

  // Records the event of `identity` and says what is new about it.
  Novelty Observe(std::string_view identity, const Event& e, const GeoInfo& geo);

  // Days (UTC) on which `identity` was seen in `country`, with a device it
  // had already used before (counted up to 31).
  int64_t DaysInCountryWithKnownDevice(std::string_view identity, std::string_view country) const;

 private:
  // What an identity has used, each value with when it was first seen:
  // networks, countries and devices by their id in values_ (identities
  // share most of them, and an id costs 4 bytes where a string cost 32 or
  // more; docs/BENCHMARKS.md "Change 14"), ASNs and client families by
  // number, and the days it was in a country with a known device.
  enum class Kind : uint8_t { kNetwork, kAsn, kCountry, kFamily, kDevice, kCountryDay };
  struct Seen {
    uint32_t value;
    Kind kind;
    int64_t first;  // when first seen; for kCountryDay the day (UTC)
  };
  // One sorted vector of 16-byte entries per identity: six hash tables took
  // 240 bytes in each identity's slot and a heap block each
  // (docs/BENCHMARKS.md "Change 22").
  struct Known {
    std::vector<Seen> seen;  // sorted by (kind, value, first)

    // When (kind, value) was first seen, remembering it as first seen at t
    // when new and the kind has room; kNoTime when it cannot be remembered.
    TimeMs FirstSeen(Kind kind, uint32_t value, TimeMs t);
    // Entries of `kind` (with `value`, for the second).
    size_t Count(Kind kind) const;
    size_t Count(Kind kind, uint32_t value) const;
    // Adds (kind, value, first) unless there; true when added.
    bool Add(Kind kind, uint32_t value, int64_t first);
  };
  // FirstSeen of a pooled value: a value the identity's full kind cannot
  // take is not kept in the pool either.
  TimeMs FirstSeenValue(Known& k, Kind kind, std::string_view value, TimeMs t);

  // ClassifyClient(e), remembered by client string for the events without
  // a user agent (nearly all of a mailbox audit log): two dozen
  // case-insensitive searches per event were 3% of an analysis' main thread
  // (docs/BENCHMARKS.md "Change 26").
  ClientFamily FamilyOf(const Event& e);

  TimeMs baseline_end_;
  const OrgInfrastructure* org_;
  StringPool values_;
  absl::flat_hash_map<std::string, Known> identities_;
  BoundedMemo<ClientFamily> family_by_client_{4096};
};

}  // namespace tern::correlate

#endif  // TERN_CORE_CORRELATE_BASELINE_H_
