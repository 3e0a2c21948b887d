#include "reports/export/ecs_writer.h"

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/export/testing/ecs_mapping.h"
#include "simdjson.h"

namespace tern {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string ReadTemplate() {
  std::ifstream in(TERN_ECS_TEMPLATE_PATH);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// An event with every field tern exports set.
Event FullEvent() {
  Event e;
  e.time_ms = 1709690400123;  // 2024-03-06T02:00:00.123Z
  e.record_id = "0a1b2c3d-0000-4000-8000-000000000001";
  e.record_type = 2;
  e.operation = "MailItemsAccessed";
  e.workload = "Exchange";
  e.result_status = "Succeeded";
  e.organization_id = "org-1";
  e.actor_upn = "eve@contoso.com";
  e.actor_sid = "S-1-5-21-1";
  e.actor_display = "Eve";
  e.user_type = 0;
  e.logon_type = kLogonDelegate;
  e.mailbox_guid = "guid-1";
  e.mailbox_upn = "ceo@contoso.com";
  e.client_ip = "203.0.113.7";
  e.client_ip_raw = "203.0.113.7:50000";
  e.client_info = "Client=OWA;Mozilla/5.0";
  e.session_id = "sess-1";
  e.aad_session_id = "aad-1";
  e.app_id = "app-1";
  e.client_app_id = "capp-1";
  e.external_access = 0;
  e.object_id = "obj-1";
  e.folders = {"\\Inbox"};
  e.flags = kFlagTimeFromWrapper;
  return e;
}

Session GeoSession() {
  Session s;
  s.id = "S-0123456789ab";
  s.client_ip = "203.0.113.7";
  s.geo.known = true;
  s.geo.country_iso = "DE";
  s.geo.country = "Germany";
  s.geo.city = "Berlin";
  s.geo.latitude = 52.5;
  s.geo.longitude = 13.4;
  s.geo.asn = 64500;
  s.geo.as_org = "Example AS";
  return s;
}

ExportFinding FullFinding() {
  ExportFinding f;
  f.finding.id = "F-0001";
  f.finding.rule = "inbox-rule-forward-external";
  f.finding.severity = Severity::kHigh;
  f.finding.title = "Inbox rule forwards mail outside";
  f.finding.attack = {"T1114.003"};
  f.finding.mailbox_guid = "guid-1";
  f.finding.mailbox_upn = "ceo@contoso.com";
  f.finding.actor = "eve@contoso.com";
  f.finding.client_ips = {"203.0.113.7", "host.example"};
  f.finding.first_seen = 1709690400000;
  f.finding.last_seen = 1709690500000;
  f.finding.sessions = {"S-0123456789ab"};
  f.finding.details_json = R"({"to":"x@evil.example"})";
  f.finding.evidence = {{"rec-1", 1, 7, 1709690400000}};
  f.anchors = {{"rec-1", std::string(64, 'a'), "inner.csv", 7, 1709690400000, 2}};
  return f;
}

CaseIncident FullIncident() {
  CaseIncident c;
  c.id = "I-001";
  c.severity = Severity::kCritical;
  c.title = "ceo@contoso.com used from 203.0.113.7: Inbox rule forwards mail outside";
  c.identities = {"ceo@contoso.com"};
  c.other_identities = {"cfo@contoso.com"};
  c.mailboxes = {{"guid-1", "ceo@contoso.com"}};
  IncidentIp ip;
  ip.ip = "203.0.113.7";
  ip.geo = GeoSession().geo;
  c.attacker_ips = {ip};
  c.first_seen = 1709690400000;
  c.last_seen = 1709694000000;
  c.findings = {"F-0001", "F-0002"};
  c.tactics = {"initial-access", "collection"};
  c.sign_ins = 1;
  c.failed_sign_ins = 2;
  c.timeline_events = 40;
  c.counts.messages_accessed = 3;
  c.counts.folders_synced = {"\\Inbox"};
  c.counts.messages_sent = 1;
  c.counts.items_deleted = 4;
  c.counts.items_moved = 5;
  c.counts.rules_created = 6;
  c.counts.forwarding_changes = 1;
  c.counts.throttled_records = 2;
  c.exposure_items = 22;
  return c;
}

simdjson::dom::element Parse(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << text;
  return doc;
}

std::string Str(simdjson::dom::element doc, const char* pointer) {
  std::string_view v;
  if (doc.at_pointer(pointer).get(v) != simdjson::SUCCESS) return "<absent>";
  return std::string(v);
}

TEST(EcsWriterTest, EventDocumentCarriesEcsAndTernFields) {
  const Event e = FullEvent();
  const Session s = GeoSession();
  const std::vector<std::string> findings = {"F-0001", "F-0003"};
  EventEnrichment x;
  x.source = {e.record_id, std::string(64, 'b'), "a.zip!b.csv", 12, e.time_ms, 1};
  x.session = &s;
  x.finding_ids = &findings;
  simdjson::dom::parser parser;
  const std::string text = EcsEventDocument(e, x, {.case_id = "C-1"});
  auto doc = Parse(parser, text);
  EXPECT_EQ(Str(doc, "/@timestamp"), "2024-03-06T02:00:00.123Z");
  EXPECT_EQ(Str(doc, "/event/action"), "MailItemsAccessed");
  EXPECT_EQ(Str(doc, "/event/outcome"), "success");
  EXPECT_EQ(Str(doc, "/event/dataset"), "o365.audit");
  EXPECT_EQ(Str(doc, "/user/name"), "eve@contoso.com");
  EXPECT_EQ(Str(doc, "/source/ip"), "203.0.113.7");
  EXPECT_EQ(Str(doc, "/source/geo/country_iso_code"), "DE");
  EXPECT_EQ(Str(doc, "/source/as/organization/name"), "Example AS");
  EXPECT_EQ(Str(doc, "/user_agent/original"), "Client=OWA;Mozilla/5.0");
  EXPECT_EQ(Str(doc, "/tern/record_id"), e.record_id);
  EXPECT_EQ(Str(doc, "/tern/session_id"), "S-0123456789ab");
  EXPECT_EQ(Str(doc, "/tern/finding_ids/1"), "F-0003");
  EXPECT_EQ(Str(doc, "/tern/evidence/sha256"), std::string(64, 'b'));
  EXPECT_EQ(Str(doc, "/tern/evidence/member"), "a.zip!b.csv");
  uint64_t line = 0;
  ASSERT_EQ(doc.at_pointer("/tern/evidence/line").get(line), simdjson::SUCCESS);
  EXPECT_EQ(line, 12u);
  EXPECT_EQ(Str(doc, "/tern/case_id"), "C-1");
}

TEST(EcsWriterTest, UnknownValuesAreLeftOutNotWrittenEmpty) {
  Event e;
  e.time_ms = 0;
  e.record_id = "r";
  e.client_ip = "cool.client.local";  // a host name: not an `ip` value
  e.result_status = "Whatever";
  simdjson::dom::parser parser;
  auto doc = Parse(parser, EcsEventDocument(e, {}, {}));
  EXPECT_EQ(Str(doc, "/event/outcome"), "unknown");
  EXPECT_EQ(Str(doc, "/source/ip"), "<absent>");
  EXPECT_EQ(Str(doc, "/tern/client_ip"), "cool.client.local");
  EXPECT_EQ(Str(doc, "/user/name"), "<absent>");
  EXPECT_EQ(Str(doc, "/tern/session_id"), "<absent>");
  EXPECT_EQ(Str(doc, "/tern/case_id"), "<absent>");
  e.result_status = "False";
  EXPECT_EQ(Str(Parse(parser, EcsEventDocument(e, {}, {})), "/event/outcome"), "failure");
}

TEST(EcsWriterTest, SessionGeoOnlyForTheSessionsOwnAddress) {
  Event e = FullEvent();
  e.client_ip = "198.51.100.1";
  const Session s = GeoSession();
  EventEnrichment x;
  x.session = &s;
  simdjson::dom::parser parser;
  auto doc = Parse(parser, EcsEventDocument(e, x, {}));
  EXPECT_EQ(Str(doc, "/source/ip"), "198.51.100.1");
  EXPECT_EQ(Str(doc, "/source/geo/country_iso_code"), "<absent>");
}

TEST(EcsWriterTest, FindingDocumentNamesRuleEvidenceAndStableId) {
  const ExportFinding f = FullFinding();
  simdjson::dom::parser parser;
  auto doc = Parse(parser, EcsFindingDocument(f, {}));
  EXPECT_EQ(Str(doc, "/tern/doc_type"), "finding");
  EXPECT_EQ(Str(doc, "/event/kind"), "alert");
  EXPECT_EQ(Str(doc, "/rule/id"), "inbox-rule-forward-external");
  EXPECT_EQ(Str(doc, "/tern/finding/severity"), "high");
  EXPECT_EQ(Str(doc, "/tern/evidence/0/record_id"), "rec-1");
  EXPECT_EQ(Str(doc, "/tern/finding_ids/0"), "F-0001");
  EXPECT_EQ(Str(doc, "/related/ip/0"), "203.0.113.7");
  EXPECT_EQ(Str(doc, "/related/ip/1"), "<absent>");  // host names are not ip values
  // The id does not depend on the case-local F-number.
  ExportFinding renumbered = f;
  renumbered.finding.id = "F-0042";
  EXPECT_EQ(EcsFindingDocumentId(f.finding), EcsFindingDocumentId(renumbered.finding));
  ExportFinding other = f;
  other.finding.evidence[0].record_id = "rec-2";
  EXPECT_NE(EcsFindingDocumentId(f.finding), EcsFindingDocumentId(other.finding));
}

TEST(EcsWriterTest, IncidentDocumentTellsTheStoryWithAStableId) {
  const CaseIncident c = FullIncident();
  simdjson::dom::parser parser;
  auto doc = Parse(parser, EcsIncidentDocument(c, {.case_id = "C-1"}));
  EXPECT_EQ(Str(doc, "/@timestamp"), "2024-03-06T02:00:00Z");
  EXPECT_EQ(Str(doc, "/event/end"), "2024-03-06T03:00:00Z");
  EXPECT_EQ(Str(doc, "/tern/doc_type"), "incident");
  EXPECT_EQ(Str(doc, "/event/kind"), "alert");
  EXPECT_EQ(Str(doc, "/event/dataset"), "tern.incidents");
  EXPECT_EQ(Str(doc, "/tern/incident/id"), "I-001");
  EXPECT_EQ(Str(doc, "/tern/incident/severity"), "critical");
  EXPECT_EQ(Str(doc, "/tern/finding_ids/1"), "F-0002");
  EXPECT_EQ(Str(doc, "/related/ip/0"), "203.0.113.7");
  EXPECT_EQ(Str(doc, "/related/user/0"), "ceo@contoso.com");
  EXPECT_EQ(Str(doc, "/tern/incident/attacker_ips/0/as_organization"), "Example AS");
  EXPECT_EQ(Str(doc, "/tern/incident/mailboxes/0/guid"), "guid-1");
  EXPECT_EQ(Str(doc, "/tern/incident/tactics/1"), "collection");
  uint64_t rules = 0;
  ASSERT_EQ(doc.at_pointer("/tern/incident/exposure/rules_created").get(rules), simdjson::SUCCESS);
  EXPECT_EQ(rules, 6u);
  // The id does not depend on the case-local I- or F-numbers.
  CaseIncident renumbered = c;
  renumbered.id = "I-007";
  renumbered.findings = {"F-0040"};
  EXPECT_EQ(EcsIncidentDocumentId(c), EcsIncidentDocumentId(renumbered));
  CaseIncident other = c;
  other.attacker_ips[0].ip = "203.0.113.8";
  EXPECT_NE(EcsIncidentDocumentId(c), EcsIncidentDocumentId(other));
  EXPECT_TRUE(EcsIncidentDocumentId(c).starts_with("incident-"));
}

TEST(EcsWriterTest, BulkBodyHasAnIndexActionBeforeEachDocument) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  EcsWriter writer({.bulk = true, .index = "case-\"7\"", .case_id = ""}, file);
  const Event e = FullEvent();
  ASSERT_TRUE(writer.Begin().ok());
  ASSERT_TRUE(writer.AddEvent(e, {}).ok());
  ASSERT_TRUE(writer.AddFinding(FullFinding()).ok());
  ASSERT_TRUE(writer.AddIncident(FullIncident()).ok());
  ASSERT_TRUE(writer.Finish().ok());
  std::rewind(file);
  std::vector<std::string> lines;
  char buffer[8192];
  while (std::fgets(buffer, sizeof(buffer), file) != nullptr) lines.emplace_back(buffer);
  std::fclose(file);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0],
            "{\"index\":{\"_index\":\"case-\\\"7\\\"\",\"_id\":\"" + e.record_id + "\"}}\n");
  EXPECT_EQ(lines[2], "{\"index\":{\"_index\":\"case-\\\"7\\\"\",\"_id\":\"" +
                          EcsFindingDocumentId(FullFinding().finding) + "\"}}\n");
  EXPECT_EQ(writer.events(), 1u);
  EXPECT_EQ(lines[4], "{\"index\":{\"_index\":\"case-\\\"7\\\"\",\"_id\":\"" +
                          EcsIncidentDocumentId(FullIncident()) + "\"}}\n");
  EXPECT_EQ(writer.findings(), 1u);
  EXPECT_EQ(writer.incidents(), 1u);
}

