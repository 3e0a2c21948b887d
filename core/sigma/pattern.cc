#include "core/sigma/pattern.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/base/ip.h"
#include "core/base/strings.h"
#include "re2/re2.h"

namespace tern::sigma {
namespace {

enum GlobByte : uint8_t { kLit = 0, kStar = 1, kOne = 2 };

char Fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool SameChar(char pattern, char value, bool cased) {
  return cased ? pattern == value : pattern == Fold(value);
}

// Length of the UTF-8 sequence starting with `lead` (1 for stray bytes).
size_t Utf8Length(unsigned char lead) {
  if (lead >= 0xF0 && lead < 0xF8) return 4;
  if (lead >= 0xE0) return lead < 0xF0 ? 3 : 1;
  if (lead >= 0xC0) return 2;
  return 1;
}

bool EqualsAt(std::string_view value, size_t at, std::string_view lit, bool cased) {
  if (at + lit.size() > value.size()) return false;
  for (size_t i = 0; i < lit.size(); ++i) {
    if (!SameChar(lit[i], value[at + i], cased)) return false;
  }
  return true;
}

bool Find(std::string_view value, std::string_view lit, bool cased) {
  if (lit.empty()) return true;
  if (lit.size() > value.size()) return false;
  for (size_t at = 0; at + lit.size() <= value.size(); ++at) {
    if (EqualsAt(value, at, lit, cased)) return true;
  }
  return false;
}

bool GlobMatch(std::string_view pat, const std::vector<uint8_t>& kind, std::string_view v,
               bool cased) {
  size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
  while (s < v.size()) {
    if (p < pat.size() && kind[p] == kOne) {
      ++p;
      s += Utf8Length(static_cast<unsigned char>(v[s]));
    } else if (p < pat.size() && kind[p] == kLit && SameChar(pat[p], v[s], cased)) {
      ++p;
      ++s;
    } else if (p < pat.size() && kind[p] == kStar) {
      star = p++;
      mark = s;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pat.size() && kind[p] == kStar) ++p;
  return p == pat.size();
}

}  // namespace

Pattern Pattern::Text(std::string_view sigma_value, bool cased, bool wrap_start, bool wrap_end) {
  std::string text;
  std::vector<uint8_t> kind;
  auto push = [&](char c, uint8_t k) {
    if (k == kStar && !kind.empty() && kind.back() == kStar) return;  // "**" is "*"
    text.push_back(k == kLit && !cased ? Fold(c) : c);
    kind.push_back(k);
  };
  if (wrap_start) push('*', kStar);
  for (size_t i = 0; i < sigma_value.size(); ++i) {
    const char c = sigma_value[i];
    if (c == '\\' && i + 1 < sigma_value.size() &&
        (sigma_value[i + 1] == '*' || sigma_value[i + 1] == '?' || sigma_value[i + 1] == '\\')) {
      push(sigma_value[++i], kLit);
    } else if (c == '*') {
      push(c, kStar);
    } else if (c == '?') {
      push(c, kOne);
    } else {
      push(c, kLit);
    }
  }
  if (wrap_end) push('*', kStar);
  return Classified(std::move(text), std::move(kind), cased);
}

Pattern Pattern::Literal(std::string_view value, bool cased, bool wrap_start, bool wrap_end) {
  std::string text;
  std::vector<uint8_t> kind;
  if (wrap_start) {
    text.push_back('*');
    kind.push_back(kStar);
  }
  for (char c : value) {
    text.push_back(cased ? c : Fold(c));
    kind.push_back(kLit);
  }
  if (wrap_end && (kind.empty() || kind.back() != kStar)) {
    text.push_back('*');
    kind.push_back(kStar);
  }
  return Classified(std::move(text), std::move(kind), cased);
}

Pattern Pattern::Classified(std::string text, std::vector<uint8_t> glob, bool cased) {
  size_t stars = 0, ones = 0;
  for (uint8_t k : glob) {
    stars += k == kStar;
    ones += k == kOne;
  }
  const bool lead = !glob.empty() && glob.front() == kStar;
  const bool trail = glob.size() > 1 && glob.back() == kStar;
  Pattern p;
  p.cased_ = cased;
  p.kind_ = Kind::kGlob;
  if (ones == 0) {
    if (stars == 0) {
      p.kind_ = Kind::kExact;
    } else if (stars == 1 && glob.size() == 1) {
      p.kind_ = Kind::kContains;  // "*": anything
    } else if (stars == 1 && trail) {
      p.kind_ = Kind::kPrefix;
    } else if (stars == 1 && lead) {
      p.kind_ = Kind::kSuffix;
    } else if (stars == 2 && lead && trail) {
      p.kind_ = Kind::kContains;
    }
  }
  if (p.kind_ == Kind::kGlob) {
    p.text_ = std::move(text);
    p.glob_ = std::move(glob);
  } else {
    // Keep only the literal part.
    for (size_t i = 0; i < text.size(); ++i) {
      if (glob[i] == kLit) p.text_.push_back(text[i]);
    }
  }
  return p;
}

absl::StatusOr<Pattern> Pattern::Regex(std::string_view expression, std::string_view flags) {
  std::string prefix;
  for (char f : flags) {
    if (f != 'i' && f != 'm' && f != 's') {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown regular expression flag '", std::string(1, f), "'"));
    }
    if (prefix.find(f) == std::string::npos) prefix.push_back(f);
  }
  std::string full = prefix.empty() ? std::string(expression)
                                    : absl::StrCat("(?", prefix, ")", ToAbsl(expression));
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const re2::RE2>(full, options);
  if (!re->ok()) {
    return absl::InvalidArgumentError(absl::StrCat("bad regular expression: ", re->error()));
  }
  Pattern p;
  p.kind_ = Kind::kRegex;
  p.cased_ = true;
  p.text_ = std::string(expression);
  p.regex_ = std::move(re);
  return p;
}

absl::StatusOr<Pattern> Pattern::Cidr(std::string_view cidr) {
  Pattern p;
  p.kind_ = Kind::kCidr;
  p.text_ = std::string(cidr);
  const size_t slash = cidr.find('/');
  const std::string_view address = cidr.substr(0, slash);
  const std::optional<IpAddressBytes> net = ParseIpAddress(address);
  if (!net.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat("bad CIDR '", ToAbsl(cidr), "'"));
  }
  p.net_ = net->bytes;
  p.v6_ = net->ipv6;
  const int max = p.v6_ ? 128 : 32;
  p.prefix_ = max;
  if (slash != std::string_view::npos) {
    int length = -1;
    if (!absl::SimpleAtoi(ToAbsl(cidr.substr(slash + 1)), &length) || length < 0 || length > max) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad CIDR prefix length in '", ToAbsl(cidr), "'"));
    }
    p.prefix_ = length;
  }
  return p;
}

