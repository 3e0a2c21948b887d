#include "parsers/documents.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/ingest/custody.h"
#include "parsers/json_util.h"
#include "simdjson.h"

namespace tern {
namespace {

// `obj[key]` as a string; "" if absent.
std::string Str(simdjson::dom::object obj, std::string_view key) {
  std::string_view v;
  return obj[key].get_string().get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
}

absl::Status Malformed(std::string_view what) {
  return absl::InvalidArgumentError("malformed manifest.json: " + std::string(what));
}

absl::Status MalformedFindings(std::string_view what) {
  return absl::InvalidArgumentError("malformed findings.json: " + std::string(what));
}

std::vector<std::string> Strings(simdjson::dom::object obj, std::string_view key) {
  std::vector<std::string> out;
  simdjson::dom::array values;
  if (obj[key].get_array().get(values) != simdjson::SUCCESS) return out;
  for (simdjson::dom::element v : values) {
    std::string_view text;
    if (v.get_string().get(text) == simdjson::SUCCESS) out.emplace_back(text);
  }
  return out;
}

void Counts(simdjson::dom::object obj, std::map<std::string, uint64_t>* out) {
  for (auto [key, value] : obj) {
    uint64_t n = 0;
    if (value.get_uint64().get(n) == simdjson::SUCCESS) (*out)[std::string(key)] = n;
  }
}

DocumentFinding ReadFinding(simdjson::dom::object f) {
  DocumentFinding d;
  d.id = Str(f, "id");
  d.rule = Str(f, "rule");
  d.severity = Str(f, "severity");
  d.title = Str(f, "title");
  simdjson::dom::object mailbox;
  if (f["mailbox"].get_object().get(mailbox) == simdjson::SUCCESS) {
    d.mailbox_guid = Str(mailbox, "guid");
    d.mailbox_upn = Str(mailbox, "upn");
  }
  d.actor = Str(f, "actor");
  d.client_ips = Strings(f, "client_ips");
  d.first_seen = Str(f, "first_seen");
  d.last_seen = Str(f, "last_seen");
  simdjson::dom::array evidence;
  if (f["evidence"].get_array().get(evidence) == simdjson::SUCCESS) d.evidence = evidence.size();
  return d;
}

DocumentIncident ReadIncident(simdjson::dom::object i,
                              const std::map<std::string, std::string>& rule_of) {
  DocumentIncident d;
  d.id = Str(i, "id");
  d.severity = Str(i, "severity");
  d.title = Str(i, "title");
  d.identities = Strings(i, "identities");
  d.attacker_ips = Strings(i, "attacker_ips");
  d.first_seen = Str(i, "first_seen");
  d.last_seen = Str(i, "last_seen");
  std::set<std::string> rules;
  for (const std::string& f : Strings(i, "findings")) {
    auto it = rule_of.find(f);
    if (it != rule_of.end()) rules.insert(it->second);
  }
  d.rules.assign(rules.begin(), rules.end());
  return d;
}

}  // namespace

bool IsFindingsDocument(std::string_view text) {
  json::ParserLease lease;
  simdjson::dom::element root;
  simdjson::dom::object obj;
  if (lease.Parse(text).get(root) != simdjson::SUCCESS ||
      root.get_object().get(obj) != simdjson::SUCCESS) {
    return false;
  }
  return Str(obj, "schema").rfind("tern.findings/", 0) == 0;
}

absl::StatusOr<FindingsDocument> ParseFindingsDocument(std::string_view text) {
  json::ParserLease lease;
  simdjson::dom::element root;
  if (lease.Parse(text).get(root) != simdjson::SUCCESS) return MalformedFindings("not JSON");
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return MalformedFindings("not an object");
  FindingsDocument doc;
  doc.schema = Str(obj, "schema");
  if (doc.schema.rfind("tern.findings/", 0) != 0) {
    return MalformedFindings("schema is not tern.findings/N");
  }
  simdjson::dom::object summary, by_severity;
  if (obj["summary"].get_object().get(summary) == simdjson::SUCCESS) {
    Counts(summary, &doc.counts);
    if (summary["findings_by_severity"].get_object().get(by_severity) == simdjson::SUCCESS) {
      Counts(by_severity, &doc.findings_by_severity);
    }
  }
  simdjson::dom::array findings, incidents;
  std::map<std::string, std::string> rule_of;
  if (obj["findings"].get_array().get(findings) == simdjson::SUCCESS) {
    for (simdjson::dom::element e : findings) {
      simdjson::dom::object f;
      if (e.get_object().get(f) != simdjson::SUCCESS) return MalformedFindings("a finding");
      doc.findings.push_back(ReadFinding(f));
      rule_of[doc.findings.back().id] = doc.findings.back().rule;
    }
  }
  if (obj["incidents"].get_array().get(incidents) == simdjson::SUCCESS) {
    for (simdjson::dom::element e : incidents) {
      simdjson::dom::object i;
      if (e.get_object().get(i) != simdjson::SUCCESS) return MalformedFindings("an incident");
      doc.incidents.push_back(ReadIncident(i, rule_of));
    }
  }
  return doc;
}

absl::StatusOr<Manifest> ParseManifest(std::string_view text) {
  json::ParserLease lease;
  simdjson::dom::element root;
  if (lease.Parse(text).get(root) != simdjson::SUCCESS) return Malformed("not JSON");
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return Malformed("not an object");
  if (Str(obj, "schema") != kManifestSchema) {
    return Malformed(absl::StrCat("schema is not ", kManifestSchema));
  }
  Manifest m;
  simdjson::dom::object tool, case_obj, signature;
  if (obj["tool"].get_object().get(tool) == simdjson::SUCCESS)
    m.tool_version = Str(tool, "version");
  if (obj["case"].get_object().get(case_obj) == simdjson::SUCCESS) {
    m.case_id = Str(case_obj, "id");
    m.examiner = Str(case_obj, "examiner");
  }
  int64_t schema = 0;
  if (obj["store_schema"].get_int64().get(schema) == simdjson::SUCCESS) {
    m.store_schema = static_cast<int>(schema);
  }
  if (obj["signature"].get_object().get(signature) == simdjson::SUCCESS) {
    m.signer_public_key = Str(signature, "public_key");
  }
  simdjson::dom::array files;
  if (obj["files"].get_array().get(files) != simdjson::SUCCESS) return Malformed("no files list");
  for (simdjson::dom::element e : files) {
    simdjson::dom::object f;
    uint64_t size = 0;
    if (e.get_object().get(f) != simdjson::SUCCESS ||
        f["size"].get_uint64().get(size) != simdjson::SUCCESS) {
      return Malformed("a files entry without a size");
    }
    ManifestFile file{Str(f, "role"), Str(f, "path"), Str(f, "sha256"), size};
    if (file.role.empty() || file.path.empty() || file.sha256.empty()) {
      return Malformed("a files entry without role, path or sha256");
    }
    m.files.push_back(std::move(file));
  }
  return m;
}

absl::StatusOr<FindingsDocument> ReadFindingsDocument(const std::string& path) {
  const std::string file = CaseDir::IsDirectory(path) ? CaseDir(path).findings() : path;
  TERN_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(file));
  absl::StatusOr<FindingsDocument> doc = ParseFindingsDocument(text);
  if (!doc.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": ", doc.status().message()));
  }
  return doc;
}

namespace {

std::optional<std::string> ReadIfPresent(const std::string& path) {
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  return text.ok() ? std::optional<std::string>(*std::move(text)) : std::nullopt;
}

}  // namespace

ManifestOnDisk ReadManifestOnDisk(const CaseDir& dir) {
  ManifestOnDisk on_disk;
  on_disk.text = ReadIfPresent(dir.manifest());
  on_disk.signature = ReadIfPresent(dir.manifest_signature());
  if (on_disk.text.has_value()) {
    absl::StatusOr<Manifest> parsed = ParseManifest(*on_disk.text);
    if (parsed.ok()) {
      on_disk.manifest = *std::move(parsed);
    } else {
      on_disk.parse_error = ToStd(parsed.status().message());
    }
  }
  return on_disk;
}

}  // namespace tern
