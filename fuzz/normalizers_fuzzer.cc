// The IP and time normalizers over arbitrary text, with the properties the
// rest of tern relies on: normalization is idempotent, never fails and
// never grows text much; a parsed time formats back to text that parses to
// the same instant.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/base/ip.h"
#include "core/base/time.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const std::string ip = tern::NormalizeClientIp(text);
  TERN_FUZZ_CHECK(ip.size() <= text.size() + 16);
  TERN_FUZZ_CHECK(tern::NormalizeClientIp(ip) == ip);
  if (tern::IsIpLiteral(ip)) {
    tern::IsPrivateOrLocalIp(ip);
  }
  tern::IsIpLiteral(text);
  tern::IsPrivateOrLocalIp(text);

  absl::StatusOr<tern::TimeMs> iso = tern::ParseIso8601(text);
  if (iso.ok()) {
    const std::string formatted = tern::FormatRfc3339(*iso);
    absl::StatusOr<tern::TimeMs> again = tern::ParseIso8601(formatted);
    TERN_FUZZ_CHECK(again.ok());
    TERN_FUZZ_CHECK(*again == *iso);
  }
  for (tern::DateOrder order : {tern::DateOrder::kMonthFirst, tern::DateOrder::kDayFirst}) {
    absl::StatusOr<tern::TimeMs> wrapper = tern::ParseWrapperDate(text, order);
    if (wrapper.ok()) tern::FormatRfc3339(*wrapper);
  }
  tern::InferDateOrder(text);
  if (size >= 8) {
    // Any instant at all must format without crashing.
    int64_t t = 0;
    for (size_t i = 0; i < 8; ++i) t = (t << 8) | data[i];
    tern::FormatRfc3339(t);
  }
  return 0;
}
