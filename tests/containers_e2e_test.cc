// End-to-end tests of containers through the built `tern` binary: zip, tar,
// tar.gz, a lone .gz and 7-Zip, a zip nested in a tar.gz, the nesting depth
// limit, and the same export set delivered as loose files or as a zip plus a
// tar.gz giving the same case, with every member's SHA-256 in custody.json.
// Fixtures: fixtures/formats/containers (README.md there).
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/formats_e2e_util.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string SetBytes(const std::string& name) { return ReadFile(ContainersFixture("set/" + name)); }

// A 7-Zip archive of `files` (name, bytes) written with libarchive: no 7-Zip
// writer is at hand to commit one, and libarchive's is the reference reader
// tern uses anyway. Fails the test and returns "" on error.
std::string Make7z(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out(size_t{1} << 20, '\0');
  size_t used = 0;
  struct archive* a = archive_write_new();
  bool ok = archive_write_set_format_7zip(a) == ARCHIVE_OK &&
            archive_write_open_memory(a, out.data(), out.size(), &used) == ARCHIVE_OK;
  for (const auto& [name, bytes] : files) {
    if (!ok) break;
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_mtime(e, 1717545600, 0);
    ok = archive_write_header(a, e) == ARCHIVE_OK &&
         archive_write_data(a, bytes.data(), bytes.size()) == static_cast<la_ssize_t>(bytes.size());
    archive_entry_free(e);
  }
  ok = archive_write_close(a) == ARCHIVE_OK && ok;
  if (!ok) ADD_FAILURE() << "libarchive: " << archive_error_string(a);
  archive_write_free(a);
  out.resize(ok ? used : 0);
  return out;
}

struct Member {
  std::string path;  // display suffix: "archive!member"
  std::string file;  // the loose file of set/ with the same bytes
  std::string format;
  uint64_t parsed;
};

struct ContainerCase {
  std::string name;
  std::string archive;           // under fixtures/formats/containers, or "set.7z" (built)
  std::string container_format;  // substring of libarchive's name
  std::vector<Member> members;
  uint64_t events;  // distinct events (duplicates across members counted once)
};

void PrintTo(const ContainerCase& c, std::ostream* os) { *os << c.archive; }

class EachContainerTest : public ::testing::TestWithParam<ContainerCase> {};

