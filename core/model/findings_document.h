// A findings.json read back (parsers/documents.h) for comparison, and the
// expectations a CI job checks it against (--expect FILE): what `tern diff`
// and `--expect` look at. Plain data; thread-compatible.
#ifndef TERN_CORE_MODEL_FINDINGS_DOCUMENT_H_
#define TERN_CORE_MODEL_FINDINGS_DOCUMENT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tern {

struct DocumentFinding {
  std::string id;  // F-number: shown, never matched on
  std::string rule;
  std::string severity;
  std::string title;
  std::string mailbox_guid;
  std::string mailbox_upn;
  std::string actor;
  std::vector<std::string> client_ips;  // as written (sorted by tern)
  std::string first_seen;
  std::string last_seen;
  uint64_t evidence = 0;  // number of evidence anchors
};

struct DocumentIncident {
  std::string id;
  std::string severity;
  std::string title;
  std::vector<std::string> identities;
  std::vector<std::string> attacker_ips;
  std::string first_seen;
  std::string last_seen;
  std::vector<std::string> rules;  // rules of its findings, sorted, unique
};

struct FindingsDocument {
  std::string schema;  // "tern.findings/1", ...
  // summary: events, duplicates, rejected, mailboxes, sessions.
  std::map<std::string, uint64_t> counts;
  std::map<std::string, uint64_t> findings_by_severity;
  std::vector<DocumentFinding> findings;
  std::vector<DocumentIncident> incidents;
};

// One line of an expectation file (docs/REGRESSION.md).
struct FindingExpectation {
  // Findings of `rule` (all rules when ""), on `mailbox` (UPN or GUID, any
  // case; any when "") with `ip` among their client IPs (any when "").
  std::string rule;
  std::string mailbox;
  std::string ip;
  uint64_t min_count = 1;
  int64_t max_count = -1;  // -1: no maximum
  // Set by "no_high": no finding of severity high or critical on `mailbox`.
  bool no_high = false;
};

// What `--expect FILE` holds: a stored findings document the findings must
// equal, or expectations they must satisfy.
struct Expectation {
  std::string path;  // the file, as given
  std::optional<FindingsDocument> baseline;
  std::vector<FindingExpectation> expectations;
};

}  // namespace tern

#endif  // TERN_CORE_MODEL_FINDINGS_DOCUMENT_H_
