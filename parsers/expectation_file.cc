#include "parsers/expectation_file.h"

#include <exception>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/ingest/custody.h"
#include "parsers/documents.h"
#include "yaml-cpp/yaml.h"

namespace tern {
namespace {

absl::Status Bad(const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("expectation file: ", what));
}

absl::StatusOr<FindingExpectation> ReadEntry(const YAML::Node& node, size_t index) {
  const std::string where = absl::StrCat("findings entry ", index + 1);
  if (!node.IsMap()) return Bad(where + " is not a mapping");
  static const std::set<std::string> kKeys = {"rule", "mailbox", "ip", "min", "max"};
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (kKeys.count(key) == 0) return Bad(absl::StrCat(where, ": unknown key '", key, "'"));
  }
  FindingExpectation e;
  if (node["rule"]) e.rule = node["rule"].as<std::string>();
  if (node["mailbox"]) e.mailbox = node["mailbox"].as<std::string>();
  if (node["ip"]) e.ip = node["ip"].as<std::string>();
  if (node["max"]) {
    e.max_count = node["max"].as<int64_t>();
    e.min_count = 0;
    if (e.max_count < 0) return Bad(where + ": max must not be negative");
  }
  if (node["min"]) {
    const int64_t min = node["min"].as<int64_t>();
    if (min < 0) return Bad(where + ": min must not be negative");
    e.min_count = static_cast<uint64_t>(min);
  }
  if (e.max_count >= 0 && e.min_count > static_cast<uint64_t>(e.max_count)) {
    return Bad(where + ": min is above max");
  }
  return e;
}

absl::StatusOr<std::vector<FindingExpectation>> Parse(const YAML::Node& root) {
  if (!root.IsMap()) return Bad("the top level must be a mapping (findings:, no_high:)");
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    if (key != "findings" && key != "no_high") return Bad("unknown key '" + key + "'");
  }
  std::vector<FindingExpectation> out;
  if (const YAML::Node findings = root["findings"]) {
    if (!findings.IsSequence()) return Bad("findings must be a list");
    for (size_t i = 0; i < findings.size(); ++i) {
      absl::StatusOr<FindingExpectation> e = ReadEntry(findings[i], i);
      if (!e.ok()) return e.status();
      out.push_back(*std::move(e));
    }
  }
  if (const YAML::Node no_high = root["no_high"]) {
    if (!no_high.IsSequence()) return Bad("no_high must be a list of mailboxes");
    for (const YAML::Node& mailbox : no_high) {
      FindingExpectation e;
      e.no_high = true;
      e.mailbox = mailbox.as<std::string>();
      if (e.mailbox.empty()) return Bad("an empty no_high mailbox");
      out.push_back(std::move(e));
    }
  }
  if (out.empty()) return Bad("no expectations (findings: or no_high:)");
  return out;
}

}  // namespace

absl::StatusOr<std::vector<FindingExpectation>> ParseExpectationFile(std::string_view text) {
  try {
    return Parse(YAML::Load(std::string(text)));
  } catch (const std::exception& e) {
    // yaml-cpp reports syntax and conversion errors by throwing.
    return Bad(e.what());
  }
}

absl::StatusOr<Expectation> ReadExpectation(const std::string& path) {
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  Expectation expectation;
  expectation.path = path;
  if (IsFindingsDocument(*text)) {
    absl::StatusOr<FindingsDocument> doc = ParseFindingsDocument(*text);
    if (!doc.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", doc.status().message()));
    }
    expectation.baseline = *std::move(doc);
    return expectation;
  }
  absl::StatusOr<std::vector<FindingExpectation>> expectations = ParseExpectationFile(*text);
  if (!expectations.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", expectations.status().message()));
  }
  expectation.expectations = *std::move(expectations);
  return expectation;
}

}  // namespace tern
