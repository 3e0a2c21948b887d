// DerivedAppender: writes one derived kind of a case store a batch at a
// time, so that a kind larger than memory allows (every session of a case,
// the findings with their anchors, the identity directory) is never held
// whole, nor copied whole into one write batch.
//
// The kind is cleared when the appender is made (unless told to keep what it
// has: spills add to theirs); entries are appended in batches of about
// kBatchBytes. Not atomic: as with CaseStore::AppendDerived,
// the caller records when the whole has been written. The first failed
// write is kept and returned by Finish(); later entries are dropped.
// Not thread-safe; the store must outlive the appender.
#ifndef TERN_CORE_STORE_DERIVED_APPENDER_H_
#define TERN_CORE_STORE_DERIVED_APPENDER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "core/store/case_store.h"

namespace tern {

class DerivedAppender {
 public:
  // 1 MiB: a pivot spill's 4 MiB batches, each copied into a write batch,
  // set the 2M analysis' peak (docs/BENCHMARKS.md "Change 22").
  static constexpr size_t kBatchBytes = size_t{1} << 20;

  // What becomes of the entries the kind already has.
  enum class Existing { kCleared, kKept };

  DerivedAppender(CaseStore* store, std::string_view kind, Existing existing = Existing::kCleared);

  void Add(std::string key, std::string value);
  // Writes what is pending; the first error of any write, or OK.
  absl::Status Finish();
  uint64_t added() const { return added_; }

 private:
  void Flush();

  CaseStore* store_;
  std::string kind_;
  std::vector<std::pair<std::string, std::string>> batch_;
  size_t batch_bytes_ = 0;
  uint64_t added_ = 0;
  absl::Status status_;
};

}  // namespace tern

#endif  // TERN_CORE_STORE_DERIVED_APPENDER_H_
