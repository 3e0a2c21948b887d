#include "tools/gen/life.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace tern::gen {
namespace {

constexpr std::string_view kSubjects[] = {
    "Q1 forecast",         "Board pack draft",    "Re: supplier contract", "Team lunch Friday",
    "Re: travel approval", "Customer escalation", "Weekly numbers",        "Re: hiring plan",
    "Office move",         "Re: budget review",   "Minutes: ops review",   "Re: quarterly close",
    "Training schedule",   "Re: expense report",  "Project kickoff",       "FW: vendor onboarding"};
constexpr int kSubjectCount = sizeof(kSubjects) / sizeof(kSubjects[0]);

constexpr std::string_view kFiling[] = {"\\Projects", "\\Archive", "\\Customers", "\\Finance"};

std::string_view Subject(Rng& rng) { return kSubjects[rng.Below(kSubjectCount)]; }

// Minutes past midnight, uniformly in [from, to).
int Minute(Rng& rng, int from, int to) { return static_cast<int>(rng.Range(from, to - 1)); }

int64_t AtMinute(const Builder& b, int day, int minute, Rng& rng) {
  return b.At(day, 0, 0) + minute * kMsPerMinute + static_cast<int64_t>(rng.Below(60)) * 1000;
}

// Where a person is on `day`: the address of the home line that day.
const std::string& HomeIp(const User& u, int day) {
  const size_t lease = static_cast<size_t>(day / std::max(u.lease_days, 1));
  return u.home_leases[std::min(lease, u.home_leases.size() - 1)];
}

bool Travelling(const User& u, int day) {
  return u.trip_day >= 0 && day >= u.trip_day && day < u.trip_day + u.trip_days;
}

// The phone's address on `day`: the carrier's prefix and the person's /48
// pool stay, the /64 and the interface id change every day.
std::string PhoneIp(const Tenant& t, const User& u, Rng& rng) {
  char buf[64];
  auto group = [&rng]() { return static_cast<unsigned>(rng.Range(1, 0xffff)); };
  std::snprintf(buf, sizeof(buf), "%s:%x:%x:%x:%x:%x:%x", t.sites[u.site].carrier_v6.c_str(),
                0x4a10u + static_cast<unsigned>(u.phone_pool), group(), group(), group(), group(),
                group());
  return buf;
}

// The phone's Outlook app syncs the inbox and reads a few messages.
void PhoneSync(Builder& b, int day, int u, int from, int to, std::vector<Record>* out) {
  const Tenant& t = b.tenant();
  Rng& rng = b.rng();
  const std::string ip = PhoneIp(t, t.users[u], rng);
  const std::string session = rng.Guid();
  const int64_t when = AtMinute(b, day, Minute(rng, from, to), rng);
  out->push_back(b.Access(when, u, u, ip, kMobile, session, {{"\\Inbox", 0}}, "Sync"));
  out->push_back(b.Access(when + 40000, u, u, ip, kMobile, session,
                          {{"\\Inbox", static_cast<int>(rng.Range(1, 4))}}));
}

// The evening in the browser; OWA writes Action=ViaProxy on some of its
// records for some people (ordinary OWA, not an attack).
void EveningOwa(Builder& b, int day, int u, const std::string& ip, std::vector<Record>* out) {
  const User& user = b.tenant().users[u];
  Rng& rng = b.rng();
  const std::string session = rng.Guid();
  const int evening = Minute(rng, 19 * 60, 22 * 60);
  out->push_back(b.Access(AtMinute(b, day, evening, rng), u, u, ip, kOwa, session,
                          {{"\\Inbox", static_cast<int>(rng.Range(2, 5))}}));
  if (user.owa_proxy) {
    out->push_back(b.Access(AtMinute(b, day, evening + 6, rng), u, u, ip, kOwaProxy, session,
                            {{"\\Inbox", static_cast<int>(rng.Range(1, 3))}}));
  }
}

// A delegate's day in the shared mailboxes they work in.
void SharedMailboxWork(Builder& b, int day, int u, const std::string& ip,
                       std::vector<Record>* out) {
  const Tenant& t = b.tenant();
  Rng& rng = b.rng();
  for (int shared : t.users[u].delegate_of) {
    const std::string session = rng.Guid();
    const int start = Minute(rng, 9 * 60, 16 * 60);
    out->push_back(b.Access(AtMinute(b, day, start, rng), shared, u, ip, kOutlook, session,
                            {{"\\Inbox", static_cast<int>(rng.Range(2, 8))}}, "Bind", false, 2));
    if (rng.Chance(0.3)) {
      out->push_back(b.Send(AtMinute(b, day, start + 12, rng), shared, u, ip, kOutlook, session,
                            Subject(rng), "SendAs", 2));
    }
  }
}

void OwnerWorkday(Builder& b, int day, int u, std::vector<Record>* out) {
  const Tenant& t = b.tenant();
  const User& user = t.users[u];
  Rng& rng = b.rng();
  const bool travelling = Travelling(user, day);
  // Office days from office_from_day on, one home day a week.
  const bool at_office =
      !travelling && user.office_from_day >= 0 && day >= user.office_from_day && (day + u) % 5 != 4;
  const std::string& ip = travelling  ? t.sites[user.trip_site].hotel_ip
                          : at_office ? user.office_ip
                                      : HomeIp(user, day);
  const std::string office = rng.Guid();
  const int arrive = Minute(rng, 8 * 60, 9 * 60 + 30);
  out->push_back(b.SignIn(AtMinute(b, day, arrive, rng), u, ip, kBrowserAgent));
  out->push_back(b.Access(AtMinute(b, day, arrive + 3, rng), u, u, ip, kOutlook, office,
                          {{"\\Inbox", static_cast<int>(rng.Range(2, 6))}, {"\\Sent Items", 1}}));
  // Outlook binds through the day, aggregated per two minutes by Exchange.
  const int binds = static_cast<int>(rng.Range(1, 4));
  for (int i = 0; i < binds; ++i) {
    out->push_back(b.Access(AtMinute(b, day, Minute(rng, arrive + 10, 17 * 60 + 30), rng), u, u, ip,
                            kOutlook, office, {{"\\Inbox", static_cast<int>(rng.Range(1, 5))}}));
  }
  const int sends = static_cast<int>(rng.Range(1, 3));
  for (int i = 0; i < sends; ++i) {
    out->push_back(b.Send(AtMinute(b, day, Minute(rng, arrive + 15, 17 * 60 + 45), rng), u, u, ip,
                          kOutlook, office, Subject(rng)));
  }
  if (rng.Chance(0.5)) {
    std::vector<GenItem> items;
    items.push_back(b.Item(Subject(rng), "\\Inbox"));
    out->push_back(b.Group(AtMinute(b, day, Minute(rng, arrive + 20, 17 * 60), rng), "Move", u, u,
                           ip, kOutlook, office, "\\Inbox", std::move(items),
                           kFiling[rng.Below(4)]));
  }
  if (rng.Chance(0.33)) {
    std::vector<GenItem> items;
    items.push_back(b.Item("Newsletter", "\\Inbox"));
    items.push_back(b.Item("Out of office: " + std::string(Subject(rng)), "\\Inbox"));
    out->push_back(b.Group(AtMinute(b, day, Minute(rng, arrive + 30, 17 * 60), rng),
                           "MoveToDeletedItems", u, u, ip, kOutlook, office, "\\Inbox",
                           std::move(items)));
  }
  // A new Outlook profile syncs a few folders: now and then, and on the
  // first day at the office (a laptop set up by IT).
  const bool first_office_day = at_office && day == user.office_from_day && day > 0;
  if (first_office_day || rng.Chance(0.05)) {
    const int64_t when = AtMinute(b, day, Minute(rng, arrive + 5, 17 * 60), rng);
    out->push_back(b.Access(when, u, u, ip, kOutlook, office, {{"\\Inbox", 0}}, "Sync"));
    out->push_back(b.Access(when + 4000, u, u, ip, kOutlook, office, {{"\\Calendar", 0}}, "Sync"));
    if (first_office_day) {
      out->push_back(
          b.Access(when + 9000, u, u, ip, kOutlook, office, {{"\\Sent Items", 0}}, "Sync"));
    }
  }
  SharedMailboxWork(b, day, u, ip, out);
  if (user.owa && (day + u) % 2 == 0) {
    EveningOwa(b, day, u, travelling ? ip : HomeIp(user, day), out);
  }
  if (user.phone) {
    PhoneSync(b, day, u, 7 * 60, 8 * 60, out);
    if (rng.Chance(0.6)) PhoneSync(b, day, u, 18 * 60, 23 * 60, out);
  }
}

// The CRM's service account: reads its mailbox every hour and sends a few
// messages, from its data centre, through Graph with its own app id.
void ServiceWorkday(Builder& b, int day, int u, std::vector<Record>* out) {
  const User& svc = b.tenant().users[u];
  Rng& rng = b.rng();
  static constexpr Client kCrm{"Client=REST;Client=RESTSystem;;",
                               "6c4f1d2a-8b3e-4f5a-9c7d-2e1b0a9f8d31"};
  for (int hour = 7; hour < 19; ++hour) {
    const std::string session = rng.Guid();
    out->push_back(b.Access(b.At(day, hour, static_cast<int>(rng.Below(10))), u, u, svc.office_ip,
                            kCrm, session, {{"\\Inbox", static_cast<int>(rng.Range(0, 6))}}));
    if (hour % 4 == 0) {
      out->push_back(b.Send(b.At(day, hour, 30), u, u, svc.office_ip, kCrm, session,
                            "Your support case has been updated"));
    }
  }
}

// Exchange's own provisioning: SYSTEM installs defaults at the start and
// (re)grants Discovery Management access to the discovery mailbox.
void SystemWork(Builder& b, int day, std::vector<Record>* out) {
  const Tenant& t = b.tenant();
  if (t.system < 0 || t.discovery < 0 || (day != 0 && day != t.days / 2)) return;
  const User& discovery = t.users[t.discovery];
  auto cmdlet = [&](int minute, std::string_view op,
                    std::vector<std::pair<std::string, std::string>> params, std::string object) {
    Record r = b.Cmdlet(b.At(day, 2, minute), op, t.system, "", std::move(params),
                        std::move(object), b.rng().Guid());
    r.ip.clear();
    r.user_type = 3;
    r.app_id = "";
    out->push_back(std::move(r));
  };
  if (day == 0) {
    cmdlet(0, "Install-DefaultSharingPolicy", {}, "Default Sharing Policy");
    cmdlet(1, "Install-DataClassificationConfig", {}, "DataClassificationConfig");
    cmdlet(2, "Install-ResourceConfig", {}, "Resource Schema");
  }
  cmdlet(5, "Add-MailboxPermission",
         {{"Identity", discovery.alias},
          {"User", "Discovery Management"},
          {"AccessRights", "FullAccess"},
          {"InheritanceType", "All"}},
         b.MailboxDn(t.discovery));
}

void AssistantWorkday(Builder& b, int day, int u, std::vector<Record>* out) {
  const User& user = b.tenant().users[u];
  const int boss = user.assists;
  Rng& rng = b.rng();
  const std::string session = rng.Guid();
  const int start = Minute(rng, 9 * 60 + 30, 10 * 60 + 30);
  out->push_back(b.Access(AtMinute(b, day, start, rng), boss, u, user.office_ip, kOutlook, session,
                          {{"\\Calendar", static_cast<int>(rng.Range(2, 6))}}, "Bind", false, 2));
  Record update = b.Mailbox(AtMinute(b, day, start + 5, rng), "Update", 2, boss, u, user.office_ip,
                            kOutlook, session, 2);
  update.items.push_back(b.Item("Leadership sync", "\\Calendar"));
  out->push_back(std::move(update));
  if (day % 2 == 0) {
    out->push_back(b.Send(AtMinute(b, day, start + 10, rng), boss, u, user.office_ip, kOutlook,
                          session, "Invitation: Leadership sync", "SendOnBehalf", 2));
  }
}

void AdminWorkday(Builder& b, int day, int admin, std::vector<Record>* out) {
  const Tenant& t = b.tenant();
  Rng& rng = b.rng();
  const User& me = t.users[admin];
  const int changes = static_cast<int>(rng.Range(0, 3));
  for (int i = 0; i < changes; ++i) {
    const int target = static_cast<int>(rng.Below(static_cast<uint64_t>(t.persons)));
    const User& who = t.users[target];
    const int64_t when = AtMinute(b, day, Minute(rng, 10 * 60, 17 * 60), rng);
    const std::string session = rng.Guid();
    switch (rng.Below(4)) {
      case 0:
        out->push_back(b.Cmdlet(when, "Set-Mailbox", admin, me.office_ip,
                                {{"Identity", who.alias},
                                 {"ProhibitSendQuota", "49 GB (52,613,349,376 bytes)"},
                                 {"IssueWarningQuota", "48 GB (51,539,607,552 bytes)"}},
                                b.MailboxDn(target), session, target));
        break;
      case 1:
        out->push_back(b.Cmdlet(when, "Set-Mailbox", admin, me.office_ip,
                                {{"Identity", who.alias}, {"AuditLogAgeLimit", "365.00:00:00"}},
                                b.MailboxDn(target), session, target));
        break;
      case 2:
        out->push_back(b.Cmdlet(when, "Set-CASMailbox", admin, me.office_ip,
                                {{"Identity", who.alias}, {"ActiveSyncEnabled", "False"}},
                                b.MailboxDn(target), session, target));
        break;
      default:
        out->push_back(b.Cmdlet(when, "Set-Mailbox", admin, me.office_ip,
                                {{"Identity", who.alias},
                                 {"ProhibitSendReceiveQuota", "50 GB"},
                                 {"RetentionPolicy", "Default MRM Policy"}},
                                b.MailboxDn(target), session, target));
        break;
    }
  }
}

}  // namespace

