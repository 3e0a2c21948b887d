// Test helpers for the CSV parser tests: sinks that keep what a parse
// produced, and a one-call runner over a string or a fixture file.
// Test-only; thread-compatible.
#ifndef TERN_PARSERS_CSV_TEST_UTIL_H_
#define TERN_PARSERS_CSV_TEST_UTIL_H_

#include <algorithm>
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

namespace tern::testing_csv {

struct ParseResult {
  absl::Status status;
  std::vector<Event> events;
  std::vector<std::string> raws;
  std::vector<Warning> warnings;
  uint64_t rejected = 0;

  // Warnings of one kind (rejections are kind "rejected-record").
  std::vector<Warning> WarningsOf(std::string_view kind) const {
    std::vector<Warning> out;
    for (const Warning& w : warnings) {
      if (w.kind == kind) out.push_back(w);
    }
    return out;
  }
  // The first event with this record id, or nullptr.
  const Event* ById(std::string_view id) const {
    for (const Event& e : events) {
      if (e.record_id == id) return &e;
    }
    return nullptr;
  }
};

class CollectingSinks : public EventSink, public WarningSink {
 public:
  explicit CollectingSinks(ParseResult* out) : out_(out) {}
  absl::Status Accept(Event event, std::string_view raw) override {
    out_->events.push_back(std::move(event));
    out_->raws.emplace_back(raw);
    return absl::OkStatus();
  }
  void Report(Warning warning) override { out_->warnings.push_back(std::move(warning)); }

 private:
  ParseResult* out_;
};

// Serves the text a few bytes per Read(), so records straddle reads.
class SmallReadStream : public ByteStream {
 public:
  SmallReadStream(std::string_view data, size_t chunk) : data_(data), chunk_(chunk) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    const size_t k = std::min({n, chunk_, data_.size() - pos_});
    data_.copy(buf, k, pos_);
    pos_ += k;
    return k;
  }

 private:
  std::string_view data_;
  size_t chunk_;
  size_t pos_ = 0;
};

inline ParseResult RunParser(const Parser& parser, std::string_view text, size_t chunk = 4096) {
  ParseResult result;
  CollectingSinks sinks(&result);
  ParseContext ctx;
  ctx.source = "test.csv";
  ctx.evidence_ordinal = 7;
  ctx.events = &sinks;
  ctx.warnings = &sinks;
  SmallReadStream stream(text, chunk);
  result.status = parser.Parse(stream, ctx);
  result.rejected = ctx.rejected;
  return result;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A file's text as the ingester hands it to a parser: UTF-8 BOM removed.
inline std::string ReadDecoded(const std::string& path) {
  std::string text = ReadFile(path);
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  return text;
}

}  // namespace tern::testing_csv

#endif  // TERN_PARSERS_CSV_TEST_UTIL_H_
