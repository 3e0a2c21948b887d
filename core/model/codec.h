// Binary encodings of model types for the case store. Versioned by the store
// schema (core/store/case_store.h); decoding rejects malformed bytes.
#ifndef TERN_CORE_MODEL_CODEC_H_
#define TERN_CORE_MODEL_CODEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/model/event.h"
#include "core/model/evidence_record.h"

namespace tern {

// Encodes every field of `event` (the raw record bytes are stored apart).
std::string EncodeEvent(const Event& event);
// Returns DataLoss naming the problem when `bytes` is not a valid encoding.
absl::StatusOr<Event> DecodeEvent(std::string_view bytes);
// The same into `*event`, every field overwritten (strings keep their
// capacity). On error `*event` holds part of the record.
absl::Status DecodeEventInto(std::string_view bytes, Event* event);

std::string EncodeEvidence(const EvidenceRecord& record);
absl::StatusOr<EvidenceRecord> DecodeEvidence(std::string_view bytes);

}  // namespace tern

#endif  // TERN_CORE_MODEL_CODEC_H_
