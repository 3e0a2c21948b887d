// The JSON export formats (FORMATS.md §2.3, §4, §5). Each reads any JSON
// container (JSON Lines, arrays, concatenated arrays/objects, a bare object)
// through json::JsonRecordReader and normalizes each record's AuditData.
// Each format sniffs by its own rule over the keys of the first record
// (json::ReadJsonHead); on real exports only one rule claims a file, and the
// registry ranks by confidence where two could. Parsers are stateless and thread-safe; per-file
// state (ResultIndex tracking, date order) lives in each Parse() call.
#ifndef TERN_PARSERS_JSON_PARSERS_H_
#define TERN_PARSERS_JSON_PARSERS_H_

#include <memory>

#include "core/ingest/parser.h"

namespace tern {

// "ual-json": Management Activity API records (bare AuditData objects).
std::unique_ptr<Parser> MakeUalJsonParser();
// "mes-json": Search-UnifiedAuditLog objects (Microsoft-Extractor-Suite and
// similar): wrapper fields plus AuditData as a JSON string or an object.
std::unique_ptr<Parser> MakeMesJsonParser();
// "graph-json": Graph security auditLogRecord records or {"value":[...]} pages.
std::unique_ptr<Parser> MakeGraphJsonParser();
// "sentinel-json": Microsoft Sentinel OfficeActivity rows exported as JSON.
std::unique_ptr<Parser> MakeSentinelJsonParser();

}  // namespace tern

#endif  // TERN_PARSERS_JSON_PARSERS_H_
