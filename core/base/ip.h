// Client IP normalization for audit records.
//
// Exports render the same address many ways: "1.2.3.4:63070",
// "[2001:db8::abcd]:12345", "[::ffff:1.2.3.4]:1", "::ffff:1.2.3.4", "FE80::",
// "[10.11.12.13]", host names ("cool.client.local:12345"), empty. Pure, thread-safe.
#ifndef TERN_CORE_BASE_IP_H_
#define TERN_CORE_BASE_IP_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tern {

// Returns the canonical text of the address in `raw`: ports and brackets
// stripped, IPv4-mapped IPv6 turned into dotted IPv4, IPv6 lower-cased in RFC 5952
// compressed form. A host name is returned lower-cased without its port.
// Returns "" for empty, "null", "<null>" or "-" input. Never fails.
std::string NormalizeClientIp(std::string_view raw);

// True if `ip` (already normalized) is a literal IPv4 or IPv6 address.
bool IsIpLiteral(std::string_view ip);

// True for loopback, private (RFC 1918, ULA), carrier-grade NAT (100.64/10),
// link-local and unspecified (0/8, ::) addresses; ::ffff:a.b.c.d is judged as a.b.c.d.
bool IsPrivateOrLocalIp(std::string_view ip);

// An IP literal's network: every bit after the first `ipv4_bits` (IPv4) or
// `ipv6_bits` (IPv6, at most 64; a "::ffff:a.b.c.d" text counts as IPv6),
// each rounded down to whole bytes, cleared, as canonical text with the
// prefix length ("1.2.3.0/24", "2001:db8:1::/48"); "" when `ip` is no IP
// literal.
std::string IpNetworkText(std::string_view ip, int ipv4_bits, int ipv6_bits);

// An IP literal in any form inet_pton reads (not only canonical text): IPv4
// in the first 4 bytes with `ipv6` false, an IPv4-mapped IPv6 address
// (::ffff:a.b.c.d) as that IPv4, any other IPv6 in all 16. For prefix
// matching (Sigma's |cidr); nullopt for anything else, host names included.
struct IpAddressBytes {
  std::array<uint8_t, 16> bytes{};
  bool ipv6 = false;
};
std::optional<IpAddressBytes> ParseIpAddress(std::string_view text);

// The 16 bytes of a canonical address (NormalizeClientIp's output for an IP
// literal): IPv6 as is, IPv4 as ::ffff:a.b.c.d (a text NormalizeClientIp
// never returns, so IPv4 and IPv6 keys stay apart). nullopt for a host name
// or for text that is not in canonical form. Two different texts never give
// the same bytes, so a table keyed by them answers exactly as one keyed by
// the text, in 16 bytes instead of a string.
using PackedIp = std::array<uint8_t, 16>;
std::optional<PackedIp> PackCanonicalIp(std::string_view ip);
// The text PackCanonicalIp packed: PackedIpText(*PackCanonicalIp(t)) == t.
std::string PackedIpText(const PackedIp& packed);

}  // namespace tern

#endif  // TERN_CORE_BASE_IP_H_
