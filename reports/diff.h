// `tern diff`: what changed between two findings documents (two cases, two
// findings.json files). Findings are matched by rule, mailbox, actor, client
// IPs and first_seen — never by F-number, which shifts when anything before
// it changes; incidents by identities, attacker IPs and first_seen. Output is
// sorted and stable (text and JSON) so a CI log diff is readable.
// Thread-safe: pure functions.
#ifndef TERN_REPORTS_DIFF_H_
#define TERN_REPORTS_DIFF_H_

#include <string>
#include <vector>

#include "core/model/findings_document.h"

namespace tern {

// One difference: kind is "summary", "severity-count", "finding", "incident";
// change is "added", "removed" or "changed". `key` names the item (the match
// key in words); before/after describe it (or the changed fields) on each side.
struct Difference {
  std::string kind;
  std::string change;
  std::string key;
  std::string before;  // "" for added
  std::string after;   // "" for removed
};

struct FindingsDiff {
  std::vector<Difference> differences;  // sorted by (kind, key, change)
  bool equal() const { return differences.empty(); }
};

FindingsDiff DiffFindings(const FindingsDocument& a, const FindingsDocument& b);

// "finding suspicious-client mailbox=erin@x actor=erin@x ips=1.2.3.4 first_seen=...": the
// match key of a finding, as --expect and diff print it.
std::string FindingKey(const DocumentFinding& f);

// Text: one line per difference ("+ finding KEY  AFTER", "- ...", "~ ...
// BEFORE -> AFTER"), then "N differences" or "no differences".
std::string RenderDiffText(const FindingsDiff& diff);
// JSON: {"equal": bool, "differences": [{kind, change, key, before, after}]}.
std::string RenderDiffJson(const FindingsDiff& diff);

}  // namespace tern

#endif  // TERN_REPORTS_DIFF_H_
