// manifest.json and case verification over a small case directory.
#include "core/custody/manifest.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "core/custody/case_verify.h"
#include "core/evidence/hasher.h"
#include "core/evidence/signature.h"
#include "core/store/case_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace tern {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Result = FileCheck::Result;

void Write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }
std::string Read(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class ManifestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path();
    fs::create_directories(dir_ / "case");
    fs::create_directories(dir_ / "moved");
    Write(dir_ / "case/findings.json", "{}\n");
    Write(dir_ / "case/report.html", "<html></html>\n");
    Write(dir_ / "evidence.csv", "a,b\n1,2\n");
    const Digests d = *HashFile((dir_ / "evidence.csv").string());
    EvidenceRecord r;
    r.ordinal = 1;
    r.absolute_path = (dir_ / "evidence.csv").string();
    r.sha256 = d.sha256;
    r.size = d.size;
    r.status = "ingested";
    evidence_.push_back(r);
  }
  std::string Case() const { return (dir_ / "case").string(); }

  testing::TempDir tmp_;
  fs::path dir_;
  std::vector<EvidenceRecord> evidence_;
};

TEST_F(ManifestTest, ListsOutputsAndEvidenceSortedWithTheirDigests) {
  ManifestOptions options;
  options.tool_version = "9.9";
  options.store_schema = 1;
  // Sealed when present and named by its owner; custody.json is absent, and
  // notes.txt (not an output) is not sealed.
  options.outputs = {kReportFile, kFindingsFile, kCustodyFile, kFindingsFile};
  Write(dir_ / "case/notes.txt", "mine\n");
  absl::StatusOr<Manifest> m = BuildManifest(Case(), evidence_, options);
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->files.size(), 3u);
  EXPECT_EQ(m->files[0].role, kRoleEvidence);
  EXPECT_EQ(m->files[0].sha256, evidence_[0].sha256);
  EXPECT_EQ(m->files[1].path, "findings.json");
  EXPECT_EQ(m->files[1].size, 3u);
  EXPECT_EQ(m->files[2].path, "report.html");
  const std::string text = RenderManifest(*m);
  EXPECT_THAT(text, HasSubstr("\"schema\": \"tern.manifest/1\""));
  EXPECT_THAT(text, HasSubstr("\"store_schema\": 1"));
  EXPECT_EQ(text, RenderManifest(*BuildManifest(Case(), evidence_, options)));
  // A rules or config input that cannot be read is an error naming it.
  options.inputs.push_back({kRoleRules, (dir_ / "missing.yml").string()});
  EXPECT_THAT(std::string(BuildManifest(Case(), evidence_, options).status().message()),
              HasSubstr("missing.yml"));
}

TEST_F(ManifestTest, SignedManifestVerifiesAndNamesWhatChanged) {
  absl::StatusOr<std::unique_ptr<SigningKey>> key =
      SigningKey::Load(std::string(TERN_FIXTURES_DIR) + "/keys/signer.pem");
  ASSERT_TRUE(key.ok()) << key.status();
  ManifestOptions options;
  options.outputs = {kFindingsFile, kReportFile};
  options.signing_key = key->get();
  absl::StatusOr<Manifest> m = WriteManifest(Case(), evidence_, options);
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_TRUE(fs::exists(dir_ / "case/manifest.sig"));

  auto store = CaseStore::Open((dir_ / "case/store").string(), StoreMode::kReadWrite);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->PutEvidence(evidence_[0]).ok());
  ASSERT_TRUE((*store)->Commit().ok());

  ManifestOnDisk on_disk;
  on_disk.text = Read(dir_ / "case/manifest.json");
  on_disk.manifest = *m;
  on_disk.signature = Read(dir_ / "case/manifest.sig");
  VerifyOptions trusted;
  trusted.trusted_key_hex = (*key)->public_key_hex();
  absl::StatusOr<VerifyReport> report = VerifyCase(**store, Case(), on_disk, trusted);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->signature.result, SignatureCheck::Result::kValid);

  // Another trusted key: the signature is someone else's.
  VerifyOptions other;
  other.trusted_key_hex = *LoadPublicKeyHex(std::string(TERN_FIXTURES_DIR) + "/keys/other.pub.pem");
  report = VerifyCase(**store, Case(), on_disk, other);
  EXPECT_EQ(report->signature.result, SignatureCheck::Result::kWrongKey);
  EXPECT_FALSE(report->ok());

  // One output byte changed: named, and the manifest bytes still verify.
  Write(dir_ / "case/report.html", "<html></html>!\n");
  report = VerifyCase(**store, Case(), on_disk, trusted);
  EXPECT_FALSE(report->ok());
  ASSERT_EQ(report->files.size(), 2u);
  EXPECT_EQ(report->files[1].path, "report.html");
  EXPECT_EQ(report->files[1].result, Result::kChanged);
  EXPECT_EQ(report->files[0].result, Result::kOk);

  // The manifest edited: the signature no longer matches.
  on_disk.text->push_back(' ');
  EXPECT_EQ(VerifyCase(**store, Case(), on_disk, trusted)->signature.result,
            SignatureCheck::Result::kInvalid);
}

TEST_F(ManifestTest, MovedEvidenceIsFoundUnderEvidenceFolders) {
  auto store = CaseStore::Open((dir_ / "case/store").string(), StoreMode::kReadWrite);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->PutEvidence(evidence_[0]).ok());
  ASSERT_TRUE((*store)->Commit().ok());
  fs::rename(dir_ / "evidence.csv", dir_ / "moved/renamed.csv");

  absl::StatusOr<VerifyReport> report = VerifyCase(**store, Case(), {}, {});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->evidence.size(), 1u);
  EXPECT_EQ(report->evidence[0].result, Result::kMissing);
  EXPECT_FALSE(report->ok());

  VerifyOptions options;
  options.evidence_dirs.push_back((dir_ / "moved").string());
  report = VerifyCase(**store, Case(), {}, options);
  EXPECT_EQ(report->evidence[0].result, Result::kFound);
  EXPECT_THAT(report->evidence[0].found_at, HasSubstr("renamed.csv"));
  EXPECT_TRUE(report->ok());
}

}  // namespace
}  // namespace tern
