#include "core/base/ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "core/base/strings.h"

namespace tern {
namespace {

// Longest textual IPv6 address ("ffff:...:255.255.255.255" is 45 chars). The
// cap also keeps hostile multi-megabyte "addresses" away from inet_pton.
constexpr size_t kMaxIpv6TextLength = 45;
constexpr size_t kMaxIpv4TextLength = 15;
constexpr size_t kMaxPortDigits = 5;

using Ipv4Bytes = std::array<uint8_t, 4>;
using Ipv6Bytes = std::array<uint8_t, 16>;

// inet_pton needs a NUL-terminated string, and an embedded NUL would make it
// parse only a prefix ("1.2.3.4\0junk"); both are handled by copying a checked
// view into a fixed buffer.
bool CopyForInetPton(std::string_view text, size_t max_length, char* buffer) {
  if (text.empty() || text.size() > max_length || text.find('\0') != std::string_view::npos) {
    return false;
  }
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  return true;
}

// Strict dotted quad: four decimal parts 0..255, no leading zeros (glibc's
// inet_pton rejects "010.1.1.1", which would be octal to other parsers).
// Parsed here rather than by inet_pton (the same answers; IpTest checks them
// against it): the analysis parses a few addresses per event.
std::optional<Ipv4Bytes> ParseIpv4(std::string_view text) {
  if (text.empty() || text.size() > kMaxIpv4TextLength) return std::nullopt;
  Ipv4Bytes bytes{};
  size_t part = 0;
  int value = 0;
  int digits = 0;
  for (const char c : text) {
    if (c == '.') {
      if (digits == 0 || part == 3) return std::nullopt;
      bytes[part++] = static_cast<uint8_t>(value);
      value = 0;
      digits = 0;
      continue;
    }
    if (c < '0' || c > '9' || (digits == 1 && value == 0)) return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > 255) return std::nullopt;
    ++digits;
  }
  if (digits == 0 || part != 3) return std::nullopt;
  bytes[3] = static_cast<uint8_t>(value);
  return bytes;
}

std::optional<Ipv6Bytes> ParseIpv6(std::string_view text) {
  char buffer[kMaxIpv6TextLength + 1];
  if (!CopyForInetPton(text, kMaxIpv6TextLength, buffer)) return std::nullopt;
  Ipv6Bytes bytes;
  if (inet_pton(AF_INET6, buffer, bytes.data()) != 1) return std::nullopt;
  return bytes;
}

// ::ffff:a.b.c.d (RFC 4291 section 2.5.5.2) is an IPv4 client seen through a
// dual-stack socket; it must compare equal to a.b.c.d.
std::optional<Ipv4Bytes> MappedIpv4(const Ipv6Bytes& bytes) {
  for (int i = 0; i < 10; ++i) {
    if (bytes[i] != 0) return std::nullopt;
  }
  if (bytes[10] != 0xff || bytes[11] != 0xff) return std::nullopt;
  return Ipv4Bytes{bytes[12], bytes[13], bytes[14], bytes[15]};
}

std::string FormatIpv4(const Ipv4Bytes& bytes) {
  std::string out;
  out.reserve(kMaxIpv4TextLength);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out += '.';
    const int part = bytes[i];
    if (part >= 100) out += static_cast<char>('0' + part / 100);
    if (part >= 10) out += static_cast<char>('0' + part / 10 % 10);
    out += static_cast<char>('0' + part % 10);
  }
  return out;
}

// RFC 5952 section 4: lower-case hex, no leading zeros, the longest run of two
// or more zero groups replaced by "::" (the first run on ties). Written here
// rather than taken from inet_ntop, whose output for IPv4-compatible
// addresses ("::0.2.0.3") is not RFC 5952.
std::string FormatIpv6(const Ipv6Bytes& bytes) {
  std::array<uint16_t, 8> groups;
  for (size_t i = 0; i < groups.size(); ++i) {
    groups[i] = static_cast<uint16_t>(bytes[2 * i] << 8 | bytes[2 * i + 1]);
  }
  int best_start = -1;
  int best_length = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int end = i;
    while (end < 8 && groups[end] == 0) ++end;
    if (end - i > best_length) {
      best_start = i;
      best_length = end - i;
    }
    i = end;
  }
  if (best_length < 2) best_start = -1;

  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(kMaxIpv6TextLength);
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_length - 1;
      continue;
    }
    if (i > 0 && out.back() != ':') out += ':';
    const uint16_t group = groups[i];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const int nibble = (group >> shift) & 0xf;
      if (nibble != 0 || started || shift == 0) {
        out += kHexDigits[nibble];
        started = true;
      }
    }
  }
  return out;
}

