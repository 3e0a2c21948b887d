#include "reports/verify_text.h"

#include "core/custody/manifest.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

FileCheck Check(const char* role, std::string path, FileCheck::Result result,
                std::string detail = "") {
  FileCheck c;
  c.role = role;
  c.path = std::move(path);
  c.result = result;
  c.detail = std::move(detail);
  return c;
}

TEST(VerifyTextTest, AllGoodSaysSoInOneLine) {
  VerifyReport r;
  r.evidence = {Check(kRoleEvidence, "/e/a.csv", FileCheck::Result::kOk),
                Check(kRoleEvidence, "/e/b.csv", FileCheck::Result::kOk)};
  r.has_manifest = true;
  EXPECT_EQ(RenderVerifyText(r),
            "all 2 files verified; case store checksums OK; outputs match manifest.json\n");
}

TEST(VerifyTextTest, ListsEachProblemAndTheCounts) {
  VerifyReport r;
  r.evidence = {Check(kRoleEvidence, "/e/a.csv", FileCheck::Result::kChanged, "sha256 differs"),
                Check(kRoleEvidence, "/e/b.csv", FileCheck::Result::kOk)};
  r.files = {Check(kRoleOutput, "report.html", FileCheck::Result::kMissing, "no such file")};
  r.has_manifest = true;
  r.signature.result = SignatureCheck::Result::kInvalid;
  const std::string text = RenderVerifyText(r);
  EXPECT_THAT(text, HasSubstr("CHANGED   /e/a.csv: sha256 differs\n"));
  EXPECT_THAT(text, HasSubstr("MISSING   output report.html (no such file)\n"));
  EXPECT_THAT(text, HasSubstr("SIGNATURE INVALID"));
  EXPECT_THAT(text, HasSubstr("1 of 2 evidence files changed or missing\n"));
  EXPECT_THAT(text, HasSubstr("1 of 1 files in manifest.json changed or missing\n"));
  EXPECT_THAT(text, Not(HasSubstr("all ")));
}

TEST(VerifyTextTest, EvidenceTextIsTerminalSafe) {
  VerifyReport r;
  r.evidence = {Check(kRoleEvidence, "/e/\x1b[2Jevil.csv", FileCheck::Result::kMissing, "gone")};
  EXPECT_THAT(RenderVerifyText(r), Not(HasSubstr("\x1b")));
  EXPECT_THAT(StoreCorruptText(absl::DataLossError("bad \x1b block")), Not(HasSubstr("\x1b")));
}

}  // namespace
}  // namespace tern
