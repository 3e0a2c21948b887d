// Event renderings and exports: categories, descriptions, CSV formula
// neutralization, Timesketch JSONL, the terminal table, and chart bucketing.
#include "reports/event_export.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/activity.h"
#include "reports/builtin_outputs.h"
#include "reports/event_format.h"
#include "simdjson.h"

namespace tern {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr TimeMs kT0 = 1709690400000;  // 2024-03-06T02:00:00Z

size_t CountOf(const std::string& text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

Event Sample(std::string op, std::string text) {
  Event e;
  e.time_ms = kT0 + 1500;
  e.record_id = "rec-1";
  e.record_type = 1;
  e.operation = std::move(op);
  e.actor_upn = text;
  e.mailbox_upn = "alice@contoso.example";
  e.mailbox_guid = "51b080bb-dfed-5a34-96c7-9d49ee6c78af";
  e.client_ip = "203.0.113.9";
  e.client_info = text;
  e.logon_type = 2;
  e.parameters = {{"Name", text}, {"DeleteMessage", "True"}, {"StopProcessingRules", "", false}};
  e.items = {{text, "\\Inbox", "<m@x>", "i1", 10}};
  return e;
}

ResolvedAnchor Source() {
  return ResolvedAnchor{"rec-1", std::string(64, 'f'), "a.zip", 14, kT0, 2};
}

// Captures what an EventWriter writes.
struct Captured {
  char* data = nullptr;
  size_t size = 0;
  std::FILE* file = open_memstream(&data, &size);
  ~Captured() { free(data); }
  std::string Text() {
    std::fflush(file);
    return std::string(data, size);
  }
};

// The events through the built-in search output `format` ("table", "csv",
// "jsonl"), as `tern search` writes them.
std::string Write(std::string_view format, const std::vector<Event>& events,
                  const correlate::MailboxDirectory* directory = nullptr) {
  Captured out;
  absl::StatusOr<const OutputInfo*> output = BuiltinOutputs().Find(format, kOutputSearch, "format");
  EXPECT_TRUE(output.ok()) << output.status();
  OutputTarget target;
  target.out = out.file;
  std::unique_ptr<OutputModule> module = (*output)->make(target);
  EXPECT_TRUE(module->WriteHeader().ok());
  EventEnrichment x;
  x.source = Source();
  x.directory = directory;
  for (const Event& e : events) EXPECT_TRUE(module->WriteEvent(e, x).ok());
  EXPECT_TRUE(module->WriteFooter().ok());
  std::string text = out.Text();
  std::fclose(out.file);
  return text;
}

TEST(CategoryTest, ClassifiesOperations) {
  auto cat = [](std::string op, int type = -1) {
    Event e;
    e.operation = std::move(op);
    e.record_type = type;
    return CategoryName(CategorizeEvent(e));
  };
  EXPECT_EQ(cat("MailItemsAccessed", 50), "read");
  EXPECT_EQ(cat("SearchQueryInitiatedExchange"), "read");
  EXPECT_EQ(cat("SendAs"), "send");
  EXPECT_EQ(cat("HardDelete"), "delete");
  EXPECT_EQ(cat("New-InboxRule", 1), "rules-permissions");
  EXPECT_EQ(cat("UpdateInboxRules"), "rules-permissions");
  EXPECT_EQ(cat("Add-MailboxPermission", 1), "rules-permissions");
  EXPECT_EQ(cat("Set-AdminAuditLogConfig", 1), "admin");
  EXPECT_EQ(cat("UserLoggedIn", 15), "sign-in");
  EXPECT_EQ(cat("Update", 2), "other");
  Event forwarding;
  forwarding.operation = "Set-Mailbox";
  forwarding.parameters = {{"ForwardingSmtpAddress", "smtp:x@evil.example"}};
  EXPECT_EQ(CategorizeEvent(forwarding), Category::kRulesPermissions);
}

TEST(EventFormatTest, DescribesAndTruncatesOnCodePoints) {
  const Event e = Sample("New-InboxRule", "Ünïcødé rule");
  EXPECT_EQ(DescribeObject(e, 0),
            "Name=Ünïcødé rule; DeleteMessage=True; StopProcessingRules; item \"Ünïcødé rule\" "
            "in \\Inbox");
  EXPECT_EQ(TruncateUtf8("Ünïcødé", 4), "Ünï…");
  EXPECT_EQ(TruncateUtf8("Ünïcødé", 7), "Ünïcødé");
  EXPECT_EQ(Utf8Length("Ünïcødé"), 7u);
  EXPECT_EQ(EventMessage(e),
            "New-InboxRule by Ünïcødé rule on mailbox alice@contoso.example from 203.0.113.9: "
            "Name=Ünïcødé rule; DeleteMessage=True; StopProcessingRules; item \"Ünïcødé rule\" "
            "in \\Inbox");
}

TEST(EventExportTest, CsvNeutralizesFormulas) {
  const std::string csv = Write("csv", {Sample("=cmd|' /C calc'!A0", "+SUM(1)")});
  EXPECT_THAT(csv, StartsWith("datetime,operation,category,"));
  EXPECT_THAT(csv, HasSubstr(",'=cmd|' /C calc'!A0,"));
  EXPECT_THAT(csv, HasSubstr(",'+SUM(1),"));
  EXPECT_THAT(csv, Not(HasSubstr(",=cmd")));
  EXPECT_THAT(csv, Not(HasSubstr(",+SUM")));
  EXPECT_THAT(csv, HasSubstr(",ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff,"
                             "a.zip,14,2,"));
  // Control characters are shown, not sent to the terminal.
  const std::string ansi = Write("csv", {Sample("Send",
                                                "\x1b]0;pwned\x07 \xc2\x9b"
                                                "2J")});
  EXPECT_EQ(ansi.find('\x1b'), std::string::npos);
  EXPECT_EQ(ansi.find("\xc2\x9b"), std::string::npos);
  EXPECT_THAT(ansi, HasSubstr("\\x1b]0;pwned\\x07 \\u009b2J"));
  // Header and one row, CRLF line ends.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 2);
  EXPECT_THAT(Write("csv", {}), StartsWith("datetime,"));
}

TEST(EventExportTest, JsonlIsTimesketchShaped) {
  const std::string jsonl = Write("jsonl", {Sample("Send", "\x1b]0;pwned\x07")});
  simdjson::dom::parser parser;
  simdjson::padded_string padded(jsonl);
  auto doc = parser.parse(padded);
  ASSERT_FALSE(doc.error()) << jsonl;
  simdjson::dom::element e = doc.value();
  EXPECT_EQ(std::string(e["datetime"].get_string().value()), "2024-03-06T02:00:01.500Z");
  EXPECT_EQ(e["timestamp"].get_int64().value(), (kT0 + 1500) * 1000);
  EXPECT_EQ(std::string(e["timestamp_desc"].get_string().value()), "Event Recorded");
  EXPECT_THAT(std::string(e["message"].get_string().value()), StartsWith("Send by "));
  EXPECT_EQ(std::string(e["category"].get_string().value()), "send");
  EXPECT_EQ(std::string(e["logon_type"].get_string().value()), "Delegate");
  EXPECT_EQ(std::string(e["source_sha256"].get_string().value()), std::string(64, 'f'));
  EXPECT_EQ(e["source_line"].get_uint64().value(), 14u);
  EXPECT_TRUE(e["parameters"].at(2)["value"].is_null());
  EXPECT_EQ(jsonl.find('\x1b'), std::string::npos);
  EXPECT_THAT(jsonl, HasSubstr("\\u001b]0;pwned\\u0007"));
  EXPECT_EQ(jsonl.back(), '\n');
}

// Issue 13: an actor recorded by directory object id and a cmdlet that names
// its target mailbox by object id are shown by the UPN a record links them
// to; what was recorded stays beside it.
TEST(EventExportTest, IdentitiesAreShownByTheirLinkedUpn) {
  correlate::MailboxDirectory directory;
  Event owner;
  owner.record_type = 2;
  owner.mailbox_guid = "2c7e4f1a-8b3d-4e5f-9a6b-1c2d3e4f5a61";
  owner.mailbox_upn = "John.Doe@contoso.example";
  owner.actor_upn = owner.mailbox_upn;
  directory.Observe(owner);
  Event reset;
  reset.record_type = 8;
  reset.actor_upn = "admin@contoso.example";
  reset.extra = {{"Target.ID", "User_f757cb79-dd91-4a5c-8d2f-3b1e6a9c0d42"},
                 {"Target.ID", "john.doe@contoso.example"},
                 {"Target.Type", "2"},
                 {"Target.Type", "5"}};
  directory.Observe(reset);

  Event rule = Sample("New-InboxRule", "q");
  rule.actor_upn = "f757cb79-dd91-4a5c-8d2f-3b1e6a9c0d42";
  rule.mailbox_upn.clear();
  rule.mailbox_guid.clear();
  rule.object_id =
      "NAMPR08A004.prod.outlook.com/Microsoft Exchange Hosted Organizations/"
      "contoso.onmicrosoft.com/f757cb79-dd91-4a5c-8d2f-3b1e6a9c0d42\\q";
  simdjson::dom::parser parser;
  simdjson::padded_string padded(Write("jsonl", {rule}, &directory));
  simdjson::dom::element e = parser.parse(padded).value();
  EXPECT_EQ(std::string(e["actor"].get_string().value()), "john.doe@contoso.example");
  EXPECT_EQ(std::string(e["actor_recorded"].get_string().value()),
            "f757cb79-dd91-4a5c-8d2f-3b1e6a9c0d42");
  EXPECT_EQ(std::string(e["mailbox_upn"].get_string().value()), "john.doe@contoso.example");
  EXPECT_EQ(std::string(e["mailbox_guid"].get_string().value()), "");

  const std::string csv = Write("csv", {rule}, &directory);
  EXPECT_THAT(csv, HasSubstr(",flags,actor_recorded\r\n"));
  EXPECT_THAT(csv, HasSubstr(",john.doe@contoso.example,"));
  EXPECT_THAT(csv, HasSubstr(",f757cb79-dd91-4a5c-8d2f-3b1e6a9c0d42\r\n"));
  const std::string table = Write("table", {rule}, &directory);
  EXPECT_EQ(CountOf(table, "john.doe@contoso.example"), 2u) << table;

  // Without a directory (a case never analyzed) everything is as recorded.
  padded = simdjson::padded_string(Write("jsonl", {rule}));
  e = parser.parse(padded).value();
  EXPECT_EQ(std::string(e["actor"].get_string().value()), "f757cb79-dd91-4a5c-8d2f-3b1e6a9c0d42");
  EXPECT_EQ(std::string(e["mailbox_upn"].get_string().value()), "");
}

TEST(EventExportTest, TableIsAlignedAndTerminalSafe) {
  const std::string table =
      Write("table", {Sample("MailItemsAccessed", "\x1b]0;pwned\x07tab\there"),
                      Sample("Send", "bob@contoso.example")});
  EXPECT_EQ(table.find('\x1b'), std::string::npos);
  EXPECT_EQ(table.find('\x07'), std::string::npos);
  EXPECT_EQ(table.find('\t'), std::string::npos);
  std::vector<std::string> lines;
  for (size_t a = 0, b; (b = table.find('\n', a)) != std::string::npos; a = b + 1) {
    lines.push_back(table.substr(a, b - a));
  }
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], StartsWith("TIME"));
  // Columns start at the same offsets on every line.
  const size_t op = lines[0].find("OPERATION");
  EXPECT_EQ(lines[1].substr(op, 17), "MailItemsAccessed");
  EXPECT_EQ(lines[2].substr(op, 4), "Send");
  const size_t ip = lines[0].find("CLIENT IP");
  EXPECT_EQ(lines[1].substr(ip, 11), "203.0.113.9");
  EXPECT_EQ(lines[2].substr(ip, 11), "203.0.113.9");
  EXPECT_THAT(lines[1], HasSubstr("ffffffffffff:14"));
}

