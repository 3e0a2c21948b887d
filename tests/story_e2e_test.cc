// End-to-end tests of the attack story (issue 13) through the built `tern`:
// the CTF-style fixture (fixtures/story/) shows the mailbox by UPN, puts the
// sign-ins and the password reset in the incident and lists the rule names
// in the order they were created; on generated tenants every planted attack
// lands in an incident with its attacker IP and identities, and the same
// tenant without attacks has no incident at all.
#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/formats_e2e_util.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> RunArgs(const std::string& case_dir, const std::string& evidence) {
  return {"run",
          "--case",
          case_dir,
          "--geoip-city",
          Fixture("geoip/GeoLite2-City-Test.mmdb"),
          "--geoip-asn",
          Fixture("geoip/GeoLite2-ASN-Test.mmdb"),
          evidence};
}

std::vector<std::string> Strings(simdjson::dom::element e, std::string_view pointer) {
  std::vector<std::string> out;
  simdjson::dom::array list;
  if (e.at_pointer(pointer).get_array().get(list) != simdjson::SUCCESS) return out;
  for (simdjson::dom::element s : list) out.emplace_back(s.get_string().value());
  return out;
}

TEST(StoryE2eTest, CtfExportTellsTheWholeStory) {
  TempDir tmp;
  const RunResult r = RunTern(RunArgs(tmp / "case", Fixture("story/ctf_purview.csv")));
  ASSERT_LE(r.exit_code, 1) << r.err;
  const JsonDoc doc = JsonDoc::File(tmp / "case/findings.json");
  // Mailboxes are counted the same way on stdout and in findings.json.
  EXPECT_EQ(doc.Uint("/summary/mailboxes"), 2u);
  EXPECT_THAT(r.out, HasSubstr("2 mailboxes"));

  // The inbox-rule records name the mailbox only by John's directory object
  // id; the password reset links it to his UPN.
  simdjson::dom::array findings;
  ASSERT_EQ(doc.root()["findings"].get_array().get(findings), simdjson::SUCCESS);
  bool rule_finding = false;
  std::string reset_finding;
  for (simdjson::dom::element f : findings) {
    // The admin's reset then John's sign-in from China, a network and a
    // country his baseline week never saw: the takeover itself.
    if (JsonDoc::Str(f, "/rule") == "password-reset-new-asn") {
      reset_finding = JsonDoc::Str(f, "/id");
      EXPECT_EQ(JsonDoc::Str(f, "/severity"), "high");
      EXPECT_EQ(JsonDoc::Str(f, "/actor"), "john.doe@northwind.example");
      EXPECT_THAT(Strings(f, "/client_ips"), ElementsAre("175.16.199.30"));
      EXPECT_THAT(JsonDoc::Str(f, "/details/sequence"),
                  HasSubstr("set by it.admin@northwind.example (Reset user password.); 31 minutes "
                            "later the account signed in from 175.16.199.30"));
    }
    if (JsonDoc::Str(f, "/rule") != "inbox-rule-suspicious") continue;
    rule_finding = true;
    EXPECT_EQ(JsonDoc::Str(f, "/mailbox/upn"), "john.doe@northwind.example");
    EXPECT_THAT(Strings(f, "/details/mailbox_recorded_as"),
                ElementsAre("f757cb79-dd91-4a5c-8d2f-3b1e6a9c0d42"));
  }
  EXPECT_TRUE(rule_finding);
  ASSERT_FALSE(reset_finding.empty()) << "no password-reset-new-asn finding";

  simdjson::dom::array incidents;
  ASSERT_EQ(doc.root()["incidents"].get_array().get(incidents), simdjson::SUCCESS);
  ASSERT_EQ(incidents.size(), 1u);
  simdjson::dom::element incident = incidents.at(0);
  EXPECT_EQ(JsonDoc::Str(incident, "/id"), "I-001");
  EXPECT_EQ(JsonDoc::Str(incident, "/severity"), "high");
  EXPECT_THAT(Strings(incident, "/identities"), ElementsAre("john.doe@northwind.example"));
  EXPECT_THAT(Strings(incident, "/attacker_ips"), ElementsAre("175.16.199.30"));
  EXPECT_EQ(JsonDoc::Str(incident, "/attacker_ip_geo/0/country_iso"), "CN");
  EXPECT_EQ(JsonDoc::Uint(incident, "/sign_ins/succeeded"), 1u);
  EXPECT_EQ(JsonDoc::Uint(incident, "/sign_ins/failed"), 2u);
  // The attacker's first move, not the admin's reset that preceded it.
  EXPECT_EQ(JsonDoc::Str(incident, "/first_seen"), "2024-05-10T09:30:10Z");
  EXPECT_THAT(Strings(incident, "/findings"), ::testing::Contains(reset_finding));
  EXPECT_EQ(Strings(incident, "/tactics").front(), "initial-access");

  // The timeline: the reset, the sign-ins, the reading, then the rules in
  // the order they were created, the send and its deletion; Mary's ordinary
  // morning is not in it.
  std::vector<std::string> operations;
  std::vector<std::string> rules;
  simdjson::dom::array timeline;
  ASSERT_EQ(incident["timeline"].get_array().get(timeline), simdjson::SUCCESS);
  for (simdjson::dom::element e : timeline) {
    const std::string op = JsonDoc::Str(e, "/operation");
    if (operations.empty() || operations.back() != op) operations.push_back(op);
    if (op == "New-InboxRule") {
      const std::string summary = JsonDoc::Str(e, "/summary");
      rules.push_back(summary.substr(6, summary.find('\'', 6) - 6));
    }
    EXPECT_NE(JsonDoc::Str(e, "/actor"), "mary.major@northwind.example");
    EXPECT_EQ(JsonDoc::Str(e, "/anchor/sha256").size(), 64u);
  }
  EXPECT_THAT(operations, ElementsAre("Reset user password.", "UserLoginFailed", "UserLoggedIn",
                                      "MailItemsAccessed", "New-InboxRule", "Send", "SoftDelete"));
  EXPECT_THAT(rules, ElementsAre("q", "w", "e", "r", "t", "y", "u", "i", "o", "p", "a", "s"));
  EXPECT_EQ(JsonDoc::Uint(incident, "/exposure/messages_accessed"), 3u);
  EXPECT_EQ(JsonDoc::Uint(incident, "/exposure/messages_sent"), 1u);
  EXPECT_EQ(JsonDoc::Uint(incident, "/exposure/items_deleted"), 1u);
  EXPECT_EQ(JsonDoc::Uint(incident, "/exposure/rules_created"), 12u);

  // The sessions the timeline falls into are named and carried by
  // findings.json (tern.findings/2), the attacker's reading among them.
  const std::vector<std::string> named = Strings(incident, "/sessions");
  ASSERT_FALSE(named.empty());
  std::set<std::string> carried;
  bool attacker_session = false;
  simdjson::dom::array sessions;
  ASSERT_EQ(doc.root()["sessions"].get_array().get(sessions), simdjson::SUCCESS);
  for (simdjson::dom::element s : sessions) {
    carried.insert(JsonDoc::Str(s, "/id"));
    if (std::find(named.begin(), named.end(), JsonDoc::Str(s, "/id")) != named.end() &&
        JsonDoc::Str(s, "/client_ip") == "175.16.199.30") {
      attacker_session = true;
    }
  }
  for (const std::string& id : named) EXPECT_TRUE(carried.contains(id)) << id;
  EXPECT_TRUE(attacker_session);

  const std::string exposure = ReadFile(tmp / "case/exposure.csv");
  EXPECT_THAT(exposure, HasSubstr("I-001,2024-05-10T09:33:00Z,accessed,john.doe@northwind.example,"
                                  "\\Inbox,<invoice-4471@supplier.example>"));
  EXPECT_THAT(exposure, HasSubstr(",sent,"));
  EXPECT_EQ(CountOccurrences(exposure, "\r\n"), 1u + 3 + 1 + 1 + 12);

  // report.html opens with the incident.
  const std::string html = ReadFile(tmp / "case/report.html");
  const size_t at_incidents = html.find("id=\"incidents\"");
  ASSERT_NE(at_incidents, std::string::npos);
  EXPECT_LT(at_incidents, html.find("id=\"findings\""));
  EXPECT_THAT(html, HasSubstr("john.doe@northwind.example used from 175.16.199.30"));
}

