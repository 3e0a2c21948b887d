// The built-in registry routes each CSV fixture to exactly the right parser:
// every other parser (the JSON ones included) declines it or is less sure.
#include <string>

#include "gtest/gtest.h"
#include "parsers/builtin.h"
#include "parsers/csv_test_util.h"

namespace tern {
namespace {

using testing_csv::ReadDecoded;

TEST(CsvDetectTest, EachFixtureGoesToItsParser) {
  ParserRegistry registry;
  ASSERT_TRUE(RegisterBuiltinParsers(registry).ok());
  const std::string dir = std::string(TERN_FIXTURES_DIR) + "/formats/csv/";
  const struct {
    const char* file;
    const char* parser;
  } kCases[] = {
      {"purview_basic.csv", "purview-csv"},
      {"sual_au.csv", "sual-csv"},
      {"sentinel_training_lab_office_activity.csv", "sentinel-csv"},
      {"sentinel_training_lab_office_activity_inbox_rule.csv", "sentinel-csv"},
      {"mailbox_audit_basic.csv", "mailbox-audit-csv"},
      {"ual_flat_basic.csv", "ual-flat-csv"},
      {"msticpy_demo_exchange_data_excerpt.csv", "partial-csv"},
  };
  for (const auto& c : kCases) {
    const std::string text = ReadDecoded(dir + c.file);
    const std::string_view head = std::string_view(text).substr(0, kSniffBytes);
    const Parser* found = registry.Detect(head);
    ASSERT_NE(found, nullptr) << c.file;
    EXPECT_EQ(found->name(), c.parser) << c.file;
    // No tie at the top: the choice never falls to the name order.
    const int best = found->Sniff(head);
    for (const auto& p : registry.parsers()) {
      if (p.get() != found) EXPECT_LT(p->Sniff(head), best) << c.file << " " << p->name();
    }
  }
}

TEST(CsvDetectTest, CsvParsersDeclineJson) {
  ParserRegistry registry;
  ASSERT_TRUE(RegisterBuiltinParsers(registry).ok());
  const std::string json = ReadDecoded(std::string(TERN_FIXTURES_DIR) +
                                       "/formats/json/otrf_goldensaml_OfficeActivityEvents.json");
  ASSERT_FALSE(json.empty());
  for (const char* name : {"purview-csv", "sual-csv", "sentinel-csv", "mailbox-audit-csv",
                           "ual-flat-csv", "partial-csv"}) {
    const Parser* p = registry.Find(name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ(p->Sniff(json), 0) << name;
    EXPECT_EQ(p->Sniff("{\"CreationTime\":\"2023-09-26T01:56:15\"}\n"), 0) << name;
  }
}

}  // namespace
}  // namespace tern
