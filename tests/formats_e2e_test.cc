// End-to-end tests of the input formats through the built `tern` binary:
// each format's fixture (exact counts, times and key fields, read back with
// `tern search --format jsonl`), the encodings and line ends real exports
// use, a malformed variant of each format, the completeness warnings
// (export cap, ResultIndex anomalies, truncated AuditData, coverage) and the
// de-duplication of Search-MailboxAuditLog rows against UAL records in any
// order. Containers are in containers_e2e_test.cc.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/formats_e2e_util.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct FormatCase {
  std::string fixture;  // under fixtures/
  std::string format;
  uint64_t parsed, stored, rejected;
  std::vector<std::string> warnings;  // custody "kind@line"
  // Brief() of every event; for large fixtures the first and last only.
  std::vector<std::string> events;
  size_t event_count = 0;  // 0: events.size()
};

void PrintTo(const FormatCase& c, std::ostream* os) { *os << c.fixture; }

class EachFormatTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(EachFormatTest, CountsTimesAndFieldsThroughTheBinary) {
  const FormatCase& c = GetParam();
  TempDir tmp;
  const std::string dir = tmp / "case";
  RunResult r = RunTern({"ingest", "--case", dir, "--quiet", Fixture(c.fixture)});
  EXPECT_EQ(r.exit_code, c.warnings.empty() ? 0 : 1) << r.err;

  JsonDoc custody = JsonDoc::File(dir + "/custody.json");
  EXPECT_EQ(custody.Str("/evidence/0/format"), c.format);
  EXPECT_EQ(custody.Uint("/evidence/0/records/parsed"), c.parsed);
  EXPECT_EQ(custody.Uint("/evidence/0/records/stored"), c.stored);
  EXPECT_EQ(custody.Uint("/evidence/0/records/rejected"), c.rejected);
  EXPECT_THAT(WarningKinds(custody.root().at_pointer("/evidence/0").value()),
              ElementsAreArray(c.warnings));

  const std::vector<std::string> events = Brief(SearchLines(dir));
  if (c.event_count == 0) {
    EXPECT_THAT(events, ElementsAreArray(c.events));
  } else {
    ASSERT_EQ(events.size(), c.event_count);
    EXPECT_EQ(events.front(), c.events.front());
    EXPECT_EQ(events.back(), c.events.back());
  }
  if (!c.events.empty()) {
    const std::string& first = c.events.front();
    EXPECT_EQ(custody.Str("/evidence/0/coverage/first_event"), first.substr(0, first.find(' ')));
  }
}

