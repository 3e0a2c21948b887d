// Shared by the formats end-to-end tests (formats_e2e_test.cc,
// containers_e2e_test.cc): run `tern` on a fixture, read back the events
// through `tern search --format jsonl`, look up custody records by path, hash
// bytes. Test-only; thread-compatible.
#ifndef TERN_TESTS_FORMATS_E2E_UTIL_H_
#define TERN_TESTS_FORMATS_E2E_UTIL_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/evidence/hasher.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "tests/testing/tern_runner.h"

namespace tern::testing {

// A parsed JSON file or line; pointer lookups fail the test when absent.
class JsonDoc {
 public:
  static JsonDoc File(const std::string& path) {
    JsonDoc doc;
    auto loaded = doc.parser_.load(path);
    EXPECT_FALSE(loaded.error()) << "cannot parse " << path;
    if (!loaded.error()) doc.root_ = loaded.value();
    return doc;
  }
  static JsonDoc Text(const std::string& text) {
    JsonDoc doc;
    doc.text_ = text;
    auto parsed = doc.parser_.parse(doc.text_);
    EXPECT_FALSE(parsed.error()) << "cannot parse " << text;
    if (!parsed.error()) doc.root_ = parsed.value();
    return doc;
  }
  JsonDoc(JsonDoc&&) = default;

  simdjson::dom::element root() const { return root_; }
  std::string Str(std::string_view pointer) const { return Str(root_, pointer); }
  uint64_t Uint(std::string_view pointer) const { return Uint(root_, pointer); }
  size_t Size(std::string_view pointer) const {
    auto v = root_.at_pointer(pointer).get_array();
    EXPECT_FALSE(v.error()) << pointer;
    return v.error() ? 0 : v.value().size();
  }
  static std::string Str(simdjson::dom::element e, std::string_view pointer) {
    auto v = e.at_pointer(pointer).get_string();
    EXPECT_FALSE(v.error()) << pointer;
    return v.error() ? "<missing>" : std::string(v.value());
  }
  static uint64_t Uint(simdjson::dom::element e, std::string_view pointer) {
    auto v = e.at_pointer(pointer).get_uint64();
    EXPECT_FALSE(v.error()) << pointer;
    return v.error() ? ~uint64_t{0} : v.value();
  }

 private:
  JsonDoc() = default;
  simdjson::dom::parser parser_;
  std::string text_;
  simdjson::dom::element root_;
};

// The case's events as `tern search --format jsonl` prints them, one line
// each, in (time, record id) order.
inline std::vector<std::string> SearchLines(const std::string& case_dir) {
  RunResult r = RunTern({"search", "--case", case_dir, "--format", "jsonl", "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl = r.out.find('\n'); nl != std::string::npos; nl = r.out.find('\n', start)) {
    lines.push_back(r.out.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// "datetime operation client_ip mailbox [flags]" for each event: the
// mailbox is the owner UPN, or the GUID when there is no UPN; "-" for none.
inline std::vector<std::string> Brief(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const std::string& line : lines) {
    JsonDoc e = JsonDoc::Text(line);
    std::string mailbox = e.Str("/mailbox_upn");
    if (mailbox.empty()) mailbox = e.Str("/mailbox_guid");
    std::string ip = e.Str("/client_ip");
    std::string text = e.Str("/datetime") + " " + e.Str("/operation") + " " +
                       (ip.empty() ? "-" : ip) + " " + (mailbox.empty() ? "-" : mailbox);
    const std::string flags = e.Str("/flags");
    if (!flags.empty()) text += " [" + flags + "]";
    out.push_back(std::move(text));
  }
  return out;
}

// The first event line `match` accepts; fails the test when none does.
inline std::string EventLine(const std::vector<std::string>& lines,
                             const std::function<bool(const JsonDoc&)>& match) {
  for (const std::string& line : lines) {
    if (match(JsonDoc::Text(line))) return line;
  }
  ADD_FAILURE() << "no such event";
  return "{}";
}

// The custody record (file or archive member, at any depth, under `node`:
// an evidence array or one record) whose display name ends with `suffix`.
inline std::optional<simdjson::dom::element> CustodyItem(simdjson::dom::element node,
                                                         std::string_view suffix) {
  simdjson::dom::array list;
  if (node.is_array()) {
    list = node.get_array().value();
  } else {
    auto display = node["display"].get_string();
    if (!display.error()) {
      std::string_view d = display.value();
      if (d.size() >= suffix.size() && d.substr(d.size() - suffix.size()) == suffix) return node;
    }
    auto members = node["members"].get_array();
    if (members.error()) return std::nullopt;
    list = members.value();
  }
  for (simdjson::dom::element child : list) {
    if (std::optional<simdjson::dom::element> found = CustodyItem(child, suffix)) return found;
  }
  return std::nullopt;
}

// "kind@line" for each warning of a custody record.
inline std::vector<std::string> WarningKinds(simdjson::dom::element item) {
  std::vector<std::string> out;
  auto warnings = item["warnings"].get_array();
  if (warnings.error()) return out;
  for (simdjson::dom::element w : warnings.value()) {
    std::string text(w["kind"].get_string().value());
    auto line = w["line"].get_uint64();
    if (!line.error()) text += "@" + std::to_string(line.value());
    out.push_back(std::move(text));
  }
  return out;
}

inline std::string Sha256Of(std::string_view bytes) {
  MultiHasher hasher;
  hasher.Update(bytes);
  return hasher.Finish().sha256;
}

inline std::string ContainersFixture(const std::string& name) {
  return Fixture("formats/containers/" + name);
}

}  // namespace tern::testing

#endif  // TERN_TESTS_FORMATS_E2E_UTIL_H_
