#include "core/evidence/text_decoder.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/base/strings.h"

namespace tern {
namespace {

// Raw bytes read per refill in UTF-16 mode. Output grows to at most 1.5x this
// (a BMP code unit of 2 bytes becomes at most 3 UTF-8 bytes), so memory stays
// bounded whatever the caller's buffer size.
constexpr size_t kRawChunk = 16 * 1024;

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Incremental UTF-8 validator (RFC 3629: no overlongs, no surrogates, nothing
// above U+10FFFF). State survives chunk boundaries; it only finds the first
// bad sequence, because that is all the decoder reports.
class Utf8Validator {
 public:
  // Feeds `n` bytes that start at stream offset `offset`. Returns true and sets
  // *bad_offset at the first invalid sequence (offset of its first byte).
  bool Feed(const unsigned char* p, size_t n, uint64_t offset, uint64_t* bad_offset) {
    for (size_t i = 0; i < n; ++i) {
      if (need_ == 0) {
        // Audit exports are nearly all ASCII: skip it eight bytes at a time
        // (the byte loop alone was a few percent of an ingest).
        while (i + 8 <= n) {
          uint64_t word;
          std::memcpy(&word, p + i, sizeof(word));
          if ((word & 0x8080808080808080ull) != 0) break;
          i += 8;
        }
        if (i == n) break;
      }
      const unsigned char b = p[i];
      if (need_ == 0) {
        if (b < 0x80) continue;
        seq_start_ = offset + i;
        lo_ = 0x80;
        hi_ = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
          need_ = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
          need_ = 2;
          if (b == 0xE0) lo_ = 0xA0;  // overlong
          if (b == 0xED) hi_ = 0x9F;  // UTF-16 surrogates
        } else if (b >= 0xF0 && b <= 0xF4) {
          need_ = 3;
          if (b == 0xF0) lo_ = 0x90;  // overlong
          if (b == 0xF4) hi_ = 0x8F;  // above U+10FFFF
        } else {
          *bad_offset = seq_start_;
          return true;
        }
      } else {
        if (b < lo_ || b > hi_) {
          *bad_offset = seq_start_;
          return true;
        }
        lo_ = 0x80;
        hi_ = 0xBF;
        --need_;
      }
    }
    return false;
  }

  // At end of stream: true (with the offset) if a sequence was left unfinished.
  bool Truncated(uint64_t* bad_offset) const {
    if (need_ == 0) return false;
    *bad_offset = seq_start_;
    return true;
  }

 private:
  int need_ = 0;
  unsigned char lo_ = 0x80;
  unsigned char hi_ = 0xBF;
  uint64_t seq_start_ = 0;
};

uint64_t CountNewlines(const char* p, size_t n) {
  return static_cast<uint64_t>(std::count(p, p + n, '\n'));
}

}  // namespace

struct TextDecoder::State {
  bool sniffed = false;
  bool eof = false;
  absl::Status error;       // sticky error from the raw stream
  uint64_t raw_offset = 0;  // bytes taken from the raw stream so far
  // Line breaks in the text delivered so far, to name the line of the first
  // invalid sequence (counted until it is found).
  uint64_t newlines = 0;

  // Bytes read while sniffing the BOM that still have to be delivered (UTF-8
  // modes) or decoded (UTF-16 modes).
  std::string pending_raw;

  // UTF-8 pass-through.
  Utf8Validator validator;
  bool utf8_reported = false;

