// custody.json: the chain-of-custody export of a case (its run history is
// core/store/run_records.h).
//
// The store is the source of truth; custody.json is regenerated from it after
// every command that changes the case. Thread-compatible.
#ifndef TERN_CORE_INGEST_CUSTODY_H_
#define TERN_CORE_INGEST_CUSTODY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/json_writer.h"
#include "core/model/warning.h"
#include "core/store/case_store.h"

namespace tern {

// Writes `path` (custody.json, schema "tern.custody/1") from the store:
// case metadata, every run, and the evidence tree (top-level items with their
// archive members nested) with hashes, sizes, formats, counts, coverage
// windows and warnings. Written to a temporary file and renamed into place.
absl::Status WriteCustodyJson(CaseStore& store, const std::string& path);

// The whole of `path` (a case file tern wrote: manifest, findings.json, ...).
// NotFound naming it when it cannot be opened.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// A warning as a JSON object ({kind, source, line if any, detail}), the form
// custody.json and findings.json share.
void WriteWarningJson(JsonWriter& json, const Warning& w);

}  // namespace tern

#endif  // TERN_CORE_INGEST_CUSTODY_H_
