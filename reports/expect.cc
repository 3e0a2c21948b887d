#include "reports/expect.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/base/escape.h"
#include "core/base/strings.h"
#include "reports/diff.h"

namespace tern {
namespace {

bool OnMailbox(const DocumentFinding& f, const std::string& mailbox) {
  return mailbox.empty() || EqualsIgnoreCase(f.mailbox_upn, mailbox) ||
         EqualsIgnoreCase(f.mailbox_guid, mailbox);
}

bool Matches(const FindingExpectation& e, const DocumentFinding& f) {
  if (!e.rule.empty() && f.rule != e.rule) return false;
  if (!OnMailbox(f, e.mailbox)) return false;
  if (e.ip.empty()) return true;
  return std::any_of(f.client_ips.begin(), f.client_ips.end(),
                     [&](const std::string& ip) { return EqualsIgnoreCase(ip, e.ip); });
}

bool IsHigh(const DocumentFinding& f) { return f.severity == "high" || f.severity == "critical"; }

}  // namespace

std::string DescribeExpectation(const FindingExpectation& e) {
  if (e.no_high) return absl::StrCat("no high or critical finding on ", e.mailbox);
  std::string text = e.rule.empty() ? "any rule" : absl::StrCat("rule ", e.rule);
  if (!e.mailbox.empty()) absl::StrAppend(&text, " on ", e.mailbox);
  if (!e.ip.empty()) absl::StrAppend(&text, " from ", e.ip);
  if (e.max_count >= 0) {
    absl::StrAppend(&text, ": ", e.min_count, " to ", e.max_count, " findings");
  } else {
    absl::StrAppend(&text, ": at least ", e.min_count, " finding", e.min_count == 1 ? "" : "s");
  }
  return text;
}

std::vector<std::string> CheckExpectations(const std::vector<FindingExpectation>& expectations,
                                           const FindingsDocument& doc) {
  std::vector<std::string> failures;
  for (const FindingExpectation& e : expectations) {
    if (e.no_high) {
      std::vector<std::string> offending;
      for (const DocumentFinding& f : doc.findings) {
        if (OnMailbox(f, e.mailbox) && IsHigh(f)) offending.push_back(FindingKey(f));
      }
      if (!offending.empty()) {
        failures.push_back(absl::StrCat("expected ", DescribeExpectation(e), "; found ",
                                        absl::StrJoin(offending, "; ")));
      }
      continue;
    }
    const uint64_t count = static_cast<uint64_t>(
        std::count_if(doc.findings.begin(), doc.findings.end(),
                      [&](const DocumentFinding& f) { return Matches(e, f); }));
    const bool too_many = e.max_count >= 0 && count > static_cast<uint64_t>(e.max_count);
    if (count < e.min_count || too_many) {
      failures.push_back(absl::StrCat("expected ", DescribeExpectation(e), "; found ", count));
    }
  }
  return failures;
}

ExpectOutcome CheckExpectation(const Expectation& expectation, const FindingsDocument& actual) {
  ExpectOutcome outcome;
  const std::string path = TerminalSafe(expectation.path);
  if (expectation.baseline.has_value()) {
    const FindingsDiff diff = DiffFindings(*expectation.baseline, actual);
    outcome.met = diff.equal();
    outcome.text = outcome.met ? absl::StrCat("expect    findings equal ", path, "\n")
                               : absl::StrCat("expect    findings differ from ", path, ":\n",
                                              TerminalSafe(RenderDiffText(diff)));
    return outcome;
  }
  const std::vector<std::string> failures = CheckExpectations(expectation.expectations, actual);
  for (const std::string& f : failures) {
    absl::StrAppend(&outcome.text, "expect    FAILED ", TerminalSafe(f), "\n");
  }
  absl::StrAppend(&outcome.text, "expect    ", expectation.expectations.size() - failures.size(),
                  " of ", expectation.expectations.size(), " expectations met (", path, ")\n");
  outcome.met = failures.empty();
  return outcome;
}

}  // namespace tern
