#include "core/base/codec.h"

namespace tern {
namespace {

// A uint64 needs at most ceil(64 / 7) = 10 varint bytes; the 10th may only
// carry the single top bit.
constexpr int kMaxVarintBytes = 10;

}  // namespace

void PutVarint64(uint64_t v, std::string* out) {
  char buf[kMaxVarintBytes];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

void PutVarsint64(int64_t v, std::string* out) {
  // Zig-zag: small magnitudes of either sign become small unsigned values.
  // The shift is done on the unsigned value to avoid signed-overflow UB.
  const uint64_t u = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  PutVarint64(u, out);
}

void PutLengthPrefixed(std::string_view s, std::string* out) {
  PutVarint64(s.size(), out);
  out->append(s.data(), s.size());
}

void PutBigEndian64(uint64_t v, std::string* out) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(buf, sizeof(buf));
}

void PutBigEndian32(uint32_t v, std::string* out) {
  char buf[4];
  for (int i = 3; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(buf, sizeof(buf));
}

uint64_t DecodeBigEndian64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

uint32_t DecodeBigEndian32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

bool Decoder::GetLongVarint64(uint64_t* v) {
  if (!ok_) return false;
  uint64_t result = 0;
  for (int i = 0; i < kMaxVarintBytes; ++i) {
    if (static_cast<size_t>(i) >= in_.size()) break;  // truncated
    const uint8_t byte = static_cast<uint8_t>(in_[i]);
    if (i == kMaxVarintBytes - 1 && byte > 1) break;  // would overflow 64 bits
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      in_.remove_prefix(i + 1);
      *v = result;
      return true;
    }
  }
  ok_ = false;
  return false;
}

bool Decoder::GetVarsint64(int64_t* v) {
  uint64_t u;
  if (!GetVarint64(&u)) return false;
  *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  return true;
}

bool Decoder::GetLengthPrefixed(std::string_view* s) {
  uint64_t n;
  if (!GetVarint64(&n)) return false;
  if (n > in_.size()) {
    ok_ = false;
    return false;
  }
  *s = in_.substr(0, n);
  in_.remove_prefix(n);
  return true;
}

bool Decoder::GetString(std::string* s) {
  std::string_view view;
  if (!GetLengthPrefixed(&view)) return false;
  s->assign(view.data(), view.size());
  return true;
}

}  // namespace tern
