#include "core/store/derived_appender.h"

namespace tern {

DerivedAppender::DerivedAppender(CaseStore* store, std::string_view kind, Existing existing)
    : store_(store), kind_(kind) {
  if (existing == Existing::kCleared) status_ = store_->ClearDerived(kind_);
}

void DerivedAppender::Add(std::string key, std::string value) {
  if (!status_.ok()) return;
  batch_bytes_ += key.size() + value.size();
  batch_.emplace_back(std::move(key), std::move(value));
  ++added_;
  if (batch_bytes_ >= kBatchBytes) Flush();
}

void DerivedAppender::Flush() {
  if (status_.ok() && !batch_.empty()) status_ = store_->AppendDerived(kind_, batch_);
  batch_.clear();
  batch_bytes_ = 0;
}

absl::Status DerivedAppender::Finish() {
  Flush();
  return status_;
}

}  // namespace tern
