// The text path of an ingest, as Ingester runs it: raw bytes -> TextDecoder
// (BOMs, UTF-16, invalid UTF-8) -> ParserRegistry::Detect on the first
// kSniffBytes -> the detected parser over the rest. Seeds are the raw
// fixtures, which are detected as their real formats.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/evidence/text_decoder.h"
#include "fuzz/builtin_registry.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  tern::fuzz::ChunkedStream raw(bytes, std::string_view("\x07\x01\xff\x40", 4));
  tern::fuzz::CountingWarningSink warnings;
  tern::TextDecoder text(&raw, &warnings, "fuzz-input");
  std::string head;
  TERN_FUZZ_CHECK(tern::ReadUpTo(text, tern::kSniffBytes, &head).ok());
  const tern::Parser* parser = tern::fuzz::BuiltinRegistry().Detect(head);
  if (parser == nullptr) return 0;
  tern::ReplayStream replay(std::move(head), &text);
  tern::fuzz::CheckingEventSink events;
  tern::ParseContext ctx;
  ctx.source = "fuzz-input";
  ctx.evidence_ordinal = 1;
  ctx.events = &events;
  ctx.warnings = &warnings;
  TERN_FUZZ_CHECK(parser->Parse(replay, ctx).ok());
  return 0;
}
