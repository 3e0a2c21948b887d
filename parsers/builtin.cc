#include "parsers/builtin.h"

#include <memory>

#include "core/base/status_macros.h"

// Every built-in format, one line each: the factory defined in the format's
// own file. The order does not matter: ParserRegistry::Detect ranks by each
// format's Sniff() confidence, then by name.
#define TERN_BUILTIN_PARSERS(X) \
  X(MakeGraphJsonParser)        \
  X(MakeMesJsonParser)          \
  X(MakeSentinelJsonParser)     \
  X(MakeUalJsonParser)          \
  X(MakeMailboxAuditXmlParser)  \
  X(MakePurviewCsvParser)       \
  X(MakeSualCsvParser)          \
  X(MakeSentinelCsvParser)      \
  X(MakeMailboxAuditCsvParser)  \
  X(MakeUalFlatCsvParser)       \
  X(MakePartialCsvParser)

namespace tern {

#define TERN_DECLARE_PARSER(factory) std::unique_ptr<Parser> factory();
TERN_BUILTIN_PARSERS(TERN_DECLARE_PARSER)
#undef TERN_DECLARE_PARSER

absl::Status RegisterBuiltinParsers(ParserRegistry& registry) {
#define TERN_REGISTER_PARSER(factory) TERN_RETURN_IF_ERROR(registry.Register(factory()));
  TERN_BUILTIN_PARSERS(TERN_REGISTER_PARSER)
#undef TERN_REGISTER_PARSER
  return absl::OkStatus();
}

}  // namespace tern

#undef TERN_BUILTIN_PARSERS
