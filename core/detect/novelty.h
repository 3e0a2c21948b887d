// Severity earned from combined evidence (issue 11): how much a novelty
// against the identity's own baseline weighs, and the words a finding gives
// for the signals it rests on and the baseline it was compared with.
// Pure functions; thread-safe.
#ifndef TERN_CORE_DETECT_NOVELTY_H_
#define TERN_CORE_DETECT_NOVELTY_H_

#include <string>

#include "core/detect/incident.h"
#include "core/detect/rule.h"

namespace tern::detect {

// What a location / client novelty earns on its own: info for none (a new
// IP inside a known network, ASN or the organization's infrastructure), low
// for one anomaly, and for a new place reached with the identity's usual
// client and device (travel); medium for a new place with a new client or
// two anomalies otherwise; high for a new network, a new country and a new
// client together.
Severity NoveltySeverity(const correlate::Novelty& n);

// "network 89.160.20.0/24 (AS29518 Bredband2 AB, SE) new for the identity;
// country SE new; usual client (Outlook desktop) and device"; "" when the
// event brought nothing new.
std::string DescribeNovelty(const EventContext& ctx);

// Adds to `inc`: details.signals (DescribeNovelty of the event, if any) and
// details.baseline (what it was compared with, in words).
void NoteNovelty(const RuleEnv& env, const EventContext& ctx, Incident& inc);

}  // namespace tern::detect

#endif  // TERN_CORE_DETECT_NOVELTY_H_
