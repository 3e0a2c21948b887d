#include "tools/gen/model.h"

#include <cstdio>
#include <set>

namespace tern::gen {
namespace {

uint64_t SplitMix(uint64_t* x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

constexpr const char* kFirst[] = {
    "grace", "omar",  "priya", "ben",   "lena",   "ada",   "alan",   "maria",  "chen", "fatima",
    "jonas", "sofia", "ivan",  "amara", "lucas",  "yuki",  "noah",   "elena",  "ravi", "hannah",
    "mateo", "aisha", "erik",  "chloe", "david",  "nadia", "tomas",  "ingrid", "kofi", "mei",
    "oscar", "leila", "pavel", "rosa",  "samuel", "tanvi", "victor", "wen",    "zara", "felix"};
constexpr const char* kLast[] = {
    "hopper",  "haddad", "shah",   "ortiz",   "fischer", "lovelace", "turing", "garcia",
    "wang",    "khan",   "berg",   "rossi",   "petrov",  "okafor",   "silva",  "tanaka",
    "miller",  "novak",  "iyer",   "schmidt", "lopez",   "mansour",  "larsen", "martin",
    "cohen",   "ali",    "horvat", "nilsson", "mensah",  "liu",      "brown",  "haddadi",
    "smirnov", "costa",  "evans",  "patel",   "dubois",  "zhang",    "ahmed",  "weber"};

std::string Capitalized(const char* s) {
  std::string out(s);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out;
}

std::string Dotted(uint32_t ip) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
                ip & 255);
  return buf;
}

// Homes inside the GeoIP test ranges (shared/geoip) for the first users of a
// site, so that geo-aware rules see real locations; the rest live in a
// synthetic public range without geo data (unknown locations never make
// travel findings).
struct HomeRange {
  uint32_t base;
  uint32_t size;
};

uint32_t Ip(int a, int b, int c, int d) {
  return (static_cast<uint32_t>(a) << 24) | (static_cast<uint32_t>(b) << 16) |
         (static_cast<uint32_t>(c) << 8) | static_cast<uint32_t>(d);
}

}  // namespace

Rng::Rng(uint64_t seed) {
  uint64_t x = seed;
  for (uint64_t& s : s_) s = SplitMix(&x);
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

std::string Rng::Guid() {
  static constexpr char kHex[] = "0123456789abcdef";
  const uint64_t a = Next();
  const uint64_t b = Next();
  std::string out(36, '-');
  int bit = 0;
  for (int i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    const uint64_t word = bit < 64 ? a : b;
    uint64_t nibble = (word >> (bit % 64)) & 15;
    if (i == 14) nibble = 4;                 // version 4
    if (i == 19) nibble = 8 | (nibble & 3);  // RFC 4122 variant
    out[i] = kHex[nibble];
    bit += 4;
  }
  return out;
}

std::string Rng::Hex(int n) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out(static_cast<size_t>(n), '0');
  uint64_t word = 0;
  for (int i = 0; i < n; ++i) {
    if (i % 16 == 0) word = Next();
    out[i] = kHex[word & 15];
    word >>= 4;
  }
  return out;
}

uint64_t SubSeed(uint64_t seed, uint64_t stream) {
  uint64_t x = seed ^ (stream * 0xd1342543de82ef95ull);
  SplitMix(&x);
  return SplitMix(&x);
}

Tenant MakeTenant(uint64_t seed, int users, int days, int64_t start_ms) {
  Rng rng(SubSeed(seed, 0x7e4a47ull));
  Tenant t;
  t.domain = "contoso.com";
  t.org_name = "contoso.onmicrosoft.com";
  t.org_id = rng.Guid();
  t.start_ms = start_ms;
  t.days = days;
  // Offices in the GeoIP test ranges: London, Linkoping, San Diego, Milton.
  t.sites = {{"London", {"81.2.69.142", "81.2.69.143"}},
             {"Linkoping", {"89.160.20.114"}},
             {"San Diego", {"214.78.0.10", "214.78.0.11"}},
             {"Milton", {"216.160.83.57"}}};
  const HomeRange geo_homes[] = {{Ip(81, 2, 69, 160), 32},
                                 {Ip(89, 160, 20, 128), 128},
                                 {Ip(214, 78, 1, 0), 7936},
                                 {Ip(216, 160, 83, 58), 6}};
  std::vector<uint32_t> used_geo(t.sites.size(), 0);
  uint32_t synthetic = 0;

  std::set<std::string> aliases;
  constexpr int kFirstCount = sizeof(kFirst) / sizeof(kFirst[0]);
  constexpr int kLastCount = sizeof(kLast) / sizeof(kLast[0]);
  t.users.resize(static_cast<size_t>(users));
  for (int i = 0; i < users; ++i) {
    User& u = t.users[i];
    const char* first = kFirst[rng.Below(kFirstCount)];
    const char* last = kLast[rng.Below(kLastCount)];
    std::string alias = std::string(first) + "." + last;
    for (int n = 2; aliases.count(alias) > 0; ++n) {
      alias = std::string(first) + "." + last + std::to_string(n);
    }
    aliases.insert(alias);
    u.alias = alias;
    u.upn = alias + "@" + t.domain;
    u.display = Capitalized(first) + " " + Capitalized(last);
    u.guid = rng.Guid();
    u.sid = "S-1-5-21-3820591177-1437723481-2946301842-" + std::to_string(1100 + i);
    u.puid = "1003" + rng.Hex(12);
    // Most people work in London; the other offices are smaller.
    const uint64_t r = rng.Below(10);
    u.site = r < 5 ? 0 : r < 7 ? 1 : r < 9 ? 2 : 3;
    const Site& site = t.sites[u.site];
    u.office_ip = site.office_ips[rng.Below(site.office_ips.size())];
    if (used_geo[u.site] < geo_homes[u.site].size) {
      u.home_ip = Dotted(geo_homes[u.site].base + used_geo[u.site]++);
    } else {
      // 45.64.0.0 upwards, one address per person, skipping .0 and .255.
      uint32_t k = synthetic++;
      u.home_ip = Dotted(Ip(45, 64, 0, 0) + (k / 254) * 256 + 1 + k % 254);
    }
  }
  // One IT admin per 400 mailboxes (at least one), in London.
  const int admins = users / 400 > 0 ? users / 400 : 1;
  for (int i = 0; i < users && static_cast<int>(t.admins.size()) < admins; ++i) {
    if (t.users[i].site != 0) continue;
    t.users[i].admin = true;
    t.admins.push_back(i);
  }
  if (t.admins.empty() && users > 0) {
    t.users[0].admin = true;
    t.admins.push_back(0);
  }
  // Long-standing delegations: every 25th person assists the next one.
  for (int i = 1; i + 1 < users; i += 25) {
    if (t.users[i].admin || t.users[i + 1].admin) continue;
    t.users[i].assists = i + 1;
  }
  return t;
}

}  // namespace tern::gen
