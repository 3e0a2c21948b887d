// Shared pieces of the libFuzzer targets in fuzz/: a stream that hands out
// the input in uneven chunks (so buffer-boundary code gets exercised), sinks
// that check what parsers emit instead of storing it, and a tiny cursor over
// the fuzz input for targets that pick a mode or split the input.
//
// Header-only. Every target also builds, without libFuzzer, into a replay
// test (fuzz/replay_test.cc) that runs it over the committed corpus.
// Thread-compatible.
#ifndef TERN_FUZZ_FUZZ_UTIL_H_
#define TERN_FUZZ_FUZZ_UTIL_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/evidence/byte_stream.h"
#include "core/ingest/parser.h"
#include "core/model/warning.h"

namespace tern::fuzz {

// Stops the process the way libFuzzer and the replay test both notice: a
// failed invariant is a finding, like a crash.
[[noreturn]] inline void Fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant failed: %s\n", what);
  std::abort();
}

#define TERN_FUZZ_CHECK(cond)               \
  do {                                      \
    if (!(cond)) ::tern::fuzz::Fail(#cond); \
  } while (0)

// Serves `data` in chunks whose sizes cycle through `sizes` (1..255 each),
// so a reader sees its input split at arbitrary points.
class ChunkedStream : public ByteStream {
 public:
  ChunkedStream(std::string_view data, std::string_view sizes) : data_(data), sizes_(sizes) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (n == 0 || pos_ >= data_.size()) return size_t{0};
    size_t chunk = n;
    if (!sizes_.empty()) {
      chunk = static_cast<unsigned char>(sizes_[turn_++ % sizes_.size()]);
      if (chunk == 0) chunk = 4096;
    }
    chunk = std::min({chunk, n, data_.size() - pos_});
    std::copy_n(data_.data() + pos_, chunk, buf);
    pos_ += chunk;
    return chunk;
  }

 private:
  std::string_view data_;
  std::string_view sizes_;
  size_t pos_ = 0;
  size_t turn_ = 0;
};

// Accepts events and checks what every parser promises about them.
class CheckingEventSink : public EventSink {
 public:
  absl::Status Accept(Event event, std::string_view raw) override {
    ++events;
    // Provenance always points into the item, 1-based.
    TERN_FUZZ_CHECK(event.provenance.record_index >= 1);
    TERN_FUZZ_CHECK(event.provenance.line >= 1);
    raw_bytes += raw.size();
    return absl::OkStatus();
  }
  uint64_t events = 0;
  uint64_t raw_bytes = 0;
};

class CountingWarningSink : public WarningSink {
 public:
  void Report(Warning warning) override {
    ++warnings;
    // A warning always names its item.
    TERN_FUZZ_CHECK(!warning.source.empty());
    TERN_FUZZ_CHECK(!warning.kind.empty());
  }
  uint64_t warnings = 0;
};

// Reads a fuzz input front to back.
class Cursor {
 public:
  Cursor(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}
  uint8_t Byte() {
    if (rest_.empty()) return 0;
    const uint8_t b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  // Up to `n` bytes.
  std::string_view Take(size_t n) {
    const std::string_view out = rest_.substr(0, n);
    rest_.remove_prefix(out.size());
    return out;
  }
  // Bytes up to the next `sep` (consumed) or the end.
  std::string_view Until(char sep) {
    const size_t at = rest_.find(sep);
    const std::string_view out = rest_.substr(0, at);
    rest_.remove_prefix(at == std::string_view::npos ? rest_.size() : at + 1);
    return out;
  }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

}  // namespace tern::fuzz

#endif  // TERN_FUZZ_FUZZ_UTIL_H_
