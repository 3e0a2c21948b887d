// AnalyzeCoverage: per-source windows, holes in their union, overlaps.
#include "core/ingest/coverage.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr TimeMs kHour = 3600 * 1000;
constexpr TimeMs kDay = 24 * kHour;
constexpr TimeMs kT = 1714521600000;  // 2024-05-01T00:00:00Z

EvidenceRecord Item(uint32_t ordinal, std::string display, TimeMs first, TimeMs last) {
  EvidenceRecord r;
  r.ordinal = ordinal;
  r.display = std::move(display);
  r.sha256 = "sha-" + r.display;
  r.format = "ual-json";
  r.status = "ingested";
  r.first_event_ms = first;
  r.last_event_ms = last;
  r.records_parsed = 3;
  return r;
}

std::vector<std::string> Kinds(const Coverage& c) {
  std::vector<std::string> out;
  for (const Warning& w : c.warnings) out.push_back(w.kind + " " + w.source);
  return out;
}

TEST(CoverageTest, NoSourcesNoWarnings) {
  EvidenceRecord container = Item(1, "a.zip", kT, kT + kHour);
  container.is_container = true;
  EvidenceRecord empty = Item(2, "a.zip!empty.csv", kNoTime, kNoTime);
  const Coverage c = AnalyzeCoverage({container, empty});
  EXPECT_THAT(c.windows, IsEmpty());
  EXPECT_THAT(c.warnings, IsEmpty());
  EXPECT_EQ(c.first, kNoTime);
}

TEST(CoverageTest, AdjacentWindowsNeitherGapNorOverlap) {
  // Per-window exports touching at their boundaries, and a short pause.
  const Coverage c = AnalyzeCoverage({Item(1, "w1.json", kT, kT + kDay),
                                      Item(2, "w2.json", kT + kDay, kT + 2 * kDay),
                                      Item(3, "w3.json", kT + 3 * kDay, kT + 4 * kDay)});
  EXPECT_THAT(c.warnings, IsEmpty());
  ASSERT_EQ(c.windows.size(), 3u);
  EXPECT_EQ(c.windows[0].source, "w1.json");
  EXPECT_EQ(c.first, kT);
  EXPECT_EQ(c.last, kT + 4 * kDay);
}

TEST(CoverageTest, HoleLongerThanADayBetweenSourcesIsAGap) {
  const Coverage c = AnalyzeCoverage(
      {Item(1, "may1.csv", kT, kT + 10 * kHour), Item(2, "long.csv", kT + kHour, kT + 20 * kHour),
       Item(3, "may3.csv", kT + 20 * kHour + kDay + 1, kT + 3 * kDay)});
  ASSERT_THAT(Kinds(c), ElementsAre("coverage-gap may3.csv", "coverage-overlap long.csv",
                                    "coverage-overlap may1.csv"));
  EXPECT_EQ(c.warnings[0].detail,
            "no source covers 2024-05-01T20:00:00Z to 2024-05-02T20:00:00.001Z (24.0 hours): "
            "long.csv ends before it and this source starts after it; events of that time may "
            "be missing from the evidence");
  EXPECT_EQ(c.warnings[2].detail,
            "covers 2024-05-01T00:00:00Z to 2024-05-01T10:00:00Z and overlaps 1 source in time "
            "(long.csv); records present in several sources are stored once and counted as "
            "duplicates");
}

TEST(CoverageTest, GapsAreListedInTimeOrderWhateverTheSourceNames) {
  // Names sort the other way round from time: the order must come from time,
  // or it would change with the directories evidence sits in.
  const Coverage c = AnalyzeCoverage({Item(1, "/z/first.csv", kT, kT + kHour),
                                      Item(2, "/m/second.csv", kT + 3 * kDay, kT + 3 * kDay),
                                      Item(3, "/a/third.csv", kT + 9 * kDay, kT + 9 * kDay)});
  ASSERT_THAT(Kinds(c), ElementsAre("coverage-gap /m/second.csv", "coverage-gap /a/third.csv"));
  EXPECT_THAT(c.warnings[0].detail,
              HasSubstr("no source covers 2024-05-01T01:00:00Z to 2024-05-04T00:00:00Z"));
}

TEST(CoverageTest, SkippedAndInterruptedItemsAreNotSources) {
  EvidenceRecord skipped = Item(2, "copy.csv", kT, kT + kDay);
  skipped.status = "skipped-known-sha256";
  EvidenceRecord interrupted = Item(3, "half.csv", kT, kT + kDay);
  interrupted.status = "interrupted";
  const Coverage c = AnalyzeCoverage({Item(1, "a.csv", kT, kT + kDay), skipped, interrupted});
  EXPECT_EQ(c.windows.size(), 1u);
  EXPECT_THAT(c.warnings, IsEmpty());
}

TEST(CoverageTest, ResultDoesNotDependOnRecordOrder) {
  std::vector<EvidenceRecord> records;
  for (uint32_t i = 0; i < 80; ++i) {
    records.push_back(Item(i + 1, "f" + std::to_string(i) + ".json", kT + (i % 7) * kDay,
                           kT + (i % 7) * kDay + (i % 3 + 1) * kHour * 10));
  }
  const Coverage first = AnalyzeCoverage(records);
  // Every source overlaps others: capped, with one summary line, and each
  // names a few of the others.
  EXPECT_EQ(first.warnings.size(), kMaxOverlapWarnings + 1);
  EXPECT_THAT(first.warnings[0].detail, HasSubstr(" more); records present"));
  EXPECT_EQ(first.warnings.back().detail, "30 more sources overlap others in time (not listed)");
  std::mt19937 rng(7);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(records.begin(), records.end(), rng);
    for (size_t i = 0; i < records.size(); ++i) records[i].ordinal = static_cast<uint32_t>(i + 1);
    const Coverage again = AnalyzeCoverage(records);
    ASSERT_EQ(again.warnings.size(), first.warnings.size());
    for (size_t i = 0; i < again.warnings.size(); ++i) {
      EXPECT_EQ(again.warnings[i].source, first.warnings[i].source);
      EXPECT_EQ(again.warnings[i].detail, first.warnings[i].detail);
    }
  }
}

}  // namespace
}  // namespace tern
