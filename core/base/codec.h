// Compact binary encoding helpers for store values and keys.
//
// Values are a sequence of varints and length-prefixed strings; keys use
// fixed-width big-endian integers so that byte order equals numeric order.
// Thread-compatible.
#ifndef TERN_CORE_BASE_CODEC_H_
#define TERN_CORE_BASE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace tern {

void PutVarint64(uint64_t v, std::string* out);
// Zig-zag encoded signed varint.
void PutVarsint64(int64_t v, std::string* out);
void PutLengthPrefixed(std::string_view s, std::string* out);
// Big-endian, fixed width (for keys).
void PutBigEndian64(uint64_t v, std::string* out);
void PutBigEndian32(uint32_t v, std::string* out);
uint64_t DecodeBigEndian64(const char* p);
uint32_t DecodeBigEndian32(const char* p);
// Maps a signed time so that big-endian bytes sort in numeric order.
inline uint64_t OrderPreservingTime(int64_t t) { return static_cast<uint64_t>(t) ^ (1ULL << 63); }
inline int64_t TimeFromOrderPreserving(uint64_t u) {
  return static_cast<int64_t>(u ^ (1ULL << 63));
}

// Reads what the Put* functions wrote. Each Get returns false on truncated or
// malformed input and leaves the reader in a failed state.
class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}
  bool GetVarint64(uint64_t* v) {
    // Most values (lengths, small counts) are one byte: a scan decodes
    // dozens per event (docs/BENCHMARKS.md "Change 27").
    if (ok_ && !in_.empty() && static_cast<uint8_t>(in_.front()) < 0x80) {
      *v = static_cast<uint8_t>(in_.front());
      in_.remove_prefix(1);
      return true;
    }
    return GetLongVarint64(v);
  }
  bool GetVarsint64(int64_t* v);
  bool GetLengthPrefixed(std::string_view* s);
  bool GetString(std::string* s);
  bool done() const { return in_.empty(); }
  bool ok() const { return ok_; }

 private:
  bool GetLongVarint64(uint64_t* v);

  std::string_view in_;
  bool ok_ = true;
};

}  // namespace tern

#endif  // TERN_CORE_BASE_CODEC_H_