GenItem Builder::Item(std::string_view subject, std::string_view folder) {
  GenItem item;
  item.id = "RgAAAAD" + rng_.Hex(64) + "AAAJ";
  item.message_id = "<" + rng_.Hex(24) + "@AM6PR04MB" + rng_.Hex(4) + ".eurprd04.prod.outlook.com>";
  item.subject = std::string(subject);
  item.folder = std::string(folder);
  item.size = static_cast<int64_t>(rng_.Range(4000, 90000));
  return item;
}

Record Builder::Mailbox(int64_t time, std::string_view op, int type, int owner, int actor,
                        const std::string& ip, const Client& client, const std::string& session,
                        int logon_type) {
  Record r;
  r.time_ms = time;
  r.id = rng_.Guid();
  r.kind = Kind::kMailbox;
  r.record_type = type;
  r.operation = op;
  r.owner = owner;
  r.actor = actor;
  r.logon_type = logon_type;
  r.ip = ip;
  r.client = client.info;
  r.app_id = client.app;
  r.outlook = client.outlook;
  r.session = session;
  return r;
}

Record Builder::Access(int64_t time, int owner, int actor, const std::string& ip,
                       const Client& client, const std::string& session,
                       const std::vector<std::pair<std::string_view, int>>& folders,
                       std::string_view access, bool throttled, int logon_type) {
  Record r = Mailbox(time, "MailItemsAccessed", 50, owner, actor, ip, client, session, logon_type);
  r.op_props = {{"MailAccessType", access}, {"IsThrottled", throttled ? "True" : "False"}};
  for (const auto& [path, n] : folders) {
    GenFolder f;
    f.path = std::string(path);
    for (int i = 0; i < n; ++i) {
      GenItem item;
      item.message_id =
          "<" + rng_.Hex(24) + "@AM6PR04MB" + rng_.Hex(4) + ".eurprd04.prod.outlook.com>";
      item.size = static_cast<int64_t>(rng_.Range(4000, 90000));
      f.items.push_back(std::move(item));
    }
    r.folders.push_back(std::move(f));
  }
  return r;
}

