#include "tools/gen/plants.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "tools/gen/life.h"

namespace tern::gen {
namespace {

constexpr std::string_view kExternal = "northwind-invoices.com";
// tern's baseline is the first 7 days from the first event (08:00 on day
// 0), so scenarios start on day 8, safely after it.
constexpr int kBaselineDays = 8;
constexpr Client kScript{"Client=REST;Client=RESTSystem;python-requests/2.31.0;",
                         "00000003-0000-0000-c000-000000000000"};

// Accounts a scenario may use: ordinary owners, not yet used by another
// scenario, not admins and not in a delegation (their routine access to
// another mailbox would blur what the scenario shows).
std::vector<int> Candidates(const Tenant& t, bool london_only, bool relaxed = false) {
  std::vector<bool> assisted(t.users.size(), false);
  for (const User& u : t.users) {
    if (u.assists >= 0) assisted[u.assists] = true;
  }
  std::vector<int> out;
  for (int i = 0; i < t.persons; ++i) {
    const User& u = t.users[i];
    if (u.admin || u.attacked || u.assists >= 0 || assisted[i]) continue;
    // Travellers and shared-mailbox delegates have a life of their own that
    // would blur what the scenario shows (taken only in small tenants).
    if (!relaxed && (u.trip_day >= 0 || !u.delegate_of.empty())) continue;
    if (london_only && u.site != 0) continue;
    out.push_back(i);
  }
  return out;
}

int Take(Tenant* t, Rng& rng, bool london_only) {
  std::vector<int> c = Candidates(*t, london_only);
  if (c.empty()) c = Candidates(*t, false);
  if (c.empty()) c = Candidates(*t, false, /*relaxed=*/true);
  if (c.empty()) return -1;
  const int u = c[rng.Below(c.size())];
  t->users[u].attacked = true;
  return u;
}

// How many extra accounts each story needs besides its victim.
int OthersNeeded(std::string_view rule) {
  if (rule == "ip-multiple-mailboxes") return 3;
  if (rule == "delegate-access" || rule == "send-as" || rule == "mailbox-permission-grant" ||
      rule == "impersonation-role-grant") {
    return 1;
  }
  return 0;
}

bool OrgLevel(std::string_view rule) {
  return rule == "impersonation-role-grant" || rule == "ediscovery-search-export" ||
         rule == "transport-rule-redirect" || rule == "ip-multiple-mailboxes";
}

// Writes one scenario's records.
class Story {
 public:
  Story(const Tenant& t, const Plant& p, Rng* rng, std::vector<Record>* out)
      : t_(t), p_(p), b_(t, rng), out_(out) {
    // Between 01:00 and 05:00, scenarios of one day ten minutes apart.
    t0_ = b_.At(p.day, 1, 0) + (p.index % 24) * 10 * kMsPerMinute;
    admin_ = t.admins.empty() ? 0 : t.admins[p.index % t.admins.size()];
    session_ = rng->Guid();
  }

  void Write();
  std::string mailbox() const { return p_.victim >= 0 ? t_.users[p_.victim].upn : ""; }
  std::string actor() const { return actor_ >= 0 ? t_.users[actor_].upn : ""; }

 private:
  int64_t T(int minutes, int seconds = 0) const {
    return t0_ + minutes * kMsPerMinute + seconds * 1000;
  }
  void Add(Record r) { out_->push_back(std::move(r)); }
  const User& U(int u) const { return t_.users[u]; }
  std::string Ext(int u) const { return U(u).alias + "@" + std::string(kExternal); }
  // The victim's mail read through a stolen OWA session from the attacker.
  void StolenRead(int minutes, int items = 6, bool throttled = false) {
    Add(b_.Access(T(minutes), p_.victim, p_.victim, p_.attacker_ip, kOwaProxy, session_,
                  {{"\\Inbox", items}}, "Bind", throttled));
  }
  void AdminCmdlet(int minutes, std::string_view op,
                   std::vector<std::pair<std::string, std::string>> params, std::string object,
                   int target = -1) {
    actor_ = admin_;
    Add(b_.Cmdlet(T(minutes), op, admin_, p_.attacker_ip, std::move(params), std::move(object),
                  session_, target));
  }
  void VictimCmdlet(int minutes, std::string_view op,
                    std::vector<std::pair<std::string, std::string>> params, std::string object) {
    Add(b_.Cmdlet(T(minutes), op, p_.victim, p_.attacker_ip, std::move(params), std::move(object),
                  session_, p_.victim));
  }