  // UTF-16 transcoding.
  std::string out;  // decoded UTF-8 not yet returned
  size_t out_pos = 0;
  bool have_odd_byte = false;
  unsigned char odd_byte = 0;
  uint64_t odd_byte_offset = 0;
  bool have_high = false;  // a high surrogate waiting for its low half
  uint16_t high = 0;
  uint64_t high_offset = 0;
  bool utf16_reported = false;
  std::string raw_buf;
};

const char* TextEncodingName(TextEncoding e) {
  switch (e) {
    case TextEncoding::kUtf8:
      return "utf-8";
    case TextEncoding::kUtf8Bom:
      return "utf-8-bom";
    case TextEncoding::kUtf16Le:
      return "utf-16le";
    case TextEncoding::kUtf16Be:
      return "utf-16be";
  }
  return "unknown";
}

TextDecoder::TextDecoder(ByteStream* raw, WarningSink* warnings, std::string source)
    : raw_(raw),
      warnings_(warnings),
      source_(std::move(source)),
      state_(std::make_unique<State>()) {}

TextDecoder::~TextDecoder() = default;

namespace {

// Reads from `raw` into `buf`, turning the stream's error into a sticky one.
absl::StatusOr<size_t> ReadRaw(ByteStream* raw, char* buf, size_t n, absl::Status* error) {
  if (!error->ok()) return *error;
  absl::StatusOr<size_t> got = raw->Read(buf, n);
  if (!got.ok()) *error = got.status();
  return got;
}

}  // namespace

absl::StatusOr<size_t> TextDecoder::Read(char* buf, size_t n) {
  State& s = *state_;
  if (!s.error.ok()) return s.error;

  if (!s.sniffed) {
    // A BOM is at most 3 bytes; keep reading because a raw stream may hand
    // them out one at a time.
    char head[3];
    size_t have = 0;
    while (have < sizeof(head)) {
      absl::StatusOr<size_t> got = ReadRaw(raw_, head + have, sizeof(head) - have, &s.error);
      if (!got.ok()) return got.status();
      if (*got == 0) {
        s.eof = true;
        break;
      }
      have += *got;
    }
    s.raw_offset = have;
    const auto* u = reinterpret_cast<const unsigned char*>(head);
    size_t bom = 0;
    if (have >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
      encoding_ = TextEncoding::kUtf8Bom;
      bom = 3;
    } else if (have >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
      encoding_ = TextEncoding::kUtf16Le;
      bom = 2;
    } else if (have >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
      encoding_ = TextEncoding::kUtf16Be;
      bom = 2;
    } else {
      encoding_ = TextEncoding::kUtf8;
    }
    s.pending_raw.assign(head + bom, have - bom);
    s.sniffed = true;
    if (encoding_ == TextEncoding::kUtf8 || encoding_ == TextEncoding::kUtf8Bom) {
      // Validate the sniffed bytes now; their offsets start after the BOM.
      uint64_t bad = 0;
      if (s.validator.Feed(reinterpret_cast<const unsigned char*>(s.pending_raw.data()),
                           s.pending_raw.size(), bom, &bad)) {
        s.utf8_reported = true;
        const uint64_t line = 1 + CountNewlines(s.pending_raw.data(), bad - bom);
        warnings_->Report({"invalid-utf8", source_, line,
                           absl::StrCat("invalid UTF-8 sequence at line ", line, ", byte offset ",
                                        bad, " (bytes passed through unchanged)")});
      }
    }
  }

  if (n == 0) return size_t{0};

  if (encoding_ == TextEncoding::kUtf8 || encoding_ == TextEncoding::kUtf8Bom) {
    if (!s.pending_raw.empty()) {
      const size_t count = std::min(n, s.pending_raw.size());
      std::memcpy(buf, s.pending_raw.data(), count);
      s.pending_raw.erase(0, count);
      if (!s.utf8_reported) s.newlines += CountNewlines(buf, count);
      return count;
    }
    if (s.eof) return size_t{0};
    absl::StatusOr<size_t> got = ReadRaw(raw_, buf, n, &s.error);
    if (!got.ok()) return got.status();
    uint64_t bad = 0;
    if (*got == 0) {
      s.eof = true;
      if (!s.utf8_reported && s.validator.Truncated(&bad)) {
        s.utf8_reported = true;
        const uint64_t line = s.newlines + 1;
        warnings_->Report({"invalid-utf8", source_, line,
                           absl::StrCat("truncated UTF-8 sequence at line ", line,
                                        ", byte offset ", bad, " at end of stream")});
      }
      return size_t{0};
    }
    // Once reported, stop validating: the warning is once per stream.
    if (!s.utf8_reported) {
      if (s.validator.Feed(reinterpret_cast<const unsigned char*>(buf), *got, s.raw_offset, &bad)) {
        s.utf8_reported = true;
        // `bad` may lie in an earlier chunk (a sequence split across reads);
        // its line breaks are counted already then.
        const size_t before = bad > s.raw_offset ? static_cast<size_t>(bad - s.raw_offset) : 0;
        const uint64_t line = s.newlines + CountNewlines(buf, before) + 1;
        warnings_->Report({"invalid-utf8", source_, line,
                           absl::StrCat("invalid UTF-8 sequence at line ", line, ", byte offset ",
                                        bad, " (bytes passed through unchanged)")});
      } else {
        s.newlines += CountNewlines(buf, *got);
      }
    }
    s.raw_offset += *got;
    return got;
  }

  // UTF-16: decode a raw chunk at a time into `out`.
  const bool big_endian = encoding_ == TextEncoding::kUtf16Be;
  auto report = [&](uint64_t offset, std::string_view what) {
    if (s.utf16_reported) return;
    s.utf16_reported = true;
    const uint64_t line = s.newlines + 1;
    warnings_->Report({"invalid-utf16", source_, line,
                       absl::StrCat(ToAbsl(what), " at line ", line, ", byte offset ", offset,
                                    " replaced by U+FFFD")});
  };
  auto emit_unit = [&](uint16_t unit, uint64_t offset) {
    if (s.have_high) {
      if (unit >= 0xDC00 && unit <= 0xDFFF) {
        const uint32_t cp = 0x10000 + ((static_cast<uint32_t>(s.high) - 0xD800) << 10) +
                            (static_cast<uint32_t>(unit) - 0xDC00);
        AppendUtf8(cp, &s.out);
        s.have_high = false;
        return;
      }
      s.out.append(kReplacement);
      report(s.high_offset, "unpaired high surrogate");
      s.have_high = false;
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      s.have_high = true;
      s.high = unit;
      s.high_offset = offset;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      s.out.append(kReplacement);
      report(offset, "unpaired low surrogate");
    } else {
      if (unit == '\n') ++s.newlines;
      AppendUtf8(unit, &s.out);
    }
  };
  auto decode = [&](const unsigned char* p, size_t len, uint64_t offset) {
    size_t i = 0;
    if (s.have_odd_byte && len > 0) {
      const unsigned char b0 = s.odd_byte;
      const unsigned char b1 = p[0];
      emit_unit(big_endian ? (b0 << 8 | b1) : (b1 << 8 | b0), s.odd_byte_offset);
      s.have_odd_byte = false;
      i = 1;
    }
    for (; i + 1 < len; i += 2) {
      emit_unit(big_endian ? (p[i] << 8 | p[i + 1]) : (p[i + 1] << 8 | p[i]), offset + i);
    }
    if (i < len) {
      s.have_odd_byte = true;
      s.odd_byte = p[i];
      s.odd_byte_offset = offset + i;
    }
  };

  while (s.out_pos == s.out.size()) {
    s.out.clear();
    s.out_pos = 0;
    if (!s.pending_raw.empty()) {
      // The sniffed bytes after the BOM sit at offset 2.
      decode(reinterpret_cast<const unsigned char*>(s.pending_raw.data()), s.pending_raw.size(), 2);
      s.pending_raw.clear();
      continue;
    }
    if (s.eof) {
      if (s.have_high) {
        s.out.append(kReplacement);
        report(s.high_offset, "unpaired high surrogate at end of stream");
        s.have_high = false;
      }
      if (s.have_odd_byte) {
        s.out.append(kReplacement);
        warnings_->Report({"invalid-utf16", source_, s.newlines + 1,
                           absl::StrCat("odd trailing byte at line ", s.newlines + 1,
                                        ", byte offset ", s.odd_byte_offset,
                                        " replaced by U+FFFD")});
        s.have_odd_byte = false;
      }
      if (s.out.empty()) return size_t{0};
      break;
    }
    s.raw_buf.resize(kRawChunk);
    absl::StatusOr<size_t> got = ReadRaw(raw_, s.raw_buf.data(), s.raw_buf.size(), &s.error);
    if (!got.ok()) return got.status();
    if (*got == 0) {
      s.eof = true;
      continue;
    }
    decode(reinterpret_cast<const unsigned char*>(s.raw_buf.data()), *got, s.raw_offset);
    s.raw_offset += *got;
  }
  const size_t count = std::min(n, s.out.size() - s.out_pos);
  std::memcpy(buf, s.out.data() + s.out_pos, count);
  s.out_pos += count;
  return count;
}

}  // namespace tern
