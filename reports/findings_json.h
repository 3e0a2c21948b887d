// findings.json (schema "tern.findings/1", ARCHITECTURE.md): the
// machine-readable findings of a case, described exactly by
// reports/findings.schema.json (keep the two in step: the tests validate every
// fixture case against the schema). Byte-identical for the same evidence.
// Thread-compatible.
#ifndef TERN_REPORTS_FINDINGS_JSON_H_
#define TERN_REPORTS_FINDINGS_JSON_H_

#include <string>

#include "absl/status/status.h"
#include "core/store/case_store.h"
#include "reports/case_view.h"

namespace tern {

inline constexpr char kFindingsSchema[] = "tern.findings/1";

// Renders the document (pretty-printed, trailing newline) with the view's
// sessions: for views built whole, e.g. in tests.
std::string RenderFindingsJson(const CaseView& view);

// Writes the same document to `path` (through a temporary file renamed into
// place), streaming every session from `store` instead of the view, so that
// memory does not grow with the number of sessions. The view must have been
// loaded from `store`.
absl::Status WriteFindingsJson(const CaseView& view, CaseStore& store, const std::string& path);

}  // namespace tern

#endif  // TERN_REPORTS_FINDINGS_JSON_H_
