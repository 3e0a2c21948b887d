#include "core/detect/novelty.h"

#include "core/base/time.h"
#include "core/detect/fields.h"

namespace tern::detect {

Severity NoveltySeverity(const correlate::Novelty& n) {
  const bool place = n.place_new();
  const bool client = n.client_new();
  if (!place && !client) return Severity::kInfo;
  if (n.network_new && n.country_new && client) return Severity::kHigh;
  if (place && client) return Severity::kMedium;
  // A new place with the usual client and device is what travel and a new
  // home line look like; a new client on known networks is a new device.
  return Severity::kLow;
}

std::string DescribeNovelty(const EventContext& ctx) {
  const correlate::Novelty& n = ctx.novelty;
  const GeoInfo& g = ctx.geo->info;
  std::string out;
  auto add = [&out](std::string_view part) {
    if (!out.empty()) out.append("; ");
    out.append(part);
  };
  if (n.network_new) {
    std::string where = n.network;
    if (g.asn != 0) where = Cat(where, " (AS", g.asn, g.as_org.empty() ? "" : " ", g.as_org, ")");
    add(Cat("network ", where,
            g.asn != 0 ? " new for the identity" : " new for the identity (ASN unknown)"));
  }
  if (n.country_new) add(Cat("country ", g.country_iso, " new for the identity"));
  if (n.family_new) {
    add(Cat("client family new for the identity: ", correlate::ClientFamilyName(n.family)));
  } else if (n.device_new) {
    add(Cat("device (client string) new for the identity: ", Trim(ctx.e().client_info)));
  }
  if (out.empty()) return out;
  if (!n.client_new()) {
    add(Cat("usual client (", correlate::ClientFamilyName(n.family), ") and device"));
  }
  if (!n.network_new && !n.network.empty()) {
    add(n.org_network ? Cat("network ", n.network, " is the organization's")
                      : Cat("network ", n.network, " already used by the identity"));
  }
  return out;
}

void NoteNovelty(const RuleEnv& env, const EventContext& ctx, Incident& inc) {
  const std::string words = DescribeNovelty(ctx);
  if (!words.empty()) inc.List("signals", words);
  inc.SetIfEmpty("baseline",
                 Cat("the networks (IPv4 /24, IPv6 /48), ASNs, countries, client families and "
                     "devices the identity used from ",
                     FormatRfc3339(env.case_start), " to the end of the baseline at ",
                     FormatRfc3339(env.baseline_end),
                     ", and the networks many of the organization's people use on several days"));
}

}  // namespace tern::detect
