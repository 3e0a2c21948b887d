// The run history of a case: one record per invocation of tern that changed
// it (who, when, which version, with what command line, how it ended), kept
// in the case store's meta and exported in custody.json. Thread-compatible,
// like the CaseStore it reads and writes.
#ifndef TERN_CORE_STORE_RUN_RECORDS_H_
#define TERN_CORE_STORE_RUN_RECORDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
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
// Stores `run` under its number, replacing an earlier version of it.
absl::Status PutRun(CaseStore& store, const RunRecord& run);
// Every stored run, by number. DataLoss when a record does not decode.
absl::StatusOr<std::vector<RunRecord>> ListRuns(CaseStore& store);

}  // namespace tern

#endif  // TERN_CORE_STORE_RUN_RECORDS_H_
