// tern's own JSON documents read back (JSON is read in parsers/ only):
// manifest.json for `tern verify`, findings.json for `tern diff` and
// `--expect`. Thread-safe: pure functions.
#ifndef TERN_PARSERS_DOCUMENTS_H_
#define TERN_PARSERS_DOCUMENTS_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "core/custody/manifest.h"
#include "core/model/findings_document.h"

namespace tern {

// Parses manifest.json text (schema tern.manifest/1). InvalidArgument saying
// what is wrong for anything else.
absl::StatusOr<Manifest> ParseManifest(std::string_view text);

// Parses findings.json text (any tern.findings/N). InvalidArgument naming
// what is wrong otherwise.
absl::StatusOr<FindingsDocument> ParseFindingsDocument(std::string_view text);

// Whether `text` looks like a findings.json (a JSON object whose "schema"
// starts with "tern.findings/"), without validating the rest.
bool IsFindingsDocument(std::string_view text);

}  // namespace tern

#endif  // TERN_PARSERS_DOCUMENTS_H_