  const Tenant& t_;
  const Plant& p_;
  Builder b_;
  std::vector<Record>* out_;
  int64_t t0_ = 0;
  int admin_ = 0;
  int actor_ = -1;
  std::string session_;
};

void Story::Write() {
  const std::string& rule = p_.rule;
  const int v = p_.victim;
  if (v >= 0) actor_ = v;
  if (rule == "inbox-rule-forward-external") {
    StolenRead(0);
    VictimCmdlet(3, "New-InboxRule",
                 {{"AlwaysDeleteOutlookRulesBlob", "False"},
                  {"Force", "False"},
                  {"Name", "."},
                  {"ForwardTo", "payments@" + std::string(kExternal)},
                  {"SubjectOrBodyContainsWords", "invoice;payment;wire"},
                  {"StopProcessingRules", "True"}},
                 b_.MailboxDn(v) + "\\.");
  } else if (rule == "inbox-rule-suspicious") {
    StolenRead(0);
    VictimCmdlet(2, "New-InboxRule",
                 {{"AlwaysDeleteOutlookRulesBlob", "False"},
                  {"Force", "False"},
                  {"Name", ".."},
                  {"SubjectOrBodyContainsWords", "invoice;payment;bank"},
                  {"MoveToFolder", "RSS Feeds"},
                  {"MarkAsRead", "True"},
                  {"StopProcessingRules", "True"}},
                 b_.MailboxDn(v) + "\\..");
  } else if (rule == "mailbox-forwarding-external") {
    StolenRead(0);
    VictimCmdlet(4, "Set-Mailbox",
                 {{"Identity", U(v).alias},
                  {"ForwardingSmtpAddress", "smtp:" + Ext(v)},
                  {"DeliverToMailboxAndForward", "False"}},
                 b_.MailboxDn(v));
  } else if (rule == "mailbox-permission-grant") {
    AdminCmdlet(0, "Add-MailboxPermission",
                {{"Identity", U(v).alias},
                 {"User", U(p_.others[0]).alias},
                 {"AccessRights", "FullAccess"},
                 {"InheritanceType", "All"}},
                b_.MailboxDn(v), v);
  } else if (rule == "delegate-access") {
    const int reader = p_.others[0];
    actor_ = reader;
    Add(b_.Access(T(0), v, reader, p_.attacker_ip, kOwa, session_,
                  {{"\\Inbox", 12}, {"\\Finance", 4}}, "Bind", false, 2));
    Add(b_.Access(T(6), v, reader, p_.attacker_ip, kOwa, session_, {{"\\Sent Items", 8}}, "Bind",
                  false, 2));
  } else if (rule == "send-as") {
    const int sender = p_.others[0];
    actor_ = sender;
    Add(b_.Access(T(0), v, sender, p_.attacker_ip, kOwa, session_, {{"\\Inbox", 5}}, "Bind", false,
                  2));
    Add(b_.Send(T(5), v, sender, p_.attacker_ip, kOwa, session_,
                "Urgent: wire transfer for acquisition", "SendAs", 2));
  } else if (rule == "mass-deletion") {
    StolenRead(0);
    for (int i = 0; i < 6; ++i) {
      std::vector<GenItem> items;
      for (int k = 0; k < 25; ++k) {
        items.push_back(b_.Item("Payment notice " + std::to_string(i * 25 + k), "\\Inbox"));
      }
      Add(b_.Group(T(10 + 2 * i), "MoveToDeletedItems", v, v, p_.attacker_ip, kOwaProxy, session_,
                   "\\Inbox", std::move(items)));
    }
  } else if (rule == "sent-then-deleted") {
    Record sent = b_.Send(T(0), v, v, p_.attacker_ip, kOwaProxy, session_,
                          "Updated bank details for this month's payment run");
    std::vector<GenItem> deleted = sent.items;
    Add(std::move(sent));
    Add(b_.Group(T(3), "SoftDelete", v, v, p_.attacker_ip, kOwaProxy, session_, "\\Sent Items",
                 std::move(deleted)));
  } else if (rule == "audit-tampering") {
    AdminCmdlet(0, "Set-MailboxAuditBypassAssociation",
                {{"Identity", U(v).alias}, {"AuditBypassEnabled", "True"}}, b_.MailboxDn(v), v);
    AdminCmdlet(2, "Set-Mailbox", {{"Identity", U(v).alias}, {"AuditEnabled", "False"}},
                b_.MailboxDn(v), v);
  } else if (rule == "impersonation-role-grant") {
    const std::string& who = U(p_.others[0]).alias;
    AdminCmdlet(0, "New-ManagementRoleAssignment",
                {{"Name", "ApplicationImpersonation-" + who},
                 {"Role", "ApplicationImpersonation"},
                 {"User", who}},
                "ApplicationImpersonation-" + who);
  } else if (rule == "mailitemsaccessed-throttled") {
    StolenRead(0);
    StolenRead(8, 1, true);
  } else if (rule == "mailitemsaccessed-sync-bulk") {
    constexpr std::string_view kFolders[] = {"\\Inbox",    "\\Sent Items",    "\\Drafts",
                                             "\\Archive",  "\\Finance",       "\\Finance\\Invoices",
                                             "\\Board",    "\\Legal",         "\\HR",
                                             "\\Projects", "\\Deleted Items", "\\Customers"};
    const std::string sync_session = b_.rng().Guid();
    int i = 0;
    for (std::string_view folder : kFolders) {
      Add(b_.Access(T(0, 10 * i++), v, v, p_.attacker_ip, kOutlook, sync_session, {{folder, 0}},
                    "Sync"));
    }
  } else if (rule == "ip-multiple-mailboxes") {
    actor_ = -1;
    int i = 0;
    for (int u : p_.others) {
      Add(b_.Access(T(4 * i++), u, u, p_.attacker_ip, kOwaProxy, b_.rng().Guid(),
                    {{"\\Inbox", 7}}));
    }
  } else if (rule == "session-ip-change") {
    Add(b_.Access(T(0), v, v, U(v).home_ip, kOwa, session_, {{"\\Inbox", 3}}));
    StolenRead(25);
  } else if (rule == "suspicious-client") {
    Add(b_.SignIn(T(0), v, p_.attacker_ip, "BAV2ROPC"));
    Add(b_.Access(T(2), v, v, p_.attacker_ip, kScript, session_, {{"\\Inbox", 20}}));
  } else if (rule == "first-seen-ip") {
    StolenRead(0);
    StolenRead(15, 4);
  } else if (rule == "impossible-travel") {
    Add(b_.Access(T(0), v, v, t_.sites[0].office_ips[0], kOutlook, b_.rng().Guid(),
                  {{"\\Inbox", 3}}));
    StolenRead(30);
  } else if (rule == "ediscovery-search-export") {
    AdminCmdlet(0, "New-ComplianceSearch",
                {{"Name", "q" + std::to_string(p_.index)},
                 {"ExchangeLocation", "All"},
                 {"ContentMatchQuery", "invoice OR wire OR payment"}},
                "q" + std::to_string(p_.index));
    AdminCmdlet(4, "New-ComplianceSearchAction",
                {{"SearchName", "q" + std::to_string(p_.index)},
                 {"Export", "True"},
                 {"Format", "FxStream"}},
                "q" + std::to_string(p_.index) + "_Export");
  } else if (rule == "transport-rule-redirect") {
    AdminCmdlet(0, "New-TransportRule",
                {{"Name", "Audit copy " + std::to_string(p_.index)},
                 {"SentToScope", "NotInOrganization"},
                 {"BlindCopyTo", "archive@" + std::string(kExternal)}},
                "Audit copy " + std::to_string(p_.index));
  }
}

}  // namespace

const std::vector<std::string_view>& PlantableRules() {
  static const auto* const kRules = new std::vector<std::string_view>{"mailbox-forwarding-external",
                                                                      "inbox-rule-forward-external",
                                                                      "inbox-rule-suspicious",
                                                                      "mailbox-permission-grant",
                                                                      "delegate-access",
                                                                      "send-as",
                                                                      "mass-deletion",
                                                                      "sent-then-deleted",
                                                                      "audit-tampering",
                                                                      "impersonation-role-grant",
                                                                      "mailitemsaccessed-throttled",
                                                                      "mailitemsaccessed-sync-bulk",
                                                                      "ip-multiple-mailboxes",
                                                                      "session-ip-change",
                                                                      "suspicious-client",
                                                                      "first-seen-ip",
                                                                      "impossible-travel",
                                                                      "ediscovery-search-export",
                                                                      "transport-rule-redirect"};
  return *kRules;
}

bool PlanPlants(const std::vector<std::string>& rules, uint64_t seed, Tenant* tenant,
                std::vector<Plant>* plants, std::string* error) {
  if (rules.empty()) return true;
  if (tenant->days <= kBaselineDays) {
    *error = "planted scenarios need more than " + std::to_string(kBaselineDays) +
             " days (a baseline week and a day come first)";
    return false;
  }
  Rng rng(SubSeed(seed, 0x9a17ull));
  const int span = tenant->days - kBaselineDays;
  for (size_t i = 0; i < rules.size(); ++i) {
    const std::string& rule = rules[i];
    const auto& known = PlantableRules();
    if (std::find(known.begin(), known.end(), rule) == known.end()) {
      *error = "unknown scenario '" + rule + "' (see --list-plants)";
      return false;
    }
    Plant p;
    p.rule = rule;
    p.index = static_cast<int>(i);
    p.day = kBaselineDays + static_cast<int>((i * 3) % static_cast<size_t>(span));
    // Changchun (CN) in the GeoIP test data: far from every office.
    p.attacker_ip = "175.16.199." + std::to_string(20 + i % 200);
    p.needs_geo = rule == "impossible-travel";
    if (!OrgLevel(rule) || rule == "ip-multiple-mailboxes") {
      p.victim = Take(tenant, rng, rule == "impossible-travel");
    }
    for (int k = 0; k < OthersNeeded(rule); ++k) p.others.push_back(Take(tenant, rng, false));
    if (rule == "ip-multiple-mailboxes") {
      p.others.insert(p.others.begin(), p.victim);
      p.victim = -1;
    }
    for (int u : p.others) {
      if (u < 0) p.victim = -2;
    }
    if (p.victim == -2 || (p.victim == -1 && !OrgLevel(rule))) {
      *error = "the tenant has too few ordinary mailboxes for " + std::to_string(rules.size()) +
               " scenarios";
      return false;
    }
    plants->push_back(std::move(p));
  }
  return true;
}

void PlantDay(const Tenant& tenant, const std::vector<Plant>& plants, int day, uint64_t seed,
              std::vector<Record>* out, std::vector<PlantTruth>* truth) {
  for (const Plant& p : plants) {
    if (p.day != day) continue;
    Rng rng(SubSeed(seed, 0x50000ull + static_cast<uint64_t>(p.index)));
    const size_t first = out->size();
    Story story(tenant, p, &rng, out);
    story.Write();
    PlantTruth t;
    t.rule = p.rule;
    t.mailbox = story.mailbox();
    t.attacker_ip = p.attacker_ip;
    t.actor = story.actor();
    t.needs_geo = p.needs_geo;
    t.records = static_cast<int>(out->size() - first);
    t.first_ms = INT64_MAX;
    t.last_ms = INT64_MIN;
    for (size_t i = first; i < out->size(); ++i) {
      t.first_ms = std::min(t.first_ms, (*out)[i].time_ms);
      t.last_ms = std::max(t.last_ms, (*out)[i].time_ms);
    }
    truth->push_back(std::move(t));
  }
}

}  // namespace tern::gen
