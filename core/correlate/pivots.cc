#include "core/correlate/pivots.h"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <iterator>
#include <optional>
#include <tuple>
#include <utility>

#include "core/base/codec.h"
#include "core/base/status_macros.h"
#include "core/correlate/text.h"
#include "core/store/derived_appender.h"

namespace tern::correlate {
namespace {

constexpr uint64_t kPivotVersion = 1;

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

namespace {

// Scratch kinds holding spilled partial pivots while an analysis runs.
std::string SpillKind(std::string_view kind) { return Cat(kind, ".spill"); }

// Length-prefixed pivot key, the spill number, then the part: the partials
// of one pivot are adjacent and in spill (= event) order, the parts of one
// partial in link order.
std::string SpillKey(std::string_view key, uint32_t spill, uint32_t part) {
  std::string out;
  PutBigEndian32(static_cast<uint32_t>(key.size()), &out);
  out.append(key);
  PutBigEndian32(spill, &out);
  PutBigEndian32(part, &out);
  return out;
}
constexpr size_t kSpillKeyLengthBytes = 4;
constexpr size_t kSpillNumberBytes = 4;
constexpr size_t kSpillPartBytes = 4;

// Adds `whole`, a partial of spill number `spill`, to `out` in parts of at
// most kSpillPartLinks links. WriteTo and the compaction that follows read
// the partials of one pivot from every spill at once, a block of each held
// in memory: whole partials of a busy NAT address were hundreds of kilobytes
// each, a spike of about 100 MB at 10M records (docs/BENCHMARKS.md
// "Change 25"). The first part carries the pivot's events and location.
void AddInParts(Pivot whole, uint32_t spill, DerivedAppender& out) {
  uint32_t part = 0;
  size_t begin = 0;
  do {
    Pivot piece;
    piece.key = whole.key;
    piece.first = whole.first;
    piece.last = whole.last;
    if (part == 0) {
      piece.events = whole.events;
      piece.geo = std::move(whole.geo);
    }
    const size_t n = std::min(kSpillPartLinks, whole.links.size() - begin);
    const auto from = whole.links.begin() + static_cast<ptrdiff_t>(begin);
    piece.links.assign(std::make_move_iterator(from),
                       std::make_move_iterator(from + static_cast<ptrdiff_t>(n)));
    out.Add(SpillKey(whole.key, spill, part++), EncodePivot(piece));
    begin += n;
  } while (begin < whole.links.size());
}

std::tuple<const std::string&, const std::string&, const std::string&> LinkOrder(
    const PivotLink& l) {
  return {l.mailbox_guid.empty() ? l.mailbox_upn : l.mailbox_guid, l.actor, l.ip};
}

// Folds `later` (a partial of the same pivot from a later spill) into `into`,
// as if their events had been added to one builder.
void MergeInto(Pivot& into, Pivot&& later) {
  into.first = std::min(into.first, later.first);
  into.last = std::max(into.last, later.last);
  into.events += later.events;
  std::vector<PivotLink> links;
  links.reserve(into.links.size() + later.links.size());
  auto a = into.links.begin();
  auto b = later.links.begin();
  while (a != into.links.end() || b != later.links.end()) {
    if (b == later.links.end() || (a != into.links.end() && LinkOrder(*a) < LinkOrder(*b))) {
      links.push_back(std::move(*a++));
    } else if (a == into.links.end() || LinkOrder(*b) < LinkOrder(*a)) {
      links.push_back(std::move(*b++));
    } else {
      PivotLink& l = links.emplace_back(std::move(*a++));
      l.first = std::min(l.first, b->first);
      l.last = std::max(l.last, b->last);
      l.events += b->events;
      if (l.mailbox_upn.empty()) l.mailbox_upn = std::move(b->mailbox_upn);
      ++b;
    }
  }
  into.links = std::move(links);
}

// Streams the spilled partials of `scratch` into `kind` (replacing it), one
// merged pivot per key; returns the number of pivots written. The parts of
// one partial hold consecutive runs of its sorted links: appended in order,
// they make the partial again.
absl::StatusOr<uint64_t> MergeSpilled(CaseStore& store, std::string_view scratch,
                                      std::string_view kind) {
  DerivedAppender out(&store, kind);
  absl::Status damaged;
  std::string pivot_key;  // of `merged` and `partial`
  std::string spill_key;  // of `partial`
  std::optional<Pivot> merged;
  std::optional<Pivot> partial;
  auto fold_partial = [&] {
    if (!partial) return;
    if (merged) {
      MergeInto(*merged, *std::move(partial));
    } else {
      merged = *std::move(partial);
    }
    partial.reset();
  };
  auto write_merged = [&] {
    fold_partial();
    if (merged) out.Add(merged->key, EncodePivot(*merged));
    merged.reset();
  };
  TERN_RETURN_IF_ERROR(
      store.ScanDerived(scratch, [&](std::string_view key, std::string_view value) {
        absl::StatusOr<Pivot> part = DecodePivot(value);
        if (!part.ok() || key.size() < kSpillKeyLengthBytes + kSpillNumberBytes + kSpillPartBytes) {
          damaged = absl::DataLossError(Cat(scratch, ": damaged spilled pivot"));
          return false;
        }
        const std::string_view of_spill = key.substr(0, key.size() - kSpillPartBytes);
        const std::string_view of_pivot = of_spill.substr(0, of_spill.size() - kSpillNumberBytes);
        if (of_pivot != pivot_key) {
          write_merged();
          pivot_key.assign(of_pivot);
        }
        if (partial && of_spill == spill_key) {
          std::move(part->links.begin(), part->links.end(), std::back_inserter(partial->links));
          return true;
        }
        fold_partial();
        spill_key.assign(of_spill);
        partial = *std::move(part);
        return true;
      }));
  TERN_RETURN_IF_ERROR(damaged);
  write_merged();
  TERN_RETURN_IF_ERROR(out.Finish());
  return out.added();
}

}  // namespace

PivotBuilder::PivotBuilder(CaseStore* spill_to, size_t max_entries)
    : spill_to_(spill_to), max_entries_(std::max<size_t>(max_entries, 1)) {}

bool PivotBuilder::Touch(Acc& acc, TimeMs t, uint32_t mailbox_key, uint32_t other,
                         const MailboxRef& mailbox) {
  if (acc.events == 0 || t < acc.first) acc.first = t;
  if (acc.events == 0 || t > acc.last) acc.last = t;
  ++acc.events;
  auto [it, inserted] = acc.links.try_emplace(uint64_t{mailbox_key} << 32 | other);
  HeldLink& l = it->second;
  if (inserted) {
    l.mailbox_guid = texts_.Intern(mailbox.guid);
    l.mailbox_upn = texts_.Intern(mailbox.upn);
    l.other = other;
    l.first = l.last = t;
  } else {
    l.first = std::min(l.first, t);
    l.last = std::max(l.last, t);
    if (texts_.View(l.mailbox_upn).empty()) l.mailbox_upn = texts_.Intern(mailbox.upn);
  }
  ++l.events;
  return inserted;
}

void PivotBuilder::Add(TimeMs t, std::string_view ip, const MailboxRef& mailbox,
                       std::string_view actor, const GeoInfo& geo) {
  if (ip.empty() && actor.empty()) return;
  // Each text is interned once per event: the IP and the actor are each a
  // pivot's key and the other pivot's link.
  const uint32_t ip_id = texts_.Intern(ip);
  const uint32_t actor_id = texts_.Intern(actor);
  const uint32_t mailbox_key = texts_.Intern(mailbox.key());
  if (!ip.empty()) {
    auto [it, inserted] = by_ip_.try_emplace(ip_id);
    if (inserted) {
      it->second.geo = InternGeo(geo);
      ++held_;
    }
    held_ += Touch(it->second, t, mailbox_key, actor_id, mailbox);
  }
  if (!actor.empty()) {
    auto [it, inserted] = by_actor_.try_emplace(actor_id);
    held_ += inserted;
    held_ += Touch(it->second, t, mailbox_key, ip_id, mailbox);
  }
  if (spill_to_ != nullptr && held_ > max_entries_ && spill_status_.ok()) {
    spill_status_ = Spill();
  }
}

Pivot PivotBuilder::ToPivot(uint32_t key, const Acc& acc, bool ip_pivot) const {
  Pivot p;
  p.key = std::string(texts_.View(key));
  p.first = acc.first;
  p.last = acc.last;
  p.events = acc.events;
  if (acc.geo != kNoGeo) p.geo = geos_.at(acc.geo);
  p.links.reserve(acc.links.size());
  for (const auto& [unused, held] : acc.links) {
    PivotLink& l = p.links.emplace_back();
    l.mailbox_guid = texts_.View(held.mailbox_guid);
    l.mailbox_upn = texts_.View(held.mailbox_upn);
    (ip_pivot ? l.actor : l.ip) = texts_.View(held.other);
    l.first = held.first;
    l.last = held.last;
    l.events = held.events;
  }
  std::sort(p.links.begin(), p.links.end(),
            [](const PivotLink& a, const PivotLink& b) { return LinkOrder(a) < LinkOrder(b); });
  return p;
}

uint32_t PivotBuilder::InternGeo(const GeoInfo& geo) {
  std::string bytes;
  PutGeo(geo, &bytes);
  const uint32_t id = texts_.Intern(bytes);
  geos_.try_emplace(id, geo);
  return id;
}

void PivotBuilder::Clear() {
  AccMap().swap(by_ip_);
  AccMap().swap(by_actor_);
  absl::flat_hash_map<uint32_t, GeoInfo>().swap(geos_);
  texts_ = StringPool();
  held_ = 0;
}

namespace {

// Removes the scratch kinds: leftovers of an analysis that did not finish.
absl::Status ClearScratch(CaseStore& store) {
  TERN_RETURN_IF_ERROR(store.ClearDerived(SpillKind(kIpPivotKind)));
  return store.ClearDerived(SpillKind(kActorPivotKind));
}

}  // namespace

absl::Status PivotBuilder::Spill() {
  if (spills_ == 0) TERN_RETURN_IF_ERROR(ClearScratch(*spill_to_));
  for (auto [map, kind] :
       {std::pair{&by_ip_, kIpPivotKind}, std::pair{&by_actor_, kActorPivotKind}}) {
    DerivedAppender out(spill_to_, SpillKind(kind), DerivedAppender::Existing::kKept);
    const bool ip_pivot = map == &by_ip_;
    for (const auto& [key, acc] : *map) {
      AddInParts(ToPivot(key, acc, ip_pivot), spills_, out);
    }
    TERN_RETURN_IF_ERROR(out.Finish());
  }
  Clear();
  ++spills_;
  return absl::OkStatus();
}

absl::StatusOr<PivotBuilder::Written> PivotBuilder::WriteTo(CaseStore& store) {
  TERN_RETURN_IF_ERROR(spill_status_);
  if (spill_to_ != nullptr && spill_to_ != &store) {
    return absl::InvalidArgumentError("pivots: WriteTo must write to the store spilled to");
  }
  Written written;
  if (spill_to_ != nullptr && spills_ == 0) TERN_RETURN_IF_ERROR(ClearScratch(store));
  if (spills_ == 0) {
    for (auto [map, kind, count] :
         {std::tuple{&by_ip_, kIpPivotKind, &written.ip_pivots},
          std::tuple{&by_actor_, kActorPivotKind, &written.actor_pivots}}) {
      DerivedAppender out(&store, kind);
      const bool ip_pivot = map == &by_ip_;
      for (const auto& [key, acc] : *map) {
        out.Add(std::string(texts_.View(key)), EncodePivot(ToPivot(key, acc, ip_pivot)));
      }
      TERN_RETURN_IF_ERROR(out.Finish());
      *count = out.added();
    }
    Clear();
    return written;
  }
  TERN_RETURN_IF_ERROR(Spill());
  for (auto [count, kind] : {std::pair{&written.ip_pivots, kIpPivotKind},
                             std::pair{&written.actor_pivots, kActorPivotKind}}) {
    TERN_ASSIGN_OR_RETURN(*count, MergeSpilled(store, SpillKind(kind), kind));
    TERN_RETURN_IF_ERROR(store.ClearDerived(SpillKind(kind)));
  }
  spills_ = 0;
  return written;
}

}  // namespace tern::correlate
