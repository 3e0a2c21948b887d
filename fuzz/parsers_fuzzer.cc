// Every registered parser over arbitrary text, whether or not it would have
// been detected for it: the first byte picks the parser, the second the read
// chunk sizes, the third a record cap (0 = the format's default).
#include <cstddef>
#include <cstdint>

#include "fuzz/builtin_registry.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tern::fuzz::Cursor in(data, size);
  const auto& parsers = tern::fuzz::BuiltinRegistry().parsers();
  const tern::Parser& parser = *parsers[in.Byte() % parsers.size()];
  const std::string_view sizes = in.Take(in.Byte() % 4);
  const uint8_t cap = in.Byte();
  tern::fuzz::ChunkedStream text(in.rest(), sizes);
  tern::fuzz::CheckingEventSink events;
  tern::fuzz::CountingWarningSink warnings;
  tern::ParseContext ctx;
  ctx.source = "fuzz-input";
  ctx.evidence_ordinal = 1;
  ctx.events = &events;
  ctx.warnings = &warnings;
  // Small caps reach the "record too long" paths with small inputs.
  ctx.max_record_bytes = cap < 128 ? 0 : uint64_t{cap} * 8;
  const absl::Status status = parser.Parse(text, ctx);
  // A memory stream never fails and the sink never refuses: a parser has
  // no reason to fail the whole item, only to reject records.
  TERN_FUZZ_CHECK(status.ok());
  TERN_FUZZ_CHECK(ctx.rejected <= warnings.warnings);
  parser.Sniff(in.rest().substr(0, tern::kSniffBytes));
  return 0;
}