TEST(EventExportTest, SearchFormatsComeFromTheRegistry) {
  EXPECT_EQ(BuiltinOutputs().Names(kOutputSearch), "table|csv|jsonl");
  absl::StatusOr<const OutputInfo*> xml = BuiltinOutputs().Find("xml", kOutputSearch, "format");
  EXPECT_EQ(xml.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(xml.status().message()),
              HasSubstr("--format must be table, csv or jsonl, not 'xml'"));
}

std::vector<std::pair<int64_t, CategoryCounts>> Hours(std::vector<int64_t> hours) {
  std::vector<std::pair<int64_t, CategoryCounts>> out;
  for (int64_t h : hours) {
    CategoryCounts c{};
    c[0] = 1;
    out.emplace_back(h, c);
  }
  return out;
}

TEST(BuildChartTest, HourlyForShortCasesDailyForLongOnes) {
  const int64_t h0 = kT0 / kHourMs;
  ActivityChart hourly = BuildChart(Hours({h0, h0 + 5}), 2);
  EXPECT_EQ(hourly.bucket_ms, kHourMs);
  EXPECT_EQ(hourly.origin, kT0);
  EXPECT_EQ(hourly.buckets.size(), 6u);
  EXPECT_EQ(hourly.buckets[5][0], 1u);
  EXPECT_EQ(hourly.untimed, 2u);

  ActivityChart daily = BuildChart(Hours({h0, h0 + 1, h0 + 24 * 30}), 0);
  EXPECT_EQ(daily.bucket_ms, kDayMs);
  EXPECT_EQ(daily.origin, kT0 - 2 * kHourMs);  // midnight
  EXPECT_EQ(daily.buckets.size(), 31u);
  EXPECT_EQ(daily.buckets[0][0], 2u);

  ActivityChart weekly = BuildChart(Hours({h0, h0 + 24 * 365 * 5}), 0);
  EXPECT_EQ(weekly.bucket_ms % (7 * kDayMs), 0);
  EXPECT_LE(weekly.buckets.size(), 600u);
  uint64_t total = 0;
  for (const CategoryCounts& c : weekly.buckets) total += c[0];
  EXPECT_EQ(total, 2u);

  // Far-apart garbage times still give a bounded chart.
  ActivityChart wide = BuildChart(Hours({-1000000, h0}), 0);
  EXPECT_LE(wide.buckets.size(), 601u);
  EXPECT_TRUE(BuildChart({}, 0).buckets.empty());
}

}  // namespace
}  // namespace tern