const FormatCase kFormatCases[] = {
    {"formats/csv/purview_basic.csv",
     "purview-csv",
     8,
     7,
     1,
     {"rejected-record@7"},
     {"2023-09-26T01:45:02Z MailItemsAccessed 203.0.113.77 DebraB@M365B132131.OnMicrosoft.com",
      "2023-09-26T01:56:15Z New-InboxRule 203.0.113.77 -",
      "2023-09-26T01:58:40Z MailItemsAccessed 203.0.113.77 DebraB@M365B132131.OnMicrosoft.com",
      "2023-09-26T02:03:11Z Send 203.0.113.77 DebraB@M365B132131.OnMicrosoft.com",
      "2023-09-26T02:05:30Z SoftDelete 203.0.113.77 DebraB@M365B132131.OnMicrosoft.com",
      "2023-09-26T02:08:19Z UpdateInboxRules 203.0.113.77 DebraB@M365B132131.OnMicrosoft.com "
      "[time-from-wrapper]",
      "2023-09-26T02:10:02Z Set-Mailbox 203.0.113.77 -"}},
    // The classic four-column export (CreationDate,UserIds,Operations,AuditData).
    {"formats/containers/purview_classic.csv",
     "purview-csv",
     3,
     3,
     0,
     {},
     {"2024-06-03T07:59:30Z UserLoggedIn 198.51.100.7 -",
      "2024-06-03T08:15:02Z MailItemsAccessed 198.51.100.7 AdeleV@contoso.example",
      "2024-06-03T08:22:45Z New-InboxRule 198.51.100.7 -"}},
    // Export-Csv: #TYPE line, PSComputerName columns, day-first dates, names
    // for RecordType, a ResultIndex -1 / ResultCount 0 page.
    {"formats/csv/sual_au.csv",
     "sual-csv",
     4,
     4,
     0,
     {"result-index-anomaly@6"},
     {"2025-12-03T07:31:34Z MailItemsAccessed 110.175.56.190 claire@oculus.info",
      "2025-12-03T07:40:02Z Send 2001:db8::abcd claire@oculus.info",
      "2025-12-05T09:00:00Z MoveToDeletedItems 110.175.56.190 claire@oculus.info "
      "[time-from-wrapper]",
      "2025-12-13T22:15:00Z New-InboxRule 110.175.56.190 -"}},
    {"formats/csv/mailbox_audit_basic.csv",
     "mailbox-audit-csv",
     4,
     4,
     0,
     {},
     {"2019-01-04T15:04:05Z MailItemsAccessed 203.0.113.45 megan.bowen@contoso.example "
      "[synthetic-id]",
      "2019-01-23T09:12:44Z Update 2001:db8:4f2::17 megan.bowen@contoso.example [synthetic-id]",
      "2019-01-23T21:30:00Z HardDelete 10.196.241.168 megan.bowen@contoso.example [synthetic-id]",
      "2019-01-24T08:00:01Z UpdateInboxRules 198.51.100.23 megan.bowen@contoso.example "
      "[synthetic-id]"}},
    {"formats/csv/ual_flat_basic.csv",
     "ual-flat-csv",
     3,
     3,
     0,
     {},
     {"2023-09-26T01:45:02Z MailItemsAccessed 203.0.113.77 DebraB@M365B132131.OnMicrosoft.com",
      "2023-09-26T01:56:15Z New-InboxRule 203.0.113.77 -",
      "2023-09-26T02:03:11Z Send 203.0.113.77 DebraB@M365B132131.OnMicrosoft.com"}},
    // The real Sentinel training-lab export: 266 rows, 253 of them not
    // Exchange (SharePoint, Entra ID...): stored and counted like the rest.
    {"formats/csv/sentinel_training_lab_office_activity.csv",
     "sentinel-csv",
     266,
     266,
     0,
     {},
     {"2021-04-28T04:43:51Z New-Mailbox 2603:1036:4:3f::5 -",
      "2021-04-28T15:05:26Z PageViewed 175.45.176.99 -"},
     266},
    {"formats/csv/sentinel_training_lab_office_activity_inbox_rule.csv",
     "sentinel-csv",
     2,
     2,
     0,
     {"time-from-wrapper@1"},
     {"2021-04-26T06:37:32Z New-InboxRule 2a01:110:8068:7:9bf8:aa87:e00a:5f1f - "
      "[time-from-wrapper]",
      "2021-04-26T07:17:10Z New-InboxRule 2a01:110:8068:7:9bf8:aa87:e00a:5f1f - "
      "[time-from-wrapper]"}},
    // A KQL projection (TimeGenerated,UserId,ClientIP,Operation,Parameters)
    // of msticpy's demo tenant: no Id, so content ids; one note names the
    // fields the file has no column for.
    {"formats/csv/msticpy_demo_exchange_data_excerpt.csv",
     "partial-csv",
     30,
     30,
     0,
     {"partial-columns@1"},
     {"2020-03-26T16:35:24Z Remove-UnifiedGroup - - [synthetic-id]",
      "2020-05-22T11:34:15Z Set-User - - [synthetic-id]"},
     30},
    {"formats/json/ual_records.jsonl",
     "ual-json",
     4,
     4,
     0,
     {},
     {"2020-02-17T17:12:03Z Create ::1 SIEMTest@testsiem.onmicrosoft.com",
      "2023-09-15T18:16:53Z MailItemsAccessed 192.0.2.1 user1",
      "2023-09-15T18:20:11Z UpdateInboxRules 2001:db8::abcd user1",
      "2023-09-26T01:56:15Z New-InboxRule 203.0.113.77 -"}},
    // Two pretty arrays and a bare object concatenated in one file.
    {"formats/json/ual_concat.json",
     "ual-json",
     4,
     4,
     0,
     {},
     {"2020-02-17T17:12:03Z Create ::1 SIEMTest@testsiem.onmicrosoft.com",
      "2023-09-15T18:16:53Z MailItemsAccessed 192.0.2.1 user1",
      "2023-09-15T18:20:11Z UpdateInboxRules 2001:db8::abcd user1",
      "2023-09-26T01:56:15Z New-InboxRule 203.0.113.77 -"}},
    // The malformed variant of ual-json: a line cut short, a PowerShell
    // message line; the other records are kept.
    {"formats/json/ual_damaged.jsonl",
     "ual-json",
     5,
     4,
     1,
     {"auditdata-truncated@2", "rejected-record@4"},
     {"2020-02-17T17:12:03Z Create ::1 SIEMTest@testsiem.onmicrosoft.com",
      "2023-09-15T18:16:53Z MailItemsAccessed - - [auditdata-truncated]",
      "2023-09-15T18:20:11Z UpdateInboxRules 2001:db8::abcd user1",
      "2023-09-26T01:56:15Z New-InboxRule 203.0.113.77 -"}},
    {"formats/json/mes_ual.jsonl",
     "mes-json",
     5,
     5,
     0,
     {"result-index-gap@3", "auditdata-unparseable@5", "result-index-anomaly@4"},
     {"2020-02-17T17:12:03Z Create ::1 SIEMTest@testsiem.onmicrosoft.com",
      "2023-09-15T18:16:53Z MailItemsAccessed 192.0.2.1 user1",
      "2023-09-15T18:20:11Z UpdateInboxRules 2001:db8::abcd user1 [time-from-wrapper]",
      "2023-09-15T18:30:00Z Send - - [auditdata-truncated,time-from-wrapper]",
      "2023-09-26T01:56:15Z New-InboxRule 203.0.113.77 -"}},
    {"formats/json/mes_ual.json",
     "mes-json",
     3,
     3,
     0,
     {},
     {"2020-02-17T17:12:03Z Create ::1 SIEMTest@testsiem.onmicrosoft.com",
      "2023-09-15T18:16:53Z MailItemsAccessed 192.0.2.1 user1",
      "2023-09-26T01:56:15Z New-InboxRule 203.0.113.77 -"}},
    {"formats/json/graph_page.json",
     "graph-json",
     2,
     2,
     0,
     {},
     {"2023-09-15T18:16:53Z MailItemsAccessed 192.0.2.1 user1",
      "2024-01-10T08:00:00Z Set-Mailbox 2603:1036:4:3f::5 - [time-from-wrapper]"}},
    {"formats/json/graph_records.json",
     "graph-json",
     2,
     2,
     0,
     {},
     {"2020-02-17T17:12:03Z Create ::1 SIEMTest@testsiem.onmicrosoft.com",
      "2024-01-11T09:30:00Z HardDelete 198.51.100.7 - [time-from-wrapper]"}},
    {"formats/json/sentinel_rows.json",
     "sentinel-json",
     2,
     2,
     0,
     {},
     {"2021-04-28T14:33:14Z New-InboxRule 2001:db8:100::7 -",
      "2021-04-28T14:41:58Z MoveToDeletedItems 203.0.113.9 boss@contoso.com [time-from-wrapper]"}},
    {"formats/json/otrf_goldensaml_OfficeActivityEvents.json",
     "sentinel-json",
     1,
     1,
     0,
     {},
     {"2021-08-02T13:32:07Z MailItemsAccessed 1.2.3.4 pgustavo@simulandlabs.com"}},
    // Local offsets (-07:00, +02:00) converted to UTC; two broken <Event>s.
    {"formats/json/mailbox_audit.xml",
     "mailbox-audit-xml",
     5,
     3,
     2,
     {"rejected-record@33", "rejected-record@35"},
     {"2010-04-30T18:01:55.140Z HardDelete 10.196.241.168 david@contoso.com [synthetic-id]",
      "2024-03-06T14:15:00.500Z SendAs 2001:db8::9 boss@contoso.com [synthetic-id]",
      "2024-03-06T14:20:00Z MoveToDeletedItems 198.51.100.20 boss@contoso.com [synthetic-id]"}},
};

