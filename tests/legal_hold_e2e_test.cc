// End-to-end: the legal-hold seal (manifest.json + Ed25519 manifest.sig) and
// `tern verify` over it: a tampered output byte, a wrong key, an edited
// manifest, and evidence that moved (issue 15).
#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::string KeyFile(const std::string& name) { return Fixture("keys/" + name); }

class LegalHoldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy_file(Fixture("e2e/export_b.jsonl"), tmp_ / "export_b.jsonl");
    const RunResult run = RunTern({"run", "--case", Case(), "--quiet", "--sign-key",
                                   KeyFile("signer.pem"), tmp_ / "export_b.jsonl"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_THAT(run.out, HasSubstr("manifest.json (signed by "));
  }
  std::string Case() { return tmp_ / "case"; }
  RunResult Verify(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"verify", "--case", Case()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunTern(args);
  }
  TempDir tmp_;
};

TEST_F(LegalHoldTest, ManifestSealsOutputsEvidenceAndVersions) {
  const std::string manifest = ReadFile(Case() + "/manifest.json");
  for (const char* listed :
       {"\"custody.json\"", "\"findings.json\"", "\"sessions.jsonl\"", "\"report.html\"",
        "export_b.jsonl", "\"store_schema\": 2", "\"Ed25519\""}) {
    EXPECT_THAT(manifest, HasSubstr(listed));
  }
  EXPECT_EQ(ReadFile(Case() + "/manifest.sig").size(), 129u);  // 128 hex digits + newline

  const RunResult trusted = Verify({"--verify-key", KeyFile("signer.pub.pem")});
  EXPECT_EQ(trusted.exit_code, 0) << trusted.out << trusted.err;
  EXPECT_THAT(trusted.out, HasSubstr("SIGNATURE valid: manifest.json signed by the trusted key"));
  EXPECT_THAT(trusted.out, HasSubstr("outputs match manifest.json"));
  // The private key works as the trusted key too (its public half).
  EXPECT_EQ(Verify({"--verify-key", KeyFile("signer.pem")}).exit_code, 0);
  // Without a trusted key the signature is checked against the key named.
  const RunResult untrusted = Verify();
  EXPECT_EQ(untrusted.exit_code, 0);
  EXPECT_THAT(untrusted.out, HasSubstr("pass --verify-key"));
}

// The manifest seals every file tern writes into a case directory, named by
// its owner (CaseDir, the output registry): a case with an incident (so
// exposure.csv) and a timeline leaves no output unsealed.
TEST(LegalHoldSealTest, EveryFileTernWroteIsSealed) {
  TempDir tmp;
  const RunResult run = RunTern({"run", "--case", tmp / "case", "--quiet", "--timeline", "jsonl",
                                 Fixture("story/ctf_purview.csv")});
  ASSERT_LE(run.exit_code, 1) << run.err;
  const std::string manifest = ReadFile(tmp / "case/manifest.json");
  int sealed = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(tmp / "case")) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name == "manifest.json" || name == "tern.log") continue;
    EXPECT_THAT(manifest, HasSubstr("\"path\": \"" + name + "\"")) << name << " is not sealed";
    ++sealed;
  }
  EXPECT_GE(sealed, 5);  // custody.json, findings.json, report.html, exposure.csv, timeline.jsonl
  EXPECT_TRUE(fs::exists(tmp / "case/exposure.csv"));
}

TEST_F(LegalHoldTest, ATamperedOutputByteIsNamed) {
  std::string html = ReadFile(Case() + "/report.html");
  html[html.size() / 2] ^= 0x01;
  WriteFile(Case() + "/report.html", html);
  const RunResult r = Verify({"--verify-key", KeyFile("signer.pub.pem")});
  EXPECT_EQ(r.exit_code, 4) << r.out;
  EXPECT_THAT(r.out, HasSubstr("CHANGED   output report.html"));
  EXPECT_THAT(r.out, Not(HasSubstr("findings.json")));
  EXPECT_THAT(r.out, HasSubstr("1 of 4 files in manifest.json changed or missing"));
}

TEST_F(LegalHoldTest, AWrongKeyOrAnEditedManifestFails) {
  const RunResult wrong = Verify({"--verify-key", KeyFile("other.pub.pem")});
  EXPECT_EQ(wrong.exit_code, 4);
  EXPECT_THAT(wrong.out, HasSubstr("SIGNATURE WRONG KEY"));

  std::string manifest = ReadFile(Case() + "/manifest.json");
  manifest.replace(manifest.find("\"examiner\": \"\""), 14, "\"examiner\": \"X\"");
  WriteFile(Case() + "/manifest.json", manifest);
  const RunResult edited = Verify({"--verify-key", KeyFile("signer.pub.pem")});
  EXPECT_EQ(edited.exit_code, 4);
  EXPECT_THAT(edited.out, HasSubstr("SIGNATURE INVALID"));

  fs::remove(Case() + "/manifest.sig");
  const RunResult unsigned_now = Verify({"--verify-key", KeyFile("signer.pub.pem")});
  EXPECT_EQ(unsigned_now.exit_code, 4);
  EXPECT_THAT(unsigned_now.out, HasSubstr("SIGNATURE MISSING"));
}

