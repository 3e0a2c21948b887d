// Test-only helpers for the JSON/XML parser tests: sinks that collect what a
// parse produced, a stream that returns few bytes per Read(), fixture paths.
// Thread-compatible.
#ifndef TERN_PARSERS_JSON_TEST_UTIL_H_
#define TERN_PARSERS_JSON_TEST_UTIL_H_

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/evidence/byte_stream.h"
#include "core/ingest/parser.h"
#include "core/model/event.h"
#include "core/model/warning.h"

namespace tern::testing {

// Collects events (with their raw bytes) and warnings.
class CollectingSink : public EventSink, public WarningSink {
 public:
  absl::Status Accept(Event event, std::string_view raw) override {
    events.push_back(std::move(event));
    raws.emplace_back(raw);
    return absl::OkStatus();
  }
  void Report(Warning warning) override { warnings.push_back(std::move(warning)); }

  std::vector<Warning> WarningsOfKind(std::string_view kind) const {
    std::vector<Warning> out;
    for (const Warning& w : warnings) {
      if (w.kind == kind) out.push_back(w);
    }
    return out;
  }

  std::vector<Event> events;
  std::vector<std::string> raws;
  std::vector<Warning> warnings;
};

// Returns at most `chunk` bytes per Read(), to move record boundaries across
// reads. Does not own `data`.
class ChunkedStream : public ByteStream {
 public:
  ChunkedStream(std::string_view data, size_t chunk) : data_(data), chunk_(chunk) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min({n, chunk_, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string_view data_;
  size_t chunk_;
  size_t pos_ = 0;
};

inline std::string ReadFixture(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::string JsonFixture(std::string_view name) {
  return std::string(TERN_FIXTURES_DIR) + "/formats/json/" + std::string(name);
}

// Runs `parser` over `text` served `chunk` bytes per Read().
inline absl::Status RunParser(const Parser& parser, std::string_view text, CollectingSink* sink,
                              uint64_t* rejected = nullptr, size_t chunk = 4096) {
  ChunkedStream stream(text, chunk);
  ParseContext ctx;
  ctx.source = "test";
  ctx.evidence_ordinal = 7;
  ctx.events = sink;
  ctx.warnings = sink;
  absl::Status status = parser.Parse(stream, ctx);
  if (rejected != nullptr) *rejected = ctx.rejected;
  return status;
}

}  // namespace tern::testing

#endif  // TERN_PARSERS_JSON_TEST_UTIL_H_
