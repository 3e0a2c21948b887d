#include "core/tuning/tuning.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tern {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<std::string> kRules = {"send-as", "first-seen-ip", "mass-deletion"};

TEST(TuningTest, ParsesEverySection) {
  absl::StatusOr<Tuning> t = ParseTuning(R"(
organization_domains: [Contoso.com]
partner_domains: [fabrikam.example]
trusted_ips: [203.0.113.0/24, 198.51.100.7]
trusted_asns: [AS8075, 15169]
service_accounts: [svc-backup@contoso.com]
admin_accounts: [IT-Admin@contoso.com]
vip_mailboxes: [ceo@contoso.com]
rules_disabled: [first-seen-ip]
severity_overrides:
  send-as: medium
thresholds:
  mass_delete_items: 200
  mass_delete_window: 2h
  baseline_ms: 86400000
  travel_kmh: 1000
  org_min_identities: 3
  org_min_days: 2
)",
                                         "tuning.yml", kRules);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->organization_domains, ElementsAre("contoso.com"));
  EXPECT_THAT(t->trusted_asns, ElementsAre(8075u, 15169u));
  EXPECT_THAT(t->admin_accounts, ElementsAre("it-admin@contoso.com"));
  EXPECT_EQ(t->severity_overrides.at("send-as"), Severity::kMedium);

  AnalyzeOptions o;
  ASSERT_TRUE(ApplyTuning(*t, &o).ok());
  EXPECT_EQ(o.mass_delete_items, 200);
  EXPECT_EQ(o.mass_delete_window_ms, 2 * 3'600'000);
  EXPECT_EQ(o.baseline_ms, 86'400'000);
  EXPECT_EQ(o.travel_kmh, 1000);
  EXPECT_EQ(o.org_min_identities, 3);
  EXPECT_EQ(o.org_min_days, 2);
  EXPECT_THAT(o.org_domains, ElementsAre("contoso.com"));
  EXPECT_THAT(o.tuning.partner_domains, ElementsAre("fabrikam.example"));
  EXPECT_THAT(o.tuning.rules_disabled, ElementsAre("first-seen-ip"));
  // The file itself is recorded as an analysis input.
  ASSERT_EQ(o.inputs.size(), 1u);
  EXPECT_EQ(o.inputs[0].role, kInputRoleConfig);
  EXPECT_EQ(o.inputs[0].name, "tuning.yml");
  // Untouched thresholds keep their defaults.
  EXPECT_EQ(o.send_as_daily, AnalyzeOptions().send_as_daily);
}

TEST(TuningTest, EmptyFileChangesNothing) {
  absl::StatusOr<Tuning> t = ParseTuning("", "empty.yml", kRules);
  ASSERT_TRUE(t.ok()) << t.status();
  AnalyzeOptions o;
  ASSERT_TRUE(ApplyTuning(*t, &o).ok());
  EXPECT_EQ(o.mass_delete_items, AnalyzeOptions().mass_delete_items);
  EXPECT_TRUE(o.org_domains.empty());
}

TEST(TuningTest, ErrorsNameLineAndProblem) {
  auto error = [](std::string yaml) {
    absl::StatusOr<Tuning> t = ParseTuning(yaml, "t.yml", kRules);
    return t.ok() ? std::string("ok") : std::string(t.status().message());
  };
  EXPECT_THAT(error("colour: blue\n"), HasSubstr("t.yml:1: unknown key 'colour'"));
  EXPECT_THAT(error("rules_disabled: [no-such-rule]\n"),
              HasSubstr("unknown rule id 'no-such-rule'"));
  EXPECT_THAT(error("severity_overrides:\n  nope: high\n"), HasSubstr("t.yml:2: unknown rule id"));
  EXPECT_THAT(error("severity_overrides:\n  send-as: severe\n"), HasSubstr("unknown severity"));
  EXPECT_THAT(error("thresholds:\n  speed: 3\n"), HasSubstr("unknown threshold 'speed'"));
  EXPECT_THAT(error("trusted_ips: [not-an-ip]\n"), HasSubstr("not an IP address or CIDR"));
  EXPECT_THAT(error("trusted_asns: [ASX]\n"), HasSubstr("bad ASN"));
  EXPECT_THAT(error("[1, 2]\n"), HasSubstr("must be a YAML mapping"));
  EXPECT_THAT(error("a: [\n"), HasSubstr("not valid YAML"));
}

TEST(TuningTest, BadThresholdValuesFailWhenApplied) {
  for (std::string yaml :
       {"thresholds:\n  mass_delete_items: lots\n", "thresholds:\n  mass_delete_window: soon\n",
        "thresholds:\n  travel_kmh: -5\n"}) {
    absl::StatusOr<Tuning> t = ParseTuning(yaml, "t.yml", kRules);
    ASSERT_TRUE(t.ok()) << yaml;
    AnalyzeOptions o;
    EXPECT_FALSE(ApplyTuning(*t, &o).ok()) << yaml;
  }
}

TEST(TuningTest, EveryThresholdNameIsAccepted) {
  for (const std::string& name : ThresholdNames()) {
    absl::StatusOr<Tuning> t = ParseTuning("thresholds:\n  " + name + ": 5\n", "t.yml", kRules);
    ASSERT_TRUE(t.ok()) << name << ": " << t.status();
    AnalyzeOptions o;
    EXPECT_TRUE(ApplyTuning(*t, &o).ok()) << name;
  }
}

}  // namespace
}  // namespace tern
