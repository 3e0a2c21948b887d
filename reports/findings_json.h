// findings.json (schema "tern.findings/1", ARCHITECTURE.md): the
// machine-readable findings of a case. Byte-identical for the same evidence.
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