// Canonical text of an IP literal, or nullopt if `host` is not one.
std::optional<std::string> CanonicalIp(std::string_view host) {
  if (std::optional<Ipv4Bytes> v4 = ParseIpv4(host)) return FormatIpv4(*v4);
  if (std::optional<Ipv6Bytes> v6 = ParseIpv6(host)) {
    if (std::optional<Ipv4Bytes> mapped = MappedIpv4(*v6)) return FormatIpv4(*mapped);
    return FormatIpv6(*v6);
  }
  return std::nullopt;
}

bool IsPort(std::string_view text) {
  if (text.empty() || text.size() > kMaxPortDigits) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

// Removes "[...]" and ":port" decorations. Only a bracketed IPv6 can carry a
// port after colons inside it; a bare IPv6 ("2603:10b6:5:345::11") ends in a
// group, never in a port, so text with two or more colons is left alone.
std::string_view StripBracketsAndPort(std::string_view text) {
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return text;
    const std::string_view after = text.substr(close + 1);
    if (after.empty() || (after[0] == ':' && IsPort(after.substr(1)))) {
      return text.substr(1, close - 1);
    }
    return text;
  }
  const size_t colon = text.find(':');
  if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos &&
      IsPort(text.substr(colon + 1))) {
    return text.substr(0, colon);
  }
  return text;
}

bool IsNullMarker(std::string_view text) {
  return text.empty() || text == "-" || EqualsIgnoreCase(text, "null") ||
         EqualsIgnoreCase(text, "<null>");
}

bool InIpv4Prefix(const Ipv4Bytes& bytes, uint32_t network, int prefix_length) {
  const uint32_t address = static_cast<uint32_t>(bytes[0]) << 24 |
                           static_cast<uint32_t>(bytes[1]) << 16 |
                           static_cast<uint32_t>(bytes[2]) << 8 | bytes[3];
  const uint32_t mask = prefix_length == 0 ? 0 : ~uint32_t{0} << (32 - prefix_length);
  return (address & mask) == network;
}

bool IsPrivateOrLocalIpv4(const Ipv4Bytes& bytes) {
  struct Prefix {
    uint32_t network;
    int length;
  };
  static constexpr Prefix kLocalPrefixes[] = {
      {0x00000000, 8},   // 0.0.0.0/8 "this network", includes unspecified 0.0.0.0
      {0x0a000000, 8},   // 10/8 RFC 1918
      {0x64400000, 10},  // 100.64/10 carrier-grade NAT (RFC 6598)
      {0x7f000000, 8},   // 127/8 loopback
      {0xa9fe0000, 16},  // 169.254/16 link-local
      {0xac100000, 12},  // 172.16/12 RFC 1918
      {0xc0a80000, 16},  // 192.168/16 RFC 1918
  };
  for (const Prefix& prefix : kLocalPrefixes) {
    if (InIpv4Prefix(bytes, prefix.network, prefix.length)) return true;
  }
  return false;
}

bool IsPrivateOrLocalIpv6(const Ipv6Bytes& bytes) {
  bool all_zero_but_last = true;
  for (int i = 0; i < 15; ++i) {
    if (bytes[i] != 0) all_zero_but_last = false;
  }
  if (all_zero_but_last && (bytes[15] == 0 || bytes[15] == 1)) return true;  // :: and ::1
  if ((bytes[0] & 0xfe) == 0xfc) return true;                                // fc00::/7 ULA
  if (bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80) return true;            // fe80::/10
  return false;
}

}  // namespace

