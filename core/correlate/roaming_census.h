// RoamingCensus: the record session ids (an event's SessionId, else its
// AADSessionId) that a case shows from more than one client IP or client
// family. Only those can move within a session, so session-ip-change keeps
// its per-id state for them alone instead of for every id alive in the last
// week: that state was the largest single table of the analysis' second
// pass (docs/BENCHMARKS.md "Change 23").
//
// The first pass observes every event with an IP and a record session id;
// Freeze then keeps the ids that moved and frees the rest. Ids are held as
// 64-bit hashes. Two ids that share a hash are counted as one, which can only
// add an id that did not move (its state is kept for nothing), never hide one
// that did, so answers never depend on the hash.
//
// Thread-compatible.
#ifndef TERN_CORE_CORRELATE_ROAMING_CENSUS_H_
#define TERN_CORE_CORRELATE_ROAMING_CENSUS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "core/base/string_pool.h"

namespace tern::correlate {

// The client family of a ClientInfoString or user agent, lower-case:
// "client=owa" of "Client=OWA;Mozilla/5.0 ...", "python-requests" of
// "python-requests/2.31"; "" when there is none.
std::string ClientFamilyText(std::string_view client_info);

class RoamingCensus {
 public:
  // One event of `record_session` from the IP numbered `ip_id` (any
  // numbering where equal ids mean equal IP text, e.g. IpCatalog's before
  // Freeze). REQUIRES: not frozen.
  void Observe(std::string_view record_session, uint32_t ip_id, std::string_view client_info);
  // Keeps the ids seen from several IPs or families; frees the rest.
  void Freeze();

  // After Freeze: false when every observed event of `record_session` had
  // one IP and one client family, or none was observed.
  bool MayMove(std::string_view record_session) const;
  // Ids kept by Freeze (hashes: ids sharing one count once).
  size_t moving() const { return moving_.size(); }
  // Bytes held (for tests and benchmarks).
  size_t MemoryBytes() const;

 private:
  static constexpr uint32_t kMoved = ~uint32_t{0};
  struct First {
    uint32_t ip;      // kMoved once a second IP or family was seen
    uint32_t family;  // families_ id
  };
  absl::flat_hash_map<uint64_t, First> first_;  // until Freeze
  absl::flat_hash_set<uint64_t> moving_;        // after Freeze
  StringPool families_;
};

}  // namespace tern::correlate

#endif  // TERN_CORE_CORRELATE_ROAMING_CENSUS_H_
