// Record builders shared by the ordinary life of the tenant and the planted
// scenarios, and the ordinary life itself (owners reading and sending mail
// from office and home, filing and deleting, long-standing delegates,
// routine admin work, Entra ID sign-ins). Thread-compatible.
#ifndef TERN_TOOLS_GEN_LIFE_H_
#define TERN_TOOLS_GEN_LIFE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tools/gen/model.h"

namespace tern::gen {

inline constexpr int64_t kMsPerMinute = 60 * 1000;
inline constexpr int64_t kMsPerHour = 60 * kMsPerMinute;
inline constexpr int64_t kMsPerDay = 24 * kMsPerHour;

// A client application as the audit log names it.
struct Client {
  std::string_view info;  // ClientInfoString
  std::string_view app;   // AppId
  bool outlook = false;   // Outlook desktop (adds ClientProcessName/Version)
};

inline constexpr Client kOwa{
    "Client=OWA;Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0;",
    "00000002-0000-0ff1-ce00-000000000000"};
inline constexpr Client kOwaProxy{"Client=OWA;Action=ViaProxy",
                                  "00000002-0000-0ff1-ce00-000000000000"};
inline constexpr Client kOutlook{"Client=MSExchangeRPC", "d3590ed6-52b3-4102-aeff-aad2292ab01c",
                                 true};
inline constexpr Client kMobile{"Client=OutlookService;Outlook-iOS/2.0;",
                                "27922004-5251-4030-b22d-91ecd9a37ea4"};
inline constexpr std::string_view kBrowserAgent =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0";
inline constexpr std::string_view kExoPowerShellApp = "fb78d390-0c51-40cd-8e17-fdbfab77341b";

// Makes records for one tenant from one random stream.
class Builder {
 public:
  Builder(const Tenant& tenant, Rng* rng) : t_(tenant), rng_(*rng) {}

  Rng& rng() { return rng_; }
  const Tenant& tenant() const { return t_; }
  // Milliseconds of `day` at hh:mm:ss UTC.
  int64_t At(int day, int hh, int mm, int ss = 0) const {
    return t_.start_ms + day * kMsPerDay + hh * kMsPerHour + mm * kMsPerMinute + ss * 1000;
  }

  GenItem Item(std::string_view subject, std::string_view folder);
  // A mailbox record (RecordType 2/3/50) with the common fields filled.
  Record Mailbox(int64_t time, std::string_view op, int type, int owner, int actor,
                 const std::string& ip, const Client& client, const std::string& session,
                 int logon_type);
  // MailItemsAccessed: `folders` are (path, items read); Sync reads no items.
  Record Access(int64_t time, int owner, int actor, const std::string& ip, const Client& client,
                const std::string& session,
                const std::vector<std::pair<std::string_view, int>>& folders,
                std::string_view access = "Bind", bool throttled = false, int logon_type = 0);
  // Send / SendAs / SendOnBehalf of one message (Item in Sent Items).
  Record Send(int64_t time, int owner, int actor, const std::string& ip, const Client& client,
              const std::string& session, std::string_view subject, std::string_view op = "Send",
              int logon_type = 0);
  // Move / MoveToDeletedItems / SoftDelete / HardDelete of `items`.
  Record Group(int64_t time, std::string_view op, int owner, int actor, const std::string& ip,
               const Client& client, const std::string& session, std::string_view folder,
               std::vector<GenItem> items, std::string_view dest = "");
  // An Exchange admin cmdlet run by `actor` (RecordType 1).
  Record Cmdlet(int64_t time, std::string_view op, int actor, const std::string& ip,
                std::vector<std::pair<std::string, std::string>> params, std::string object_id,
                const std::string& session, int target = -1);
  // Entra ID UserLoggedIn (RecordType 15).
  Record SignIn(int64_t time, int user, const std::string& ip, std::string_view agent,
                std::string_view result = "Success");
  // The object id Exchange writes for a mailbox ("NAMPR.../contoso.../alias").
  std::string MailboxDn(int user) const;

 private:
  const Tenant& t_;
  Rng& rng_;
};

// Appends the ordinary records of `day` (0-based) to `out`, unsorted. Users
// flagged `attacked` still live their ordinary lives.
void OrdinaryDay(const Tenant& tenant, int day, uint64_t seed, std::vector<Record>* out);

}  // namespace tern::gen

#endif  // TERN_TOOLS_GEN_LIFE_H_
