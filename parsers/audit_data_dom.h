// The DOM-level entry points behind NormalizeAuditData, for parsers that have
// already parsed a record with simdjson (wrappers holding AuditData as a
// nested object, Sentinel rows). Internal to parsers/. Thread-safe: pure.
#ifndef TERN_PARSERS_AUDIT_DATA_DOM_H_
#define TERN_PARSERS_AUDIT_DATA_DOM_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
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

// Appends AuditData field `key` = `value` to `out` as dotted-path entries:
// objects by member ("AppAccessContext.IssuedAtTime"), Name/Value lists by
// name ("ExtendedProperties.UserAgent", "ModifiedProperties.X.NewValue"; an
// entry without Value keeps its name with has_value false), other arrays as
// repeated entries under one path, JSON held in a string as the value it
// holds. Null and empty values are skipped; depth and entry count are capped
// (a hostile record cannot bloat the store). Paths in `held` are left out:
// their values are already in a typed Event field.
void AppendFlattenedField(std::string_view key, simdjson::dom::element value,
                          absl::Span<const std::string_view> held, std::vector<NameValue>* out);

// Sorts out[from..] by name, keeping the order of equal names.
void SortFlattened(std::vector<NameValue>* out, size_t from);

}  // namespace tern

#endif  // TERN_PARSERS_AUDIT_DATA_DOM_H_
