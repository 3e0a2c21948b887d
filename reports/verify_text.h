// What `tern verify` prints about a verification (core/custody/case_verify.h):
// one line per changed, missing or moved file, the store and signature
// results, and the verdict. Paths and details come from evidence and are made
// terminal-safe here. Thread-safe: pure functions.
#ifndef TERN_REPORTS_VERIFY_TEXT_H_
#define TERN_REPORTS_VERIFY_TEXT_H_

#include <string>

#include "absl/status/status.h"
#include "core/custody/case_verify.h"

namespace tern {

// The report in words, ending with "all N files verified; ..." when
// report.ok(), else with the counts of what failed.
std::string RenderVerifyText(const VerifyReport& report);

// A store RocksDB finds damaged (`status` is its DataLoss): a verification
// result, not a failure to verify.
std::string StoreCorruptText(const absl::Status& status);

}  // namespace tern

#endif  // TERN_REPORTS_VERIFY_TEXT_H_