TEST_F(LegalHoldTest, BadKeysAreUsageErrors) {
  const RunResult rsa = RunTern({"report", "--case", Case(), "--sign-key", KeyFile("rsa.pem")});
  EXPECT_EQ(rsa.exit_code, 2);
  EXPECT_THAT(rsa.err, HasSubstr("not an Ed25519 key"));
  EXPECT_EQ(Verify({"--verify-key", tmp_ / "none.pem"}).exit_code, 2);
}

TEST_F(LegalHoldTest, ReportReSealsUnsignedAndDropsTheStaleSignature) {
  const RunResult r = RunTern({"report", "--case", Case()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("manifest.json"));
  EXPECT_FALSE(fs::exists(Case() + "/manifest.sig"));
  EXPECT_EQ(Verify().exit_code, 0);
  // A trusted key expects a signature.
  EXPECT_EQ(Verify({"--verify-key", KeyFile("signer.pub.pem")}).exit_code, 4);
}

TEST(LegalHoldEvidenceTest, MovedEvidenceIsFoundUnderEvidenceFoldersAndInArchives) {
  TempDir tmp;
  const std::string case_dir = tmp / "case";
  fs::copy_file(Fixture("formats/containers/set/purview_utf16le.csv"), tmp / "purview.csv");
  fs::copy_file(Fixture("e2e/export_b.jsonl"), tmp / "export_b.jsonl");
  ASSERT_LE(
      RunTern({"run", "--case", case_dir, "--quiet", tmp / "purview.csv", tmp / "export_b.jsonl"})
          .exit_code,
      1);
  // Handed over: one file renamed into another folder, the other only inside
  // a zip of the export set.
  fs::create_directories(tmp / "handover/loose");
  fs::rename(tmp / "export_b.jsonl", tmp / "handover/loose/b.jsonl");
  fs::remove(tmp / "purview.csv");
  fs::copy_file(Fixture("formats/containers/set.zip"), tmp / "handover/set.zip");

  const RunResult missing = RunTern({"verify", "--case", case_dir});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_THAT(missing.out, HasSubstr("MISSING   " + (tmp / "purview.csv")));
  EXPECT_THAT(missing.out, HasSubstr("2 of 2 evidence files changed or missing"));

  const RunResult found = RunTern({"verify", "--case", case_dir, "--evidence", tmp / "handover"});
  EXPECT_EQ(found.exit_code, 0) << found.out;
  EXPECT_THAT(found.out, HasSubstr("FOUND     " + (tmp / "export_b.jsonl") +
                                   ": moved, same SHA-256 and size at "));
  EXPECT_THAT(found.out, HasSubstr("handover/loose/b.jsonl"));
  EXPECT_THAT(found.out, HasSubstr("handover/set.zip!exports/purview_utf16le.csv"));
  EXPECT_THAT(found.out, HasSubstr("all 2 files verified"));

  // A folder without them: still missing.
  fs::create_directories(tmp / "empty");
  EXPECT_EQ(RunTern({"verify", "--case", case_dir, "--evidence", tmp / "empty"}).exit_code, 4);
}

}  // namespace
}  // namespace tern::testing

