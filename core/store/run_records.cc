#include "core/store/run_records.h"

#include <optional>
#include <string_view>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/codec.h"
#include "core/base/status_macros.h"

namespace tern {
namespace {

constexpr char kRunCountKey[] = "run_count";

std::string RunKey(uint32_t number) { return absl::StrFormat("run/%06u", number); }

std::string EncodeRun(const RunRecord& run) {
  std::string out;
  PutVarint64(run.number, &out);
  for (const std::string* field :
       {&run.tool_version, &run.command_line, &run.started_at, &run.finished_at, &run.host,
        &run.examiner, &run.case_id, &run.outcome}) {
    PutLengthPrefixed(*field, &out);
  }
  return out;
}

absl::StatusOr<RunRecord> DecodeRun(std::string_view bytes) {
  RunRecord run;
  Decoder in(bytes);
  uint64_t number = 0;
  bool ok = in.GetVarint64(&number);
  for (std::string* field :
       {&run.tool_version, &run.command_line, &run.started_at, &run.finished_at, &run.host,
        &run.examiner, &run.case_id, &run.outcome}) {
    ok = ok && in.GetString(field);
  }
  if (!ok) return absl::DataLossError("corrupt run record in the case store");
  run.number = static_cast<uint32_t>(number);
  return run;
}

}  // namespace

absl::StatusOr<uint32_t> BeginRun(CaseStore& store) {
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> count, store.GetMeta(kRunCountKey));
  uint32_t number = 0;
  if (count.has_value() && !absl::SimpleAtoi(*count, &number)) {
    return absl::DataLossError("corrupt run counter in the case store");
  }
  ++number;
  TERN_RETURN_IF_ERROR(store.PutMeta(kRunCountKey, absl::StrCat(number)));
  return number;
}

absl::Status PutRun(CaseStore& store, const RunRecord& run) {
  return store.PutMeta(RunKey(run.number), EncodeRun(run));
}

absl::StatusOr<std::vector<RunRecord>> ListRuns(CaseStore& store) {
  std::vector<RunRecord> runs;
  TERN_ASSIGN_OR_RETURN(std::optional<std::string> count, store.GetMeta(kRunCountKey));
  uint32_t n = 0;
  if (!count.has_value() || !absl::SimpleAtoi(*count, &n)) return runs;
  for (uint32_t i = 1; i <= n; ++i) {
    TERN_ASSIGN_OR_RETURN(std::optional<std::string> bytes, store.GetMeta(RunKey(i)));
    if (!bytes.has_value()) continue;
    TERN_ASSIGN_OR_RETURN(RunRecord run, DecodeRun(*bytes));
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace tern
