// Version of the JSON library behind the parsers, for `tern version`.
#ifndef TERN_PARSERS_PARSER_INFO_H_
#define TERN_PARSERS_PARSER_INFO_H_

#include <string>

namespace tern {

// "simdjson 3.0.1 (haswell)": compile-time version and the kernel chosen at run time.
std::string JsonLibraryVersion();

}  // namespace tern

#endif  // TERN_PARSERS_PARSER_INFO_H_
