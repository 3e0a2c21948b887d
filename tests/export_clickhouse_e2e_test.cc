// `tern export --clickhouse` end to end (issue 16) against a real server:
// Debian's clickhouse-server, started by the test on free loopback ports with
// a temporary data directory and stopped afterwards (tests/testing/
// clickhouse_server.h). Two overlapping cases exported into one table give
// one row per distinct record; a closed port and a refusing server give a
// clear error naming the URL, and exit code 3.
//
// Without clickhouse-server the server tests are skipped, except under
// CI=true, where they fail (tools/test.sh installs the package).
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "tests/reports_e2e_util.h"
#include "tests/testing/clickhouse_server.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {
namespace {

using ::testing::HasSubstr;

bool UnderCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// Record ids of a case, as `tern search` lists them.
std::set<std::string> RecordIds(const std::string& case_dir) {
  const RunResult search = RunTern({"search", "--case", case_dir, "--format", "jsonl", "--quiet"});
  EXPECT_EQ(search.exit_code, 0) << search.err;
  std::set<std::string> ids;
  simdjson::dom::parser parser;
  std::istringstream in(search.out);
  for (std::string line; std::getline(in, line);) {
    std::string_view id;
    EXPECT_EQ(parser.parse(line)["record_id"].get(id), simdjson::SUCCESS);
    ids.emplace(id);
  }
  return ids;
}

class ExportClickHouseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string binary = FindClickHouseServer();
    if (binary.empty()) {
      if (UnderCi()) FAIL() << "clickhouse-server is not installed (tools/test.sh installs it)";
      GTEST_SKIP() << "clickhouse-server is not installed (bash tools/apt_install.sh "
                      "clickhouse-server)";
    }
    std::string error;
    server_ =
        ClickHouseServer::Start(binary, std::filesystem::path(dir_.path()) / "clickhouse", &error);
    ASSERT_NE(server_, nullptr) << error;
  }

  std::string Export(const std::string& case_dir, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"export", "--case", case_dir, "--clickhouse", server_->url()};
    args.insert(args.end(), extra.begin(), extra.end());
    const RunResult r = RunTern(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.err;
  }

  TempDir dir_;
  std::unique_ptr<ClickHouseServer> server_;
};

TEST_F(ExportClickHouseTest, OverlappingCasesGiveOneRowPerDistinctRecord) {
  const std::string a = dir_ / "case_a";
  const std::string b = dir_ / "case_b";
  ASSERT_LE(RunCase(a, {"--case-id", "A", "e2e/export_a.csv"}).exit_code, 1);
  ASSERT_LE(RunCase(b, {"--case-id", "B", "e2e/export_b.jsonl"}).exit_code, 1);
  const std::set<std::string> ids_a = RecordIds(a);
  const std::set<std::string> ids_b = RecordIds(b);
  std::set<std::string> distinct = ids_a;
  distinct.insert(ids_b.begin(), ids_b.end());
  ASSERT_LT(distinct.size(), ids_a.size() + ids_b.size()) << "the fixtures must overlap";

  EXPECT_THAT(Export(a, {"--table", "audit"}), HasSubstr("rows"));
  Export(b, {"--table", "audit"});
  Export(a, {"--table", "audit"});  // a re-export adds nothing either
  EXPECT_EQ(server_->Query("SELECT count() FROM audit FINAL"), std::to_string(distinct.size()));
  // Every row is a whole record: ids, times and sources came through.
  EXPECT_EQ(server_->Query("SELECT count() FROM audit FINAL WHERE length(evidence_sha256) = 64 "
                           "AND timestamp_ms > 0 AND toUnixTimestamp(timestamp) * 1000 <= "
                           "timestamp_ms AND session_id LIKE 'S-%'"),
            std::to_string(distinct.size()));
  std::string expected_ids;
  for (const std::string& id : distinct) expected_ids += (expected_ids.empty() ? "" : "\n") + id;
  EXPECT_EQ(server_->Query("SELECT DISTINCT record_id FROM audit ORDER BY record_id"),
            expected_ids);
}

TEST_F(ExportClickHouseTest, BatchesOfALargerCaseAllArrive) {
  const std::string demo = dir_ / "demo";
  std::vector<std::string> args = GeoArgs();
  args.push_back("demo");
  ASSERT_LE(RunCase(demo, args).exit_code, 1);
  const size_t events = RecordIds(demo).size();
  ASSERT_GT(events, 300u);
  // The default table (tern_events), in 7 INSERTs and one CREATE.
  EXPECT_THAT(Export(demo, {"--batch-rows", "50"}), HasSubstr("(8 requests, 0 retried)"));
  EXPECT_EQ(server_->Query("SELECT count() FROM tern_events FINAL"), std::to_string(events));
  EXPECT_NE(server_->Query("SELECT count() FROM tern_events WHERE geo_country_iso != ''"), "0");
  EXPECT_NE(server_->Query("SELECT count() FROM tern_events WHERE notEmpty(finding_ids)"), "0");
}

TEST_F(ExportClickHouseTest, ServerRefusalIsAClearError) {
  const std::string a = dir_ / "case_a";
  ASSERT_LE(RunCase(a, {"e2e/export_a.csv"}).exit_code, 1);
  // A table of the same name but another shape: the INSERT is refused.
  ASSERT_EQ(server_->Query("CREATE TABLE other (x UInt8) ENGINE = Memory"), "");
  const RunResult r =
      RunTern({"export", "--case", a, "--clickhouse", server_->url(), "--table", "other"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("ClickHouse at " + server_->url() + " refused the request"));
  EXPECT_THAT(r.err, HasSubstr("Code: "));  // the server's own message
}

// No server needed: nothing listens on the port.
TEST(ExportClickHouseErrorsTest, RefusedConnectionIsAClearErrorAndExitCode3) {
  TempDir dir;
  const std::string a = dir / "case_a";
  ASSERT_LE(RunCase(a, {"e2e/export_a.csv"}).exit_code, 1);
  const std::string port = std::to_string(FreeLoopbackPort());
  const RunResult r = RunTern(
      {"export", "--case", a, "--clickhouse", "http://tern:s3cret@127.0.0.1:" + port + "/"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err,
              HasSubstr("ClickHouse at http://tern:***@127.0.0.1:" + port + "/ is unreachable"));
  EXPECT_THAT(r.err, HasSubstr("5 attempts"));
  EXPECT_THAT(r.err, ::testing::Not(HasSubstr("s3cret")));
}

TEST(ExportClickHouseErrorsTest, UsageErrors) {
  TempDir dir;
  const std::string url = "http://127.0.0.1:1/";
  EXPECT_EQ(RunTern({"export", "--case", dir / "c", "--clickhouse", url, "--table",
                     "bad name; DROP TABLE x"})
                .exit_code,
            2);
  EXPECT_EQ(
      RunTern({"export", "--case", dir / "c", "--clickhouse", url, "--format", "ecs"}).exit_code,
      2);
  EXPECT_EQ(RunTern({"export", "--case", dir / "c", "--clickhouse", url, "--bulk"}).exit_code, 2);
  EXPECT_EQ(RunTern({"export", "--case", dir / "c"}).exit_code, 2);
}

}  // namespace
}  // namespace tern::testing
