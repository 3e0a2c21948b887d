#include "tests/testing/clickhouse_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "reports/export/http_client.h"

namespace tern::testing {
namespace {

std::string Tail(const std::filesystem::path& file, size_t max_bytes) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  return all.size() > max_bytes ? all.substr(all.size() - max_bytes) : all;
}

// A configuration 18.16 and current servers both accept: loopback only, no
// interserver port, everything under `dir`.
void WriteConfig(const std::filesystem::path& dir, int http_port, int tcp_port) {
  const std::string d = dir.string();
  std::ofstream(dir / "config.xml")
      << absl::StrCat(R"(<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>)",
                      d, R"(/server.log</log><errorlog>)", d,
                      R"(/error.log</errorlog><console>0</console></logger>
  <http_port>)",
                      http_port, R"(</http_port>
  <tcp_port>)",
                      tcp_port, R"(</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>)",
                      d, R"(/data/</path>
  <tmp_path>)",
                      d, R"(/tmp/</tmp_path>
  <user_files_path>)",
                      d, R"(/user_files/</user_files_path>
  <format_schema_path>)",
                      d, R"(/format_schemas/</format_schema_path>
  <users_config>)",
                      d, R"(/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size>
  <timezone>UTC</timezone>
</yandex>
)");
  std::ofstream(dir / "users.xml") << R"(<?xml version="1.0"?>
<yandex>
  <profiles><default></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
)";
}

}  // namespace

std::string FindClickHouseServer() {
  for (const char* candidate : {"/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"}) {
    if (access(candidate, X_OK) == 0) return candidate;
  }
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path == nullptr ? "" : path, ':')) {
    const std::string candidate = absl::StrCat(dir, "/clickhouse-server");
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t size = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::unique_ptr<ClickHouseServer> ClickHouseServer::Start(const std::string& binary,
                                                          const std::filesystem::path& dir,
                                                          std::string* error) {
  std::filesystem::create_directories(dir);
  const int http_port = FreeLoopbackPort();
  int tcp_port = FreeLoopbackPort();
  while (tcp_port == http_port) tcp_port = FreeLoopbackPort();
  WriteConfig(dir, http_port, tcp_port);
  const std::string config_arg = "--config-file=" + (dir / "config.xml").string();
  const std::string out_path = (dir / "stdout.log").string();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    *error = "fork failed";
    return nullptr;
  }
  if (pid == 0) {
    // Dies with the test process, whatever ends it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out >= 0) {
      dup2(out, 1);
      dup2(out, 2);
    }
    if (chdir(dir.c_str()) != 0) _exit(127);
    execl(binary.c_str(), "clickhouse-server", config_arg.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::unique_ptr<ClickHouseServer> server(
      new ClickHouseServer(pid, absl::StrCat("http://127.0.0.1:", http_port, "/")));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      server->pid_ = -1;
      *error = absl::StrCat("clickhouse-server exited (status ", status,
                            "): ", Tail(dir / "error.log", 2000), Tail(dir / "stdout.log", 2000));
      return nullptr;
    }
    if (server->Query("SELECT 1") == "1") return server;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  *error = absl::StrCat("clickhouse-server did not answer within 120 s: ",
                        Tail(dir / "error.log", 2000));
  return nullptr;  // the destructor stops it
}

std::string ClickHouseServer::Query(const std::string& sql) const {
  absl::StatusOr<std::unique_ptr<HttpClient>> http = HttpClient::Create();
  if (!http.ok()) return "ERROR: " + std::string(http.status().message());
  absl::StatusOr<HttpResponse> r = (*http)->Post(url_, sql, 60000);
  if (!r.ok()) return "ERROR: " + std::string(r.status().message());
  const std::string body(absl::StripAsciiWhitespace(r->body));
  if (r->status != 200) return absl::StrCat("ERROR: HTTP ", r->status, ": ", body);
  return body;
}

void ClickHouseServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  pid_ = -1;
}

ClickHouseServer::~ClickHouseServer() { Stop(); }

}  // namespace tern::testing
