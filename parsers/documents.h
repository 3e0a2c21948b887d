// tern's own JSON documents read back (JSON is read in parsers/ only):
// manifest.json for `tern verify`, findings.json for `tern diff` and
// `--expect`. Thread-safe: pure functions.
#ifndef TERN_PARSERS_DOCUMENTS_H_
#define TERN_PARSERS_DOCUMENTS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/case/case_dir.h"
#include "core/custody/case_verify.h"
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

// Reads the findings document at `path`: a findings.json, or a case (or
// report) directory whose findings.json is read. NotFound / Unavailable /
// InvalidArgument naming the file.
absl::StatusOr<FindingsDocument> ReadFindingsDocument(const std::string& path);

// Reads `dir`'s manifest.json and manifest.sig for `tern verify`; absent or
// unreadable files are nullopt, a malformed manifest says why in
// parse_error.
ManifestOnDisk ReadManifestOnDisk(const CaseDir& dir);

}  // namespace tern

#endif  // TERN_PARSERS_DOCUMENTS_H_
