#include "core/evidence/byte_stream.h"

#include <algorithm>
#include <cstring>

namespace tern {

absl::StatusOr<size_t> MemoryStream::Read(char* buf, size_t n) {
  const size_t count = std::min(n, data_.size());
  if (count > 0) std::memcpy(buf, data_.data(), count);
  data_.remove_prefix(count);
  return count;
}

absl::StatusOr<size_t> ReplayStream::Read(char* buf, size_t n) {
  if (pos_ < head_.size()) {
    // Serve only from the head so a short read never mixes the two sources;
    // callers loop anyway, and the head is usually a few hundred bytes.
    const size_t count = std::min(n, head_.size() - pos_);
    std::memcpy(buf, head_.data() + pos_, count);
    pos_ += count;
    if (pos_ == head_.size()) {
      // Release the sniffed bytes: a replayed stream may live for a long parse.
      std::string().swap(head_);
      pos_ = 0;
    }
    return count;
  }
  if (rest_ == nullptr || n == 0) return size_t{0};
  return rest_->Read(buf, n);
}

absl::Status ReadUpTo(ByteStream& in, size_t max, std::string* out) {
  while (out->size() < max) {
    const size_t old_size = out->size();
    // Grow in bounded steps so a large `max` (a whole archive member) does not
    // allocate everything up front for a stream that turns out to be short.
    const size_t step = std::min(max - old_size, std::max<size_t>(old_size, 64 * 1024));
    out->resize(old_size + step);
    absl::StatusOr<size_t> got = in.Read(out->data() + old_size, step);
    if (!got.ok()) {
      out->resize(old_size);
      return got.status();
    }
    out->resize(old_size + *got);
    if (*got == 0) break;
  }
  return absl::OkStatus();
}

}  // namespace tern
