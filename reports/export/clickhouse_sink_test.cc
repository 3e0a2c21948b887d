#include "reports/export/clickhouse_sink.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/export/http_client.h"
#include "simdjson.h"

namespace tern {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ClickHouseSinkTest, TableNamesAreIdentifiersOnly) {
  EXPECT_TRUE(IsValidClickHouseTable("tern_events"));
  EXPECT_TRUE(IsValidClickHouseTable("dfir.case_7"));
  EXPECT_FALSE(IsValidClickHouseTable(""));
  EXPECT_FALSE(IsValidClickHouseTable("7days"));
  EXPECT_FALSE(IsValidClickHouseTable("a.b.c"));
  EXPECT_FALSE(IsValidClickHouseTable("t; DROP TABLE x"));
  EXPECT_FALSE(IsValidClickHouseTable("t`"));
  EXPECT_FALSE(IsValidClickHouseTable("db."));
}

TEST(ClickHouseSinkTest, CreateTableUsesOnlySqlOldAndNewServersShare) {
  const std::string sql = ClickHouseCreateTable("db.t");
  EXPECT_THAT(sql, HasSubstr("CREATE TABLE IF NOT EXISTS db.t (record_id String, "));
  EXPECT_THAT(sql, HasSubstr("timestamp DateTime('UTC')"));
  EXPECT_THAT(sql, HasSubstr("finding_ids Array(String)"));
  EXPECT_THAT(sql, HasSubstr(") ENGINE = ReplacingMergeTree() ORDER BY record_id"));
  for (const char* newer : {"DateTime64", "LowCardinality", "Nullable", "Map(", "JSON"}) {
    EXPECT_THAT(sql, Not(HasSubstr(newer))) << newer;
  }
}

TEST(ClickHouseSinkTest, RowHasEveryColumnOnceWithItsValue) {
  Event e;
  e.time_ms = 1709690400123;
  e.record_id = "r-1";
  e.operation = "Send";
  e.result_status = "Succeeded";
  e.client_ip = "203.0.113.7";
  e.client_info = "evil\x1b[31m";
  Session s;
  s.id = "S-0123456789ab";
  s.client_ip = "203.0.113.7";
  s.geo.known = true;
  s.geo.country_iso = "DE";
  s.geo.asn = 64500;
  const std::vector<std::string> findings = {"F-0002"};
  EventEnrichment x;
  x.source = {"r-1", std::string(64, 'c'), "m.csv", 9, e.time_ms, 1};
  x.session = &s;
  x.finding_ids = &findings;
  const std::string row = ClickHouseRow(e, x, "C-1");
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  ASSERT_EQ(parser.parse(row).get(object), simdjson::SUCCESS) << row;
  std::vector<std::string> keys;
  for (auto [key, value] : object) keys.emplace_back(key);
  // Same columns, same order as the CREATE statement.
  const std::string sql = ClickHouseCreateTable("t");
  size_t at = 0;
  for (const std::string& k : keys) {
    const size_t next = sql.find((at == 0 ? "(" : ", ") + k + " ", at);
    ASSERT_NE(next, std::string::npos) << k << " is not the next column";
    at = next + 1;
  }
  EXPECT_EQ(keys.size(), static_cast<size_t>(std::count(sql.begin(), sql.end(), ',')) + 1);
  EXPECT_EQ(keys.front(), "record_id");
  EXPECT_THAT(row, HasSubstr(R"("timestamp":"2024-03-06 02:00:00")"));
  EXPECT_THAT(row, HasSubstr(R"("timestamp_ms":1709690400123)"));
  EXPECT_THAT(row, HasSubstr(R"("outcome":"success")"));
  EXPECT_THAT(row, HasSubstr(R"("geo_country_iso":"DE")"));
  EXPECT_THAT(row, HasSubstr(R"("as_number":64500)"));
  EXPECT_THAT(row, HasSubstr(R"("session_id":"S-0123456789ab")"));
  EXPECT_THAT(row, HasSubstr(R"("finding_ids":["F-0002"])"));
  EXPECT_THAT(row, HasSubstr(R"("evidence_line":9)"));
  EXPECT_THAT(row, HasSubstr(R"("case_id":"C-1")"));
  EXPECT_THAT(row, HasSubstr(R"("user_agent":"evil\u001b[31m")"));  // escaped, not raw
}

TEST(ClickHouseSinkTest, TimesOutsideDateTimeAreClampedButKeptExactInMs) {
  Event e;
  e.record_id = "r";
  e.time_ms = -86400000;  // 1969-12-31
  const std::string row = ClickHouseRow(e, {}, "");
  EXPECT_THAT(row, HasSubstr(R"("timestamp":"1970-01-01 00:00:00")"));
  EXPECT_THAT(row, HasSubstr(R"("timestamp_ms":-86400000)"));
  EXPECT_THAT(row, HasSubstr(R"("session_id":"")"));
  EXPECT_THAT(row, HasSubstr(R"("finding_ids":[])"));
}

TEST(HttpClientTest, PasswordsAreRedactedFromUrls) {
  EXPECT_EQ(RedactUrl("http://u:secret@h:8123/"), "http://u:***@h:8123/");
  EXPECT_EQ(RedactUrl("http://h:8123/?user=u&password=secret&db=x"),
            "http://h:8123/?user=u&password=***&db=x");
  EXPECT_EQ(RedactUrl("http://h:8123/"), "http://h:8123/");
  EXPECT_EQ(RedactUrl("http://u@h/"), "http://u@h/");
}

TEST(HttpClientTest, UnreachableServerIsUnavailableWithCurlsMessage) {
  absl::StatusOr<std::unique_ptr<HttpClient>> http = HttpClient::Create();
  ASSERT_TRUE(http.ok());
  // Port 1 on loopback: nothing listens there.
  absl::StatusOr<HttpResponse> r = (*http)->Post("http://127.0.0.1:1/", "SELECT 1", 5000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("127.0.0.1"));
  // Only HTTP(S): no file:// or other protocols through a URL option.
  absl::StatusOr<HttpResponse> file = (*http)->Post("file:///etc/passwd", "", 5000);
  EXPECT_FALSE(file.ok());
}

}  // namespace
}  // namespace tern
