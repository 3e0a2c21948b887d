#include "reports/testing/sample_view.h"

#include <string>
#include <vector>

namespace tern::testing {
namespace {

constexpr TimeMs kT0 = 1709690400000;  // 2024-03-06T02:00:00Z

std::string Hex64(char c) { return std::string(64, c); }

Event MakeEvent(const std::string& text, const std::string& id, TimeMs t, std::string op) {
  Event e;
  e.time_ms = t;
  e.record_id = id;
  e.record_type = op == "New-InboxRule" ? 1 : 50;
  e.operation = std::move(op);
  e.workload = "Exchange";
  e.actor_upn = text + "@actor";
  e.mailbox_guid = "51b080bb-dfed-5a34-96c7-9d49ee6c78af";
  e.mailbox_upn = text + "@mailbox";
  e.client_ip = "175.16.199.23";
  e.client_info = text + " client";
  e.logon_type = 0;
  e.parameters = {{"Name", text + " rule"}, {"ForwardTo", text + "@forward"}};
  e.items = {{text + " subject", "\\" + text + " folder", "<m@x>", "id1", 100}};
  e.folders = {"\\" + text + " folder"};
  e.provenance = {1, 7, 7};
  return e;
}

}  // namespace

const std::vector<std::string>& HostileStrings() {
  static const std::vector<std::string>* const kStrings = new std::vector<std::string>{
      "<script>alert(1)</script>",
      "<img src=x onerror=alert(1)>",
      "\"><svg onload=alert(1)>",
      "' onmouseover='alert(1)' x='",
      "=cmd|' /C calc'!A0",
      "\x1b]0;pwned\x07",
      "</title></style></script><b>x</b>",
  };
  return *kStrings;
}

CaseView SampleView(const std::string& text) {
  CaseView v;
  v.tool_version = "9.9.9-test";
  v.case_id = text + " case";
  v.examiner = text + " examiner";

  EvidenceRecord file;
  file.ordinal = 1;
  file.given_path = text + " export.jsonl";
  file.sha256 = Hex64('a');
  file.size = 1234;
  file.format = "ual-jsonl";
  file.status = "ingested";
  file.records_parsed = 4;
  file.records_stored = 4;
  file.first_event_ms = kT0;
  file.last_event_ms = kT0 + 3 * kHourMs;
  EvidenceRecord archive;
  archive.ordinal = 2;
  archive.given_path = text + " bundle.zip";
  archive.is_container = true;
  archive.container_format = "zip";
  archive.sha256 = Hex64('b');
  archive.size = 99;
  archive.status = "ingested";
  EvidenceRecord member = file;
  member.ordinal = 3;
  member.parent = 2;
  member.given_path = "";
  member.member_path = text + " member.csv";
  member.sha256 = Hex64('c');
  member.format = "purview-csv";
  v.evidence_records = {file, archive, member};
  v.evidence.push_back(EvidenceNodeView{&v.evidence_records[1], {}});
  v.evidence[0].members.push_back(EvidenceNodeView{&v.evidence_records[2], {}});
  v.evidence.push_back(EvidenceNodeView{&v.evidence_records[0], {}});

  v.events = 4;
  v.duplicates = 1;
  v.rejected = 1;
  v.first_event = kT0;
  v.last_event = kT0 + 3 * kHourMs;
  v.mailboxes = 1;
  v.warnings = {Warning{"export-cap-reached", text + " source", 12, text + " detail"}};

  const Severity severities[] = {Severity::kCritical, Severity::kHigh, Severity::kLow};
  for (int i = 0; i < 3; ++i) {
    Finding f;
    f.id = "F-000" + std::to_string(i + 1);
    f.rule = i == 0 ? "inbox-rule-forward-external" : "suspicious-client";
    f.severity = severities[i];
    f.title = text + " title " + std::to_string(i);
    f.attack = {"T1114.003"};
    f.mailbox_guid = "51b080bb-dfed-5a34-96c7-9d49ee6c78af";
    f.mailbox_upn = text + "@mailbox";
    f.actor = text + "@actor";
    f.client_ips = {"175.16.199.23", text + " host"};
    f.first_seen = kT0 + i * kHourMs;
    f.last_seen = kT0 + i * kHourMs + 60000;
    f.sessions = {"S-0123456789ab"};
    f.details_json = "{\"rule_name\":\"" + std::string("x\\\"y") + "\",\"count\":3}";
    const std::string id = "rec-" + std::to_string(i);
    f.evidence = {EvidenceAnchor{id, 1, 7, f.first_seen}};
    v.findings.push_back(f);
    v.anchors.push_back({ResolvedAnchor{id, Hex64('a'), text + " member", 7, f.first_seen, 2}});
    ++v.findings_by_severity[f.severity];
    v.activity.finding_events.push_back(
        {MakeEvent(text, id, f.first_seen, i == 0 ? "New-InboxRule" : "MailItemsAccessed")});
  }

  Session s;
  s.id = "S-0123456789ab";
  s.mailbox_guid = "51b080bb-dfed-5a34-96c7-9d49ee6c78af";
  s.mailbox_upn = text + "@mailbox";
  s.actor = text + "@actor";
  s.client_ip = "175.16.199.23";
  s.session_id = text + " sid";
  s.start = kT0;
  s.end = kT0 + 2 * kHourMs;
  s.events = 3;
  s.operations = {{"MailItemsAccessed", 2}, {text + " op", 1}};
  s.logon_types = {0};
  s.client_infos = {text + " agent"};
  s.folders = {text + " folder"};
  s.items = 5;
  s.first_seen_ip = true;
  s.geo.known = true;
  s.geo.country_iso = "CN";
  s.geo.country = text + " country";
  s.geo.city = text + " city";
  s.geo.asn = 4134;
  s.geo.as_org = text + " org";
  v.sessions.push_back(s);

  v.activity.chart.bucket_ms = kHourMs;
  v.activity.chart.origin = kT0;
  v.activity.chart.buckets.assign(4, CategoryCounts{});
  v.activity.chart.buckets[0][0] = 3;
  v.activity.chart.buckets[1][3] = 1;
  v.activity.chart.buckets[3][1] = 2;
  MailboxActivity m;
  m.guid = s.mailbox_guid;
  m.upn = s.mailbox_upn;
  m.events = 4;
  m.first = kT0;
  m.last = kT0 + 3 * kHourMs;
  m.ips = {{"175.16.199.23"}, false};
  m.actors = {{text + "@actor"}, true};
  v.activity.mailboxes.push_back(m);
  IpActivity ip;
  ip.ip = "175.16.199.23";
  ip.events = 4;
  ip.first = kT0;
  ip.last = kT0 + kHourMs;
  ip.mailboxes = {{text + "@mailbox"}, false};
  ip.actors = {{text + "@actor"}, false};
  ip.client_infos = {{text + " agent"}, false};
  ip.geo = s.geo;
  v.activity.ips.push_back(ip);
  IpActivity host = ip;
  host.ip = text + " host";
  host.geo = GeoInfo{};
  v.activity.ips.push_back(host);

  RuleInfo rule;
  rule.id = "inbox-rule-forward-external";
  rule.title = "Inbox rule forwards outside the organization";
  rule.severity = Severity::kHigh;
  rule.attack = {"T1114.003"};
  rule.description = "Threshold: any. Option --org-domain.";
  v.rules.push_back(rule);
  v.library_versions = {"RocksDB 0.0-test", text + " lib"};
  return v;
}

IncidentView SampleIncident(const CaseView& view, const std::string& text) {
  IncidentView v;
  CaseIncident& c = v.incident;
  c.id = "I-001";
  c.severity = Severity::kHigh;
  c.title = text + " used from 203.0.113.9";
  c.identities = {text + " identity"};
  c.attacker_ips = {{"203.0.113.9", GeoInfo{}}};
  c.first_seen = c.last_seen = view.findings.front().first_seen;
  c.findings = {view.findings.front().id};
  IncidentEvent event;
  event.operation = "MailItemsAccessed";
  event.client_ip = "203.0.113.9";
  event.summary = text + " summary";
  event.anchor.record_id = "r-incident";
  event.anchor.time_ms = c.first_seen;
  c.timeline = {event};
  c.timeline_events = 1;
  ResolvedAnchor anchor;
  anchor.record_id = event.anchor.record_id;
  anchor.sha256 = std::string(64, 'c');
  anchor.time_ms = c.first_seen;
  v.timeline = {anchor};
  v.sessions = {view.sessions.front().id};
  return v;
}

}  // namespace tern::testing