namespace tern::testing {
namespace {

// A case written by an earlier tern (fixtures/cases/schema-1) opens with this
// one: report regenerates its outputs, verify finds its evidence.
TEST(OldCaseTest, ASchemaOneCaseReportsAndVerifies) {
  TempDir tmp;
  const std::string case_dir = tmp / "case";
  fs::copy(Fixture("cases/schema-1"), case_dir, fs::copy_options::recursive);
  const RunResult first = RunTern({"report", "--case", case_dir, "--out", tmp / "r1"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const RunResult second = RunTern({"report", "--case", case_dir, "--out", tmp / "r2"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  // Byte-identical from the store, whatever the run.
  EXPECT_EQ(ReadFile(tmp / "r1/findings.json"), ReadFile(tmp / "r2/findings.json"));
  EXPECT_EQ(ReadFile(tmp / "r1/report.html"), ReadFile(tmp / "r2/report.html"));
  // What the old case holds comes back as it was written: case, evidence, counts.
  const std::string now = ReadFile(tmp / "r1/findings.json");
  const std::string then = ReadFile(case_dir + "/findings.json");
  auto section = [](const std::string& doc, const std::string& from, const std::string& to) {
    const size_t begin = doc.find(from);
    if (begin == std::string::npos) return std::string();
    return doc.substr(begin, doc.find(to, begin) - begin);
  };
  EXPECT_EQ(section(now, "\"case\"", "\"summary\""), section(then, "\"case\"", "\"summary\""));
  EXPECT_THAT(now, HasSubstr("\"id\": \"SCHEMA-1\""));
  EXPECT_EQ(section(now, "\"events\"", "\"first_event\""),
            section(then, "\"events\"", "\"first_event\""));
  // A tern.findings/1 document and its tern.findings/2 successor compare equal:
  // /2 moved the sessions out, the findings stayed.
  EXPECT_THAT(then, HasSubstr("\"schema\": \"tern.findings/1\""));
  EXPECT_THAT(now, HasSubstr("\"schema\": \"tern.findings/2\""));
  EXPECT_TRUE(fs::exists(tmp / "r1/sessions.jsonl"));
  // The case keeps its own store schema, and the report and manifest say so.
  EXPECT_THAT(ReadFile(tmp / "r1/report.html"), HasSubstr("<dt>Case store schema</dt><dd>1</dd>"));
  EXPECT_THAT(ReadFile(tmp / "r1/manifest.json"), HasSubstr("\"store_schema\": 1"));
  const RunResult diff = RunTern({"diff", case_dir, tmp / "r1"});
  EXPECT_EQ(diff.exit_code, 0) << diff.out << diff.err;
  // A read-only command leaves the old case as it was.
  EXPECT_EQ(ReadFile(case_dir + "/findings.json"),
            ReadFile(Fixture("cases/schema-1/findings.json")));

  // Its evidence is not where it was ingested; the fixture folder has it.
  const RunResult verify = RunTern({"verify", "--case", case_dir, "--evidence", Fixture("e2e")});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_THAT(verify.out,
              ::testing::AnyOf(HasSubstr("FOUND     /tmp/tern-fixture-evidence/export_b.jsonl"),
                               HasSubstr("all 1 files verified")));
  EXPECT_THAT(verify.out, HasSubstr("outputs match manifest.json"));
}

// A schema-2 case (raw bytes inside the events values) reports the same
// twice and verifies against its evidence.
TEST(OldCaseTest, ASchemaTwoCaseReportsAndVerifies) {
  TempDir tmp;
  const std::string case_dir = tmp / "case";
  fs::copy(Fixture("cases/schema-2"), case_dir, fs::copy_options::recursive);
  const RunResult first = RunTern({"report", "--case", case_dir, "--out", tmp / "r1"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const RunResult second = RunTern({"report", "--case", case_dir, "--out", tmp / "r2"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(ReadFile(tmp / "r1/findings.json"), ReadFile(tmp / "r2/findings.json"));
  EXPECT_EQ(ReadFile(tmp / "r1/report.html"), ReadFile(tmp / "r2/report.html"));
  EXPECT_THAT(ReadFile(tmp / "r1/findings.json"), HasSubstr("\"id\": \"SCHEMA-2\""));
  const RunResult verify = RunTern({"verify", "--case", case_dir, "--evidence", Fixture("e2e")});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_THAT(verify.out,
              ::testing::AnyOf(HasSubstr("FOUND     /tmp/tern-fixture-evidence/export_b.jsonl"),
                               HasSubstr("all 1 files verified")));
}

TEST(TimezoneTest, ReportHtmlShowsTheZoneFindingsJsonStaysUtc) {
  TempDir tmp;
  const std::string case_dir = tmp / "case";
  ASSERT_EQ(
      RunTern({"run", "--case", case_dir, "--quiet", Fixture("e2e/export_b.jsonl")}).exit_code, 0);
  const RunResult berlin = RunTern(
      {"report", "--case", case_dir, "--out", tmp / "berlin", "--timezone", "Europe/Berlin"});
  ASSERT_EQ(berlin.exit_code, 0) << berlin.err;
  const std::string html = ReadFile(tmp / "berlin/report.html");
  EXPECT_THAT(html, HasSubstr("Times are shown in Europe/Berlin"));
  // 2024-05-02T10:04:00Z is 12:04 in Berlin (summer time).
  EXPECT_THAT(html, HasSubstr("2024-05-02T12:04:00+02:00"));
  EXPECT_THAT(ReadFile(case_dir + "/report.html"), HasSubstr("All times are UTC"));
  EXPECT_EQ(ReadFile(tmp / "berlin/findings.json"), ReadFile(case_dir + "/findings.json"));

  const RunResult bad = RunTern({"report", "--case", case_dir, "--timezone", "Mars/Olympus_Mons"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("not a known time zone"));
}

}  // namespace
}  // namespace tern::testing
