#include "tools/gen/model.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <utility>

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

// An account that is not a person: no home, no phone, the office's IP.
User& AddAccount(Tenant* t, Rng* rng, Role role, std::string alias, std::string upn,
                 std::string display, std::string sid) {
  User& u = t->users.emplace_back();
  u.role = role;
  u.alias = std::move(alias);
  u.upn = std::move(upn);
  u.display = std::move(display);
  u.guid = rng->Guid();
  u.sid = std::move(sid);
  u.puid = "1003" + rng->Hex(12);
  u.office_ip = t->sites[0].office_ips[0];
  u.home_ip = u.office_ip;
  u.home_leases = {u.office_ip};
  u.lease_days = t->days + 1;
  u.phone = false;
  u.owa = false;
  return u;
}

// Shared mailboxes (one per 50 people, 3-5 delegates each), service
// accounts (one per 300 people), SYSTEM and the discovery mailbox.
void AddOtherAccounts(Tenant* t, Rng* rng) {
  constexpr const char* kShared[] = {"accounts-payable", "info",        "hr-team",
                                     "sales-desk",       "it-helpdesk", "facilities"};
  const int persons = t->persons;
  const int shared = std::max(1, persons / 50);
  for (int i = 0; i < shared && persons >= 5; ++i) {
    std::string alias = kShared[i % 6];
    if (i >= 6) alias += std::to_string(i / 6 + 1);
    const int index = static_cast<int>(t->users.size());
    AddAccount(t, rng, Role::kShared, alias, alias + "@" + t->domain, alias,
               "S-1-5-21-3820591177-1437723481-2946301842-" + std::to_string(9100 + i));
    t->shared.push_back(index);
    const int delegates = static_cast<int>(rng->Range(3, 5));
    for (int k = 0; k < delegates; ++k) {
      const int p = static_cast<int>(rng->Below(static_cast<uint64_t>(persons)));
      std::vector<int>& of = t->users[p].delegate_of;
      if (std::find(of.begin(), of.end(), index) == of.end()) of.push_back(index);
    }
  }
  const int services = 1 + persons / 300;
  for (int i = 0; i < services; ++i) {
    const std::string alias = i == 0 ? "svc-crm-sync" : "svc-crm-sync" + std::to_string(i + 1);
    t->services.push_back(static_cast<int>(t->users.size()));
    User& u = AddAccount(t, rng, Role::kService, alias, alias + "@" + t->domain, "CRM sync service",
                         "S-1-5-21-3820591177-1437723481-2946301842-" + std::to_string(9500 + i));
    // The CRM runs in a hosting provider's data centre.
    u.office_ip = "23.32.10." + std::to_string(20 + i);
    u.home_ip = u.office_ip;
    u.home_leases = {u.office_ip};
  }
  t->system = static_cast<int>(t->users.size());
  AddAccount(t, rng, Role::kSystem, "SYSTEM",
             "NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)", "NT AUTHORITY\\SYSTEM",
             "S-1-5-18");
  t->discovery = static_cast<int>(t->users.size());
  const std::string discovery = "DiscoverySearchMailbox{D919BA05-46A6-415f-80AD-7E09334BB852}";
  AddAccount(t, rng, Role::kDiscovery, discovery, discovery + "@" + t->org_name,
             "Discovery Search Mailbox", "S-1-5-21-3820591177-1437723481-2946301842-1121");
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
  // Offices in the GeoIP test ranges: London, Linkoping, San Diego, Milton;
  // each with its home ISP's range and the carrier of its phones, chosen in
  // the ASN test database (BTnet, Bredband2, Comcast, BT / TELE2 / AT&T
  // IPv6), and a hotel for visitors: in the site's country, outside the
  // office's and the ISPs' networks (Boxford GB; SE and San Diego IPv6).
  t.sites = {
      {"London",
       {"81.2.69.142", "81.2.69.143"},
       Ip(81, 128, 0, 0),
       1u << 21,
       "2a00:2012",
       "2.125.160.218"},
      {"Linkoping", {"89.160.20.114"}, Ip(89, 160, 21, 0), 0x6b00, "2a00:801", "2a02:d040::120"},
      {"San Diego",
       {"214.78.0.10", "214.78.0.11"},
       Ip(76, 96, 0, 0),
       1u << 21,
       "2602:306",
       "2001:480::200"},
      {"Milton", {"216.160.83.57"}, Ip(73, 0, 0, 0), 1u << 24, "2602:307", "2001:480::201"}};
  const HomeRange geo_homes[] = {{Ip(81, 2, 69, 160), 32},
                                 {Ip(89, 160, 20, 128), 128},
                                 {Ip(214, 78, 1, 0), 7936},
                                 {Ip(216, 160, 83, 58), 6}};
  std::vector<uint32_t> used_geo(t.sites.size(), 0);

  std::set<std::string> aliases;
  constexpr int kFirstCount = sizeof(kFirst) / sizeof(kFirst[0]);
  constexpr int kLastCount = sizeof(kLast) / sizeof(kLast[0]);
  t.users.resize(static_cast<size_t>(users));
  t.persons = users;
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
      // A fixed line that keeps its address (and a known city).
      u.home_leases.push_back(Dotted(geo_homes[u.site].base + used_geo[u.site]++));
      u.lease_days = days + 1;
    } else {
      // The ISP re-assigns the address every one to three weeks.
      u.lease_days = static_cast<int>(rng.Range(7, 21));
      for (int d = 0; d < days; d += u.lease_days) {
        const uint32_t host = static_cast<uint32_t>(rng.Below(site.home_size));
        const uint32_t low = host & 255;
        u.home_leases.push_back(
            Dotted(site.home_base + (host & ~255u) + (low == 0 || low == 255 ? 7 : low)));
      }
    }
    u.home_ip = u.home_leases.front();
    // Hybrid work: most people are in the office from the start, some come
    // first in the middle of the case (after tern's baseline week), some
    // never do.
    const uint64_t office = rng.Below(100);
    if (office < 12 && days > 12) {
      u.office_from_day = static_cast<int>(rng.Range(9, std::max(9, days * 2 / 3)));
    } else if (office < 22) {
      u.office_from_day = -1;
    }
    u.phone = rng.Chance(0.75);
    u.phone_pool = static_cast<int>(rng.Below(3));
    u.owa = rng.Chance(0.6);
    u.owa_proxy = u.owa && rng.Chance(0.4);
    // A few people travel to another office for some days.
    if (days >= 16 && rng.Chance(0.03)) {
      u.trip_day = static_cast<int>(rng.Range(8, days - 5));
      u.trip_days = static_cast<int>(rng.Range(3, 5));
      u.trip_site = (u.site + 1 + static_cast<int>(rng.Below(t.sites.size() - 1))) %
                    static_cast<int>(t.sites.size());
    }
  }
  // One IT admin per 400 mailboxes (at least one), in London.
  const int admins = users / 400 > 0 ? users / 400 : 1;
  for (int i = 0; i < users && static_cast<int>(t.admins.size()) < admins; ++i) {
    if (t.users[i].site != 0) continue;
    t.users[i].admin = true;
    t.users[i].office_from_day = 0;
    t.users[i].trip_day = -1;
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
  AddOtherAccounts(&t, &rng);
  return t;
}

}  // namespace tern::gen
