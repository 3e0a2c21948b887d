// findings.json (schema "tern.findings/1", ARCHITECTURE.md): the
// machine-readable findings of a case, described exactly by
// reports/findings.schema.json (keep the two in step: the tests validate every
// fixture case against the schema). Byte-identical for the same evidence.
// Pure function of the view; thread-safe.
#ifndef TERN_REPORTS_FINDINGS_JSON_H_
#define TERN_REPORTS_FINDINGS_JSON_H_

#include <string>

#include "reports/case_view.h"

namespace tern {

inline constexpr char kFindingsSchema[] = "tern.findings/1";

// Renders the document (pretty-printed, trailing newline).
std::string RenderFindingsJson(const CaseView& view);

}  // namespace tern

#endif  // TERN_REPORTS_FINDINGS_JSON_H_
