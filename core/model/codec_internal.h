// Typed field readers and writers shared by the model codecs (codec.cc,
// finding.cc). Not part of the public model API. Thread-compatible.
//
// Every encoding is a format-version varint followed by fields in a fixed
// order; decoders check each field's range so that arbitrary bytes produce a
// DataLoss status naming the first bad field, never a crash or a huge
// allocation.
#ifndef TERN_CORE_MODEL_CODEC_INTERNAL_H_
#define TERN_CORE_MODEL_CODEC_INTERNAL_H_

#ifndef TERN_MODEL_INTERNALS
#error "core/model/codec_internal.h is internal to tern_model: include core/model/codec.h"
#endif

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/base/codec.h"

namespace tern {
struct GeoInfo;
}  // namespace tern

namespace tern::codec_internal {

inline void PutBool(bool b, std::string* out) { PutVarint64(b ? 1 : 0, out); }

// Doubles travel as their IEEE-754 bit pattern so that they round-trip
// exactly (NaN payloads and -0.0 included).
inline void PutDouble(double d, std::string* out) {
  uint64_t bits;
  static_assert(sizeof(bits) == sizeof(d));
  std::memcpy(&bits, &d, sizeof(bits));
  PutVarint64(bits, out);
}

// Reads fields in order; after the first failure every read is a no-op and
// Finish() reports the field that failed.
class FieldReader {
 public:
  explicit FieldReader(std::string_view in) : decoder_(in), size_(in.size()) {}

  void Str(std::string* s, const char* field) {
    if (failed_ == nullptr && !decoder_.GetString(s)) failed_ = field;
  }
  void U64(uint64_t* v, const char* field) {
    if (failed_ == nullptr && !decoder_.GetVarint64(v)) failed_ = field;
  }
  void U32(uint32_t* v, const char* field) {
    uint64_t u = 0;
    U64(&u, field);
    if (Range(u <= std::numeric_limits<uint32_t>::max(), field)) *v = static_cast<uint32_t>(u);
  }
  void I64(int64_t* v, const char* field) {
    if (failed_ == nullptr && !decoder_.GetVarsint64(v)) failed_ = field;
  }
  void I32(int32_t* v, const char* field) {
    int64_t s = 0;
    I64(&s, field);
    if (Range(s >= std::numeric_limits<int32_t>::min() && s <= std::numeric_limits<int32_t>::max(),
              field)) {
      *v = static_cast<int32_t>(s);
    }
  }
  void I8(int8_t* v, const char* field) {
    int64_t s = 0;
    I64(&s, field);
    if (Range(s >= -128 && s <= 127, field)) *v = static_cast<int8_t>(s);
  }
  void Bool(bool* b, const char* field) {
    uint64_t u = 0;
    U64(&u, field);
    if (Range(u <= 1, field)) *b = (u == 1);
  }
  void Double(double* d, const char* field) {
    uint64_t bits = 0;
    U64(&bits, field);
    if (failed_ == nullptr) std::memcpy(d, &bits, sizeof(bits));
  }
  // Reads an element count. Each element takes at least one byte, so a count
  // larger than the whole input is malformed; rejecting it keeps loops short.
  // Returns 0 after a failure, so callers can loop unconditionally.
  size_t Count(const char* field) {
    uint64_t n = 0;
    U64(&n, field);
    if (!Range(n <= size_, field)) return 0;
    return static_cast<size_t>(n);
  }
  // Reads the leading format version and fails unless it equals `want`.
  void Version(uint64_t want, const char* what) {
    uint64_t v = 0;
    U64(&v, "format version");
    if (failed_ == nullptr && v != want) {
      failed_ = "format version";
      version_detail_ = absl::StrCat("unsupported ", what, " encoding version ", v,
                                     " (this tern reads ", want, ")");
    }
  }

  bool ok() const { return failed_ == nullptr; }

  // OK when every read succeeded and no bytes are left over; otherwise
  // DataLoss naming `what` and the first bad field.
  absl::Status Finish(const char* what) const {
    if (!version_detail_.empty()) return absl::DataLossError(version_detail_);
    if (failed_ != nullptr) {
      return absl::DataLossError(
          absl::StrCat("malformed ", what, " encoding: bad or truncated field '", failed_, "'"));
    }
    if (!decoder_.done()) {
      return absl::DataLossError(absl::StrCat("malformed ", what, " encoding: trailing bytes"));
    }
    return absl::OkStatus();
  }

 private:
  bool Range(bool in_range, const char* field) {
    if (failed_ != nullptr) return false;
    if (!in_range) failed_ = field;
    return in_range;
  }

  Decoder decoder_;
  size_t size_;
  const char* failed_ = nullptr;
  std::string version_detail_;
};

class FieldReader;
// String lists and geo facts, as sessions, findings and incidents store them
// (defined in finding.cc).
void PutStrings(const std::vector<std::string>& list, std::string* out);
void GetStrings(FieldReader& r, std::vector<std::string>* list, const char* field);
void PutGeo(const GeoInfo& g, std::string* out);
void GetGeo(FieldReader& r, GeoInfo* g);

}  // namespace tern::codec_internal

#endif  // TERN_CORE_MODEL_CODEC_INTERNAL_H_
