// SharedIpCensus: the client IPs that a case shows carrying more than one
// mailbox. Only those can ever reach ip-multiple-mailboxes' threshold, so the
// rule keeps its per-IP window for them alone instead of for every address
// of the last day: rotating mobile addresses made that table one of the
// largest of the analysis' second pass (docs/BENCHMARKS.md "Change 24").
//
// The first pass observes every event with an IP, before the mailbox
// directory is complete, so mailboxes are told apart by what decides them
// (MailboxDirectory::MailboxInputs): events with the same inputs always get
// the same mailbox, so an IP seen with one input text carries one mailbox.
// Two texts of one mailbox only make the census keep an IP it need not.
// Inputs are interned exactly, not hashed: a collision here would hide an IP.
//
// Thread-compatible.
#ifndef TERN_CORE_CORRELATE_SHARED_IP_CENSUS_H_
#define TERN_CORE_CORRELATE_SHARED_IP_CENSUS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "core/base/string_pool.h"
#include "core/model/event.h"

namespace tern::correlate {

class SharedIpCensus {
 public:
  // One event from `ip`, numbered `ip_id` (any dense numbering where equal
  // ids mean equal IP text, e.g. IpCatalog's before Freeze), whose mailbox
  // is decided by `mailbox_inputs` ("" for an event of no mailbox, which is
  // not counted). REQUIRES: not frozen.
  void Observe(uint32_t ip_id, std::string_view ip, std::string_view mailbox_inputs);
  // The same for event `e` from its client IP: builds its mailbox inputs
  // only while that IP is not yet known to be shared.
  void Observe(uint32_t ip_id, const Event& e);
  // Frees what only Observe needs.
  void Freeze();

  // False when every observed event from `ip` had the same mailbox inputs.
  bool MayBeShared(std::string_view ip) const {
    return shared_.contains(absl::string_view(ip.data(), ip.size()));
  }
  size_t shared() const { return shared_.size(); }

 private:
  static constexpr uint32_t kNone = ~uint32_t{0};
  static constexpr uint32_t kShared = kNone - 1;
  // The slot of `ip_id`, kNone for an IP not seen before.
  uint32_t& FirstInputs(uint32_t ip_id);

  std::vector<uint32_t> first_inputs_;  // by IP id: inputs_ id, kNone or kShared
  StringPool inputs_;
  absl::flat_hash_set<std::string> shared_;
};

}  // namespace tern::correlate

#endif  // TERN_CORE_CORRELATE_SHARED_IP_CENSUS_H_