TEST_P(EachContainerTest, MembersAreHashedParsedAndNamed) {
  const ContainerCase& c = GetParam();
  TempDir tmp;
  std::string archive = ContainersFixture(c.archive);
  if (c.archive == "set.7z") {
    archive = tmp / "set.7z";
    WriteFile(archive, Make7z({{"purview_utf16le.csv", SetBytes("purview_utf16le.csv")},
                               {"xml/mailbox_audit.xml", SetBytes("mailbox_audit.xml")}}));
  }
  const std::string dir = tmp / "case";
  RunResult r = RunTern({"ingest", "--case", dir, "--quiet", archive});
  ASSERT_LE(r.exit_code, 1) << r.err;

  JsonDoc custody = JsonDoc::File(dir + "/custody.json");
  EXPECT_EQ(custody.Size("/evidence"), 1u);
  EXPECT_EQ(custody.Str("/evidence/0/sha256"), Sha256Of(ReadFile(archive)));
  EXPECT_THAT(custody.Str("/evidence/0/container"), HasSubstr(c.container_format));
  EXPECT_EQ(custody.Size("/evidence/0/members"), c.members.size());
  std::map<std::string, std::string> sha_by_member;
  uint64_t parsed = 0;
  for (const Member& m : c.members) {
    SCOPED_TRACE(m.path);
    std::optional<simdjson::dom::element> item =
        CustodyItem(custody.root()["evidence"].value(), m.path);
    ASSERT_TRUE(item.has_value());
    const std::string bytes = SetBytes(m.file);
    EXPECT_EQ(JsonDoc::Str(*item, "/sha256"), Sha256Of(bytes));
    EXPECT_EQ(JsonDoc::Uint(*item, "/size"), bytes.size());
    EXPECT_EQ(JsonDoc::Str(*item, "/format"), m.format);
    EXPECT_EQ(JsonDoc::Uint(*item, "/records/parsed"), m.parsed);
    EXPECT_EQ(JsonDoc::Str(*item, "/status"), "ingested");
    sha_by_member[JsonDoc::Str(*item, "/member")] = Sha256Of(bytes);
    parsed += m.parsed;
  }
  // Every event names the member it came from, by path and SHA-256.
  const std::vector<std::string> lines = SearchLines(dir);
  EXPECT_EQ(lines.size(), c.events);
  EXPECT_GE(parsed, c.events);
  for (const std::string& line : lines) {
    JsonDoc e = JsonDoc::Text(line);
    auto it = sha_by_member.find(e.Str("/source_member"));
    ASSERT_NE(it, sha_by_member.end()) << line;
    EXPECT_EQ(e.Str("/source_sha256"), it->second);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Containers, EachContainerTest,
    ::testing::Values(
        ContainerCase{
            "zip",
            "set.zip",
            "ZIP",
            {{"set.zip!exports/purview_utf16le.csv", "purview_utf16le.csv", "purview-csv", 3},
             {"set.zip!exports/sual_utf16be.csv", "sual_utf16be.csv", "sual-csv", 3},
             {"set.zip!exports/mal_utf8bom.csv", "mal_utf8bom.csv", "mailbox-audit-csv", 2}},
            6},  // B twice, and the mailbox audit row M1 is B
        ContainerCase{"tar",
                      "sual.tar",
                      "tar",
                      {{"sual.tar!sual_utf16be.csv", "sual_utf16be.csv", "sual-csv", 3}},
                      3},
        ContainerCase{
            "tar_gz",
            "set.tar.gz",
            "gzip",
            {{"set.tar.gz!exports/ual_lf.jsonl", "ual_lf.jsonl", "ual-json", 4},
             {"set.tar.gz!exports/mailbox_audit.xml", "mailbox_audit.xml", "mailbox-audit-xml", 2}},
            5},  // the XML's X1 is H
        ContainerCase{"gz",
                      "ual_lf.jsonl.gz",
                      "gzip",
                      {{"ual_lf.jsonl.gz!ual_lf.jsonl", "ual_lf.jsonl", "ual-json", 4}},
                      4},
        ContainerCase{
            "seven_zip",
            "set.7z",
            "7-Zip",
            {{"set.7z!purview_utf16le.csv", "purview_utf16le.csv", "purview-csv", 3},
             {"set.7z!xml/mailbox_audit.xml", "mailbox_audit.xml", "mailbox-audit-xml", 2}},
            5}),
    [](const ::testing::TestParamInfo<ContainerCase>& info) { return info.param.name; });

TEST(NestedContainerTest, ZipInsideTarGz) {
  TempDir tmp;
  const std::string dir = tmp / "case";
  RunResult r = RunTern({"ingest", "--case", dir, "--quiet", ContainersFixture("nested.tar.gz")});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // notes.txt is not an export
  JsonDoc custody = JsonDoc::File(dir + "/custody.json");
  const simdjson::dom::element evidence = custody.root()["evidence"].value();
  std::optional<simdjson::dom::element> inner =
      CustodyItem(evidence, "nested.tar.gz!outer/inner.zip");
  ASSERT_TRUE(inner.has_value());
  EXPECT_THAT(JsonDoc::Str(*inner, "/container"), HasSubstr("ZIP"));
  std::optional<simdjson::dom::element> csv =
      CustodyItem(evidence, "nested.tar.gz!outer/inner.zip!purview_utf16le.csv");
  ASSERT_TRUE(csv.has_value());
  EXPECT_EQ(JsonDoc::Str(*csv, "/sha256"), Sha256Of(SetBytes("purview_utf16le.csv")));
  EXPECT_EQ(JsonDoc::Uint(*csv, "/records/stored"), 3u);
  std::optional<simdjson::dom::element> notes = CustodyItem(evidence, "outer/notes.txt");
  ASSERT_TRUE(notes.has_value());
  EXPECT_EQ(JsonDoc::Str(*notes, "/status"), "unrecognized-format");
  EXPECT_THAT(WarningKinds(*notes), ElementsAreArray({"unrecognized-format"}));

  const std::vector<std::string> lines = SearchLines(dir);
  ASSERT_EQ(lines.size(), 3u);
  for (const std::string& line : lines) {
    EXPECT_EQ(JsonDoc::Text(line).Str("/source_member"), "outer/inner.zip!purview_utf16le.csv");
  }
}

// deep.zip!d1.zip!d2.zip!d3.zip!d4.zip!d5.zip: d5.zip lies 5 deep, beyond
// the default limit of 4, so it is hashed and listed but not opened; the
// export next to it in d4.zip is read.
TEST(NestedContainerTest, DepthLimitIsReportedEverywhere) {
  TempDir tmp;
  const std::string dir = tmp / "case";
  RunResult r = RunTern({"run", "--case", dir, "--quiet", ContainersFixture("deep.zip")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string chain = "deep.zip!d1.zip!d2.zip!d3.zip!d4.zip";
  JsonDoc custody = JsonDoc::File(dir + "/custody.json");
  const simdjson::dom::element evidence = custody.root()["evidence"].value();
  std::optional<simdjson::dom::element> d5 = CustodyItem(evidence, chain + "!d5.zip");
  ASSERT_TRUE(d5.has_value());
  EXPECT_EQ(JsonDoc::Str(*d5, "/sha256").size(), 64u);
  EXPECT_THAT(WarningKinds(*d5), ElementsAreArray({"archive-depth-limit"}));
  EXPECT_FALSE(CustodyItem(evidence, "too_deep.jsonl").has_value());
  std::optional<simdjson::dom::element> csv = CustodyItem(evidence, chain + "!mal_utf8bom.csv");
  ASSERT_TRUE(csv.has_value());
  EXPECT_EQ(JsonDoc::Uint(*csv, "/records/stored"), 2u);

  JsonDoc findings = JsonDoc::File(dir + "/findings.json");
  EXPECT_EQ(findings.Uint("/summary/events"), 2u);
  bool reported = false;
  const simdjson::dom::array warnings = findings.root()["warnings"].get_array().value();
  for (simdjson::dom::element w : warnings) {
    if (std::string_view(w["kind"].get_string().value()) != "archive-depth-limit") continue;
    reported = true;
    EXPECT_THAT(std::string(w["source"].get_string().value()), HasSubstr(chain + "!d5.zip"));
    EXPECT_THAT(std::string(w["detail"].get_string().value()), HasSubstr("beyond the limit of 4"));
  }
  EXPECT_TRUE(reported);
}

// Folders are walked recursively; what is not a regular file is skipped
// with a warning, never opened.
TEST(FolderTest, WalkedRecursivelySkippingNonRegularFiles) {
  TempDir tmp;
  const fs::path in = fs::path(tmp.path()) / "evidence";
  fs::create_directories(in / "day1" / "mail");
  fs::copy_file(ContainersFixture("set/ual_lf.jsonl"), in / "day1" / "mail" / "ual_lf.jsonl");
  fs::copy_file(ContainersFixture("sual.tar"), in / "sual.tar");
  fs::create_symlink(ContainersFixture("set/purview_utf16le.csv"), in / "link.csv");
  ASSERT_EQ(mkfifo((in / "pipe").c_str(), 0600), 0);
  const std::string dir = tmp / "case";
  RunResult r = RunTern({"ingest", "--case", dir, in.string()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("7 parsed: 7 stored"));
  EXPECT_THAT(r.err, HasSubstr("skipped-non-regular: " + (in / "link.csv").string()));
  EXPECT_THAT(r.err, HasSubstr("skipped-non-regular: " + (in / "pipe").string()));
  JsonDoc custody = JsonDoc::File(dir + "/custody.json");
  EXPECT_EQ(custody.Size("/evidence"), 2u);  // the jsonl and the tar; no link, no FIFO
  EXPECT_TRUE(
      CustodyItem(custody.root()["evidence"].value(), "day1/mail/ual_lf.jsonl").has_value());
  EXPECT_TRUE(
      CustodyItem(custody.root()["evidence"].value(), "sual.tar!sual_utf16be.csv").has_value());
}

// Drops "source_member" from an event line: the one field that must differ
// between a loose file and the same bytes inside an archive.
std::string WithoutMember(const std::string& line) {
  const std::string key = "\"source_member\":\"";
  const size_t at = line.find(key);
  if (at == std::string::npos) return line;
  const size_t end = line.find('"', at + key.size());
  return line.substr(0, at) + line.substr(end + 2);
}

TEST(EquivalenceTest, LooseFilesAndZipPlusTarGzHoldTheSameCase) {
  TempDir tmp;
  const std::string loose = tmp / "loose";
  const std::string packed = tmp / "packed";
  RunResult a = RunTern({"run", "--case", loose, "--quiet", ContainersFixture("set")});
  RunResult b = RunTern({"run", "--case", packed, "--quiet", ContainersFixture("set.zip"),
                         ContainersFixture("set.tar.gz")});
  ASSERT_EQ(a.exit_code, 1) << a.err;
  ASSERT_EQ(b.exit_code, 1) << b.err;

  JsonDoc fa = JsonDoc::File(loose + "/findings.json");
  JsonDoc fb = JsonDoc::File(packed + "/findings.json");
  EXPECT_EQ(simdjson::minify(fa.root()["summary"].value()),
            simdjson::minify(fb.root()["summary"].value()));
  EXPECT_EQ(fa.Uint("/summary/events"), 10u);
  EXPECT_EQ(fa.Uint("/summary/duplicates"), 4u);
  // The same findings; only their anchors' member paths differ.
  auto rules = [](const JsonDoc& f) {
    std::vector<std::string> out;
    const simdjson::dom::array all = f.root()["findings"].get_array().value();
    for (simdjson::dom::element x : all) {
      out.push_back(JsonDoc::Str(x, "/rule") + " " + JsonDoc::Str(x, "/first_seen") + " " +
                    JsonDoc::Str(x, "/evidence/0/sha256"));
    }
    return out;
  };
  EXPECT_EQ(rules(fa), rules(fb));

  const std::vector<std::string> la = SearchLines(loose);
  const std::vector<std::string> lb = SearchLines(packed);
  ASSERT_EQ(la.size(), 10u);
  ASSERT_EQ(lb.size(), la.size());
  for (size_t i = 0; i < la.size(); ++i) EXPECT_EQ(WithoutMember(la[i]), WithoutMember(lb[i]));

  // Every member's SHA-256 in custody.json, equal to the loose file's.
  JsonDoc custody = JsonDoc::File(packed + "/custody.json");
  const simdjson::dom::element evidence = custody.root()["evidence"].value();
  for (const char* file : {"purview_utf16le.csv", "sual_utf16be.csv", "mal_utf8bom.csv",
                           "ual_lf.jsonl", "mailbox_audit.xml"}) {
    SCOPED_TRACE(file);
    std::optional<simdjson::dom::element> item =
        CustodyItem(evidence, std::string("!exports/") + file);
    ASSERT_TRUE(item.has_value());
    EXPECT_EQ(JsonDoc::Str(*item, "/sha256"), Sha256Of(SetBytes(file)));
  }
  for (const char* archive : {"set.zip", "set.tar.gz"}) {
    std::optional<simdjson::dom::element> item = CustodyItem(evidence, archive);
    ASSERT_TRUE(item.has_value());
    EXPECT_EQ(JsonDoc::Str(*item, "/sha256"), Sha256Of(ReadFile(ContainersFixture(archive))));
  }
}

}  // namespace
}  // namespace tern::testing
