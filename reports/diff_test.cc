// diff and expectations over hand-built findings documents.
#include "reports/diff.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/expect.h"

namespace tern {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

DocumentFinding Finding(std::string id, std::string rule, std::string severity, std::string ip,
                        std::string first_seen) {
  DocumentFinding f;
  f.id = std::move(id);
  f.rule = std::move(rule);
  f.severity = std::move(severity);
  f.title = "t";
  f.mailbox_upn = "erin@fabrikam.example";
  f.actor = "erin@fabrikam.example";
  f.client_ips = {std::move(ip)};
  f.first_seen = std::move(first_seen);
  f.last_seen = f.first_seen;
  f.evidence = 1;
  return f;
}

FindingsDocument Doc() {
  FindingsDocument d;
  d.schema = "tern.findings/1";
  d.counts = {{"events", 9}, {"sessions", 7}};
  d.findings_by_severity = {{"high", 1}, {"medium", 1}};
  d.findings.push_back(Finding("F-0001", "suspicious-client", "medium", "81.2.69.142", "T1"));
  d.findings.push_back(
      Finding("F-0002", "inbox-rule-forward-external", "high", "203.0.113.9", "T2"));
  return d;
}

TEST(DiffTest, EqualDocumentsHaveNoDifferencesEvenWhenFNumbersMove) {
  FindingsDocument a = Doc();
  FindingsDocument b = Doc();
  std::swap(b.findings[0].id, b.findings[1].id);
  const FindingsDiff diff = DiffFindings(a, b);
  EXPECT_TRUE(diff.equal());
  EXPECT_EQ(RenderDiffText(diff), "no differences\n");
  EXPECT_THAT(RenderDiffJson(diff), HasSubstr("\"equal\": true"));
}

TEST(DiffTest, AddedRemovedAndChangedFindingsAndCountsAreListedSorted) {
  FindingsDocument a = Doc();
  FindingsDocument b = Doc();
  b.counts["events"] = 10;
  b.findings_by_severity["high"] = 0;
  b.findings_by_severity["critical"] = 1;
  b.findings[1].severity = "critical";  // changed: same match key
  b.findings[0].first_seen = "T0";      // another time: removed + added
  const FindingsDiff diff = DiffFindings(a, b);
  ASSERT_THAT(diff.differences, SizeIs(6));
  const std::string text = RenderDiffText(diff);
  EXPECT_THAT(text, HasSubstr("~ finding inbox-rule-forward-external mailbox=erin@fabrikam.example "
                              "actor=erin@fabrikam.example ips=203.0.113.9 first_seen=T2  high"));
  EXPECT_THAT(text, HasSubstr("-> critical"));
  EXPECT_THAT(text, HasSubstr("+ finding suspicious-client"));
  EXPECT_THAT(text, HasSubstr("- finding suspicious-client"));
  EXPECT_THAT(text, HasSubstr("~ summary events  9 -> 10"));
  EXPECT_THAT(text, HasSubstr("~ severity-count critical  (none) -> 1"));
  EXPECT_THAT(text, HasSubstr("6 differences"));
  // Stable: the same inputs give the same bytes, and order is by kind.
  EXPECT_EQ(text, RenderDiffText(DiffFindings(a, b)));
  EXPECT_EQ(diff.differences.front().kind, "finding");
  EXPECT_EQ(diff.differences.back().kind, "summary");
}

TEST(DiffTest, IncidentsAreMatchedByIdentitiesIpsAndTime) {
  FindingsDocument a = Doc();
  DocumentIncident i;
  i.id = "I-001";
  i.severity = "high";
  i.identities = {"erin@fabrikam.example"};
  i.attacker_ips = {"203.0.113.9"};
  i.first_seen = "T2";
  a.incidents.push_back(i);
  FindingsDocument b = a;
  b.incidents[0].severity = "critical";
  const FindingsDiff diff = DiffFindings(a, b);
  ASSERT_THAT(diff.differences, SizeIs(1));
  EXPECT_EQ(diff.differences[0].kind, "incident");
  EXPECT_EQ(diff.differences[0].change, "changed");
}

TEST(ExpectTest, CountsMailboxesIpsAndNoHigh) {
  const FindingsDocument d = Doc();
  FindingExpectation forward;
  forward.rule = "inbox-rule-forward-external";
  forward.mailbox = "ERIN@fabrikam.example";
  forward.ip = "203.0.113.9";
  FindingExpectation absent;
  absent.rule = "mass-download";
  absent.min_count = 0;
  absent.max_count = 0;
  EXPECT_THAT(CheckExpectations({forward, absent}, d), IsEmpty());

  FindingExpectation two = forward;
  two.min_count = 2;
  FindingExpectation no_high;
  no_high.no_high = true;
  no_high.mailbox = "erin@fabrikam.example";
  FindingExpectation quiet_elsewhere = no_high;
  quiet_elsewhere.mailbox = "bob@fabrikam.example";
  const std::vector<std::string> failures = CheckExpectations({two, no_high, quiet_elsewhere}, d);
  ASSERT_THAT(failures, SizeIs(2));
  EXPECT_EQ(failures[0],
            "expected rule inbox-rule-forward-external on ERIN@fabrikam.example from 203.0.113.9: "
            "at least 2 findings; found 1");
  EXPECT_THAT(failures[1],
              HasSubstr("expected no high or critical finding on erin@fabrikam.example; "
                        "found inbox-rule-forward-external"));
}

}  // namespace
}  // namespace tern
