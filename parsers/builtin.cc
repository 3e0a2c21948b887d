#include "parsers/builtin.h"

#include <memory>

#include "core/base/status_macros.h"
#include "parsers/csv_parsers.h"
#include "parsers/json_parsers.h"
#include "parsers/mailbox_audit_xml.h"

namespace tern {

// Each format's factory, declared in its own file.
// (One line per format below; order breaks Sniff() ties: most specific first.)

absl::Status RegisterBuiltinParsers(ParserRegistry& registry) {
  (void)registry;
  TERN_RETURN_IF_ERROR(registry.Register(MakeGraphJsonParser()));
  TERN_RETURN_IF_ERROR(registry.Register(MakeMesJsonParser()));
  TERN_RETURN_IF_ERROR(registry.Register(MakeSentinelJsonParser()));
  TERN_RETURN_IF_ERROR(registry.Register(MakeUalJsonParser()));
  TERN_RETURN_IF_ERROR(registry.Register(MakeMailboxAuditXmlParser()));
  TERN_RETURN_IF_ERROR(registry.Register(MakePurviewCsvParser()));
  TERN_RETURN_IF_ERROR(registry.Register(MakeSualCsvParser()));
  TERN_RETURN_IF_ERROR(registry.Register(MakeSentinelCsvParser()));
  TERN_RETURN_IF_ERROR(registry.Register(MakeMailboxAuditCsvParser()));
  TERN_RETURN_IF_ERROR(registry.Register(MakeUalFlatCsvParser()));
  return absl::OkStatus();
}

}  // namespace tern
