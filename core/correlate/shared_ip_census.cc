#include "core/correlate/shared_ip_census.h"

#include <algorithm>

namespace tern::correlate {

void SharedIpCensus::Observe(uint32_t ip_id, std::string_view ip, std::string_view mailbox_inputs) {
  if (mailbox_inputs.empty()) return;
  if (ip_id >= first_inputs_.size()) {
    // Ids come dense, one more at a time: grow the capacity by a quarter.
    if (ip_id >= first_inputs_.capacity()) {
      first_inputs_.reserve(std::max<size_t>(ip_id + 1, first_inputs_.capacity() * 5 / 4));
    }
    first_inputs_.resize(ip_id + 1, kNone);
  }
  uint32_t& first = first_inputs_[ip_id];
  if (first == kShared) return;
  const uint32_t inputs = inputs_.Intern(mailbox_inputs);
  if (first == kNone) {
    first = inputs;
  } else if (first != inputs) {
    first = kShared;
    shared_.emplace(ip);
  }
}

void SharedIpCensus::Freeze() {
  std::vector<uint32_t>().swap(first_inputs_);
  inputs_ = StringPool();
}

}  // namespace tern::correlate
