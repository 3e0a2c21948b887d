// Test-only: a hand-built CaseView exercising every report section, with
// every evidence-derived string set from one caller-chosen text (e.g. a
// hostile one), so renderer tests need no case store. Thread-compatible.
#ifndef TERN_REPORTS_TESTING_SAMPLE_VIEW_H_
#define TERN_REPORTS_TESTING_SAMPLE_VIEW_H_

#include <string>
#include <vector>

#include "reports/case_view.h"

namespace tern::testing {

// Strings that try to break out of every output channel.
const std::vector<std::string>& HostileStrings();

// A view with two evidence items (one archive with a member), a warning,
// three findings of different severities with anchors and events, two
// sessions with geo, per-mailbox/IP activity and a chart. Each string from
// "evidence" is `text` plus a distinguishing suffix.
CaseView SampleView(const std::string& text);

// An incident of `view` (made by SampleView): its first finding and session,
// one timeline event with a resolved anchor, strings from `text`.
IncidentView SampleIncident(const CaseView& view, const std::string& text);

}  // namespace tern::testing

#endif  // TERN_REPORTS_TESTING_SAMPLE_VIEW_H_