// The mapping declares every field the writer emits, with a fitting type,
// and nothing the writer never emits.
TEST(EcsWriterTest, MappingDeclaresExactlyTheEmittedFields) {
  testing::EcsMapping mapping(ReadTemplate());
  ASSERT_THAT(mapping.error(), IsEmpty());
  const Event e = FullEvent();
  const Session s = GeoSession();
  const std::vector<std::string> findings = {"F-0001"};
  EventEnrichment x;
  x.source = {e.record_id, std::string(64, 'b'), "m.csv", 1, e.time_ms, 1};
  x.session = &s;
  x.finding_ids = &findings;
  std::set<std::string> seen;
  EXPECT_THAT(mapping.Check(EcsEventDocument(e, x, {.case_id = "C"}), &seen), IsEmpty());
  // An actor recorded by SID alone is shown by the UPN the directory links
  // it to, the recorded SID kept in tern.actor_recorded.
  correlate::MailboxDirectory directory;
  directory.Observe(e);
  Event by_sid = e;
  by_sid.actor_upn.clear();
  x.directory = &directory;
  const std::string linked = EcsEventDocument(by_sid, x, {.case_id = "C"});
  EXPECT_THAT(linked, ::testing::HasSubstr("\"user\":{\"name\":\"eve@contoso.com\""));
  EXPECT_THAT(linked, ::testing::HasSubstr("\"actor_recorded\":\"S-1-5-21-1\""));
  EXPECT_THAT(mapping.Check(linked, &seen), IsEmpty());
  EXPECT_THAT(mapping.Check(EcsFindingDocument(FullFinding(), {.case_id = "C"}), &seen), IsEmpty());
  EXPECT_THAT(mapping.Check(EcsIncidentDocument(FullIncident(), {.case_id = "C"}), &seen),
              IsEmpty());
  std::vector<std::string> never_emitted;
  for (const auto& [field, type] : mapping.fields()) {
    if (!seen.contains(field)) never_emitted.push_back(field);
  }
  EXPECT_THAT(never_emitted, IsEmpty());
  // The checker itself rejects what Elasticsearch would reject.
  EXPECT_THAT(mapping.Check(R"({"tern":{"nope":1}})"),
              ElementsAre("tern.nope: not declared in the mapping"));
  EXPECT_THAT(mapping.Check(R"({"source":{"ip":"host.example"}})"),
              ElementsAre("source.ip: value does not fit type ip"));
  EXPECT_THAT(mapping.Check(R"({"@timestamp":"yesterday"})"),
              ElementsAre("@timestamp: value does not fit type date"));
}

}  // namespace
}  // namespace tern