absl::StatusOr<Pattern> Pattern::Number(Compare op, std::string_view number) {
  Pattern p;
  p.kind_ = Kind::kNumber;
  p.compare_ = op;
  p.text_ = std::string(number);
  if (!absl::SimpleAtod(ToAbsl(number), &p.number_)) {
    return absl::InvalidArgumentError(absl::StrCat("not a number: '", ToAbsl(number), "'"));
  }
  return p;
}

Pattern Pattern::Null() {
  Pattern p;
  p.kind_ = Kind::kNull;
  return p;
}

bool Pattern::Matches(std::string_view v) const {
  switch (kind_) {
    case Kind::kExact:
      return v.size() == text_.size() && EqualsAt(v, 0, text_, cased_);
    case Kind::kPrefix:
      return EqualsAt(v, 0, text_, cased_);
    case Kind::kSuffix:
      return v.size() >= text_.size() && EqualsAt(v, v.size() - text_.size(), text_, cased_);
    case Kind::kContains:
      return Find(v, text_, cased_);
    case Kind::kGlob:
      return GlobMatch(text_, glob_, v, cased_);
    case Kind::kRegex:
      return RE2::PartialMatch(re2::StringPiece(v.data(), v.size()), *regex_);
    case Kind::kCidr: {
      const std::optional<IpAddressBytes> parsed = ParseIpAddress(NormalizeClientIp(v));
      if (!parsed.has_value() || parsed->ipv6 != v6_) return false;
      const std::array<uint8_t, 16>& addr = parsed->bytes;
      const int full = prefix_ / 8, rest = prefix_ % 8;
      if (std::memcmp(addr.data(), net_.data(), full) != 0) return false;
      if (rest == 0) return true;
      const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
      return (addr[full] & mask) == (net_[full] & mask);
    }
    case Kind::kNumber: {
      double n = 0;
      if (!absl::SimpleAtod(ToAbsl(v), &n)) return false;
      switch (compare_) {
        case Compare::kLt:
          return n < number_;
        case Compare::kLte:
          return n <= number_;
        case Compare::kGt:
          return n > number_;
        case Compare::kGte:
          return n >= number_;
      }
      return false;
    }
    case Kind::kNull:
      return v.empty();
  }
  return false;
}

