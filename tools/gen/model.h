// tern-gen's data model: a seeded random source, the synthetic tenant (users,
// sites, delegations) and one generated audit record in a format-neutral form
// that the writers render as AuditData JSON or as a mailbox-audit CSV row.
//
// Everything here is plain data; thread-compatible.
#ifndef TERN_TOOLS_GEN_MODEL_H_
#define TERN_TOOLS_GEN_MODEL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tern::gen {

// xoshiro256** seeded through splitmix64: fast, and the same sequence on
// every platform (std::mt19937 is portable too, but its distributions are
// not, and the generator's output must be byte-identical for a seed).
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  // Uniform in [0, n); n > 0.
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((__uint128_t{Next()} * n) >> 64); }
  // Uniform in [lo, hi].
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  bool Chance(double p) { return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }
  // A random RFC 4122 version-4 GUID, lower-case.
  std::string Guid();
  // `n` random upper-case hex digits.
  std::string Hex(int n);

 private:
  uint64_t s_[4];
};

// Mixes a seed with a stream number (day, scenario, ...) so that each part
// of the output draws from its own sequence and adding a scenario does not
// shift the ordinary life of the tenant.
uint64_t SubSeed(uint64_t seed, uint64_t stream);

// An office (egress IP shared by its people: the NAT), the home broadband
// range its people live in (one ISP, so one ASN), the mobile carrier's IPv6
// range their phones use, and where they stay when they travel there.
struct Site {
  std::string name;
  std::vector<std::string> office_ips;
  uint32_t home_base = 0;  // IPv4 range of the home ISP
  uint32_t home_size = 0;
  std::string carrier_v6;  // "2a00:23c5": first 32 bits of the phones' carrier prefix
  std::string hotel_ip;    // a hotel's public IP in the site's city
};

// What an account is. People live the ordinary life; the others are the
// tenant's furniture that a real export always holds.
enum class Role : uint8_t {
  kPerson,
  kShared,     // shared mailbox, used only by its delegates
  kService,    // service account: an app reading and sending mail on a schedule
  kSystem,     // NT AUTHORITY\SYSTEM (S-1-5-18): Exchange's own provisioning
  kDiscovery,  // DiscoverySearchMailbox{...}
};

struct User {
  std::string alias;    // "grace.hopper3"
  std::string upn;      // alias@domain
  std::string display;  // "Grace Hopper"
  std::string guid;     // MailboxGuid
  std::string sid;      // S-1-5-21-...
  std::string puid;     // UserKey, 16 hex digits
  std::string home_ip;
  std::string office_ip;
  int site = 0;
  bool admin = false;
  int assists = -1;       // index of the manager whose mailbox this user works in
  bool attacked = false;  // chosen as a scenario victim: kept out of other roles
  Role role = Role::kPerson;
  // Home broadband: the ISP hands out a new IPv4 every `lease_days` (same
  // ISP, so same ASN, mostly another /24); home_ip is the first lease.
  std::vector<std::string> home_leases;
  int lease_days = 30;
  // Hybrid work: the first day this person works from the office (0 = from
  // the start; > 0 = comes to the office first in the middle of the case;
  // -1 = works from home only).
  int office_from_day = 0;
  bool phone = false;      // syncs mail from a phone on the carrier's IPv6
  int phone_pool = 0;      // the carrier /48 pool the phone's addresses come from
  bool owa = false;        // reads mail in the browser in the evening
  bool owa_proxy = false;  // ... and OWA writes Client=OWA;Action=ViaProxy for it
  // Business travel: days [trip_day, trip_day + trip_days) at another site.
  int trip_day = -1;
  int trip_days = 0;
  int trip_site = -1;
  std::vector<int> delegate_of;  // shared mailboxes this person works in
};

struct Tenant {
  std::string domain;    // "contoso.com"
  std::string org_name;  // "contoso.onmicrosoft.com"
  std::string org_id;    // OrganizationId GUID
  std::vector<Site> sites;
  std::vector<User> users;
  std::vector<int> admins;  // user indices of the IT admins
  int persons = 0;          // users [0, persons) are people; the rest other roles
  std::vector<int> shared;  // shared mailboxes
  std::vector<int> services;
  int system = -1;       // NT AUTHORITY\SYSTEM
  int discovery = -1;    // DiscoverySearchMailbox
  int64_t start_ms = 0;  // midnight UTC of day 0
  int days = 0;
};

// Builds a tenant of `users` people: names, GUIDs, sites and IPs,
// long-standing delegations (assistant -> manager), IT admins, hybrid work,
// phones, OWA habits and business trips; then appends the other accounts
// (shared mailboxes and their delegates, service accounts, SYSTEM and the
// discovery mailbox).
Tenant MakeTenant(uint64_t seed, int users, int days, int64_t start_ms);

// What a record is, which decides its AuditData schema.
enum class Kind : uint8_t {
  kMailbox,  // ExchangeItem (2), ExchangeItemGroup (3), ExchangeItemAggregated (50)
  kAdmin,    // ExchangeAdmin (1) and other cmdlet records
  kAad,      // AzureActiveDirectoryStsLogon (15) UserLoggedIn
};

struct GenItem {
  std::string id;          // Exchange item id
  std::string message_id;  // InternetMessageId
  std::string subject;
  std::string folder;
  int64_t size = 0;
};

struct GenFolder {
  std::string path;
  std::vector<GenItem> items;  // Bind: the messages read (message id + size)
};

struct Record {
  int64_t time_ms = 0;
  std::string id;  // AuditData Id
  Kind kind = Kind::kMailbox;
  int record_type = 2;
  std::string_view operation;
  int actor = -1;  // user index (UserId); always set
  int owner = -1;  // mailbox owner (mailbox records only)
  int logon_type = 0;
  int user_type = 0;
  std::string ip;           // ClientIP as written (may carry a port)
  std::string_view client;  // ClientInfoString, or the user agent (kAad)
  std::string_view app_id;
  std::string session;
  std::string_view result = "Succeeded";
  bool outlook = false;  // Outlook desktop: ClientProcessName / ClientVersion
  // kMailbox
  std::vector<GenItem> items;      // Item (type 2) or AffectedItems (type 3)
  std::vector<GenFolder> folders;  // Folders (type 50)
  std::vector<std::pair<std::string_view, std::string_view>> op_props;
  std::string folder;       // Folder.Path (type 3)
  std::string dest_folder;  // DestFolder.Path (Move)
  int send_as_of = -1;      // SendAs / SendOnBehalf: the mailbox sent as
  // kAdmin
  std::string object_id;
  std::vector<std::pair<std::string, std::string>> params;
  int target = -1;  // the mailbox a cmdlet changes (for mailbox-audit output only)
  // SYSTEM's records name the process acting: "NT AUTHORITY\SYSTEM (w3wp)".
  std::string_view system_process;
};

}  // namespace tern::gen

#endif  // TERN_TOOLS_GEN_MODEL_H_
