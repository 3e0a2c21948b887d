// `tern export --format ecs` end to end (issue 16): the built binary on the
// demo evidence (with the MaxMind test databases, so geo fields appear).
// The ECS event lines equal the store's events (count, record ids, times,
// in order, as `tern search` lists them), every line fits the documented
// index template, findings and incidents are their own documents (incidents
// last, one per incident of findings.json), events carry the
// sessions and findings `tern analyze` gave them, and --bulk bodies pair
// each document with its index action.
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/export/testing/ecs_mapping.h"
#include "simdjson.h"
#include "tests/reports_e2e_util.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {
namespace {

using ::testing::IsEmpty;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string Str(simdjson::dom::element doc, const char* pointer) {
  std::string_view v;
  if (doc.at_pointer(pointer).get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

std::vector<std::string> Strs(simdjson::dom::element doc, const char* pointer) {
  std::vector<std::string> out;
  simdjson::dom::array array;
  if (doc.at_pointer(pointer).get(array) != simdjson::SUCCESS) return out;
  for (simdjson::dom::element item : array) out.emplace_back(item.get_string().value());
  return out;
}

class ExportEcsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    std::vector<std::string> args = GeoArgs();
    args.push_back("demo");
    const RunResult run = RunCase(*dir_ / "case", args, {"--case-id", "DEMO-001"});
    ASSERT_LE(run.exit_code, 1) << run.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string CaseDir() { return *dir_ / "case"; }

  static TempDir* dir_;
};
TempDir* ExportEcsTest::dir_ = nullptr;

TEST_F(ExportEcsTest, EventLinesEqualTheStoreAndFitTheMapping) {
  const std::string out = *dir_ / "events.ndjson";
  const RunResult exported =
      RunTern({"export", "--case", CaseDir(), "--format", "ecs", "--out", out});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const RunResult search = RunTern({"search", "--case", CaseDir(), "--format", "jsonl", "--quiet"});
  ASSERT_EQ(search.exit_code, 0) << search.err;

  EcsMapping mapping(ReadFile(std::string(TERN_SOURCE_DIR) + "/docs/ecs/tern-ecs-template.json"));
  ASSERT_THAT(mapping.error(), IsEmpty());
  simdjson::dom::parser parser;
  std::vector<std::string> ecs_events;                       // "time record_id"
  std::map<std::string, std::string> session_of;             // record id -> tern.session_id
  std::map<std::string, std::set<std::string>> findings_of;  // record id -> finding ids
  std::set<std::string> fields;
  size_t finding_docs = 0;
  std::vector<std::string> incident_docs;  // "I-001 first_seen finding ids..."
  size_t with_geo = 0;
  for (const std::string& line : Lines(ReadFile(out))) {
    EXPECT_THAT(mapping.Check(line, &fields), IsEmpty()) << line;
    simdjson::dom::element doc = parser.parse(line).value();
    EXPECT_EQ(Str(doc, "/tern/case_id"), "DEMO-001");
    if (Str(doc, "/tern/doc_type") == "incident") {
      std::string summary = Str(doc, "/tern/incident/id") + " " + Str(doc, "/@timestamp");
      for (const std::string& f : Strs(doc, "/tern/finding_ids")) summary += " " + f;
      incident_docs.push_back(summary);
      continue;
    }
    if (Str(doc, "/tern/doc_type") == "finding") {
      ASSERT_TRUE(incident_docs.empty()) << "incidents come last";
      ++finding_docs;
      continue;
    }
    ASSERT_EQ(Str(doc, "/tern/doc_type"), "event");
    ASSERT_EQ(finding_docs, 0u) << "events come first";
    const std::string id = Str(doc, "/tern/record_id");
    ecs_events.push_back(Str(doc, "/@timestamp") + " " + id);
    EXPECT_EQ(Str(doc, "/event/id"), id);
    EXPECT_EQ(Str(doc, "/tern/evidence/sha256").size(), 64u) << line;
    session_of[id] = Str(doc, "/tern/session_id");
    for (const std::string& f : Strs(doc, "/tern/finding_ids")) findings_of[id].insert(f);
    if (!Str(doc, "/source/geo/country_iso_code").empty()) ++with_geo;
  }
  std::vector<std::string> store_events;
  for (const std::string& line : Lines(search.out)) {
    simdjson::dom::element doc = parser.parse(line).value();
    store_events.push_back(Str(doc, "/datetime") + " " + Str(doc, "/record_id"));
  }
  ASSERT_GT(store_events.size(), 100u);
  EXPECT_EQ(ecs_events, store_events);
  EXPECT_GT(with_geo, 0u) << "the demo case has addresses in the MaxMind test databases";
  for (const char* field : {"source.as.number", "user_agent.original", "user.name", "event.outcome",
                            "tern.evidence.line", "tern.finding.severity"}) {
    EXPECT_TRUE(fields.contains(field)) << field << " never written";
  }

  // Findings: one document each; their events name them and lie in their sessions.
  simdjson::dom::element findings =
      parser.load(CaseDir() + "/findings.json").value()["findings"].value();
  size_t expected_findings = 0;
  const simdjson::dom::array finding_list = findings.get_array().value();
  for (simdjson::dom::element f : finding_list) {
    ++expected_findings;
    const std::string fid = Str(f, "/id");
    const std::vector<std::string> sessions = Strs(f, "/sessions");
    const simdjson::dom::array anchors = f["evidence"].get_array().value();
    for (simdjson::dom::element anchor : anchors) {
      const std::string record = Str(anchor, "/record_id");
      EXPECT_TRUE(findings_of[record].contains(fid)) << record << " lacks " << fid;
      EXPECT_THAT(sessions, ::testing::Contains(session_of[record]))
          << fid << ": event " << record << " is in session " << session_of[record];
    }
  }
  EXPECT_GT(expected_findings, 0u);
  EXPECT_EQ(finding_docs, expected_findings);

  // Incidents: one document each, dated by their first attacker activity,
  // naming their findings.
  simdjson::dom::array incident_list =
      parser.load(CaseDir() + "/findings.json").value()["incidents"].get_array().value();
  std::vector<std::string> expected_incidents;
  for (simdjson::dom::element i : incident_list) {
    std::string summary = Str(i, "/id") + " " + Str(i, "/first_seen");
    for (const std::string& f : Strs(i, "/findings")) summary += " " + f;
    expected_incidents.push_back(summary);
  }
  EXPECT_FALSE(expected_incidents.empty()) << "the demo case has an incident";
  EXPECT_EQ(incident_docs, expected_incidents);
  for (const char* field : {"tern.incident.attacker_ips.address", "tern.incident.exposure.items",
                            "tern.incident.tactics"}) {
    EXPECT_TRUE(fields.contains(field)) << field << " never written";
  }
}

TEST_F(ExportEcsTest, BulkBodyPairsActionsWithDocuments) {
  const RunResult plain = RunTern({"export", "--case", CaseDir(), "--format", "ecs", "--quiet"});
  const RunResult bulk = RunTern({"export", "--case", CaseDir(), "--format", "ecs", "--bulk",
                                  "--index", "dfir-case7", "--quiet"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_EQ(bulk.exit_code, 0) << bulk.err;
  const std::vector<std::string> docs = Lines(plain.out);
  const std::vector<std::string> lines = Lines(bulk.out);
  ASSERT_EQ(lines.size(), 2 * docs.size());
  simdjson::dom::parser parser;
  for (size_t i = 0; i < docs.size(); ++i) {
    EXPECT_EQ(lines[2 * i + 1], docs[i]);
    simdjson::dom::element action = parser.parse(lines[2 * i]).value();
    EXPECT_EQ(Str(action, "/index/_index"), "dfir-case7");
    const std::string id = Str(action, "/index/_id");
    simdjson::dom::element doc = parser.parse(docs[i]).value();  // invalidates `action`
    EXPECT_EQ(id, Str(doc, "/event/id")) << lines[2 * i];
  }
  // Deterministic: the same case exports the same bytes.
  EXPECT_EQ(RunTern({"export", "--case", CaseDir(), "--format", "ecs", "--quiet"}).out, plain.out);
}

TEST_F(ExportEcsTest, UsageErrorsAndMissingCase) {
  EXPECT_EQ(RunTern({"export", "--case", CaseDir(), "--format", "csv"}).exit_code, 2);
  EXPECT_EQ(RunTern({"export", "--case", CaseDir(), "--format", "ecs", "--index", "x"}).exit_code,
            2);
  const RunResult missing = RunTern({"export", "--case", *dir_ / "nope", "--format", "ecs"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_THAT(missing.err, ::testing::HasSubstr("error"));
  EXPECT_FALSE(std::filesystem::exists(*dir_ / "nope"));
}

}  // namespace
}  // namespace tern::testing
