// IP and actor pivots (DETECTIONS.md section 2, "Per-IP view"): for each
// client IP, the mailboxes and actors it touched and when; for each actor,
// the mailboxes and IPs it used and when.
//
// How reports get them: `tern analyze` stores them in the case store as
// derived kinds "ip_pivots" (key = normalized IP) and "actor_pivots" (key =
// actor, lower-cased), one entry per IP / actor, value = EncodePivot().
// Read them back with ScanPivots() (or DecodePivot() on ScanDerived values).
//
// Encoding (version 1): varint version, then the Pivot fields in declaration
// order (core/base/codec.h): strings length-prefixed, unsigned integers varint,
// times zig-zag varint, doubles as the varint of their IEEE-754 bit pattern,
// bool as varint 0/1, links as a count then each link's fields in order.
//
// Thread-compatible: PivotBuilder from one thread.
#ifndef TERN_CORE_CORRELATE_PIVOTS_H_
#define TERN_CORE_CORRELATE_PIVOTS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/string_pool.h"
#include "core/base/time.h"
#include "core/correlate/directory.h"
#include "core/model/finding.h"
#include "core/store/case_store.h"

namespace tern::correlate {

inline constexpr std::string_view kIpPivotKind = "ip_pivots";
inline constexpr std::string_view kActorPivotKind = "actor_pivots";

// One (mailbox, actor) seen from an IP, or one (mailbox, IP) used by an actor.
struct PivotLink {
  std::string mailbox_guid;
  std::string mailbox_upn;
  std::string actor;  // empty in actor pivots
  std::string ip;     // empty in IP pivots
  TimeMs first = 0;
  TimeMs last = 0;
  uint64_t events = 0;

  bool operator==(const PivotLink&) const = default;
};

struct Pivot {
  std::string key;  // the IP or the actor
  TimeMs first = 0;
  TimeMs last = 0;
  uint64_t events = 0;
  GeoInfo geo;                   // IP pivots only (known == false for actors)
  std::vector<PivotLink> links;  // sorted by (mailbox key, actor, ip)
};

std::string EncodePivot(const Pivot& p);
// Returns DataLoss when `bytes` is not a valid encoding.
absl::StatusOr<Pivot> DecodePivot(std::string_view bytes);

// Calls fn for each stored pivot of `kind` (kIpPivotKind / kActorPivotKind)
// in key order; stops early when fn returns false.
absl::Status ScanPivots(CaseStore& store, std::string_view kind,
                        const std::function<bool(const Pivot&)>& fn);

// Links (plus pivots) a spilling PivotBuilder holds before it spills: about
// 12 MB of accumulators with links as pool ids (heaptrack at 2M records,
// docs/BENCHMARKS.md "Change 21"; 23 MB when they were strings).
inline constexpr size_t kPivotSpillEntries = size_t{1} << 16;
// Links per stored part of a spilled partial pivot (a few kilobytes).
inline constexpr size_t kSpillPartLinks = 64;

// Accumulates both pivots over the events of a case. Without a spill store,
// memory grows with the number of distinct (IP, mailbox, actor)
// combinations. With one, the partial pivots are written to scratch derived
// kinds of that store whenever more than `max_entries` pivots and links are
// held, and WriteTo merges them back: memory stays bounded whatever the
// number of IPs, and the stored pivots are the same bytes as without
// spilling (a pivot's fields are minima, maxima, sums and the first value
// seen, merged in event order).
class PivotBuilder {
 public:
  PivotBuilder() = default;
  // `spill_to` must outlive the builder.
  PivotBuilder(CaseStore* spill_to, size_t max_entries);

  // Records one event; events without an IP only count for the actor pivot.
  void Add(TimeMs t, std::string_view ip, const MailboxRef& mailbox, std::string_view actor,
           const GeoInfo& geo);
  struct Written {
    uint64_t ip_pivots = 0;
    uint64_t actor_pivots = 0;
  };
  // Replaces kinds kIpPivotKind and kActorPivotKind of `store` with the
  // pivots, merged with whatever was spilled, removes the scratch kinds and
  // clears the builder. Not atomic: the analyzer records completion.
  absl::StatusOr<Written> WriteTo(CaseStore& store);

 private:
  static constexpr uint32_t kNoGeo = ~uint32_t{0};
  // A link while it accumulates, its texts as ids in texts_: at tenant scale
  // a link of four strings under a string key cost about 350 bytes, most of
  // the builder's memory (docs/BENCHMARKS.md "Change 21").
  struct HeldLink {
    uint32_t mailbox_guid = 0;
    uint32_t mailbox_upn = 0;
    uint32_t other = 0;  // the actor in an IP pivot, the IP in an actor pivot
    TimeMs first = 0;
    TimeMs last = 0;
    uint64_t events = 0;
  };
  struct Acc {
    TimeMs first = 0;
    TimeMs last = 0;
    uint64_t events = 0;
    // IP pivots only: the key of its location in geos_. Most addresses share
    // theirs with others, and a GeoInfo held in each took more than half
    // of the builder (docs/BENCHMARKS.md "Change 25").
    uint32_t geo = kNoGeo;
    // By (mailbox key id, other id): a mailbox key is its GUID, else its UPN.
    absl::flat_hash_map<uint64_t, HeldLink> links;
  };
  using AccMap = absl::flat_hash_map<uint32_t, Acc>;  // by the texts_ id of the IP or actor
  // Counts an event at `t` for `acc` and its link (`mailbox_key`, `other`),
  // both texts_ ids; `mailbox` fills a new link. Returns true when the link
  // is new.
  bool Touch(Acc& acc, TimeMs t, uint32_t mailbox_key, uint32_t other, const MailboxRef& mailbox);
  // The pivot of `key` with its links sorted; `ip_pivot` says which field of
  // a link `other` is.
  Pivot ToPivot(uint32_t key, const Acc& acc, bool ip_pivot) const;
  // Writes every held pivot to the scratch kinds as spill number `spills_`.
  absl::Status Spill();
  void Clear();

  // The key of `geo` in geos_ (a texts_ id of its encoding), adding it.
  uint32_t InternGeo(const GeoInfo& geo);

  StringPool texts_;  // every key and link text held; emptied with the maps
  absl::flat_hash_map<uint32_t, GeoInfo> geos_;  // locations of the IP pivots held
  AccMap by_ip_;
  AccMap by_actor_;
  CaseStore* spill_to_ = nullptr;
  size_t max_entries_ = 0;
  size_t held_ = 0;      // pivots + links in both maps
  uint32_t spills_ = 0;  // spills written so far
  absl::Status spill_status_;
};

}  // namespace tern::correlate

#endif  // TERN_CORE_CORRELATE_PIVOTS_H_