// `tern search` shows the mailbox of the inbox-rule records, which name it
// only by John's directory object id, by his UPN once the case is analyzed;
// before, as recorded.
TEST(StoryE2eTest, SearchShowsMailboxesAndActorsByUpn) {
  TempDir tmp;
  const std::string case_dir = tmp / "case";
  RunResult r = RunTern({"ingest", "--case", case_dir, Fixture("story/ctf_purview.csv")});
  ASSERT_LE(r.exit_code, 1) << r.err;
  const std::vector<std::string> search = {"search",        "--case",   case_dir, "--operation",
                                           "New-InboxRule", "--format", "jsonl"};
  r = RunTern(search);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(CountOccurrences(r.out, "\"mailbox_upn\":\"\""), 12u) << r.out;

  r = RunTern({"analyze", "--case", case_dir});
  ASSERT_LE(r.exit_code, 1) << r.err;
  r = RunTern(search);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(CountOccurrences(r.out, "\"mailbox_upn\":\"john.doe@northwind.example\""), 12u)
      << r.out;
  EXPECT_EQ(CountOccurrences(r.out, "\"mailbox_guid\":\"\""), 12u);
  // His directory object id finds his own records (by UPN) once analyzed.
  r = RunTern({"search", "--case", case_dir, "--actor", "f757cb79-dd91-4a5c-8d2f-3b1e6a9c0d42",
               "--operation", "New-InboxRule", "--format", "jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(CountOccurrences(r.out, "\"operation\":\"New-InboxRule\""), 12u) << r.err;
  r = RunTern({"search", "--case", case_dir, "--operation", "New-InboxRule", "--limit", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(CountOccurrences(r.out, "john.doe@northwind.example"), 2u) << r.out;
}

void Generate(const std::string& out, const std::string& args) {
  const std::string command =
      std::string(TERN_GEN_BINARY) + " --out '" + out + "' --quiet " + args + " >/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

TEST(StoryE2eTest, EveryPlantedAttackLandsInAnIncidentAndBenignLifeInNone) {
  TempDir tmp;
  const std::string common = "--users 40 --days 12 --seed 3 --formats jsonl";
  ASSERT_NO_FATAL_FAILURE(Generate(tmp / "planted", common + " --plant all"));
  ASSERT_NO_FATAL_FAILURE(Generate(tmp / "benign", common + " --plant all --benign-only"));
  for (const char* tenant : {"planted", "benign"}) {
    const RunResult r = RunTern(
        RunArgs(tmp / (std::string("case-") + tenant), tmp / (std::string(tenant) + "/evidence")));
    ASSERT_LE(r.exit_code, 1) << r.err;
  }
  const JsonDoc benign = JsonDoc::File(tmp / "case-benign/findings.json");
  simdjson::dom::array none;
  ASSERT_EQ(benign.root()["incidents"].get_array().get(none), simdjson::SUCCESS);
  EXPECT_EQ(none.size(), 0u) << "benign life raised an incident";

  const JsonDoc truth = JsonDoc::File(tmp / "planted/truth.json");
  const JsonDoc doc = JsonDoc::File(tmp / "case-planted/findings.json");
  simdjson::dom::array planted, incidents;
  ASSERT_EQ(truth.root()["planted"].get_array().get(planted), simdjson::SUCCESS);
  ASSERT_EQ(doc.root()["incidents"].get_array().get(incidents), simdjson::SUCCESS);
  size_t checked = 0;
  for (simdjson::dom::element p : planted) {
    const std::string rule = JsonDoc::Str(p, "/rule");
    const std::string ip = JsonDoc::Str(p, "/attacker_ip");
    std::string mailbox = JsonDoc::Str(p, "/mailbox");
    std::string actor = JsonDoc::Str(p, "/actor");
    absl::AsciiStrToLower(&mailbox);
    absl::AsciiStrToLower(&actor);
    bool landed = false;
    for (simdjson::dom::element i : incidents) {
      const std::vector<std::string> ips = Strings(i, "/attacker_ips");
      if (std::find(ips.begin(), ips.end(), ip) == ips.end()) continue;
      std::set<std::string> named;
      for (const std::string& s : Strings(i, "/identities")) named.insert(s);
      const std::set<std::string> identities = named;
      for (const std::string& s : Strings(i, "/other_identities")) named.insert(s);
      simdjson::dom::array boxes;
      if (i["mailboxes"].get_array().get(boxes) == simdjson::SUCCESS) {
        for (simdjson::dom::element b : boxes) named.insert(JsonDoc::Str(b, "/upn"));
      }
      const bool actor_ok = actor.empty() || identities.contains(actor);
      const bool mailbox_ok = mailbox.empty() || named.contains(mailbox);
      landed = actor_ok && mailbox_ok;
      EXPECT_TRUE(landed) << rule << ": incident " << JsonDoc::Str(i, "/id") << " has " << ip
                          << " but not actor " << actor << " / mailbox " << mailbox;
      break;
    }
    EXPECT_TRUE(landed) << "planted " << rule << " from " << ip << " is in no incident";
    ++checked;
  }
  EXPECT_GE(checked, 15u);
}

}  // namespace
}  // namespace tern::testing
