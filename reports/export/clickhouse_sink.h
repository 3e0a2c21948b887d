// `tern export --clickhouse URL [--table NAME]`: the case's events into a
// ClickHouse table over its HTTP interface.
//
// Begin() creates the table if it is missing: ReplacingMergeTree ordered by
// record id, so re-exports and exports of overlapping cases collapse to one
// row per record (at merge time; `SELECT ... FINAL` sees it at once). Rows go
// in batches of `batch_rows` as `INSERT INTO t FORMAT JSONEachRow`. A batch
// is retried with exponential backoff on transient failures (connection
// refused or reset, timeouts, HTTP 5xx); retrying a batch that partly landed
// is harmless because of the de-duplication. Errors are Unavailable (server
// unreachable) or FailedPrecondition (the server refused), and name the URL
// (password redacted) and the server's message.
//
// Only SQL that ClickHouse 18.16 (Debian 12) and current releases share:
// String, Int32/Int64/UInt32/UInt64, Float64, Array(String), DateTime('UTC').
// The columns are listed in docs/clickhouse.md.
//
// Shape: Begin / AddEvent... / Finish, for the output registry. Memory: one
// batch. Thread-compatible.
#ifndef TERN_REPORTS_EXPORT_CLICKHOUSE_SINK_H_
#define TERN_REPORTS_EXPORT_CLICKHOUSE_SINK_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/model/event.h"
#include "core/store/case_store.h"
#include "reports/export/export_source.h"
#include "reports/export/http_client.h"

namespace tern {

struct ClickHouseOptions {
  std::string url;  // e.g. "http://127.0.0.1:8123/" (may carry ?user=&password=)
  std::string table = "tern_events";
  size_t batch_rows = 10000;
  int max_attempts = 5;            // per request, first try included
  int64_t first_backoff_ms = 250;  // doubled after each failed attempt
  int64_t request_timeout_ms = 300000;
};

// True for "name" or "database.name" with names of [A-Za-z_][A-Za-z0-9_]*.
bool IsValidClickHouseTable(std::string_view table);

// The CREATE TABLE IF NOT EXISTS statement for `table`.
std::string ClickHouseCreateTable(std::string_view table);

// One JSONEachRow row (no newline) for `e` (pure; for tests).
std::string ClickHouseRow(const Event& e, const EventEnrichment& x, std::string_view case_id);

class ClickHouseSink {
 public:
  // `http` is owned. `sleep_ms` waits between attempts (tests pass a fake).
  ClickHouseSink(ClickHouseOptions options, std::unique_ptr<HttpClient> http,
                 std::function<void(int64_t)> sleep_ms = nullptr);
  ClickHouseSink(const ClickHouseSink&) = delete;
  ClickHouseSink& operator=(const ClickHouseSink&) = delete;

  // Creates the table if missing.
  absl::Status Begin();
  absl::Status AddEvent(const Event& e, const EventEnrichment& x, std::string_view case_id);
  // Sends the last batch. REQUIRES: called once, after the last AddEvent.
  absl::Status Finish();

  uint64_t rows() const { return rows_; }
  uint64_t requests() const { return requests_; }
  uint64_t retries() const { return retries_; }

 private:
  absl::Status Flush();
  // Runs `query` with `body` (may be empty), retrying transient failures.
  absl::Status Send(const std::string& query, std::string_view body);

  ClickHouseOptions options_;
  std::unique_ptr<HttpClient> http_;
  std::function<void(int64_t)> sleep_ms_;
  std::string batch_;
  size_t batch_count_ = 0;
  uint64_t rows_ = 0;
  uint64_t requests_ = 0;
  uint64_t retries_ = 0;
};

struct ClickHouseExportSummary {
  uint64_t rows = 0;
  uint64_t requests = 0;
  uint64_t retries = 0;
};

// The whole export of `store`'s events.
absl::StatusOr<ClickHouseExportSummary> ExportClickHouse(CaseStore& store,
                                                         const ClickHouseOptions& options);

}  // namespace tern

#endif  // TERN_REPORTS_EXPORT_CLICKHOUSE_SINK_H_