Record Builder::Send(int64_t time, int owner, int actor, const std::string& ip,
                     const Client& client, const std::string& session, std::string_view subject,
                     std::string_view op, int logon_type) {
  Record r = Mailbox(time, op, 2, owner, actor, ip, client, session, logon_type);
  r.items.push_back(Item(subject, "\\Sent Items"));
  if (op != "Send") r.send_as_of = owner;
  return r;
}

Record Builder::Group(int64_t time, std::string_view op, int owner, int actor,
                      const std::string& ip, const Client& client, const std::string& session,
                      std::string_view folder, std::vector<GenItem> items, std::string_view dest) {
  Record r = Mailbox(time, op, 3, owner, actor, ip, client, session, owner == actor ? 0 : 2);
  r.folder = std::string(folder);
  r.dest_folder = std::string(dest);
  r.items = std::move(items);
  return r;
}

Record Builder::Cmdlet(int64_t time, std::string_view op, int actor, const std::string& ip,
                       std::vector<std::pair<std::string, std::string>> params,
                       std::string object_id, const std::string& session, int target) {
  Record r;
  r.time_ms = time;
  r.id = rng_.Guid();
  r.kind = Kind::kAdmin;
  r.record_type = 1;
  r.operation = op;
  r.actor = actor;
  r.user_type = 2;
  r.result = "True";
  r.ip = ip + ":" + std::to_string(rng_.Range(49152, 65535));
  r.app_id = kExoPowerShellApp;
  r.session = session;
  r.params = std::move(params);
  r.object_id = std::move(object_id);
  r.target = target;
  return r;
}

