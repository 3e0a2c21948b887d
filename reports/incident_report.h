// The incidents of a case in the outputs (issue 13): loaded into the
// CaseView with their anchors resolved, written into findings.json
// ("incidents", reports/findings.schema.json), as exposure.csv (one row per
// item the attacker read, sent, deleted, moved or created, formula-safe,
// with its evidence anchor) and as the first section of report.html
// (html_incidents.cc). Deterministic: incidents in I-number order, timeline
// and exposure in (time, record id) order. Thread-compatible.
#ifndef TERN_REPORTS_INCIDENT_REPORT_H_
#define TERN_REPORTS_INCIDENT_REPORT_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/base/json_writer.h"
#include "core/model/case_incident.h"
#include "core/store/case_store.h"
#include "reports/case_view.h"

namespace tern {

inline constexpr char kExposureFileName[] = "exposure.csv";

// Calls `fn` with each stored incident (derived kind "incidents") in
// I-number order, one decoded at a time; the first error (a bad record,
// or one `fn` returns) stops the scan and is returned.
absl::Status ForEachStoredIncident(CaseStore& store,
                                   const std::function<absl::Status(const CaseIncident&)>& fn);

// The exposure counts of `c` (messages_accessed, folders_synced, ...,
// items) as members of the JSON object being written: findings.json's
// incidents[].exposure and the ECS incident documents' tern.incident.exposure.
void WriteExposureCountsJson(JsonWriter& json, const CaseIncident& c);

// Reads the stored incidents (derived kind "incidents") into view->incidents,
// resolving every timeline and exposure anchor. A case analyzed before
// incidents existed simply has none.
absl::Status LoadIncidents(CaseStore& store, const SourceResolver& resolver, CaseView* view);

// The "incidents" array of findings.json (key and value); an empty array
// when the case has no incident.
void WriteIncidentsJson(JsonWriter& json, const CaseView& view);

// exposure.csv: a header and one row per exposure item of every incident.
std::string RenderExposureCsv(const CaseView& view);

}  // namespace tern

#endif  // TERN_REPORTS_INCIDENT_REPORT_H_
