#include "core/detect/incident_graph.h"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <string_view>
#include <tuple>
#include <utility>

#include "core/base/ip.h"
#include "core/correlate/signin.h"
#include "core/detect/fields.h"
#include "core/detect/incident_sources.h"

namespace tern::detect {
namespace {

constexpr size_t kMaxSummary = 300;
constexpr size_t kMaxLeadUpPerIdentity = 8;

// The parameters worth a word in a rule or mailbox change summary.
constexpr std::string_view kTellingParams[] = {"From",
                                               "SubjectContainsWords",
                                               "SubjectOrBodyContainsWords",
                                               "BodyContainsWords",
                                               "FromAddressContainsWords",
                                               "MoveToFolder",
                                               "ForwardTo",
                                               "ForwardAsAttachmentTo",
                                               "RedirectTo",
                                               "DeleteMessage",
                                               "MarkAsRead",
                                               "StopProcessingRules",
                                               "ForwardingSmtpAddress",
                                               "ForwardingAddress",
                                               "DeliverToMailboxAndForward",
                                               "User",
                                               "AccessRights",
                                               "Trustee"};

std::string Clip(std::string s) {
  if (s.size() > kMaxSummary) {
    s.resize(kMaxSummary);
    s += "...";
  }
  return s;
}

std::string MailboxName(const correlate::MailboxRef& m) { return m.upn.empty() ? m.guid : m.upn; }

std::string Params(const Event& e) {
  std::string out;
  for (std::string_view name : kTellingParams) {
    const NameValue* p = Event::Find(e.parameters, name);
    if (p == nullptr) continue;
    out = Cat(out, out.empty() ? "" : ", ", p->name, p->has_value ? "=" : "", p->value);
  }
  return out;
}

std::string FolderList(const Event& e) {
  std::set<std::string> folders(e.folders.begin(), e.folders.end());
  for (const MailItem& item : e.items) {
    if (!item.folder.empty()) folders.insert(item.folder);
  }
  std::string out;
  for (const std::string& f : folders) out = Cat(out, out.empty() ? "" : ", ", f);
  return out;
}

bool IsInboxRuleOp(const Event& e) {
  return OpIn(e, {"New-InboxRule", "Set-InboxRule", "Enable-InboxRule", "UpdateInboxRules"});
}

bool IsDeleteOp(const Event& e) {
  return OpIn(e, {"SoftDelete", "HardDelete", "MoveToDeletedItems"});
}

bool IsSendOp(const Event& e) { return OpIn(e, {"Send", "SendAs", "SendOnBehalf"}); }

const std::pair<std::string_view, std::string_view> kTechniqueTactic[] = {
    {"T1020", "exfiltration"},      {"T1048", "exfiltration"},      {"T1059", "execution"},
    {"T1070", "defense-evasion"},   {"T1078", "initial-access"},    {"T1087", "discovery"},
    {"T1098", "persistence"},       {"T1110", "credential-access"}, {"T1114", "collection"},
    {"T1119", "collection"},        {"T1136", "persistence"},       {"T1137", "persistence"},
    {"T1185", "collection"},        {"T1213", "collection"},        {"T1485", "impact"},
    {"T1528", "credential-access"}, {"T1530", "collection"},        {"T1531", "impact"},
    {"T1534", "lateral-movement"},  {"T1537", "exfiltration"},      {"T1539", "credential-access"},
    {"T1550", "defense-evasion"},   {"T1556", "credential-access"}, {"T1562", "defense-evasion"},
    {"T1564", "defense-evasion"},   {"T1566", "initial-access"},    {"T1606", "credential-access"}};

constexpr std::string_view kKillChain[] = {"reconnaissance",  "resource-development",
                                           "initial-access",  "execution",
                                           "persistence",     "privilege-escalation",
                                           "defense-evasion", "credential-access",
                                           "discovery",       "lateral-movement",
                                           "collection",      "command-and-control",
                                           "exfiltration",    "impact"};

}  // namespace

std::vector<std::string> TacticsOf(const std::set<std::string>& techniques) {
  std::set<std::string_view> found;
  for (const std::string& t : techniques) {
    const std::string_view base = std::string_view(t).substr(0, t.find('.'));
    for (const auto& [technique, tactic] : kTechniqueTactic) {
      if (technique == base) found.insert(tactic);
    }
  }
  std::vector<std::string> out;
  for (std::string_view tactic : kKillChain) {
    if (found.contains(tactic)) out.emplace_back(tactic);
  }
  return out;
}

std::string DescribeEvent(const Event& e) {
  if (correlate::IsSignIn(e)) return Clip(correlate::DescribeSignIn(correlate::ReadSignIn(e)));
  if (IsInboxRuleOp(e)) {
    const std::string params = Params(e);
    return Clip(Cat("rule '", InboxRuleName(e), "'", params.empty() ? "" : ": ", params));
  }
  if (OpIs(e, "MailItemsAccessed")) {
    std::string_view type = Prop(e, "MailAccessType");
    if (type.empty()) type = "access";
    std::string out = Cat(type, ": ");
    out += EqualsIgnoreCase(type, "Sync") ? "whole folder synchronized"
                                          : Cat(e.items.size(), " item(s)");
    if (const std::string folders = FolderList(e); !folders.empty()) out += Cat(" in ", folders);
    if (IsTrue(Prop(e, "IsThrottled"))) out += " (throttled: not itemized)";
    return Clip(out);
  }
  if (IsSendOp(e)) {
    const std::string subject = e.items.empty() ? "" : e.items.front().subject;
    return Clip(Cat("sent \"", subject, "\""));
  }
  if (IsDeleteOp(e) || OpIs(e, "Move")) {
    std::string out = Cat(e.items.size(), " item(s)");
    if (!e.items.empty() && !e.items.front().subject.empty()) {
      out += Cat(" incl. \"", e.items.front().subject, "\"");
    }
    if (const std::string folders = FolderList(e); !folders.empty()) out += Cat(" from ", folders);
    if (std::string_view dest = Extra(e, "DestFolder.Path"); !dest.empty()) {
      out += Cat(" to ", dest);
    }
    return Clip(out);
  }
  if (e.record_type == kDirectoryRecordType) {
    std::string target;
    for (const NameValue& nv : e.extra) {
      if (EqualsIgnoreCase(nv.name, "Target.ID") && nv.value.find('@') != std::string::npos) {
        target = nv.value;
        break;
      }
    }
    if (target.empty()) target = e.object_id;
    return Clip(target.empty() ? std::string(e.operation) : Cat("target ", target));
  }
  if (const std::string params = Params(e); !params.empty()) return Clip(params);
  return Clip(e.object_id);
}

IncidentGraph::IncidentGraph(const std::vector<Finding>& findings,
                             const std::function<bool(const std::string&)>& is_attacker_ip,
                             std::function<GeoInfo(const std::string&)> geo_of)
    : geo_of_(std::move(geo_of)) {
  // Seeds and their attacker addresses.
  std::vector<size_t> seeds;
  std::vector<std::vector<std::string>> seed_ips;
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    if (f.severity < Severity::kMedium) continue;
    std::vector<std::string> ips;
    for (const std::string& ip : f.client_ips) {
      if (IsIpLiteral(ip) && !IsPrivateOrLocalIp(ip) && is_attacker_ip(ip)) ips.push_back(ip);
    }
    if (ips.empty()) continue;
    seeds.push_back(i);
    seed_ips.push_back(std::move(ips));
  }
  // Union-find over seeds: a shared attacker IP, or one identity within
  // kIdentityLinkMs.
  std::vector<size_t> parent(seeds.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto root = [&](size_t n) {
    while (parent[n] != n) n = parent[n] = parent[parent[n]];
    return n;
  };
  auto join = [&](size_t a, size_t b) {
    a = root(a);
    b = root(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  };
  std::map<std::string, size_t> first_with_ip;
  std::map<std::string, std::vector<size_t>> with_identity;
  for (size_t s = 0; s < seeds.size(); ++s) {
    for (const std::string& ip : seed_ips[s]) {
      auto [it, inserted] = first_with_ip.emplace(ip, s);
      if (!inserted) join(it->second, s);
    }
    const Finding& f = findings[seeds[s]];
    for (const std::string& id :
         {f.actor, f.mailbox_upn.empty() ? f.mailbox_guid : f.mailbox_upn}) {
      if (!id.empty()) with_identity[id].push_back(s);
    }
  }
  for (const auto& [id, list] : with_identity) {
    for (size_t a = 0; a < list.size(); ++a) {
      for (size_t b = a + 1; b < list.size(); ++b) {
        const Finding& x = findings[seeds[list[a]]];
        const Finding& y = findings[seeds[list[b]]];
        if (x.first_seen <= y.last_seen + kIdentityLinkMs &&
            y.first_seen <= x.last_seen + kIdentityLinkMs) {
          join(list[a], list[b]);
        }
      }
    }
  }
  std::map<size_t, size_t> group_of_root;
  for (size_t s = 0; s < seeds.size(); ++s) {
    auto [it, inserted] = group_of_root.emplace(root(s), groups_.size());
    if (inserted) groups_.emplace_back();
    Group& g = groups_[it->second];
    const Finding& f = findings[seeds[s]];
    g.ips.insert(seed_ips[s].begin(), seed_ips[s].end());
    g.incident.severity = std::max(g.incident.severity, f.severity);
    if (!f.actor.empty()) {
      g.identities.insert(f.actor);
    } else if (!f.mailbox_upn.empty()) {
      g.identities.insert(f.mailbox_upn);
    }
    if (!f.mailbox_guid.empty() || !f.mailbox_upn.empty()) {
      g.mailboxes.emplace(f.mailbox_guid, f.mailbox_upn);
    }
  }
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    for (const std::string& ip : groups_[gi].ips) by_ip_.emplace(ip, gi);
  }
  // Every finding carrying an attacker IP belongs to the story.
  for (const Finding& f : findings) {
    for (const std::string& ip : f.client_ips) {
      auto it = by_ip_.find(ip);
      if (it == by_ip_.end()) continue;
      Group& g = groups_[it->second];
      g.findings.insert(f.id);
      g.attack.insert(f.attack.begin(), f.attack.end());
    }
  }
  for (size_t s = 0; s < seeds.size(); ++s) {
    const Finding& f = findings[seeds[s]];
    Group& g = groups_[group_of_root[root(s)]];
    g.findings.insert(f.id);
    g.attack.insert(f.attack.begin(), f.attack.end());
    // The earliest finding at the incident's severity names it.
    if (g.incident.title.empty() && f.severity == g.incident.severity) g.incident.title = f.title;
    // The findings' span stands in for the attacker's activity until the
    // event pass sees it (a finding may rest on what others did first: the
    // admin's password reset before the attacker's sign-in).
    if (!g.have_activity || f.first_seen < g.incident.first_seen)
      g.incident.first_seen = f.first_seen;
    if (!g.have_activity || f.last_seen > g.incident.last_seen) g.incident.last_seen = f.last_seen;
    g.have_activity = true;
  }
}

void IncidentGraph::AddTimeline(Group& g, IncidentEvent entry) {
  ++g.incident.timeline_events;
  if (g.incident.timeline.size() < CaseIncident::kMaxTimeline) {
    g.incident.timeline.push_back(std::move(entry));
  }
}

void IncidentGraph::AddExposure(Group& g, const Event& e, const std::string& mailbox) {
  CaseIncident& c = g.incident;
  auto add = [&](std::string action, const MailItem* item, std::string folder, std::string detail) {
    ++c.exposure_items;
    if (c.exposure.size() >= CaseIncident::kMaxExposure) return;
    ExposureItem x;
    x.action = std::move(action);
    x.mailbox = mailbox;
    x.folder = std::move(folder);
    if (item != nullptr) {
      x.message_id = item->message_id;
      x.subject = item->subject;
      if (x.folder.empty()) x.folder = item->folder;
    }
    x.detail = std::move(detail);
    x.anchor = EvidenceAnchor{e.record_id, e.provenance.evidence, e.provenance.line, e.time_ms};
    c.exposure.push_back(std::move(x));
  };
  if (OpIs(e, "MailItemsAccessed")) {
    if (IsTrue(Prop(e, "IsThrottled"))) {
      ++c.counts.throttled_records;
      add("throttled", nullptr, FolderList(e), "MailItemsAccessed throttled: access not itemized");
    }
    if (EqualsIgnoreCase(Prop(e, "MailAccessType"), "Sync")) {
      std::set<std::string> folders(e.folders.begin(), e.folders.end());
      for (const MailItem& item : e.items) folders.insert(item.folder);
      folders.erase("");
      for (const std::string& f : folders) {
        g.folders_synced.insert(f);
        add("folder-synced", nullptr, f, "whole folder synchronized");
      }
      return;
    }
    for (const MailItem& item : e.items) {
      if (!item.message_id.empty()) g.message_ids.insert(item.message_id);
      add("accessed", &item, "", "");
    }
    return;
  }
  if (IsSendOp(e)) {
    c.counts.messages_sent += std::max<size_t>(e.items.size(), 1);
    if (e.items.empty()) add("sent", nullptr, "", std::string(e.operation));
    for (const MailItem& item : e.items) add("sent", &item, "", std::string(e.operation));
    return;
  }
  if (IsDeleteOp(e)) {
    c.counts.items_deleted += e.items.size();
    for (const MailItem& item : e.items) add("deleted", &item, "", std::string(e.operation));
    return;
  }
  if (OpIs(e, "Move")) {
    c.counts.items_moved += e.items.size();
    const std::string dest(Extra(e, "DestFolder.Path"));
    for (const MailItem& item : e.items)
      add("moved", &item, "", dest.empty() ? "" : Cat("to ", dest));
    return;
  }
  if (IsInboxRuleOp(e)) {
    ++c.counts.rules_created;
    add("rule-created", nullptr, "", Cat(e.operation, " '", InboxRuleName(e), "' ", Params(e)));
    return;
  }
  for (std::string_view name : {"ForwardingSmtpAddress", "ForwardingAddress"}) {
    std::string_view value = Param(e, name);
    if (value.empty()) continue;
    ++c.counts.forwarding_changes;
    add("forwarding-set", nullptr, "", Cat(e.operation, " ", name, "=", value));
    return;
  }
}

void IncidentGraph::Record(Group& g, const Event& e, const correlate::MailboxRef& mailbox,
                           const std::string& actor) {
  CaseIncident& c = g.incident;
  const std::string mailbox_name = MailboxName(mailbox);
  if (correlate::IsSignIn(e)) {
    if (correlate::ReadSignIn(e).succeeded) {
      ++c.sign_ins;
      if (!actor.empty()) g.identities.insert(actor);
    } else {
      ++c.failed_sign_ins;
      if (!actor.empty()) g.tried.insert(actor);
    }
  } else {
    if (!actor.empty()) g.identities.insert(actor);
    if (!mailbox.empty()) {
      g.mailboxes.emplace(mailbox.guid, mailbox.upn);
      g.touched.insert(mailbox_name);
    }
  }
  // What was done to this identity in the days before: the lead-up.
  if (auto it = lead_up_.find(actor); it != lead_up_.end()) {
    for (IncidentEvent& before : it->second) {
      if (before.anchor.time_ms + kLeadUpMs >= e.time_ms &&
          g.lead_up_ids.insert(before.anchor.record_id).second) {
        AddTimeline(g, before);
      }
    }
    lead_up_.erase(it);
  }
  if (!g.have_events || e.time_ms < c.first_seen) c.first_seen = e.time_ms;
  if (!g.have_events || e.time_ms > c.last_seen) c.last_seen = e.time_ms;
  g.have_activity = g.have_events = true;
  if (g.lead_up_ids.contains(e.record_id)) return;
  AddTimeline(g, IncidentEvent{e.operation, mailbox_name, actor, e.client_ip, DescribeEvent(e),
                               EvidenceAnchor{e.record_id, e.provenance.evidence, e.provenance.line,
                                              e.time_ms}});
  AddExposure(g, e, mailbox_name);
}

void IncidentGraph::OnEvent(const Event& e, const correlate::MailboxRef& mailbox,
                            const std::string& actor, const std::string& target_upn, bool system) {
  if (groups_.empty() || system) return;
  const IncidentSessions sessions = IncidentSessionsOf(e);
  const std::string& aad_session = sessions.sign_in;
  const std::string& exo_session = sessions.exchange;
  size_t group = groups_.size();
  bool from_ip = false;
  if (auto it = by_ip_.find(e.client_ip); it != by_ip_.end()) {
    group = it->second;
    from_ip = true;
  } else {
    for (const std::string* s : {&aad_session, &exo_session}) {
      if (s->empty()) continue;
      if (auto sit = by_session_.find(*s); sit != by_session_.end()) {
        group = sit->second;
        break;
      }
    }
  }
  if (group == groups_.size()) {
    // Not the attacker's: remember directory changes to an identity in case
    // the attacker uses it next.
    if (e.record_type == kDirectoryRecordType && !target_upn.empty()) {
      std::vector<IncidentEvent>& list = lead_up_[target_upn];
      if (list.size() < kMaxLeadUpPerIdentity) {
        list.push_back(IncidentEvent{
            e.operation, "", actor, e.client_ip, DescribeEvent(e),
            EvidenceAnchor{e.record_id, e.provenance.evidence, e.provenance.line, e.time_ms}});
      }
    }
    return;
  }
  if (from_ip) {
    for (const std::string* s : {&aad_session, &exo_session}) {
      if (!s->empty()) by_session_.emplace(*s, group);
    }
  }
  Record(groups_[group], e, mailbox, actor);
}

std::vector<std::string> IncidentGraph::attacker_ips() const {
  std::vector<std::string> out;
  out.reserve(by_ip_.size());
  for (const auto& [ip, group] : by_ip_) out.push_back(ip);
  return out;
}

std::vector<CaseIncident> IncidentGraph::Finish() {
  std::vector<CaseIncident> out;
  for (Group& g : groups_) {
    CaseIncident& c = g.incident;
    c.identities.assign(g.identities.begin(), g.identities.end());
    for (const std::string& id : g.tried) {
      if (!g.identities.contains(id)) c.other_identities.push_back(id);
    }
    for (const std::string& id : g.touched) {
      if (!g.identities.contains(id) && !g.tried.contains(id)) c.other_identities.push_back(id);
    }
    std::sort(c.other_identities.begin(), c.other_identities.end());
    c.mailboxes.assign(g.mailboxes.begin(), g.mailboxes.end());
    for (const std::string& ip : g.ips) c.attacker_ips.push_back(IncidentIp{ip, geo_of_(ip)});
    c.findings.assign(g.findings.begin(), g.findings.end());
    std::set<std::string> attack = g.attack;
    if (c.sign_ins > 0) attack.insert("T1078.004");
    if (c.failed_sign_ins > 0) attack.insert("T1110");
    c.tactics = TacticsOf(attack);
    c.counts.messages_accessed = g.message_ids.size();
    c.counts.folders_synced.assign(g.folders_synced.begin(), g.folders_synced.end());
    auto by_time = [](const auto& a, const auto& b) {
      return std::tie(a.anchor.time_ms, a.anchor.record_id) <
             std::tie(b.anchor.time_ms, b.anchor.record_id);
    };
    std::stable_sort(c.timeline.begin(), c.timeline.end(), by_time);
    std::stable_sort(c.exposure.begin(), c.exposure.end(), by_time);
    const std::string who = c.identities.empty()       ? std::string("unknown identity")
                            : c.identities.size() == 1 ? c.identities.front()
                                                       : Cat(c.identities.front(), " and ",
                                                             c.identities.size() - 1, " more");
    c.title = Cat(who, " used from ", c.attacker_ips.empty() ? "" : c.attacker_ips.front().ip,
                  c.attacker_ips.size() > 1 ? Cat(" and ", c.attacker_ips.size() - 1, " more") : "",
                  c.title.empty() ? "" : ": ", c.title);
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const CaseIncident& a, const CaseIncident& b) {
    const std::string& ia = a.attacker_ips.empty() ? "" : a.attacker_ips.front().ip;
    const std::string& ib = b.attacker_ips.empty() ? "" : b.attacker_ips.front().ip;
    const std::string& fa = a.findings.empty() ? "" : a.findings.front();
    const std::string& fb = b.findings.empty() ? "" : b.findings.front();
    return std::tie(a.first_seen, ia, fa) < std::tie(b.first_seen, ib, fb);
  });
  for (size_t i = 0; i < out.size(); ++i) {
    char id[32];
    std::snprintf(id, sizeof(id), "I-%03zu", i + 1);
    out[i].id = id;
  }
  groups_.clear();
  return out;
}

}  // namespace tern::detect