Record Builder::SignIn(int64_t time, int user, const std::string& ip, std::string_view agent,
                       std::string_view result) {
  Record r;
  r.time_ms = time;
  r.id = rng_.Guid();
  r.kind = Kind::kAad;
  r.record_type = 15;
  r.operation = "UserLoggedIn";
  r.actor = user;
  r.ip = ip;
  r.client = agent;
  r.result = result;
  r.session = rng_.Guid();
  return r;
}

std::string Builder::MailboxDn(int user) const {
  return "EURPR04A001.prod.outlook.com/Microsoft Exchange Hosted Organizations/" + t_.org_name +
         "/" + t_.users[user].alias;
}

void OrdinaryDay(const Tenant& tenant, int day, uint64_t seed, std::vector<Record>* out) {
  Rng rng(SubSeed(seed, 0x1000 + static_cast<uint64_t>(day)));
  Builder b(tenant, &rng);
  // 2024-03-04 (the default start) is a Monday; the weekday follows the
  // start date's.
  const int64_t epoch_day = (tenant.start_ms / kMsPerDay) + day;
  const int weekday = static_cast<int>((epoch_day + 3) % 7);  // 0 = Monday
  const bool weekend = weekday >= 5;
  for (int u = 0; u < tenant.persons; ++u) {
    const User& user = tenant.users[u];
    if (weekend) {
      if (user.phone && (u + day) % 2 == 0) PhoneSync(b, day, u, 9 * 60, 21 * 60, out);
      continue;
    }
    OwnerWorkday(b, day, u, out);
    if (user.assists >= 0) AssistantWorkday(b, day, u, out);
    if (user.admin) AdminWorkday(b, day, u, out);
  }
  if (!weekend) {
    for (int svc : tenant.services) ServiceWorkday(b, day, svc, out);
  }
  SystemWork(b, day, out);
}

}  // namespace tern::gen
