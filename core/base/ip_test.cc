#include "core/base/ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"

namespace tern {
namespace {

struct NormalizeCase {
  std::string_view raw;
  std::string_view want;
};

TEST(NormalizeClientIpTest, FormatsSeenInExports) {
  // FORMATS.md section 4.6 plus the RFC 5952 canonical-form rules.
  const NormalizeCase cases[] = {
      {"1.2.3.4", "1.2.3.4"},
      {"203.0.113.77", "203.0.113.77"},
      {"1.2.3.4:63070", "1.2.3.4"},
      {"203.0.113.77:19823", "203.0.113.77"},
      {"[2001:db8::abcd]:12345", "2001:db8::abcd"},
      {"[2001:db8::abcd]", "2001:db8::abcd"},
      {"[2a01:110:8068:7:9bf8:aa87:e00a:5f1f]:36185", "2a01:110:8068:7:9bf8:aa87:e00a:5f1f"},
      {"[2603:1036:4:3f::5]:1672", "2603:1036:4:3f::5"},
      {"[::ffff:1.2.3.4]:12345", "1.2.3.4"},
      {"[::ffff:10.11.12.13]:12345", "10.11.12.13"},
      {"::ffff:1.2.3.4", "1.2.3.4"},
      {"::FFFF:10.11.12.13", "10.11.12.13"},
      {"::ffff:a0b:c0d", "10.11.12.13"},
      {"2603:10B6:5:345::11", "2603:10b6:5:345::11"},
      {"2001:bb6:5f4f:f058:4163:e14a:1332:27c7", "2001:bb6:5f4f:f058:4163:e14a:1332:27c7"},
      {"FE80::", "fe80::"},
      {"::1", "::1"},
      {"::", "::"},
      {"[10.11.12.13]", "10.11.12.13"},
      {"[10.11.12.13]:443", "10.11.12.13"},
      {"localhost", "localhost"},
      {"localhost:12345", "localhost"},
      {"[localhost]:12345", "localhost"},
      {"cool.client.local", "cool.client.local"},
      {"cool.client.local:12345", "cool.client.local"},
      {"[cool.client.local]:12345", "cool.client.local"},
      {"Cool.Client.LOCAL:80", "cool.client.local"},
      {" 1.2.3.4 ", "1.2.3.4"},
      {"1.2.3.4\r\n", "1.2.3.4"},
  };
  for (const NormalizeCase& c : cases) {
    EXPECT_EQ(NormalizeClientIp(c.raw), c.want) << c.raw;
  }
}

TEST(NormalizeClientIpTest, NullMarkersBecomeEmpty) {
  for (std::string_view raw : {"", " ", "null", "NULL", "Null", "<null>", "<NULL>", "-", " - "}) {
    EXPECT_EQ(NormalizeClientIp(raw), "") << raw;
  }
}

TEST(NormalizeClientIpTest, Rfc5952CanonicalForm) {
  const NormalizeCase cases[] = {
      {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
      {"2001:DB8:0:0:0:0:0:1", "2001:db8::1"},
      // A single zero group is not compressed (RFC 5952 section 4.2.2).
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
      // Longest run wins...
      {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},
      // ...and the first run on ties (section 4.2.3).
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
      {"0:0:0:0:0:0:0:0", "::"},
      {"0:0:0:0:0:0:0:1", "::1"},
      {"1:0:0:0:0:0:0:0", "1::"},
      {"fe80:0000:0000:0000:0202:b3ff:fe1e:8329", "fe80::202:b3ff:fe1e:8329"},
      // IPv4-compatible (not mapped) addresses stay hex; glibc's inet_ntop
      // would print "::0.2.0.3", which is not RFC 5952.
      {"::2:3", "::2:3"},
      {"::1.2.3.4", "::102:304"},
      {"64:ff9b::1.2.3.4", "64:ff9b::102:304"},
      {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
  };
  for (const NormalizeCase& c : cases) {
    EXPECT_EQ(NormalizeClientIp(c.raw), c.want) << c.raw;
  }
}

TEST(NormalizeClientIpTest, BareIpv6NeverLosesAPort) {
  // The last group looks like a port but is part of the address.
  EXPECT_EQ(NormalizeClientIp("2001:db8::1:8080"), "2001:db8::1:8080");
  EXPECT_EQ(NormalizeClientIp("fe80::1:443"), "fe80::1:443");
  // "::1" has two colons: not "[:]" with port 1.
  EXPECT_EQ(NormalizeClientIp("::1"), "::1");
}

TEST(NormalizeClientIpTest, MalformedInputIsKeptLowerCased) {
  const NormalizeCase cases[] = {
      {"1.2.3.4:", "1.2.3.4:"},
      {"1.2.3.4:123456", "1.2.3.4:123456"},
      {"1.2.3.4:http", "1.2.3.4:http"},
      {"[2001:db8::1", "[2001:db8::1"},
      {"[2001:db8::1]x", "[2001:db8::1]x"},
      {"[2001:db8::1]:", "[2001:db8::1]:"},
      {"1.2.3.256", "1.2.3.256"},
      {"1.2.3", "1.2.3"},
      {"01.2.3.4", "01.2.3.4"},
      {"2001:db8:::1", "2001:db8:::1"},
      {"FE80::1%ETH0", "fe80::1%eth0"},
      {"NOT AN IP", "not an ip"},
  };
  for (const NormalizeCase& c : cases) {
    EXPECT_EQ(NormalizeClientIp(c.raw), c.want) << c.raw;
  }
}

TEST(NormalizeClientIpTest, HostileInput) {
  // An embedded NUL must not let inet_pton see only the valid prefix.
  const std::string with_nul("1.2.3.4\0evil", 12);
  EXPECT_EQ(NormalizeClientIp(with_nul), with_nul);
  EXPECT_FALSE(IsIpLiteral(with_nul));
  EXPECT_FALSE(IsIpLiteral(std::string("::1\0", 4)));

  const std::string long_text(1 << 20, 'A');
  EXPECT_EQ(NormalizeClientIp(long_text), std::string(1 << 20, 'a'));
  const std::string long_ipv6 = "2001:db8::" + std::string(100000, '1');
  EXPECT_EQ(NormalizeClientIp(long_ipv6), long_ipv6);
  EXPECT_EQ(NormalizeClientIp("[" + long_ipv6 + "]:1"), long_ipv6);

  // Non-ASCII bytes pass through untouched (only ASCII is lower-cased).
  EXPECT_EQ(NormalizeClientIp("H\xc3\x89LLO\xff"), "h\xc3\x89llo\xff");
  EXPECT_EQ(NormalizeClientIp("[]"), "");
  EXPECT_EQ(NormalizeClientIp("[]:80"), "");
  EXPECT_EQ(NormalizeClientIp(":80"), "");
}

TEST(NormalizeClientIpTest, IsIdempotent) {
  const char* inputs[] = {"[::ffff:1.2.3.4]:12345",  "2001:0db8::0001", "FE80::",
                          "cool.client.local:12345", "1.2.3.4:80",      "[2001:db8::abcd]:1"};
  for (const char* raw : inputs) {
    const std::string once = NormalizeClientIp(raw);
    EXPECT_EQ(NormalizeClientIp(once), once) << raw;
  }
}

// Found by fuzz/normalizers_fuzzer (fixtures/fuzz/normalizers/regress-*):
// blanks before a port or inside brackets survived as part of the address,
// so "1.2.3.4 :443" was a host name and normalizing twice changed it.
TEST(NormalizeClientIpTest, BlanksInsideTheDecorations) {
  EXPECT_EQ(NormalizeClientIp("1.2.3.4 :443"), "1.2.3.4");
  EXPECT_EQ(NormalizeClientIp("[ 2001:DB8::1 ]:443"), "2001:db8::1");
  EXPECT_EQ(NormalizeClientIp("[null]"), "");
  EXPECT_EQ(NormalizeClientIp("host\t:0"), "host");
}

// Found by fuzz/normalizers_fuzzer (fixtures/fuzz/normalizers/regress-*):
// a bracketed name holding a port-like tail kept it, and a second pass then
// stripped it, so normalization was not idempotent.
TEST(NormalizeClientIpTest, DecorationsInsideDecorations) {
  EXPECT_EQ(NormalizeClientIp("[3/:5]"), "3/");
  EXPECT_EQ(NormalizeClientIp("3/"), "3/");
  EXPECT_EQ(NormalizeClientIp("[ null ]:443"), "");
}

TEST(IsIpLiteralTest, Cases) {
  for (std::string_view ip : {"1.2.3.4", "0.0.0.0", "255.255.255.255", "::1", "::", "fe80::",
                              "2001:db8::1", "::ffff:1.2.3.4", "2603:10B6:5:345::11"}) {
    EXPECT_TRUE(IsIpLiteral(ip)) << ip;
  }
  for (std::string_view ip : {"", "localhost", "1.2.3.4:80", "[::1]", "1.2.3.256", "1.2.3",
                              "01.2.3.4", " 1.2.3.4", "fe80::1%eth0", "2001:db8:::1", "null"}) {
    EXPECT_FALSE(IsIpLiteral(ip)) << ip;
  }
}

TEST(IsIpLiteralTest, DottedQuadsAsInetPtonReadsThem) {
  // tern parses IPv4 itself; every text of digits and dots up to 8 long
  // from a few digits, and some longer ones, must get inet_pton's answer.
  std::vector<std::string> texts = {"255.255.255.255", "256.1.1.1", "1.2.3.4.5", "1.2.3.04",
                                    "100.200.0.9",     "1..2.3",    "0.0.0.0",   "9.99.199.255"};
  std::vector<std::string> level = {""};
  for (int len = 1; len <= 8; ++len) {
    std::vector<std::string> next;
    for (const std::string& t : level) {
      for (char c : std::string_view("019.")) next.push_back(t + c);
    }
    texts.insert(texts.end(), next.begin(), next.end());
    level = std::move(next);
  }
  int literals = 0;
  for (const std::string& text : texts) {
    unsigned char bytes[4];
    const bool want = inet_pton(AF_INET, text.c_str(), bytes) == 1;
    ASSERT_EQ(IsIpLiteral(text), want) << text;
    literals += want;
  }
  EXPECT_GT(literals, 100);
}

// What IpNetworkText does, by inet_pton and inet_ntop.
std::string NetworkByLibc(const std::string& ip, int ipv4_bits, int ipv6_bits) {
  char out[INET6_ADDRSTRLEN];
  const bool v4 = ip.find(':') == std::string::npos;
  unsigned char bytes[16];
  if (inet_pton(v4 ? AF_INET : AF_INET6, ip.c_str(), bytes) != 1) return "";
  const int size = v4 ? 4 : 16;
  const int kept = std::clamp(v4 ? ipv4_bits : std::min(ipv6_bits, 64), 0, 8 * size) / 8;
  std::fill(bytes + kept, bytes + size, 0);
  inet_ntop(v4 ? AF_INET : AF_INET6, bytes, out, sizeof(out));
  return std::string(out) + "/" + std::to_string(kept * 8);
}

TEST(IpNetworkTextTest, MasksAsInetNtopPrintsAndNothingElse) {
  EXPECT_EQ(IpNetworkText("81.2.69.142", 24, 48), "81.2.69.0/24");
  EXPECT_EQ(IpNetworkText("2a00:2012:4a10:1:2:3:4:5", 24, 48), "2a00:2012:4a10::/48");
  EXPECT_EQ(IpNetworkText("2a00:2012:4a10:1:2:3:4:5", 24, 70), "2a00:2012:4a10:1::/64");
  EXPECT_EQ(IpNetworkText("::ffff:1.2.3.4", 24, 128), "::/64");
  EXPECT_EQ(IpNetworkText("host.example", 24, 48), "");
  EXPECT_EQ(IpNetworkText("", 24, 48), "");
  for (const std::string ip :
       {"1.2.3.4", "255.255.255.255", "0.0.0.0", "::", "::1", "::ffff:1.2.3.4",
        "0:1:0:0:1::", "2001:db8:0:1:1:1:1:1", "fe80::1:2", "1:0:0:2:0:0:0:3", "0:0:0:0:0:0:0:1",
        "abcd:ef01:2345:6789:abcd:ef01:2345:6789", "1:2:3:4:5:6:7:8", "::2:3:4:5:6:7:8"}) {
    for (int bits = -8; bits <= 136; bits += 4) {
      EXPECT_EQ(IpNetworkText(ip, bits, bits), NetworkByLibc(ip, bits, bits)) << ip << " " << bits;
    }
  }
}

TEST(IsPrivateOrLocalIpTest, PrivateAndLocal) {
  for (std::string_view ip : {"127.0.0.1",
                              "127.255.255.254",
                              "10.0.0.1",
                              "10.255.255.255",
                              "172.16.0.1",
                              "172.31.255.255",
                              "192.168.0.1",
                              "192.168.255.255",
                              "169.254.1.1",
                              "0.0.0.0",
                              "100.64.0.1",
                              "100.127.255.255",
                              "::1",
                              "::",
                              "fc00::1",
                              "fd12:3456::1",
                              "fe80::",
                              "fe80::1",
                              "febf:ffff::1",
                              "::ffff:10.1.2.3",
                              "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsPrivateOrLocalIp(ip)) << ip;
  }
}

TEST(IsPrivateOrLocalIpTest, PublicAndNonIp) {
  for (std::string_view ip : {"1.2.3.4",
                              "8.8.8.8",
                              "203.0.113.77",
                              "172.15.255.255",
                              "172.32.0.0",
                              "192.167.1.1",
                              "192.169.0.1",
                              "169.253.1.1",
                              "100.63.255.255",
                              "100.128.0.0",
                              "11.0.0.1",
                              "126.0.0.1",
                              "128.0.0.1",
                              "2001:db8::1",
                              "2603:10b6:5:345::11",
                              "fec0::1",
                              "fbff::1",
                              "fe7f::1",
                              "::2",
                              "::ffff:8.8.8.8",
                              "",
                              "localhost",
                              "10.0.0.1:80",
                              "garbage"}) {
    EXPECT_FALSE(IsPrivateOrLocalIp(ip)) << ip;
  }
}

TEST(PackCanonicalIpTest, CanonicalAddressesPackAndStayDistinct) {
  const std::vector<std::string> texts = {
      "1.2.3.4",     "81.2.69.160",        "0.0.0.0", "255.255.255.255",
      "2001:db8::1", "2001:db8:0:1::1",    "::",      "::1",
      "fe80::",      "2a00:2012:4a10::7f", "::2:3",   "2001:db8:1:2:3:4:5:6"};
  std::set<PackedIp> seen;
  for (const std::string& text : texts) {
    // Every text here is already NormalizeClientIp's output...
    ASSERT_EQ(NormalizeClientIp(text), text);
    const std::optional<PackedIp> packed = PackCanonicalIp(text);
    ASSERT_TRUE(packed.has_value()) << text;
    // ...and no two of them share their bytes...
    EXPECT_TRUE(seen.insert(*packed).second) << text;
    // ...and the bytes give the text back.
    EXPECT_EQ(PackedIpText(*packed), text);
  }
  const std::optional<PackedIp> v4 = PackCanonicalIp("1.2.3.4");
  EXPECT_EQ(*v4, (PackedIp{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4}));
}

TEST(PackCanonicalIpTest, OtherSpellingsAndHostNamesAreNotPacked) {
  // Each of these is an address, but not in its canonical text: packing it
  // would merge it with the canonical spelling, which a text key keeps apart.
  for (const char* text : {"::ffff:1.2.3.4", "2001:DB8::1", "2001:db8:0:0:0:0:0:1", "2001:0db8::1",
                           "[2001:db8::1]", "1.2.3.4:443", "01.2.3.4", "::0.2.0.3"}) {
    EXPECT_FALSE(PackCanonicalIp(text).has_value()) << text;
  }
  for (const char* text : {"", "cool.client.local", "not an ip", "1.2.3", "-"}) {
    EXPECT_FALSE(PackCanonicalIp(text).has_value()) << text;
  }
}

// Any spelling inet_pton reads, canonical or not: what Sigma's |cidr
// compares. The bytes are inet_pton's; an IPv4-mapped IPv6 address is its
// IPv4.
TEST(ParseIpAddressTest, ReadsWhatInetPtonReadsAndMapsIpv4MappedAddresses) {
  const std::optional<IpAddressBytes> v4 = ParseIpAddress("192.0.2.33");
  ASSERT_TRUE(v4.has_value());
  EXPECT_FALSE(v4->ipv6);
  EXPECT_EQ(std::vector<uint8_t>(v4->bytes.begin(), v4->bytes.begin() + 4),
            (std::vector<uint8_t>{192, 0, 2, 33}));
  EXPECT_TRUE(
      std::all_of(v4->bytes.begin() + 4, v4->bytes.end(), [](uint8_t b) { return b == 0; }));

  const std::optional<IpAddressBytes> mapped = ParseIpAddress("::FFFF:192.0.2.33");
  ASSERT_TRUE(mapped.has_value());
  EXPECT_FALSE(mapped->ipv6);
  EXPECT_EQ(mapped->bytes, v4->bytes);

  for (const char* text : {"2001:DB8::1", "2001:0db8:0:0:0:0:0:1", "fe80::1:2", "::"}) {
    SCOPED_TRACE(text);
    const std::optional<IpAddressBytes> v6 = ParseIpAddress(text);
    ASSERT_TRUE(v6.has_value());
    EXPECT_TRUE(v6->ipv6);
    std::array<uint8_t, 16> expected{};
    ASSERT_EQ(inet_pton(AF_INET6, text, expected.data()), 1);
    EXPECT_EQ(v6->bytes, expected);
  }
  using namespace std::string_view_literals;
  for (std::string_view text : {""sv, "010.1.1.1"sv, "1.2.3"sv, "host.example"sv, "1.2.3.4:80"sv,
                                "[2001:db8::1]"sv, "1.2.3.4\0junk"sv, "2001:db8::1\0"sv}) {
    EXPECT_FALSE(ParseIpAddress(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace tern
