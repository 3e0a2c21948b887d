// The DOM-level entry points behind NormalizeAuditData, for parsers that have
// already parsed a record with simdjson (wrappers holding AuditData as a
// nested object, Sentinel rows). Internal to parsers/. Thread-safe: pure.
#ifndef TERN_PARSERS_AUDIT_DATA_DOM_H_
#define TERN_PARSERS_AUDIT_DATA_DOM_H_

#include "absl/status/status.h"
#include "core/model/event.h"
#include "simdjson.h"

namespace tern {

// Fills `event` from an already parsed AuditData object. Also understands the
// Sentinel OfficeActivity column names (OfficeId, OfficeWorkload,
// OfficeObjectId, Logon_Type, Client_IPAddress) as lower-priority aliases.
// Returns InvalidArgument when no usable field is present.
absl::Status NormalizeAuditObject(simdjson::dom::object obj, Event* event);

// As above for an element that is either an object or a JSON string holding
// one (double-encoded AuditData); strings go through NormalizeAuditData, so a
// truncated one is salvaged and flagged.
absl::Status NormalizeAuditElement(simdjson::dom::element element, Event* event);

}  // namespace tern

#endif  // TERN_PARSERS_AUDIT_DATA_DOM_H_
