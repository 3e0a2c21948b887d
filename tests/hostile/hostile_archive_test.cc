// Hostile archives through the real `tern run`: decompression bombs (ratio
// and absolute limits), deep nesting, members named to escape the case,
// links and devices in tar, truncated and corrupt archives and gzip streams.
// Every case runs beside a good export (see hostile_case.h for what is
// checked each time); each checks here the message naming file and member.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/hostile/hostile_case.h"

namespace tern::hostile {
namespace {

using ::tern::testing::ArchiveEntry;
using ::tern::testing::MakeArchive;
using ::testing::HasSubstr;
using ::testing::Not;

// Two records with their own Ids, for archive members that must be read.
std::string InnerRecords(const std::string& tag) {
  return absl::StrCat(JsonRecord(absl::StrCat("inner-", tag, "-1")), "\n",
                      JsonRecord(absl::StrCat("inner-", tag, "-2")), "\n");
}

std::string Zeros(size_t n) { return std::string(n, '\0'); }

// A name no test run would otherwise create, for "nothing escaped" checks.
std::string UniqueTmpName(const std::string& what) {
  return absl::StrCat("tern-hostile-", what, "-", getpid(), "-",
                      ::testing::UnitTest::GetInstance()->random_seed());
}

using HostileArchiveTest = HostileTest;

TEST_F(HostileArchiveTest, ZipBombIsCutAtTheExpansionRatioAndLaterMembersAreRead) {
  // 64 MiB of zeros deflate to ~64 KiB: far past 200x, cut near 13 MB.
  const std::string zip = Input(
      "bomb.zip",
      MakeArchive("zip", "", {{"zeros.csv", Zeros(64 << 20)}, {"after.jsonl", InnerRecords("a")}}));
  Outcome o = Run({zip});
  EXPECT_THAT(o.messages, HasSubstr("decompression-limit: " + zip + "!zeros.csv"));
  EXPECT_THAT(o.messages, HasSubstr("times the compressed size"));
  EXPECT_THAT(o.events, HasSubstr("inner-a-2"));
}

TEST_F(HostileArchiveTest, AbsoluteExpansionCapIsAnOption) {
  // Not zeros: libarchive would take 512 zero bytes for an empty tar.
  const std::string gz =
      Input("bomb.csv.gz", MakeArchive("raw", "gzip", {{"x", std::string(32 << 20, 'A')}}));
  Outcome o = Run({gz}, {"--max-expansion-ratio", "100000", "--max-expanded-bytes", "4M"});
  EXPECT_THAT(o.messages, HasSubstr("decompression-limit: " + gz + "!bomb.csv"));
  EXPECT_THAT(o.messages, HasSubstr("cap of 4194304 bytes"));
}

TEST_F(HostileArchiveTest, ExpansionRatioIsAnOption) {
  // 2 MiB of one repeated record compresses ~100x: fine by default, a bomb
  // at --max-expansion-ratio 2 (cut at the 1 MiB floor).
  std::string text;
  while (text.size() < (2u << 20)) absl::StrAppend(&text, JsonRecord("same-id"), "\n");
  const std::string gz = Input("ratio.jsonl.gz", MakeArchive("raw", "gzip", {{"x", text}}));
  Outcome o = Run({gz}, {"--max-expansion-ratio", "2"});
  EXPECT_THAT(o.messages, HasSubstr("decompression-limit: " + gz + "!ratio.jsonl"));
  EXPECT_THAT(o.messages, HasSubstr("beyond 2 times"));
}

TEST_F(HostileArchiveTest, NestedZipBombStaysBounded) {
  // 42.zip in miniature: 4 x 4 inner zips of 16 MiB of zeros each.
  const std::string leaf =
      MakeArchive("zip", "", {{"z1.bin", Zeros(16 << 20)}, {"z2.bin", Zeros(16 << 20)}});
  std::vector<ArchiveEntry> mid_entries;
  for (int i = 0; i < 4; ++i) mid_entries.emplace_back(absl::StrCat("l", i, ".zip"), leaf);
  const std::string mid = MakeArchive("zip", "", mid_entries);
  std::vector<ArchiveEntry> top_entries;
  for (int i = 0; i < 4; ++i) top_entries.emplace_back(absl::StrCat("m", i, ".zip"), mid);
  const std::string zip = Input("42.zip", MakeArchive("zip", "", top_entries));
  Outcome o = Run({zip}, {"--max-expanded-bytes", "48M"});
  EXPECT_THAT(o.messages, HasSubstr("decompression-limit: " + zip + "!m"));
}

// zip in zip in zip ... `levels` deep, the records at the bottom.
std::string NestedZips(int levels) {
  std::string data = MakeArchive("zip", "", {{"deep.jsonl", InnerRecords("deep")}});
  for (int i = levels - 1; i >= 1; --i) {
    data = MakeArchive("zip", "", {{absl::StrCat("level", i, ".zip"), data}});
  }
  return data;
}

TEST_F(HostileArchiveTest, DeepNestingStopsAtTheDepthLimit) {
  const std::string zip = Input("deep.zip", NestedZips(12));
  Outcome o = Run({zip});
  EXPECT_THAT(o.messages, HasSubstr("archive-depth-limit: " + zip + "!level1.zip!level2.zip"));
  EXPECT_THAT(o.messages, HasSubstr("beyond the limit of 4"));
  EXPECT_THAT(o.events, Not(HasSubstr("inner-deep-1")));
}

TEST_F(HostileArchiveTest, DepthLimitIsAnOption) {
  const std::string zip = Input("deep.zip", NestedZips(12));
  Outcome o = Run({zip}, {"--max-archive-depth", "12"});
  EXPECT_THAT(o.events, HasSubstr("inner-deep-2"));
  EXPECT_NE(o.Item("!level11.zip!deep.jsonl"), nullptr);
}

TEST_F(HostileArchiveTest, GzipNestedHundredsDeep) {
  // libarchive peels nested compression itself, up to 25 layers, as one
  // member; deeper onions are refused outright.
  std::string data = InnerRecords("gz");
  for (int i = 0; i < 300; ++i) data = MakeArchive("raw", "gzip", {{"x", data}});
  const std::string gz = Input("onion.jsonl.gz", data);
  Outcome o = Run({gz});
  EXPECT_THAT(o.messages, HasSubstr("corrupt-archive: " + gz));
  EXPECT_THAT(o.messages, HasSubstr("too many filters"));
}

TEST_F(HostileArchiveTest, GzipNestedTwentyDeepIsReadAsOneMember) {
  std::string data = InnerRecords("gz20");
  for (int i = 0; i < 20; ++i) data = MakeArchive("raw", "gzip", {{"x", data}});
  const std::string gz = Input("onion20.jsonl.gz", data);
  Outcome o = Run({gz});
  EXPECT_THAT(o.events, HasSubstr("inner-gz20-2"));
}

TEST_F(HostileArchiveTest, DataBehindLeadingZerosIsNotSilentlyIgnored) {
  // libarchive reads this as a tar that ends at once: the records behind
  // the zeros are never seen, so tern must at least say so.
  const std::string gz = Input(
      "hidden.jsonl.gz", MakeArchive("raw", "gzip", {{"x", Zeros(1024) + InnerRecords("hid")}}));
  Outcome o = Run({gz});
  EXPECT_THAT(o.messages, HasSubstr("empty-archive: " + gz));
  EXPECT_EQ(o.run.exit_code, 1);
}

TEST_F(HostileArchiveTest, ZipMembersNamedToEscapeTheCaseAreOnlyNames) {
  const std::string up =
      absl::StrCat("../../../../../../../../tmp/", UniqueTmpName("up"), ".jsonl");
  const std::string abs = absl::StrCat("/tmp/", UniqueTmpName("abs"), ".jsonl");
  const std::string zip = Input(
      "escape.zip", MakeArchive("zip", "", {{up, InnerRecords("up")}, {abs, InnerRecords("abs")}}));
  Outcome o = Run({zip});
  // Read as evidence under their verbatim names; nothing extracted anywhere.
  ASSERT_NE(o.Item("!" + up), nullptr);
  EXPECT_EQ(o.Item("!" + up)->stored, 2u);
  ASSERT_NE(o.Item("!" + abs), nullptr);
  EXPECT_EQ(o.Item("!" + abs)->stored, 2u);
  EXPECT_FALSE(std::filesystem::exists("/tmp/" + UniqueTmpName("up") + ".jsonl"));
  EXPECT_FALSE(std::filesystem::exists(abs));
}

TEST_F(HostileArchiveTest, TarMembersWithAbsoluteAndParentNames) {
  const std::string abs = absl::StrCat("/tmp/", UniqueTmpName("tabs"), ".jsonl");
  const std::string tar = Input(
      "escape.tar", TarMember(abs, '0', InnerRecords("tabs")) +
                        TarMember("../../../../escape.jsonl", '0', InnerRecords("tup")) + TarEnd());
  Outcome o = Run({tar});
  EXPECT_NE(o.Item("!" + abs), nullptr);
  EXPECT_NE(o.Item("!../../../../escape.jsonl"), nullptr);
  EXPECT_THAT(o.events, HasSubstr("inner-tup-1"));
  EXPECT_FALSE(std::filesystem::exists(abs));
}

TEST_F(HostileArchiveTest, TarSymlinkAndHardlinkMembersAreSkipped) {
  const std::string tar =
      Input("links.tar", TarMember("real.jsonl", '0', InnerRecords("real")) +
                             TarMember("passwd", '2', "", "/etc/passwd") +
                             TarMember("hard", '1', "", "real.jsonl") + TarEnd());
  Outcome o = Run({tar});
  EXPECT_THAT(o.messages, HasSubstr("skipped-non-regular: " + tar + "!passwd: symbolic link"));
  EXPECT_THAT(o.messages, HasSubstr("skipped-non-regular: " + tar + "!hard: hard link"));
  EXPECT_THAT(o.events, HasSubstr("inner-real-1"));
}

TEST_F(HostileArchiveTest, TarDeviceAndFifoMembersAreNeverOpened) {
  const std::string tar =
      Input("devices.tar", TarMember("mem", '3', "") + TarMember("sda", '4', "") +
                               TarMember("pipe", '6', "") +
                               TarMember("after.jsonl", '0', InnerRecords("dev")) + TarEnd());
  Outcome o = Run({tar});
  EXPECT_THAT(o.messages, HasSubstr(tar + "!mem: character device member skipped"));
  EXPECT_THAT(o.messages, HasSubstr(tar + "!sda: block device member skipped"));
  EXPECT_THAT(o.messages, HasSubstr(tar + "!pipe: FIFO member skipped"));
  EXPECT_THAT(o.events, HasSubstr("inner-dev-2"));
}

TEST_F(HostileArchiveTest, TruncatedZip) {
  const std::string full = MakeArchive(
      "zip", "", {{"one.jsonl", InnerRecords("one")}, {"two.jsonl", GoodJsonl() + GoodJsonl()}});
  const std::string zip = Input("cut.zip", full.substr(0, full.size() * 2 / 3));
  Outcome o = Run({zip});
  EXPECT_THAT(o.messages, HasSubstr(zip + "!two.jsonl"));
  EXPECT_THAT(o.events, HasSubstr("inner-one-1"));
}

TEST_F(HostileArchiveTest, TruncatedTarGz) {
  std::string big;
  for (int i = 0; i < 3000; ++i) absl::StrAppend(&big, JsonRecord(absl::StrCat("tgz-", i)), "\n");
  const std::string full = MakeArchive("ustar", "gzip", {{"a.jsonl", big}, {"b.jsonl", big}});
  const std::string tgz = Input("cut.tar.gz", full.substr(0, full.size() / 2));
  Outcome o = Run({tgz});
  EXPECT_THAT(o.messages, HasSubstr("corrupt-archive: " + tgz));
}

TEST_F(HostileArchiveTest, TruncatedGzip) {
  std::string big;
  for (int i = 0; i < 3000; ++i) absl::StrAppend(&big, JsonRecord(absl::StrCat("gz-", i)), "\n");
  const std::string full = MakeArchive("raw", "gzip", {{"x", big}});
  const std::string gz = Input("cut.jsonl.gz", full.substr(0, full.size() / 2));
  Outcome o = Run({gz});
  EXPECT_THAT(o.messages, HasSubstr(gz));
  const CustodyItem* member = o.Item("cut.jsonl.gz!cut.jsonl");
  ASSERT_NE(member, nullptr);
  EXPECT_EQ(member->status, "incomplete-read");
}

TEST_F(HostileArchiveTest, CorruptGzip) {
  std::string big;
  for (int i = 0; i < 3000; ++i) absl::StrAppend(&big, JsonRecord(absl::StrCat("bad-", i)), "\n");
  const std::string good = MakeArchive("raw", "gzip", {{"x", big}});
  // Damage that still inflates: libarchive does not check gzip's CRC-32,
  // so the garbage shows as rejected records, each named by its line.
  std::string flipped = good;
  for (size_t i = good.size() / 2; i < good.size() / 2 + 64; ++i) flipped[i] ^= 0x5A;
  // Damage that cannot inflate: a reserved block type right after the header.
  std::string broken = good;
  for (size_t i = 10; i < 16; ++i) broken[i] = '\xff';
  const std::string a = Input("flipped.jsonl.gz", flipped);
  const std::string b = Input("broken.jsonl.gz", broken);
  Outcome o = Run({a, b});
  EXPECT_THAT(o.messages, HasSubstr(a + "!flipped.jsonl line "));
  EXPECT_THAT(o.messages, HasSubstr("corrupt-archive: " + b));
}

TEST_F(HostileArchiveTest, GzipWithTrailingGarbage) {
  const std::string gz =
      Input("trailing.jsonl.gz",
            MakeArchive("raw", "gzip", {{"x", InnerRecords("trail")}}) + std::string(5000, '\x07'));
  Outcome o = Run({gz});
  EXPECT_THAT(o.messages, HasSubstr(gz));
  EXPECT_THAT(o.events, HasSubstr("inner-trail-1"));
}

TEST_F(HostileArchiveTest, MemberNamesWithTerminalEscapesAndInvalidUtf8) {
  const std::string evil = "\x1b]0;pwned\x07\x1b[2J\xff\xfe.jsonl";
  const std::string zip = Input("names.zip", MakeArchive("zip", "", {{evil, "not json\n"}}));
  Outcome o = Run({zip});
  EXPECT_THAT(o.messages, HasSubstr(zip + "!"));
  // The warning reaches the terminal with its escape sequences neutralized.
  EXPECT_THAT(o.run.err, Not(HasSubstr("\x1b]0;")));
  EXPECT_THAT(o.run.err, Not(HasSubstr("\x1b[2J")));
}

TEST_F(HostileArchiveTest, TarWithTwentyThousandMembers) {
  std::string tar;
  for (int i = 0; i < 20000; ++i) tar += TarMember(absl::StrCat("e", i, ".csv"), '0', "");
  tar += TarMember("last.jsonl", '0', InnerRecords("many"));
  const std::string path = Input("many.tar", tar + TarEnd());
  Outcome o = Run({path});
  EXPECT_THAT(o.events, HasSubstr("inner-many-2"));
  EXPECT_NE(o.Item("many.tar!e19999.csv"), nullptr);
}

TEST_F(HostileArchiveTest, EncryptedZipMember) {
  const std::string zip = Input("encrypted.zip", FixtureBytes("archives/encrypted.zip"));
  Outcome o = Run({zip});
  EXPECT_THAT(o.messages, HasSubstr("encrypted-member: " + zip + "!"));
}

TEST(HostileOptionsTest, NonsenseLimitsAreUsageErrors) {
  ::tern::testing::TempDir tmp;
  const std::string good = tmp.Write("good.jsonl", GoodJsonl());
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--max-expanded-bytes", "0"},
        std::vector<std::string>{"--max-expanded-bytes", "12X"},
        std::vector<std::string>{"--max-expanded-bytes", "99999999999T"},
        std::vector<std::string>{"--max-expansion-ratio", "-5"},
        std::vector<std::string>{"--max-archive-depth", "-1"},
        std::vector<std::string>{"--max-record-bytes", ""}}) {
    std::vector<std::string> args = {"ingest", "--case", tmp.path() + "/case"};
    args.insert(args.end(), bad.begin(), bad.end());
    args.push_back(good);
    const ProcessResult r = RunTernLimited(args);
    EXPECT_EQ(r.exit_code, 2) << bad[0] << " " << bad[1] << ": " << r.Describe();
    EXPECT_THAT(r.err, HasSubstr(bad[0])) << r.Describe();
  }
  // The defaults are spelled out in the help.
  const ProcessResult help = RunTernLimited({"ingest", "--help"});
  EXPECT_THAT(help.out, HasSubstr("--max-expansion-ratio R (=200)"));
  EXPECT_THAT(help.out, HasSubstr("--max-expanded-bytes BYTES (=64G)"));
  EXPECT_THAT(help.out, HasSubstr("--max-archive-depth N (=4)"));
}

}  // namespace
}  // namespace tern::hostile