std::string NormalizeClientIp(std::string_view raw) {
  const std::string_view trimmed = TrimAsciiWhitespace(raw);
  if (IsNullMarker(trimmed)) return "";
  // Blanks can sit inside the decorations too ("1.2.3.4 :443", "[ ::1 ]"),
  // and what is left may be a null marker ("[null]") or decorated again
  // ("[host:5]"): strip until nothing changes, so that normalizing a
  // normalized value leaves it as it is. Each round shortens the text.
  std::string_view host = trimmed;
  for (std::string_view next = TrimAsciiWhitespace(StripBracketsAndPort(host)); next != host;
       next = TrimAsciiWhitespace(StripBracketsAndPort(host))) {
    host = next;
  }
  if (IsNullMarker(host)) return "";
  if (std::optional<std::string> ip = CanonicalIp(host)) return *std::move(ip);
  // Host names are case-insensitive (RFC 4343); lower-casing makes
  // "Cool.Client.Local" and "cool.client.local" one value.
  std::string lowered(host);
  absl::AsciiStrToLower(&lowered);
  return lowered;
}

std::optional<IpAddressBytes> ParseIpAddress(std::string_view text) {
  IpAddressBytes out;
  std::optional<Ipv4Bytes> v4 = ParseIpv4(text);
  if (!v4.has_value()) {
    const std::optional<Ipv6Bytes> v6 = ParseIpv6(text);
    if (!v6.has_value()) return std::nullopt;
    v4 = MappedIpv4(*v6);
    if (!v4.has_value()) {
      out.bytes = *v6;
      out.ipv6 = true;
      return out;
    }
  }
  std::copy(v4->begin(), v4->end(), out.bytes.begin());
  return out;
}

std::optional<PackedIp> PackCanonicalIp(std::string_view ip) {
  // Canonical means the text is what formatting its bytes gives back: then
  // distinct texts have distinct bytes.
  if (std::optional<Ipv4Bytes> v4 = ParseIpv4(ip)) {
    if (FormatIpv4(*v4) != ip) return std::nullopt;
    PackedIp packed{};
    packed[10] = 0xff;
    packed[11] = 0xff;
    std::copy(v4->begin(), v4->end(), packed.begin() + 12);
    return packed;
  }
  if (std::optional<Ipv6Bytes> v6 = ParseIpv6(ip)) {
    if (MappedIpv4(*v6).has_value() || FormatIpv6(*v6) != ip) return std::nullopt;
    return *v6;
  }
  return std::nullopt;
}

std::string PackedIpText(const PackedIp& packed) {
  if (std::optional<Ipv4Bytes> v4 = MappedIpv4(packed)) return FormatIpv4(*v4);
  return FormatIpv6(packed);
}

std::string IpNetworkText(std::string_view ip, int ipv4_bits, int ipv6_bits) {
  auto clear_after = [](auto bytes, int bits) {
    const size_t kept = static_cast<size_t>(std::clamp(bits, 0, 8 * int(bytes.size())) / 8);
    std::fill(bytes.begin() + kept, bytes.end(), 0);
    return std::make_pair(bytes, kept * 8);
  };
  if (ip.find(':') == std::string_view::npos) {
    const std::optional<Ipv4Bytes> v4 = ParseIpv4(ip);
    if (!v4.has_value()) return "";
    const auto [network, bits] = clear_after(*v4, ipv4_bits);
    return FormatIpv4(network) + "/" + std::to_string(bits);
  }
  const std::optional<Ipv6Bytes> v6 = ParseIpv6(ip);
  if (!v6.has_value()) return "";
  // At most 64 bits: a network, never an address with an embedded IPv4
  // one, which inet_ntop writes in dotted form.
  const auto [network, bits] = clear_after(*v6, std::min(ipv6_bits, 64));
  return FormatIpv6(network) + "/" + std::to_string(bits);
}

bool IsIpLiteral(std::string_view ip) {
  return ParseIpv4(ip).has_value() || ParseIpv6(ip).has_value();
}

bool IsPrivateOrLocalIp(std::string_view ip) {
  if (std::optional<Ipv4Bytes> v4 = ParseIpv4(ip)) return IsPrivateOrLocalIpv4(*v4);
  if (std::optional<Ipv6Bytes> v6 = ParseIpv6(ip)) {
    if (std::optional<Ipv4Bytes> mapped = MappedIpv4(*v6)) return IsPrivateOrLocalIpv4(*mapped);
    return IsPrivateOrLocalIpv6(*v6);
  }
  return false;
}

}  // namespace tern
