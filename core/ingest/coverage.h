// Coverage of a case's evidence in time: the window each source covers (its
// first to last event; a source is a file or an archive member that yielded
// events), the holes in the union of those windows, and the sources whose
// windows overlap (where duplicates come from).
//
// A pure function of the evidence records, so the answer is the same in
// whatever order (or in how many runs) the evidence was added; custody.json
// and the reports (findings.json, report.html) both call it. Windows come
// from the custody records, not from a scan of the events: a hole inside one
// source's window (an export that is itself incomplete) is not seen here;
// the export-cap and result-index warnings speak to that. Thread-safe.
#ifndef TERN_CORE_INGEST_COVERAGE_H_
#define TERN_CORE_INGEST_COVERAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/time.h"
#include "core/model/evidence_record.h"
#include "core/model/warning.h"

namespace tern {

// A hole longer than this between sources is reported. Audit exports are
// pulled per day or per window of hours; a whole day with no source at all
// is a collection gap more often than a quiet mailbox.
inline constexpr TimeMs kCoverageGapMs = 24 * 3600 * 1000;
// At most this many coverage-overlap warnings (one per source); one more
// says how many were left out, and each names at most kMaxOverlapNames of
// the sources it overlaps. Collections of thousands of files must not drown
// the report.
inline constexpr size_t kMaxOverlapWarnings = 50;
inline constexpr size_t kMaxOverlapNames = 5;

struct CoverageWindow {
  std::string source;  // EvidenceRecord::display ("dir/a.zip!x.csv")
  std::string sha256;
  std::string format;
  TimeMs first = kNoTime;
  TimeMs last = kNoTime;
  uint64_t records = 0;  // records parsed from the source
};

struct Coverage {
  // Sources with events, sorted by (first, last, source, sha256).
  std::vector<CoverageWindow> windows;
  TimeMs first = kNoTime;  // of the union
  TimeMs last = kNoTime;
  // "coverage-gap": no source covers a stretch longer than kCoverageGapMs
  // inside the union (source: the source that resumes after the hole).
  // "coverage-overlap": the source shares a stretch of positive length with
  // other sources (named in the detail). Sorted by (kind, source, detail);
  // line is always 0.
  std::vector<Warning> warnings;
};

// Considers leaf items that are part of the case (not containers, not
// re-presented known bytes, not interrupted attempts) with a coverage window.
Coverage AnalyzeCoverage(const std::vector<EvidenceRecord>& records);

}  // namespace tern

#endif  // TERN_CORE_INGEST_COVERAGE_H_
