// Hostile input folders through the real `tern run`: a FIFO, a socket and a
// device node among the files, symlink loops and dangling links, and files
// that vanish or shrink while the run is under way. Every case runs beside a
// good export (hostile_case.h) and must neither hang nor lose that export.
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/hostile/hostile_case.h"

namespace tern::hostile {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using HostileFsTest = HostileTest;

std::string ManyRecords(const std::string& prefix, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) absl::StrAppend(&out, JsonRecord(absl::StrCat(prefix, i)), "\n");
  return out;
}

TEST_F(HostileFsTest, FifoInAFolderIsNeverOpened) {
  const std::string folder = InputFolder("withfifo");
  Input("withfifo/a.jsonl", ManyRecords("fifo-a-", 2));
  ASSERT_EQ(mkfifo((folder + "/b_pipe.csv").c_str(), 0644), 0) << std::strerror(errno);
  Input("withfifo/c.jsonl", ManyRecords("fifo-c-", 2));
  // A writer would block forever on a FIFO nobody reads: tern must not
  // open it (the timeout catches a hang).
  Outcome o = Run({folder}, {}, RunLimits{.timeout_seconds = 60});
  EXPECT_THAT(o.messages, HasSubstr("skipped-non-regular: " + folder + "/b_pipe.csv: FIFO"));
  EXPECT_THAT(o.events, HasSubstr("fifo-c-1"));
}

TEST_F(HostileFsTest, SocketInAFolderIsSkipped) {
  const std::string folder = InputFolder("withsocket");
  Input("withsocket/a.jsonl", ManyRecords("sock-a-", 2));
  const std::string path = folder + "/s.sock";
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof(addr.sun_path));
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  ASSERT_EQ(bind(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof(addr)), 0)
      << std::strerror(errno);
  ASSERT_EQ(listen(fd, 1), 0);
  Outcome o = Run({folder}, {}, RunLimits{.timeout_seconds = 60});
  close(fd);
  EXPECT_THAT(o.messages, HasSubstr("skipped-non-regular: " + path + ": socket"));
  EXPECT_THAT(o.events, HasSubstr("sock-a-1"));
}

TEST_F(HostileFsTest, DeviceNodeInAFolderIsSkipped) {
  const std::string folder = InputFolder("withdev");
  const std::string dev = folder + "/zero.csv";
  // /dev/zero would never end if it were read. Needs CAP_MKNOD.
  if (mknod(dev.c_str(), S_IFCHR | 0644, makedev(1, 5)) != 0) {
    GTEST_SKIP() << "cannot create a device node here: " << std::strerror(errno);
  }
  Outcome o = Run({folder}, {}, RunLimits{.timeout_seconds = 60});
  EXPECT_THAT(o.messages, HasSubstr("skipped-non-regular: " + dev + ": character device"));
}

TEST_F(HostileFsTest, SymlinkLoopsAndDanglingLinksAreNotFollowed) {
  const std::string folder = InputFolder("links");
  Input("links/sub/a.jsonl", ManyRecords("link-a-", 2));
  fs::create_directory_symlink(folder, folder + "/sub/loop");
  fs::create_symlink("/etc/passwd", folder + "/passwd.csv");
  fs::create_symlink(folder + "/nowhere.jsonl", folder + "/dangling.jsonl");
  Outcome o = Run({folder});
  EXPECT_THAT(o.messages, HasSubstr(folder + "/sub/loop: symbolic link (not followed)"));
  EXPECT_THAT(o.messages, HasSubstr(folder + "/passwd.csv: symbolic link (not followed)"));
  EXPECT_THAT(o.messages, HasSubstr(folder + "/dangling.jsonl: symbolic link (not followed)"));
  EXPECT_THAT(o.events, HasSubstr("link-a-1"));
  EXPECT_EQ(o.Item("/passwd.csv"), nullptr);
}

TEST_F(HostileFsTest, MissingInputIsReportedAndTheOthersGoIn) {
  const std::string missing = dir_.path() + "/in/not-there.csv";
  Outcome o = Run({missing});
  EXPECT_THAT(o.messages, HasSubstr(missing));
  EXPECT_EQ(o.run.exit_code, 1);
}

// Starts `tern run` over `folder` + the good file, waits until it has
// `busy_file` open (so the folder listing is done and the later files are
// not opened yet), freezes it, lets `act` change the folder, and resumes it.
template <typename Act>
ProcessResult RunAndInterfere(const std::string& case_dir, const std::string& folder,
                              const std::string& good, const std::string& busy_file, Act act) {
  TernProcess tern({"run", "--case", case_dir, folder, good});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool caught = false;
  while (tern.Running() && std::chrono::steady_clock::now() < deadline) {
    if (HasOpenFile(tern.pid(), busy_file)) {
      tern.Kill(SIGSTOP);
      // Still on it after the stop? Then the folder is as it was listed.
      caught = HasOpenFile(tern.pid(), busy_file);
      if (caught) act();
      tern.Kill(SIGCONT);
      if (caught) break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  EXPECT_TRUE(caught) << "tern never seen reading " << busy_file;
  return tern.Wait(Sanitized() ? 900 : 300);
}

TEST_F(HostileFsTest, FileThatVanishesBetweenListingAndOpening) {
  const std::string folder = InputFolder("vanish");
  // Big enough that reading it takes far longer than our poll.
  Input("vanish/a_busy.jsonl", ManyRecords("busy-", 200000));
  const std::string victim = Input("vanish/z_victim.jsonl", ManyRecords("victim-", 3));
  ProcessResult r = RunAndInterfere(CaseDir(), folder, good(), "/a_busy.jsonl",
                                    [&] { ASSERT_EQ(unlink(victim.c_str()), 0); });
  EXPECT_EQ(r.signal, 0) << r.Describe();
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("unreadable-file: " + victim));
  const std::vector<CustodyItem> custody = ReadCustody(CaseDir() + "/custody.json");
  size_t good_stored = 0;
  for (const CustodyItem& c : custody) {
    if (c.display.ends_with("/good.jsonl")) good_stored = c.stored;
    if (c.display.ends_with("/a_busy.jsonl")) {
      EXPECT_EQ(c.stored, 200000u);
    }
  }
  EXPECT_EQ(good_stored, 6u);
}

TEST_F(HostileFsTest, FileThatShrinksWhileItIsRead) {
  const std::string folder = InputFolder("shrink");
  const std::string busy = Input("shrink/a_busy.jsonl", ManyRecords("shrink-", 200000));
  ProcessResult r = RunAndInterfere(CaseDir(), folder, good(), "/a_busy.jsonl",
                                    [&] { ASSERT_EQ(truncate(busy.c_str(), 4096), 0); });
  EXPECT_EQ(r.signal, 0) << r.Describe();
  EXPECT_THAT(r.exit_code, ::testing::AnyOf(0, 1)) << r.Describe();
  // Custody records the bytes actually read and hashed, so `tern verify`
  // can tell the examiner the file is not what was ingested... or is.
  const std::vector<CustodyItem> custody = ReadCustody(CaseDir() + "/custody.json");
  bool good_seen = false;
  for (const CustodyItem& c : custody) {
    if (c.display.ends_with("/good.jsonl")) good_seen = c.stored == 6;
  }
  EXPECT_TRUE(good_seen);
}

}  // namespace
}  // namespace tern::hostile
