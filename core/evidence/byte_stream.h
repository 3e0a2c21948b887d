// ByteStream: the one way bytes flow from evidence to parsers.
//
// Files, archive members and decoded text all present this interface, so a
// parser never knows where its bytes come from. Thread-compatible.
#ifndef TERN_CORE_EVIDENCE_BYTE_STREAM_H_
#define TERN_CORE_EVIDENCE_BYTE_STREAM_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace tern {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads up to `n` bytes into `buf`. Returns the count read; 0 means end of
  // stream. An error (I/O failure, corrupt compressed data) is sticky.
  virtual absl::StatusOr<size_t> Read(char* buf, size_t n) = 0;
};

// A stream over bytes in memory. Does not own `data`, which must outlive it.
class MemoryStream : public ByteStream {
 public:
  explicit MemoryStream(std::string_view data) : data_(data) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override;

 private:
  std::string_view data_;
};

// Replays `head` (owned) and then continues with `rest` (not owned).
// Used after sniffing the first bytes of a stream.
class ReplayStream : public ByteStream {
 public:
  ReplayStream(std::string head, ByteStream* rest) : head_(std::move(head)), rest_(rest) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override;

 private:
  std::string head_;
  size_t pos_ = 0;
  ByteStream* rest_;
};

// Reads from `in` until `out` holds `max` bytes or the stream ends.
absl::Status ReadUpTo(ByteStream& in, size_t max, std::string* out);

}  // namespace tern

#endif  // TERN_CORE_EVIDENCE_BYTE_STREAM_H_
