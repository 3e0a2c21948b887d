#include "core/correlate/shared_ip_census.h"

#include <algorithm>

#include "core/correlate/directory.h"

namespace tern::correlate {

uint32_t& SharedIpCensus::FirstInputs(uint32_t ip_id) {
  if (ip_id >= first_inputs_.size()) {
    // Ids come dense, one more at a time: grow the capacity by a quarter.
    if (ip_id >= first_inputs_.capacity()) {
      first_inputs_.reserve(std::max<size_t>(ip_id + 1, first_inputs_.capacity() * 5 / 4));
    }
    first_inputs_.resize(ip_id + 1, kNone);
  }
  return first_inputs_[ip_id];
}

void SharedIpCensus::Observe(uint32_t ip_id, const Event& e) {
  if (FirstInputs(ip_id) == kShared) return;
  Observe(ip_id, e.client_ip, MailboxDirectory::MailboxInputs(e));
}

void SharedIpCensus::Observe(uint32_t ip_id, std::string_view ip, std::string_view mailbox_inputs) {
  if (mailbox_inputs.empty()) return;
  uint32_t& first = FirstInputs(ip_id);
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
