// The record splitters under the parsers, with tiny record caps so the
// "record too long" and recovery paths run on small inputs: CsvReader
// (quotes, sep= lines, resynchronisation after a broken record) and
// JsonRecordReader (JSON Lines, arrays, pages, garbage, depth limits).
// Checks that records never exceed the cap and that reading always ends.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.h"
#include "parsers/csv_reader.h"
#include "parsers/json_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tern::fuzz::Cursor in(data, size);
  const uint8_t mode = in.Byte();
  const size_t cap = 16 + in.Byte() * 4;
  const std::string_view sizes = in.Take(in.Byte() % 4);
  const std::string_view text = in.rest();
  tern::fuzz::ChunkedStream stream(text, sizes);
  // Every step consumes input, so a reader can take at most one step per
  // byte plus the end; more means it loops.
  const size_t max_steps = text.size() + 2;
  size_t steps = 0;
  if (mode % 2 == 0) {
    tern::CsvReaderOptions options;
    options.max_record_bytes = cap;
    const char delimiters[] = {'\0', ',', ';', '\t'};
    options.delimiter = delimiters[(mode / 2) % 4];
    tern::CsvReader reader(&stream, options);
    while (true) {
      absl::StatusOr<bool> more = reader.Next();
      TERN_FUZZ_CHECK(more.ok());
      if (!*more) break;
      TERN_FUZZ_CHECK(++steps <= max_steps);
      TERN_FUZZ_CHECK(reader.line() >= 1);
      size_t cells = 0;
      for (std::string_view cell : reader.fields()) cells += cell.size();
      TERN_FUZZ_CHECK(cells <= reader.raw().size());
      // The cap is checked when the buffer must grow, so a record may
      // pass it by up to one buffer refill: memory stays bounded.
      TERN_FUZZ_CHECK(reader.raw().size() <= cap + (size_t{128} << 10));
    }
  } else {
    tern::json::JsonStreamOptions options;
    options.max_record_bytes = cap;
    options.max_depth = 1 + (mode >> 1) % 64;
    options.unwrap_value_pages = (mode & 0x80) != 0;
    tern::json::JsonRecordReader reader(stream, options);
    tern::json::JsonItem item;
    while (true) {
      absl::StatusOr<bool> more = reader.Next(&item);
      TERN_FUZZ_CHECK(more.ok());
      if (!*more) break;
      TERN_FUZZ_CHECK(++steps <= max_steps);
      TERN_FUZZ_CHECK(item.line >= 1);
      if (item.kind == tern::json::JsonItem::kRecord) {
        TERN_FUZZ_CHECK(item.text.size() <= cap);
        TERN_FUZZ_CHECK(!item.text.empty());
      } else {
        TERN_FUZZ_CHECK(!item.reason.empty());
      }
    }
  }
  return 0;
}
