#include "core/ingest/custody.h"

#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "core/base/files.h"
#include "core/base/json_writer.h"
#include "core/base/status_macros.h"
#include "core/ingest/coverage.h"
#include "core/store/analysis_inputs.h"
#include "core/store/run_records.h"

namespace tern {
namespace {

void WriteTime(JsonWriter& json, std::string_view key, TimeMs t) {
  json.Key(key);
  if (t == kNoTime) {
    json.Null();
  } else {
    json.String(FormatRfc3339(t));
  }
}

void WriteEvidence(JsonWriter& json, const EvidenceRecord& r,
                   const std::multimap<uint32_t, const EvidenceRecord*>& children) {
  json.BeginObject();
  json.Key("ordinal").Uint(r.ordinal);
  if (r.parent == 0) {
    json.Key("path").String(r.given_path);
    json.Key("absolute_path").String(r.absolute_path);
    json.Key("mtime");
    if (r.mtime_ms == kNoTime) {
      json.Null();
    } else {
      json.String(FormatRfc3339(r.mtime_ms));
    }
  } else {
    json.Key("member").String(r.member_path);
  }
  json.Key("display").String(r.display);
  json.Key("size").Uint(r.size);
  json.Key("sha256").String(r.sha256);
  json.Key("sha1").String(r.sha1);
  json.Key("md5").String(r.md5);
  json.Key("status").String(r.status);
  if (r.same_as != 0) json.Key("same_as_ordinal").Uint(r.same_as);
  if (r.is_container) {
    json.Key("container").String(r.container_format);
  } else {
    json.Key("format").String(r.format);
    json.Key("records").BeginObject();
    json.Key("parsed").Uint(r.records_parsed);
    json.Key("stored").Uint(r.records_stored);
    json.Key("duplicate").Uint(r.records_duplicate);
    json.Key("rejected").Uint(r.records_rejected);
    json.EndObject();
    json.Key("coverage").BeginObject();
    WriteTime(json, "first_event", r.first_event_ms);
    WriteTime(json, "last_event", r.last_event_ms);
    json.EndObject();
  }
  json.Key("ingested_at").String(r.ingested_at);
  json.Key("run").Uint(r.run);
  json.Key("warning_count").Uint(r.warning_count);
  json.Key("warnings").BeginArray();
  for (const Warning& w : r.warnings) WriteWarningJson(json, w);
  json.EndArray();
  auto [begin, end] = children.equal_range(r.ordinal);
  if (r.is_container) {
    json.Key("members").BeginArray();
    for (auto it = begin; it != end; ++it) WriteEvidence(json, *it->second, children);
    json.EndArray();
  }
  json.EndObject();
}

// The case as a whole in time: each source's window, holes between sources
// and overlapping sources (core/ingest/coverage.h).
void WriteCoverage(JsonWriter& json, const Coverage& coverage) {
  json.Key("coverage").BeginObject();
  WriteTime(json, "first_event", coverage.first);
  WriteTime(json, "last_event", coverage.last);
  json.Key("sources").BeginArray();
  for (const CoverageWindow& w : coverage.windows) {
    json.BeginObject();
    json.Key("source").String(w.source);
    json.Key("sha256").String(w.sha256);
    json.Key("format").String(w.format);
    WriteTime(json, "first_event", w.first);
    WriteTime(json, "last_event", w.last);
    json.Key("records").Uint(w.records);
    json.EndObject();
  }
  json.EndArray();
  json.Key("warnings").BeginArray();
  for (const Warning& w : coverage.warnings) WriteWarningJson(json, w);
  json.EndArray();
  json.EndObject();
}

}  // namespace

void WriteWarningJson(JsonWriter& json, const Warning& w) {
  json.BeginObject();
  json.Key("kind").String(w.kind);
  json.Key("source").String(w.source);
  if (w.line != 0) json.Key("line").Uint(w.line);
  json.Key("detail").String(w.detail);
  json.EndObject();
}

absl::Status WriteCustodyJson(CaseStore& store, const std::string& path) {
  TERN_ASSIGN_OR_RETURN(std::vector<RunRecord> runs, ListRuns(store));
  TERN_ASSIGN_OR_RETURN(std::vector<EvidenceRecord> evidence, store.ListEvidence());
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> case_id, store.GetMeta("case_id"));
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> examiner, store.GetMeta("examiner"));

  std::multimap<uint32_t, const EvidenceRecord*> children;
  for (const EvidenceRecord& r : evidence) {
    if (r.parent != 0) children.emplace(r.parent, &r);
  }
  JsonWriter json(2);
  json.BeginObject();
  json.Key("schema").String("tern.custody/1");
  json.Key("case").BeginObject();
  json.Key("id").String(case_id.value_or(""));
  json.Key("examiner").String(examiner.value_or(""));
  json.EndObject();
  json.Key("runs").BeginArray();
  for (const RunRecord& run : runs) {
    json.BeginObject();
    json.Key("run").Uint(run.number);
    json.Key("tool_version").String(run.tool_version);
    json.Key("command_line").String(run.command_line);
    json.Key("started_at").String(run.started_at);
    json.Key("finished_at").String(run.finished_at);
    json.Key("host").String(run.host);
    json.Key("examiner").String(run.examiner);
    json.Key("outcome").String(run.outcome);
    json.EndObject();
  }
  json.EndArray();
  // The rule files and tuning file of the last analysis, whole: which rules
  // ran and how it was tuned.
  TERN_ASSIGN_OR_RETURN(std::vector<AnalysisInput> inputs, GetAnalysisInputs(store));
  if (!inputs.empty()) {
    json.Key("analysis_inputs").BeginArray();
    for (const AnalysisInput& in : inputs) {
      json.BeginObject();
      json.Key("role").String(in.role);
      json.Key("file").String(in.name);
      json.Key("sha256").String(in.sha256);
      json.Key("content").String(in.content);
      json.EndObject();
    }
    json.EndArray();
  }
  json.Key("evidence").BeginArray();
  for (const EvidenceRecord& r : evidence) {
    if (r.parent == 0) WriteEvidence(json, r, children);
  }
  json.EndArray();
  WriteCoverage(json, AnalyzeCoverage(evidence));
  json.EndObject();
  std::string text = json.Take();
  text.push_back('\n');
  return WriteFileAtomically(path, text);
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::UnavailableError(absl::StrCat("error reading ", path));
  return text.str();
}

}  // namespace tern
