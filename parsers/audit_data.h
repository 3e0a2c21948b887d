// Normalizes one AuditData object (the Office 365 Management Activity API
// record, FORMATS.md §4) into an Event. Shared by every format that carries
// AuditData: the CSV AuditData column, JSON Lines, JSON arrays, Graph records.
// Pure; thread-safe (each call borrows a simdjson parser from a per-thread
// pool, so steady-state calls allocate only the event's own strings).
#ifndef TERN_PARSERS_AUDIT_DATA_H_
#define TERN_PARSERS_AUDIT_DATA_H_

#include <string_view>

#include "absl/status/status.h"
#include "core/model/event.h"

namespace tern {

// Fills `event` (all but provenance) from the JSON object text `json`.
// Numbers and booleans that arrive as strings are accepted; RecordType,
// LogonType and UserType may be numbers or names; Name/Value lists may hold
// entries without a Value; JSON-in-string fields (Folders, Item,
// OperationProperties, Parameters as strings) are decoded.
// A JSON object cut short (truncated export) fills what could be read and
// sets kFlagAuditDataTruncated (the member the cut went through is dropped,
// not kept half). A JSON string holding the object (AuditData serialized
// twice) is unwrapped. Invalid UTF-8 is replaced by U+FFFD and sets
// kFlagInvalidUtf8. No usable CreationTime: time_ms = 0 and kFlagNoTime. No
// Id: record_id stays empty (the caller synthesizes one). Unknown fields are
// ignored. Returns InvalidArgument (with a short reason) when `json` is not a
// JSON object at all, and when none of Id, CreationTime, Operation,
// RecordType, UserId, Workload is present.
absl::Status NormalizeAuditData(std::string_view json, Event* event);

}  // namespace tern

#endif  // TERN_PARSERS_AUDIT_DATA_H_
