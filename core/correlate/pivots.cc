#include "core/correlate/pivots.h"

#include <algorithm>
#include <bit>
#include <tuple>
#include <utility>

#include "core/base/codec.h"
#include "core/correlate/text.h"

namespace tern::correlate {
namespace {

constexpr uint64_t kPivotVersion = 1;
constexpr char kSep = '\x1f';

void PutGeo(const GeoInfo& g, std::string* out) {
  PutVarint64(g.known ? 1 : 0, out);
  PutLengthPrefixed(g.country_iso, out);
  PutLengthPrefixed(g.country, out);
  PutLengthPrefixed(g.city, out);
  PutVarint64(std::bit_cast<uint64_t>(g.latitude), out);
  PutVarint64(std::bit_cast<uint64_t>(g.longitude), out);
  PutVarsint64(g.accuracy_km, out);
  PutVarint64(g.asn, out);
  PutLengthPrefixed(g.as_org, out);
}

bool GetGeo(Decoder& d, GeoInfo* g) {
  uint64_t known = 0, lat = 0, lon = 0, asn = 0;
  int64_t accuracy = 0;
  if (!d.GetVarint64(&known) || !d.GetString(&g->country_iso) || !d.GetString(&g->country) ||
      !d.GetString(&g->city) || !d.GetVarint64(&lat) || !d.GetVarint64(&lon) ||
      !d.GetVarsint64(&accuracy) || !d.GetVarint64(&asn) || !d.GetString(&g->as_org)) {
    return false;
  }
  g->known = known != 0;
  g->latitude = std::bit_cast<double>(lat);
  g->longitude = std::bit_cast<double>(lon);
  g->accuracy_km = static_cast<int>(accuracy);
  g->asn = static_cast<uint32_t>(asn);
  return true;
}

}  // namespace

std::string EncodePivot(const Pivot& p) {
  std::string out;
  PutVarint64(kPivotVersion, &out);
  PutLengthPrefixed(p.key, &out);
  PutVarsint64(p.first, &out);
  PutVarsint64(p.last, &out);
  PutVarint64(p.events, &out);
  PutGeo(p.geo, &out);
  PutVarint64(p.links.size(), &out);
  for (const PivotLink& l : p.links) {
    PutLengthPrefixed(l.mailbox_guid, &out);
    PutLengthPrefixed(l.mailbox_upn, &out);
    PutLengthPrefixed(l.actor, &out);
    PutLengthPrefixed(l.ip, &out);
    PutVarsint64(l.first, &out);
    PutVarsint64(l.last, &out);
    PutVarint64(l.events, &out);
  }
  return out;
}

absl::StatusOr<Pivot> DecodePivot(std::string_view bytes) {
  Decoder d(bytes);
  Pivot p;
  uint64_t version = 0, count = 0;
  if (!d.GetVarint64(&version)) return absl::DataLossError("pivot: truncated version");
  if (version != kPivotVersion) {
    return absl::DataLossError(Cat("pivot: unknown encoding version ", version));
  }
  if (!d.GetString(&p.key) || !d.GetVarsint64(&p.first) || !d.GetVarsint64(&p.last) ||
      !d.GetVarint64(&p.events) || !GetGeo(d, &p.geo) || !d.GetVarint64(&count)) {
    return absl::DataLossError("pivot: truncated header");
  }
  // Each link takes at least 7 bytes; refuse counts the input cannot hold.
  if (count > bytes.size() / 7) return absl::DataLossError("pivot: bad link count");
  p.links.resize(count);
  for (PivotLink& l : p.links) {
    if (!d.GetString(&l.mailbox_guid) || !d.GetString(&l.mailbox_upn) || !d.GetString(&l.actor) ||
        !d.GetString(&l.ip) || !d.GetVarsint64(&l.first) || !d.GetVarsint64(&l.last) ||
        !d.GetVarint64(&l.events)) {
      return absl::DataLossError("pivot: truncated link");
    }
  }
  if (!d.done()) return absl::DataLossError("pivot: trailing bytes");
  return p;
}

absl::Status ScanPivots(CaseStore& store, std::string_view kind,
                        const std::function<bool(const Pivot&)>& fn) {
  absl::Status inner;
  absl::Status scan = store.ScanDerived(kind, [&](std::string_view key, std::string_view value) {
    absl::StatusOr<Pivot> p = DecodePivot(value);
    if (!p.ok()) {
      const absl::string_view message = p.status().message();
      inner = absl::DataLossError(
          Cat(kind, " entry '", key, "': ", std::string_view(message.data(), message.size())));
      return false;
    }
    return fn(*p);
  });
  if (!scan.ok()) return scan;
  return inner;
}

void PivotBuilder::Touch(Acc& acc, TimeMs t, std::string link_key, const PivotLink& proto) {
  if (acc.pivot.events == 0 || t < acc.pivot.first) acc.pivot.first = t;
  if (acc.pivot.events == 0 || t > acc.pivot.last) acc.pivot.last = t;
  ++acc.pivot.events;
  auto [it, inserted] = acc.links.try_emplace(std::move(link_key), proto);
  PivotLink& l = it->second;
  if (inserted) {
    l.first = l.last = t;
  } else {
    l.first = std::min(l.first, t);
    l.last = std::max(l.last, t);
    if (l.mailbox_upn.empty()) l.mailbox_upn = proto.mailbox_upn;
  }
  ++l.events;
}

void PivotBuilder::Add(TimeMs t, std::string_view ip, const MailboxRef& mailbox,
                       std::string_view actor, const GeoInfo& geo) {
  const std::string_view sep(&kSep, 1);
  if (!ip.empty()) {
    Acc& acc = by_ip_[std::string(ip)];
    if (acc.pivot.key.empty()) {
      acc.pivot.key = std::string(ip);
      acc.pivot.geo = geo;
    }
    PivotLink proto{mailbox.guid, mailbox.upn, std::string(actor), "", 0, 0, 0};
    Touch(acc, t, Cat(mailbox.key(), sep, actor), proto);
  }
  if (!actor.empty()) {
    Acc& acc = by_actor_[std::string(actor)];
    if (acc.pivot.key.empty()) acc.pivot.key = std::string(actor);
    PivotLink proto{mailbox.guid, mailbox.upn, "", std::string(ip), 0, 0, 0};
    Touch(acc, t, Cat(mailbox.key(), sep, ip), proto);
  }
}

std::vector<std::pair<std::string, std::string>> PivotBuilder::Take(
    absl::flat_hash_map<std::string, Acc>& map) {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(map.size());
  for (auto& [key, acc] : map) {
    Pivot& p = acc.pivot;
    p.links.reserve(acc.links.size());
    for (auto& [unused, link] : acc.links) p.links.push_back(std::move(link));
    std::sort(p.links.begin(), p.links.end(), [](const PivotLink& a, const PivotLink& b) {
      const std::string& ka = a.mailbox_guid.empty() ? a.mailbox_upn : a.mailbox_guid;
      const std::string& kb = b.mailbox_guid.empty() ? b.mailbox_upn : b.mailbox_guid;
      return std::tie(ka, a.actor, a.ip) < std::tie(kb, b.actor, b.ip);
    });
    out.emplace_back(key, EncodePivot(p));
  }
  map.clear();
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<std::string, std::string>> PivotBuilder::TakeIpPivots() {
  return Take(by_ip_);
}

std::vector<std::pair<std::string, std::string>> PivotBuilder::TakeActorPivots() {
  return Take(by_actor_);
}

}  // namespace tern::correlate
