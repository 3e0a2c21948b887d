// Sessions: events grouped by (mailbox, normalized client IP, actor), split
// by the record SessionId (else AppAccessContext.AADSessionId) where present
// and by an inactivity gap (DETECTIONS.md section 2, "Recommended session
// keys"; the 30-minute default gap is a heuristic, not a cited value).
//
// Streaming: events arrive in time order; only open sessions and one entry
// per (mailbox, IP) pair are kept, so memory is bounded by the number of
// concurrently open sessions and distinct pairs, not by the number of events.
//
// Thread-compatible: one Sessionizer per analysis.
#ifndef TERN_CORE_CORRELATE_SESSIONIZER_H_
#define TERN_CORE_CORRELATE_SESSIONIZER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "core/base/string_pool.h"
#include "core/base/time.h"
#include "core/correlate/directory.h"
#include "core/correlate/id_set.h"
#include "core/correlate/ip_catalog.h"
#include "core/model/event.h"
#include "core/model/finding.h"

namespace tern::correlate {

// 64-bit FNV-1a (offset basis 14695981039346656037, prime 1099511628211),
// continuing from `h`. Byte-wise, so identical on every platform.
inline constexpr uint64_t kFnv1aOffset = 14695981039346656037ULL;
uint64_t Fnv1a64(std::string_view data, uint64_t h = kFnv1aOffset);

// "S-" + the top 48 bits (12 lower-case hex digits) of FNV-1a over
// mailbox key, IP, actor, record session id and decimal start time, each
// followed by a 0x1f separator. `salt` > 0 is appended (the retry when the
// id's prefix was given out before).
std::string MakeSessionId(std::string_view mailbox_key, std::string_view ip, std::string_view actor,
                          std::string_view record_session, TimeMs start, int salt = 0);

// The 48 bits a session id of MakeSessionId's form spells; nullopt for any
// other text. SessionIdText is its inverse: SessionIdText(*SessionIdValue(id))
// == id, so state can keep the value and give the same id back.
std::optional<uint64_t> SessionIdValue(std::string_view id);
std::string SessionIdText(uint64_t value);

// The session id a record carries: SessionId, else AppAccessContext's
// AADSessionId (empty when it has neither).
const std::string& RecordSessionId(const Event& e);

// The key events are grouped by before the gap splits them: mailbox key,
// client IP, actor and record session id, 0x1f-separated. Sessions of one
// key never overlap in time. Readers of stored sessions (the export) match
// events to sessions with it.
std::string SessionGroupKey(std::string_view mailbox_key, std::string_view ip,
                            std::string_view actor, std::string_view record_session);

// Caps on the per-session lists (sorted; the smallest values are kept, so the
// result does not depend on event order within the session).
inline constexpr size_t kMaxSessionClientInfos = 16;
inline constexpr size_t kMaxSessionFolders = 64;

class Sessionizer {
 public:
  using ClosedFn = std::function<void(Session)>;

  // `gap_ms` > 0: a session ends when its key is idle for longer than this.
  // `ips`: the case's client IPs, frozen, from a first pass over the same
  // events in the same order (the first-seen times must be those this pass
  // would find); addresses it lacks are added as they come.
  explicit Sessionizer(int64_t gap_ms, IpCatalog ips = IpCatalog());

  struct Assignment {
    std::string id;                      // the session's id
    TimeMs start = 0;                    // the session's first event
    bool session_first_seen_ip = false;  // the session introduced its IP for its mailbox
    bool event_first_seen_ip = false;    // this event is the pair's first
    TimeMs ip_first_seen = kNoTime;      // first event of (mailbox, IP); kNoTime without IP
  };

  // Closes, in (last event, key) order, every open session idle for longer
  // than the gap at `now`, and passes each to `closed`.
  void Advance(TimeMs now, const ClosedFn& closed);

  // Adds `e`, attributed to `mailbox` and `actor`, to its session (opening
  // one when needed) and returns the assignment. `geo` describes the IP.
  // REQUIRES: events in non-decreasing time; Advance(e.time_ms) called first.
  Assignment Add(const Event& e, const MailboxRef& mailbox, std::string_view actor,
                 const GeoInfo& geo);

  // Closes every open session (end of input).
  void Finish(const ClosedFn& closed);

  // When (mailbox key, ip) was first seen; kNoTime if never.
  TimeMs IpFirstSeen(std::string_view mailbox_key, std::string_view ip) const;
  // When `ip` was first seen with any mailbox, or without one; kNoTime if never.
  TimeMs IpFirstSeen(std::string_view ip) const;

  // After Finish: frees everything but what IpFirstSeen(ip) needs (session
  // ids, pairs), so the end of an analysis does not hold it.
  void ReleaseAllButIpFirstSeen();

  uint64_t sessions_opened() const { return opened_; }

 private:
  struct Open {
    Session session;
    absl::flat_hash_map<std::string, uint64_t> operations;
    std::set<int32_t> logon_types;
    std::set<std::string> client_infos;
    std::set<std::string> folders;
  };
  void Close(const std::string& key, const ClosedFn& closed);

  int64_t gap_ms_;
  uint64_t opened_ = 0;
  // Open sessions by group key. Nodes: an Open is ~600 bytes, which a flat
  // table would also spend on each of its empty slots, and the keys stay
  // where they are, so by_last_ can point at them instead of copying them.
  absl::node_hash_map<std::string, Open> open_;
  using LastAndKey = std::pair<TimeMs, const std::string*>;  // the key is open_'s
  struct ByLastThenKey {
    bool operator()(const LastAndKey& a, const LastAndKey& b) const {
      return a.first != b.first ? a.first < b.first : *a.second < *b.second;
    }
  };
  std::set<LastAndKey, ByLastThenKey> by_last_;
  // (mailbox key, IP) pairs as two small ids: a tenant with rotating mobile
  // addresses has hundreds of thousands of pairs, and a string per pair
  // cost ~100 bytes where the ids cost 16.
  static uint64_t PairId(uint32_t mailbox, uint32_t ip) { return uint64_t{mailbox} << 32 | ip; }
  // When (mailbox, ip) was first seen, or kNoTime; `added` when this call
  // saw it first (at t).
  TimeMs PairFirstSeen(uint32_t mailbox, uint32_t ip, TimeMs t, bool* added);
  StringPool mailbox_ids_;
  // Rotating addresses make the IPs the largest table of the analysis.
  IpCatalog ips_;
  // Most addresses are only ever used with one mailbox: the mailbox of each
  // IP's first event is kept by IP id (4 bytes; that pair was first seen
  // when the IP was), and only the other pairs in a hash table.
  static constexpr uint32_t kNoMailbox = ~uint32_t{0};
  std::vector<uint32_t> first_mailbox_;  // by IP id
  absl::flat_hash_map<uint64_t, TimeMs> pair_first_seen_;
  IdPrefixSet ids_;  // the ids given out, by prefix
};

}  // namespace tern::correlate

#endif  // TERN_CORE_CORRELATE_SESSIONIZER_H_
