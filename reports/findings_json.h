// findings.json (schema "tern.findings/2", ARCHITECTURE.md): the
// machine-readable findings of a case and the sessions they name, described
// exactly by reports/findings.schema.json (keep the two in step: the tests
// validate every fixture case against the schema); every session goes to
// sessions.jsonl. Byte-identical for the same evidence. Thread-compatible.
#ifndef TERN_REPORTS_FINDINGS_JSON_H_
#define TERN_REPORTS_FINDINGS_JSON_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/base/json_writer.h"
#include "core/store/case_store.h"
#include "reports/case_view.h"

namespace tern {

inline constexpr char kFindingsSchema[] = "tern.findings/2";
// Every session of the case, one compact JSON object per line, in (start, id)
// order; the same fields as findings.json's sessions.
inline constexpr char kSessionsFile[] = "sessions.jsonl";

// Renders the document (pretty-printed, trailing newline). Its "sessions"
// are those NamedSessions lists, read from view.session_store (else from the
// view's own sessions); summary.sessions counts all of them. Fails when the
// store cannot be read.
absl::StatusOr<std::string> RenderFindingsJson(const CaseView& view);

// Writes RenderFindingsJson(view) to `path` (through a temporary file renamed
// into place), piece by piece: the text is never held whole.
absl::Status WriteFindingsJson(const CaseView& view, const std::string& path);

// Writes sessions.jsonl to `path`, streaming every session from `store` so
// that memory does not grow with the number of sessions. Returns the number
// of sessions written.
absl::StatusOr<uint64_t> WriteSessionsJsonl(CaseStore& store, const std::string& path);

// One session as findings.json and sessions.jsonl write it.
void WriteSessionJson(JsonWriter& json, const Session& session);

}  // namespace tern

#endif  // TERN_REPORTS_FINDINGS_JSON_H_