INSTANTIATE_TEST_SUITE_P(Fixtures, EachFormatTest, ::testing::ValuesIn(kFormatCases),
                         [](const ::testing::TestParamInfo<FormatCase>& info) {
                           std::string name = fs::path(info.param.fixture).filename().string();
                           for (char& ch : name) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

// The partial KQL export: the columns it has reach the store as the fields
// they name, those it lacks stay empty, and custody says which are missing.
TEST(PartialCsvE2eTest, KqlColumnsBecomeEventFields) {
  TempDir tmp;
  const std::string dir = tmp / "case";
  RunResult r = RunTern({"ingest", "--case", dir, "--quiet",
                         Fixture("formats/csv/msticpy_demo_exchange_data_excerpt.csv")});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the partial-columns note is a warning
  JsonDoc custody = JsonDoc::File(dir + "/custody.json");
  EXPECT_THAT(custody.Str("/evidence/0/warnings/0/detail"),
              HasSubstr("no column for record Id, mailbox, logon type, client, session, "
                        "workload, items and folders"));

  const std::vector<std::string> lines = SearchLines(dir);
  ASSERT_EQ(lines.size(), 30u);
  size_t with_ip = 0, with_actor = 0;
  for (const std::string& line : lines) {
    JsonDoc e = JsonDoc::Text(line);
    with_ip += !e.Str("/client_ip").empty();
    with_actor += !e.Str("/actor").empty();
    EXPECT_EQ(e.Str("/mailbox_upn"), "");
    EXPECT_EQ(e.Str("/workload"), "");
  }
  EXPECT_EQ(with_ip, 6u);
  EXPECT_EQ(with_actor, 12u);

  auto op = [](const char* name, const char* ip) {
    return [name, ip](const JsonDoc& e) {
      return e.Str("/operation") == name && e.Str("/client_ip") == ip;
    };
  };
  JsonDoc mailbox = JsonDoc::Text(EventLine(lines, op("New-Mailbox", "2603:1036:302:4091::5")));
  EXPECT_EQ(mailbox.Str("/datetime"), "2020-05-12T09:06:31Z");
  EXPECT_EQ(mailbox.Str("/actor"), "NT AUTHORITY\\SYSTEM (w3wp)");
  EXPECT_EQ(mailbox.Str("/client_ip_raw"), "[2603:1036:302:4091::5]:51902");
  EXPECT_EQ(mailbox.Str("/parameters/0/name"), "Arbitration");
  EXPECT_EQ(mailbox.Str("/parameters/0/value"), "True");

  JsonDoc set = JsonDoc::Text(EventLine(lines, op("Set-Mailbox", "52.225.129.38")));
  EXPECT_EQ(set.Str("/datetime"), "2020-05-21T18:18:58Z");
  EXPECT_EQ(set.Str("/actor"), "SpoolsProvisioning-ApplicationAccount@namprd06.prod.outlook.com");
  EXPECT_EQ(set.Str("/parameters/0/name"), "Identity");
  EXPECT_THAT(set.Str("/parameters/0/value"), ::testing::StartsWith("TkFNUFIwNkEwMDcuUFJPRC5P"));
  EXPECT_EQ(set.Str("/parameters/1/name"), "ResourceEmailAddresses");
  EXPECT_EQ(set.Str("/flags"), "synthetic-id");
}

// The export set of fixtures/formats/containers/set: one mailbox's day in
// five files and five encodings. Search-MailboxAuditLog rows M1 (CSV) and
// X1 (XML) are the same actions as UAL records B and H.
const std::vector<std::string> kSetEvents = {
    "2024-06-03T07:59:30Z UserLoggedIn 198.51.100.7 -",
    "2024-06-03T08:15:02Z MailItemsAccessed 198.51.100.7 AdeleV@contoso.example",
    "2024-06-03T08:20:11Z HardDelete 198.51.100.7 AdeleV@contoso.example",
    "2024-06-03T08:22:45Z New-InboxRule 198.51.100.7 -",
    "2024-06-03T08:30:05Z SoftDelete 198.51.100.7 AdeleV@contoso.example",
    "2024-06-03T09:01:00Z Send 198.51.100.7 AdeleV@contoso.example",
    "2024-06-03T09:05:00Z FileAccessed 198.51.100.7 -",
    "2024-06-03T11:00:00Z Send 198.51.100.7 AdeleV@contoso.example [invalid-utf8]",
    "2024-06-04T08:00:00Z MailboxLogin 198.51.100.23 AdeleV@contoso.example [synthetic-id]",
    "2024-06-14T10:00:00Z Update 198.51.100.7 adelev@contoso.example [synthetic-id]",
};

// Once analyzed, search shows the mailbox each event concerns: the sign-in's
// own mailbox and the inbox rule's target (issue 13).
std::vector<std::string> SetEventsAnalyzed() {
  std::vector<std::string> events = kSetEvents;
  events[0] = "2024-06-03T07:59:30Z UserLoggedIn 198.51.100.7 adelev@contoso.example";
  events[3] = "2024-06-03T08:22:45Z New-InboxRule 198.51.100.7 adelev@contoso.example";
  return events;
}

std::string SetFile(const std::string& name) { return ContainersFixture("set/" + name); }

TEST(ExportSetTest, EncodingsLineEndsAndCrossFormatDuplicates) {
  TempDir tmp;
  const std::string dir = tmp / "case";
  RunResult r = RunTern({"ingest", "--case", dir, ContainersFixture("set")});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the invalid UTF-8 byte is a warning
  EXPECT_THAT(r.out, HasSubstr("14 parsed: 10 stored, 4 duplicate, 0 rejected"));

  // Detected from content whatever the encoding: UTF-16LE and UTF-16BE with
  // BOM, UTF-8 with BOM and a sep= line, UTF-8 with LF ends.
  JsonDoc custody = JsonDoc::File(dir + "/custody.json");
  const simdjson::dom::element evidence = custody.root()["evidence"].value();
  struct Expect {
    const char* file;
    const char* format;
    uint64_t parsed, stored, duplicate;
  };
  // The folder is walked in name order, so the mailbox audit rows came
  // first and were taken over by the UAL records read after them.
  for (const Expect& e : {Expect{"mailbox_audit.xml", "mailbox-audit-xml", 2, 1, 1},
                          Expect{"mal_utf8bom.csv", "mailbox-audit-csv", 2, 1, 1},
                          Expect{"purview_utf16le.csv", "purview-csv", 3, 3, 0},
                          Expect{"sual_utf16be.csv", "sual-csv", 3, 2, 1},
                          Expect{"ual_lf.jsonl", "ual-json", 4, 3, 1}}) {
    SCOPED_TRACE(e.file);
    std::optional<simdjson::dom::element> item = CustodyItem(evidence, e.file);
    ASSERT_TRUE(item.has_value());
    EXPECT_EQ(JsonDoc::Str(*item, "/format"), e.format);
    EXPECT_EQ(JsonDoc::Uint(*item, "/records/parsed"), e.parsed);
    EXPECT_EQ(JsonDoc::Uint(*item, "/records/stored"), e.stored);
    EXPECT_EQ(JsonDoc::Uint(*item, "/records/duplicate"), e.duplicate);
  }
  // The invalid byte is reported with its location and the record kept.
  const std::string jsonl = ReadFile(SetFile("ual_lf.jsonl"));
  const size_t offset = jsonl.find('\xe9');
  ASSERT_NE(offset, std::string::npos);
  std::optional<simdjson::dom::element> ual = CustodyItem(evidence, "ual_lf.jsonl");
  ASSERT_TRUE(ual.has_value());
  const uint64_t line = 1 + std::count(jsonl.begin(), jsonl.begin() + offset, '\n');
  EXPECT_THAT(WarningKinds(*ual), ElementsAre(absl::StrCat("invalid-utf8@", line)));
  EXPECT_THAT(JsonDoc::Str(*ual, "/warnings/0/detail"),
              HasSubstr(absl::StrCat("at line ", line, ", byte offset ", offset)));
  EXPECT_EQ(JsonDoc::Uint(*ual, "/warnings/0/line"), line);

  const std::vector<std::string> lines = SearchLines(dir);
  EXPECT_THAT(Brief(lines), ElementsAreArray(kSetEvents));
  auto op = [](const char* name) {
    return [name](const JsonDoc& e) { return e.Str("/operation") == name; };
  };
  // B is in the Purview and the Search-UnifiedAuditLog exports and, as M1,
  // in the mailbox audit CSV; H is in the JSON Lines and, as X1, the XML.
  EXPECT_EQ(JsonDoc::Text(EventLine(lines, op("HardDelete"))).Uint("/source_copies"), 3u);
  EXPECT_EQ(JsonDoc::Text(EventLine(lines, op("SoftDelete"))).Uint("/source_copies"), 2u);
  // A quoted cell with an embedded CRLF, the Latin-1 byte replaced in the
  // normalized field (the raw bytes stay as they were), non-mailbox rows.
  EXPECT_EQ(JsonDoc::Text(EventLine(lines, op("Update"))).Str("/items/0/subject"),
            "Quarterly\r\nreport");
  EXPECT_EQ(JsonDoc::Text(EventLine(lines,
                                    [](const JsonDoc& e) {
                                      return e.Str("/datetime") == "2024-06-03T11:00:00Z";
                                    }))
                .Str("/items/0/subject"),
            "Caf\xef\xbf\xbd menu");
  EXPECT_EQ(JsonDoc::Text(EventLine(lines, op("FileAccessed"))).Str("/workload"), "SharePoint");
  EXPECT_EQ(JsonDoc::Text(EventLine(lines, op("UserLoggedIn"))).Str("/workload"),
            "AzureActiveDirectory");
  // The XML's local times (+02:00, -07:00) are UTC now; the CSV's US dates
  // were read month-first (6/14/2024 settles it).
  EXPECT_EQ(JsonDoc::Text(EventLine(lines, op("MailboxLogin"))).Str("/datetime"),
            "2024-06-04T08:00:00Z");
}

// The same rows give the same case whether the mailbox audit exports come
// before or after the UAL exports, in one run or two.
TEST(ExportSetTest, CrossFormatDuplicatesDoNotDependOnOrder) {
  const std::vector<std::string> mal = {SetFile("mal_utf8bom.csv"), SetFile("mailbox_audit.xml")};
  const std::vector<std::string> ual = {SetFile("ual_lf.jsonl"), SetFile("sual_utf16be.csv"),
                                        SetFile("purview_utf16le.csv")};
  auto join = [](std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  const std::vector<std::vector<std::vector<std::string>>> plans = {
      {join(mal, ual)},  // one run, rows first
      {join(ual, mal)},  // one run, UAL first
      {mal, ual},        // two runs
      {ual, mal},
  };
  TempDir tmp;
  std::string first_findings, first_search;
  for (size_t i = 0; i < plans.size(); ++i) {
    SCOPED_TRACE(i);
    const std::string dir = tmp / ("case" + std::to_string(i));
    for (const std::vector<std::string>& inputs : plans[i]) {
      std::vector<std::string> args = {"ingest", "--case", dir, "--quiet"};
      args.insert(args.end(), inputs.begin(), inputs.end());
      RunResult r = RunTern(args);
      ASSERT_LE(r.exit_code, 1) << r.err;
    }
    ASSERT_LE(RunTern({"analyze", "--case", dir, "--quiet"}).exit_code, 1);
    ASSERT_EQ(RunTern({"report", "--case", dir}).exit_code, 0);
    const std::string findings = ReadFile(dir + "/findings.json");
    const std::vector<std::string> lines = SearchLines(dir);
    std::string search;
    for (const std::string& line : lines) search += line + "\n";
    EXPECT_THAT(Brief(lines), ElementsAreArray(SetEventsAnalyzed()));
    JsonDoc summary = JsonDoc::File(dir + "/findings.json");
    EXPECT_EQ(summary.Uint("/summary/events"), 10u);
    EXPECT_EQ(summary.Uint("/summary/duplicates"), 4u);
    // Each mailbox audit export: one row matched a UAL record, one did not,
    // also when the UAL record arrived in a later run.
    JsonDoc custody = JsonDoc::File(dir + "/custody.json");
    for (const char* file : {"mal_utf8bom.csv", "mailbox_audit.xml"}) {
      std::optional<simdjson::dom::element> item =
          CustodyItem(custody.root()["evidence"].value(), file);
      ASSERT_TRUE(item.has_value());
      EXPECT_EQ(JsonDoc::Uint(*item, "/records/stored"), 1u) << file;
      EXPECT_EQ(JsonDoc::Uint(*item, "/records/duplicate"), 1u) << file;
    }
    if (i == 0) {
      first_findings = findings;
      first_search = search;
    } else {
      EXPECT_EQ(findings, first_findings);
      EXPECT_EQ(search, first_search);
    }
  }
}

// Every member of malformed.zip holds good records around one bad one: the
// bad one is rejected naming the archive, the member and the line; the good
// ones are all kept. (The JSON Lines record is cut short: what was read of
// it is kept, flagged, with the same message.)
TEST(MalformedTest, EachFormatNamesFileMemberAndLineAndKeepsGoodRecords) {
  TempDir tmp;
  const std::string dir = tmp / "case";
  const std::string zip = ContainersFixture("malformed.zip");
  RunResult r = RunTern({"ingest", "--case", dir, zip});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("30 parsed: 9 stored, 12 duplicate, 9 rejected"));
  struct Expect {
    const char* member;
    const char* format;
    uint64_t line;  // of the rejected record
    uint64_t kept;  // stored + duplicate
    const char* reason;
    const char* kind = "rejected-record";
  };
  JsonDoc custody = JsonDoc::File(dir + "/custody.json");
  const simdjson::dom::element evidence = custody.root()["evidence"].value();
  for (const Expect& e : {
           Expect{"purview.csv", "purview-csv", 3, 2, "AuditData is not valid JSON"},
           Expect{"sual.csv", "sual-csv", 4, 2, "malformed CSV record (unbalanced-quote)"},
           Expect{"mailbox_audit.csv", "mailbox-audit-csv", 3, 1,
                  "malformed CSV record (unbalanced-quote)"},
           Expect{"sentinel.csv", "sentinel-csv", 3, 2, "malformed CSV record (unbalanced-quote)"},
           Expect{"ual_flat.csv", "ual-flat-csv", 3, 2, "malformed CSV record (unbalanced-quote)"},
           Expect{"ual.jsonl", "ual-json", 2, 4, "JSON record cut short", "auditdata-truncated"},
           Expect{"mes.jsonl", "mes-json", 2, 2, "record is not valid JSON"},
           Expect{"graph.json", "graph-json", 62, 2, "record is not valid JSON"},
           Expect{"sentinel.json", "sentinel-json", 22, 2, "record is not valid JSON"},
           Expect{"mailbox_audit.xml", "mailbox-audit-xml", 13, 2,
                  "<Event> without Operation or LastAccessed"},
       }) {
    SCOPED_TRACE(e.member);
    EXPECT_THAT(r.err, HasSubstr(absl::StrCat("malformed.zip!", e.member, " line ", e.line, ": ",
                                              e.reason)));
    std::optional<simdjson::dom::element> item =
        CustodyItem(evidence, std::string("malformed.zip!") + e.member);
    ASSERT_TRUE(item.has_value());
    EXPECT_EQ(JsonDoc::Str(*item, "/format"), e.format);
    const bool rejected = std::string_view(e.kind) == "rejected-record";
    EXPECT_EQ(JsonDoc::Uint(*item, "/records/rejected"), rejected ? 1u : 0u);
    EXPECT_EQ(JsonDoc::Uint(*item, "/records/stored") + JsonDoc::Uint(*item, "/records/duplicate"),
              e.kept);
    EXPECT_EQ(JsonDoc::Str(*item, "/warnings/0/kind"), e.kind);
    EXPECT_EQ(JsonDoc::Uint(*item, "/warnings/0/line"), e.line);
  }
  EXPECT_THAT(ReadFile(dir + "/tern.log"), HasSubstr("malformed.zip!graph.json line 62"));
}

// A JSON Lines export of exactly `n` records on `date`, one a minute (the
// clock wraps at midnight; ids keep them distinct).
std::string Records(int n, const std::string& date, const std::string& id_prefix) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    absl::StrAppend(&out, "{\"CreationTime\":\"", date, "T",
                    absl::Dec(i / 60 % 24, absl::kZeroPad2), ":",
                    absl::Dec(i % 60, absl::kZeroPad2), ":00\",\"Id\":\"", id_prefix,
                    absl::Dec(i, absl::kZeroPad8),
                    "\",\"Operation\":\"MailItemsAccessed\",\"RecordType\":50,"
                    "\"Workload\":\"Exchange\",\"UserId\":\"AdeleV@contoso.example\","
                    "\"ClientIPAddress\":\"198.51.100.7\"}\n");
  }
  return out;
}

