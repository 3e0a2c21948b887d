// Text decoding: turns raw evidence bytes into UTF-8 for the parsers.
//
// Sniffs a BOM: UTF-8 (EF BB BF, stripped), UTF-16LE (FF FE) and UTF-16BE
// (FE FF) are transcoded to UTF-8. Without a BOM the bytes pass through as
// UTF-8. Invalid sequences are passed through unchanged (the raw bytes are
// kept) and reported once per stream with their byte offset.
// In UTF-16 input, unpaired surrogates and an odd trailing byte cannot be
// kept, so they become U+FFFD ("invalid-utf16", first one reported). Offsets
// count raw bytes from the start of the stream, BOM included. Memory stays
// bounded whatever the stream length. Thread-compatible.
#ifndef TERN_CORE_EVIDENCE_TEXT_DECODER_H_
#define TERN_CORE_EVIDENCE_TEXT_DECODER_H_

#include <memory>
#include <string>

#include "core/evidence/byte_stream.h"
#include "core/model/warning.h"

namespace tern {

enum class TextEncoding { kUtf8, kUtf8Bom, kUtf16Le, kUtf16Be };

const char* TextEncodingName(TextEncoding e);

class TextDecoder : public ByteStream {
 public:
  // `raw` and `warnings` are not owned and must outlive the decoder.
  // `source` names the item in warnings.
  TextDecoder(ByteStream* raw, WarningSink* warnings, std::string source);
  ~TextDecoder() override;
  absl::StatusOr<size_t> Read(char* buf, size_t n) override;
  // Known after the first Read.
  TextEncoding encoding() const { return encoding_; }

 private:
  struct State;
  ByteStream* raw_;
  WarningSink* warnings_;
  std::string source_;
  TextEncoding encoding_ = TextEncoding::kUtf8;
  std::unique_ptr<State> state_;
};

}  // namespace tern

#endif  // TERN_CORE_EVIDENCE_TEXT_DECODER_H_