std::vector<std::string> WindashVariants(std::string_view value) {
  static constexpr std::string_view kDashes[] = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94",
                                                 "\xE2\x80\x95"};
  std::vector<size_t> at;
  for (size_t i = 0; i < value.size(); ++i) {
    if ((value[i] == '-' || value[i] == '/') && (i == 0 || value[i - 1] == ' ')) at.push_back(i);
  }
  if (at.empty()) return {std::string(value)};
  std::vector<std::string> out;
  for (std::string_view dash : kDashes) {
    std::string v;
    size_t next = 0;
    for (size_t i = 0; i < value.size(); ++i) {
      if (next < at.size() && at[next] == i) {
        v.append(dash);
        ++next;
      } else {
        v.push_back(value[i]);
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::string Base64(std::string_view value) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < value.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(value[i]) << 16) |
                       (static_cast<uint8_t>(value[i + 1]) << 8) |
                       static_cast<uint8_t>(value[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(n >> shift) & 63]);
  }
  const size_t rest = value.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<uint8_t>(value[i]) << 16;
    if (rest == 2) n |= static_cast<uint8_t>(value[i + 1]) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::vector<std::string> Base64OffsetVariants(std::string_view value) {
  // As the Sigma specification (pySigma) computes them: the encoding of the
  // value shifted by 0, 1 and 2 bytes, without the characters that depend on
  // the unknown neighbours.
  static constexpr size_t kStart[] = {0, 2, 3};
  static constexpr int kEndCut[] = {0, 3, 2};
  std::vector<std::string> out;
  for (size_t i = 0; i < 3; ++i) {
    std::string padded(i, ' ');
    padded.append(value);
    const std::string enc = Base64(padded);
    const size_t cut = kEndCut[(value.size() + i) % 3];
    if (enc.size() < kStart[i] + cut) continue;
    out.push_back(enc.substr(kStart[i], enc.size() - kStart[i] - cut));
  }
  return out;
}

std::string Utf16(std::string_view value, bool big_endian, bool bom) {
  std::string out;
  auto unit = [&](uint16_t u) {
    const char lo = static_cast<char>(u & 0xff), hi = static_cast<char>(u >> 8);
    out.push_back(big_endian ? hi : lo);
    out.push_back(big_endian ? lo : hi);
  };
  if (bom) unit(0xFEFF);
  for (size_t i = 0; i < value.size();) {
    const unsigned char lead = static_cast<unsigned char>(value[i]);
    const size_t len = std::min(Utf8Length(lead), value.size() - i);
    uint32_t cp = len == 1 ? lead : (lead & (0x7F >> len));
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<uint8_t>(value[i + k]) & 0x3F);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(static_cast<uint16_t>(0xD800 + (cp >> 10)));
      unit(static_cast<uint16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      unit(static_cast<uint16_t>(cp));
    }
    i += len;
  }
  return out;
}

}  // namespace tern::sigma