// The completeness warnings of the issue reach custody.json and
// findings.json: an export stopping at a tool cap, a failed
// Search-UnifiedAuditLog page, a truncated AuditData (kept, flagged), and a
// day-long hole between sources.
TEST(CompletenessTest, WarningsReachCustodyAndFindings) {
  TempDir tmp;
  const std::string capped = tmp / "capped.jsonl";
  WriteFile(capped, Records(5000, "2024-01-01", "00000000-0000-4000-8000-0000"));
  const std::string truncated = tmp / "truncated.csv";
  WriteFile(
      truncated,
      "RecordId,CreationDate,RecordType,Operation,UserId,AuditData\r\n"
      "aa000000-0000-4000-8000-000000000001,1/3/2024 10:00:00 AM,2,Send,a@contoso.example,"
      "\"{\"\"CreationTime\"\":\"\"2024-01-03T10:00:00\"\",\"\"Id\"\":"
      "\"\"aa000000-0000-4000-8000-000000000001\"\",\"\"Operation\"\":\"\"Send\"\","
      "\"\"UserId\"\":\"\"a@contoso.example\"\",\"\"Item\"\":{\"\"Subject\"\":\"\"cut he\"\r\n");
  const std::string dir = tmp / "case";
  RunResult r = RunTern(
      {"run", "--case", dir, "--quiet", capped, truncated, Fixture("formats/csv/sual_au.csv")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("5005 parsed: 5005 stored"));

  JsonDoc findings = JsonDoc::File(dir + "/findings.json");
  std::vector<std::string> kinds;
  const simdjson::dom::array warnings = findings.root()["warnings"].get_array().value();
  for (simdjson::dom::element w : warnings) {
    kinds.push_back(std::string(w["kind"].get_string().value()) + " " +
                    fs::path(std::string(w["source"].get_string().value())).filename().string());
  }
  EXPECT_THAT(kinds, ::testing::IsSupersetOf(
                         {"export-cap-reached capped.jsonl", "auditdata-truncated truncated.csv",
                          "result-index-anomaly sual_au.csv", "coverage-gap truncated.csv",
                          "coverage-gap sual_au.csv"}));
  // The truncated record is kept with what could be read, and flagged.
  const std::vector<std::string> lines = SearchLines(dir);
  EXPECT_EQ(lines.size(), 5005u);
  JsonDoc cut = JsonDoc::Text(EventLine(lines, [](const JsonDoc& e) {
    return e.Str("/record_id") == "aa000000-0000-4000-8000-000000000001";
  }));
  EXPECT_EQ(cut.Str("/operation"), "Send");
  EXPECT_EQ(cut.Str("/datetime"), "2024-01-03T10:00:00Z");
  EXPECT_EQ(cut.Str("/flags"), "auditdata-truncated");

  JsonDoc custody = JsonDoc::File(dir + "/custody.json");
  EXPECT_EQ(custody.Size("/coverage/sources"), 3u);
  EXPECT_EQ(custody.Str("/coverage/first_event"), "2024-01-01T00:00:00Z");
  EXPECT_EQ(custody.Str("/coverage/last_event"), "2025-12-13T22:15:00Z");
  EXPECT_EQ(custody.Str("/coverage/warnings/0/kind"), "coverage-gap");
  EXPECT_THAT(custody.Str("/coverage/warnings/0/detail"),
              HasSubstr("no source covers 2024-01-01T23:59:00Z to 2024-01-03T10:00:00Z"));
}

}  // namespace
}  // namespace tern::testing
