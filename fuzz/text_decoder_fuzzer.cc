// TextDecoder over arbitrary bytes read in arbitrary chunks: the output is
// the same whatever the chunking, is valid UTF-8 whenever the input was
// UTF-16 (lone surrogates become U+FFFD), and never grows without bound.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/evidence/text_decoder.h"
#include "fuzz/fuzz_util.h"

namespace {

// Decodes `bytes` read in chunks of `sizes` (see ChunkedStream), asking the
// decoder for `want` bytes at a time.
std::string Decode(std::string_view bytes, std::string_view sizes, size_t want,
                   tern::TextEncoding* encoding) {
  tern::fuzz::ChunkedStream raw(bytes, sizes);
  tern::fuzz::CountingWarningSink warnings;
  tern::TextDecoder decoder(&raw, &warnings, "fuzz-input");
  std::string out;
  std::string buf(want, '\0');
  while (true) {
    absl::StatusOr<size_t> got = decoder.Read(buf.data(), buf.size());
    TERN_FUZZ_CHECK(got.ok());
    if (*got == 0) break;
    TERN_FUZZ_CHECK(*got <= buf.size());
    out.append(buf.data(), *got);
    // UTF-16 expands at most 3 bytes per 2; UTF-8 passes through.
    TERN_FUZZ_CHECK(out.size() <= bytes.size() * 2 + 8);
  }
  *encoding = decoder.encoding();
  return out;
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tern::fuzz::Cursor in(data, size);
  const std::string_view sizes = in.Take(in.Byte() % 5);
  const size_t want = 1 + in.Byte() % 64;
  const std::string_view bytes = in.rest();
  tern::TextEncoding one_go = tern::TextEncoding::kUtf8;
  tern::TextEncoding chunked = tern::TextEncoding::kUtf8;
  const std::string whole = Decode(bytes, "", 1 << 16, &one_go);
  const std::string pieces = Decode(bytes, sizes, want, &chunked);
  TERN_FUZZ_CHECK(whole == pieces);
  TERN_FUZZ_CHECK(one_go == chunked);
  if (one_go == tern::TextEncoding::kUtf16Le || one_go == tern::TextEncoding::kUtf16Be) {
    TERN_FUZZ_CHECK(ValidUtf8(whole));
  }
  return 0;
}
