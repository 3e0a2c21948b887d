// The registry of every built-in parser, made once per fuzz process (the
// targets that drive parsers share it). Thread-compatible.
#ifndef TERN_FUZZ_BUILTIN_REGISTRY_H_
#define TERN_FUZZ_BUILTIN_REGISTRY_H_

#include "fuzz/fuzz_util.h"
#include "parsers/builtin.h"

namespace tern::fuzz {

inline const ParserRegistry& BuiltinRegistry() {
  // Never destroyed: parsers may still run while static destructors do.
  static const ParserRegistry* registry = [] {
    auto* r = new ParserRegistry();
    TERN_FUZZ_CHECK(RegisterBuiltinParsers(*r).ok());
    return r;
  }();
  return *registry;
}

}  // namespace tern::fuzz

#endif  // TERN_FUZZ_BUILTIN_REGISTRY_H_
