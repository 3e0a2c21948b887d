// The case store's value codecs over arbitrary bytes: a value read back from
// a damaged store must decode to an error, never to a crash, and whatever
// does decode must re-encode to bytes that decode to the same value
// (encoding is canonical after one round). The first byte picks the codec;
// mode 5 builds an Event from the input and checks the full round trip.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/model/codec.h"
#include "core/model/finding.h"
#include "core/store/store_internal.h"
#include "fuzz/fuzz_util.h"

namespace {

template <typename T, typename Decode, typename Encode>
void RoundTrip(std::string_view bytes, Decode decode, Encode encode) {
  absl::StatusOr<T> first = decode(bytes);
  if (!first.ok()) {
    TERN_FUZZ_CHECK(!first.status().message().empty());
    return;
  }
  const std::string once = encode(*first);
  absl::StatusOr<T> second = decode(once);
  TERN_FUZZ_CHECK(second.ok());
  TERN_FUZZ_CHECK(encode(*second) == once);
}

// An Event whose text fields come from '\x1f'-separated parts of the input.
tern::Event BuildEvent(tern::fuzz::Cursor& in) {
  tern::Event e;
  e.time_ms = static_cast<int64_t>(static_cast<int8_t>(in.Byte())) * 1000003 * 1000003;
  e.record_type = static_cast<int8_t>(in.Byte());
  e.flags = in.Byte();
  e.external_access = static_cast<int8_t>(in.Byte() % 3) - 1;
  for (std::string* field : {&e.record_id, &e.operation, &e.actor_upn, &e.mailbox_guid,
                             &e.client_ip, &e.client_info, &e.session_id}) {
    *field = std::string(in.Until('\x1f'));
  }
  const int lists = in.Byte() % 4;
  for (int i = 0; i < lists; ++i) {
    e.parameters.push_back(
        {std::string(in.Until('\x1f')), std::string(in.Until('\x1f')), (in.Byte() & 1) != 0});
    tern::MailItem item;
    item.subject = std::string(in.Until('\x1f'));
    item.size_bytes = static_cast<int8_t>(in.Byte());
    e.items.push_back(item);
    e.folders.emplace_back(in.Until('\x1f'));
  }
  e.provenance = {in.Byte(), in.Byte(), in.Byte()};
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tern::fuzz::Cursor in(data, size);
  const uint8_t mode = in.Byte() % 6;
  const std::string_view bytes = in.rest();
  switch (mode) {
    case 0:
      RoundTrip<tern::Event>(bytes, tern::DecodeEvent, tern::EncodeEvent);
      break;
    case 1:
      RoundTrip<tern::EvidenceRecord>(bytes, tern::DecodeEvidence, tern::EncodeEvidence);
      break;
    case 2:
      RoundTrip<tern::Finding>(bytes, tern::DecodeFinding, tern::EncodeFinding);
      break;
    case 3:
      RoundTrip<tern::Session>(bytes, tern::DecodeSession, tern::EncodeSession);
      break;
    case 4:
      RoundTrip<tern::store_internal::CopyValue>(bytes, tern::store_internal::DecodeCopyValue,
                                                 tern::store_internal::EncodeCopyValue);
      break;
    default: {
      const tern::Event event = BuildEvent(in);
      const std::string encoded = tern::EncodeEvent(event);
      absl::StatusOr<tern::Event> decoded = tern::DecodeEvent(encoded);
      TERN_FUZZ_CHECK(decoded.ok());
      TERN_FUZZ_CHECK(tern::EncodeEvent(*decoded) == encoded);
      TERN_FUZZ_CHECK(decoded->record_id == event.record_id);
      TERN_FUZZ_CHECK(decoded->time_ms == event.time_ms);
      TERN_FUZZ_CHECK(decoded->parameters == event.parameters);
      TERN_FUZZ_CHECK(decoded->items == event.items);
      TERN_FUZZ_CHECK(decoded->provenance == event.provenance);
      // A truncated encoding is an error, not a shorter event.
      if (!encoded.empty()) {
        TERN_FUZZ_CHECK(!tern::DecodeEvent(encoded.substr(0, encoded.size() - 1)).ok());
      }
      break;
    }
  }
  return 0;
}
