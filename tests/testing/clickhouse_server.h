// Test-only: a private ClickHouse server (Debian's clickhouse-server) on free
// loopback ports, with its configuration, data and logs in a directory the
// caller owns. The destructor stops it (SIGTERM, then SIGKILL); the child also
// gets SIGKILL when the test process dies (PR_SET_PDEATHSIG), so the server
// never outlives a crashed or killed test. Thread-compatible.
#ifndef TERN_TESTS_TESTING_CLICKHOUSE_SERVER_H_
#define TERN_TESTS_TESTING_CLICKHOUSE_SERVER_H_

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>

namespace tern::testing {

// The clickhouse-server binary (/usr/sbin, /usr/bin, then PATH), or "".
std::string FindClickHouseServer();

// A loopback TCP port nothing listens on at the time of the call.
int FreeLoopbackPort();

class ClickHouseServer {
 public:
  // Starts `binary` with a configuration written into `dir` and waits (up to
  // 120 s) until it answers queries. nullptr and `error` set on failure
  // (with the tail of the server's error log).
  static std::unique_ptr<ClickHouseServer> Start(const std::string& binary,
                                                 const std::filesystem::path& dir,
                                                 std::string* error);
  ~ClickHouseServer();
  ClickHouseServer(const ClickHouseServer&) = delete;
  ClickHouseServer& operator=(const ClickHouseServer&) = delete;

  // "http://127.0.0.1:PORT/"
  const std::string& url() const { return url_; }
  // Runs `sql` and returns the answer (trimmed), or "ERROR: ..." on failure.
  std::string Query(const std::string& sql) const;

 private:
  ClickHouseServer(pid_t pid, std::string url) : pid_(pid), url_(std::move(url)) {}
  void Stop();

  pid_t pid_;
  std::string url_;
};

}  // namespace tern::testing

#endif  // TERN_TESTS_TESTING_CLICKHOUSE_SERVER_H_
