#include "core/correlate/roaming_census.h"

#include "absl/hash/hash.h"
#include "core/base/strings.h"
#include "core/correlate/text.h"

namespace tern::correlate {
namespace {

uint64_t HashOf(std::string_view record_session) {
  return absl::Hash<std::string_view>{}(record_session);
}

}  // namespace

std::string ClientFamilyText(std::string_view client_info) {
  client_info = Trim(client_info);
  const size_t end =
      client_info.find_first_of(StartsWithIgnoreCase(client_info, "Client=") ? ";" : "/ ;");
  return Lower(client_info.substr(0, end));
}

void RoamingCensus::Observe(std::string_view record_session, uint32_t ip_id,
                            std::string_view client_info) {
  const uint32_t family = families_.Intern(ClientFamilyText(client_info));
  auto [it, inserted] = first_.try_emplace(HashOf(record_session), First{ip_id, family});
  First& first = it->second;
  if (!inserted && first.ip != kMoved && (first.ip != ip_id || first.family != family)) {
    first.ip = kMoved;
  }
}

void RoamingCensus::Freeze() {
  for (const auto& [hash, first] : first_) {
    if (first.ip == kMoved) moving_.insert(hash);
  }
  absl::flat_hash_map<uint64_t, First>().swap(first_);
  families_ = StringPool();
}

bool RoamingCensus::MayMove(std::string_view record_session) const {
  return moving_.contains(HashOf(record_session));
}

size_t RoamingCensus::MemoryBytes() const {
  return first_.capacity() * (sizeof(uint64_t) + sizeof(First) + 1) +
         moving_.capacity() * (sizeof(uint64_t) + 1);
}

}  // namespace tern::correlate
