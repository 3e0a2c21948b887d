// `--expect FILE` for CI: checks a run's findings against expectations
// (rule / mailbox / IP / count, "no high on this mailbox") and says, in
// words, each one that failed. Comparing with a stored findings.json is
// reports/diff.h. Thread-safe: pure functions.
#ifndef TERN_REPORTS_EXPECT_H_
#define TERN_REPORTS_EXPECT_H_

#include <string>
#include <vector>

#include "core/model/findings_document.h"

namespace tern {

// One line per expectation that does not hold, in file order; empty when
// all hold.
std::vector<std::string> CheckExpectations(const std::vector<FindingExpectation>& expectations,
                                           const FindingsDocument& findings);

// The expectation in words: "rule inbox-rule-forward-external on erin@x from 1.2.3.4: at least 1".
std::string DescribeExpectation(const FindingExpectation& e);

struct ExpectOutcome {
  bool met = true;
  // What the console shows: "expect    ..." lines, terminal-safe.
  std::string text;
};

// Checks `actual` against `expectation`: equal to its baseline (the
// differences listed otherwise), or every expectation held (each failure
// listed, then "N of M expectations met").
ExpectOutcome CheckExpectation(const Expectation& expectation, const FindingsDocument& actual);

}  // namespace tern

#endif  // TERN_REPORTS_EXPECT_H_
