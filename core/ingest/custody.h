// custody.json and the run history: the chain-of-custody export of a case.
//
// The store is the source of truth; custody.json is regenerated from it after
// every command that changes the case. Thread-compatible.
#ifndef TERN_CORE_INGEST_CUSTODY_H_
#define TERN_CORE_INGEST_CUSTODY_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/base/json_writer.h"
#include "core/model/warning.h"
#include "core/store/case_store.h"

namespace tern {

// One invocation of tern that changed the case.
struct RunRecord {
  uint32_t number = 0;  // 1-based
  std::string tool_version;
  std::string command_line;
  std::string started_at;  // RFC 3339 UTC
  std::string finished_at;
  std::string host;
  std::string examiner;
  std::string case_id;
  // "ok", "warnings", "failed"; "running" while it runs, and "interrupted"
  // once a later command finds it was killed.
  std::string outcome;
};

// Allocates the next run number (persisted in the store's meta).
absl::StatusOr<uint32_t> BeginRun(CaseStore& store);
absl::Status PutRun(CaseStore& store, const RunRecord& run);
absl::StatusOr<std::vector<RunRecord>> ListRuns(CaseStore& store);

// Writes `path` (custody.json, schema "tern.custody/1") from the store:
// case metadata, every run, and the evidence tree (top-level items with their
// archive members nested) with hashes, sizes, formats, counts, coverage
// windows and warnings. Written to a temporary file and renamed into place.
absl::Status WriteCustodyJson(CaseStore& store, const std::string& path);

// Writes `contents` to `path` atomically (temporary file + rename).
// Writes `path` through `path`.tmp: `fill` writes the contents into the open
// file, which is renamed into place only if `fill` and the close succeed and
// removed otherwise, so readers see the old file or the whole new one.
absl::Status WriteFileThrough(const std::string& path,
                              const std::function<absl::Status(std::FILE*)>& fill);
absl::Status WriteFileAtomically(const std::string& path, std::string_view contents);
// The whole of `path` (a case file tern wrote: manifest, findings.json, ...).
// NotFound naming it when it cannot be opened.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// A warning as a JSON object ({kind, source, line if any, detail}), the form
// custody.json and findings.json share.
void WriteWarningJson(JsonWriter& json, const Warning& w);

}  // namespace tern

#endif  // TERN_CORE_INGEST_CUSTODY_H_
