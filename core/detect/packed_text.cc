#include "core/detect/packed_text.h"

namespace tern::detect {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr size_t kGuidLength = 36;

bool IsDash(size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

int LowerHexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The 128 bits of a lower-case canonical GUID; false for anything else.
bool ParseGuid(std::string_view text, uint64_t* hi, uint64_t* lo) {
  if (text.size() != kGuidLength) return false;
  uint64_t words[2] = {0, 0};
  int digits = 0;
  for (size_t i = 0; i < kGuidLength; ++i) {
    if (IsDash(i)) {
      if (text[i] != '-') return false;
      continue;
    }
    const int v = LowerHexValue(text[i]);
    if (v < 0) return false;
    uint64_t& w = words[digits / 16];
    w = w << 4 | static_cast<uint64_t>(v);
    ++digits;
  }
  *hi = words[0];
  *lo = words[1];
  return true;
}

}  // namespace

PackedText::PackedText(std::string_view text) {
  if (!ParseGuid(text, &hi_, &lo_)) other_ = std::make_unique<const std::string>(text);
}

PackedText::PackedText(const PackedText& other)
    : hi_(other.hi_),
      lo_(other.lo_),
      other_(other.other_ == nullptr ? nullptr
                                     : std::make_unique<const std::string>(*other.other_)) {}

PackedText& PackedText::operator=(const PackedText& other) {
  if (this != &other) *this = PackedText(other);
  return *this;
}

std::string PackedText::str() const {
  if (other_ != nullptr) return *other_;
  std::string out(kGuidLength, '-');
  int digit = 0;
  for (size_t i = 0; i < kGuidLength; ++i) {
    if (IsDash(i)) continue;
    const uint64_t w = digit < 16 ? hi_ : lo_;
    out[i] = kHex[(w >> (4 * (15 - digit % 16))) & 0xf];
    ++digit;
  }
  return out;
}

bool PackedText::operator==(const PackedText& other) const {
  if ((other_ == nullptr) != (other.other_ == nullptr)) return false;
  if (other_ != nullptr) return *other_ == *other.other_;
  return hi_ == other.hi_ && lo_ == other.lo_;
}

}  // namespace tern::detect
