// The explicit list of built-in formats. Adding a format = one parser file
// plus one line in builtin.cc. No static self-registration (linkers drop it,
// and the style guide forbids such statics).
#ifndef TERN_PARSERS_BUILTIN_H_
#define TERN_PARSERS_BUILTIN_H_

#include "absl/status/status.h"
#include "core/ingest/parser.h"

namespace tern {

absl::Status RegisterBuiltinParsers(ParserRegistry& registry);

}  // namespace tern

#endif  // TERN_PARSERS_BUILTIN_H_
