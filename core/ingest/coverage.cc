#include "core/ingest/coverage.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tern {
namespace {

std::string Hours(TimeMs ms) {
  return absl::StrFormat("%.1f hours", static_cast<double>(ms) / 3.6e6);
}

bool IsSource(const EvidenceRecord& r) {
  // Skipped re-presentations of known bytes and interrupted attempts hold no
  // events of the case (the same rule as the reports' evidence list).
  return !r.is_container && r.status != "skipped-known-sha256" && r.status != "interrupted" &&
         r.first_event_ms != kNoTime && r.last_event_ms != kNoTime;
}

}  // namespace

Coverage AnalyzeCoverage(const std::vector<EvidenceRecord>& records) {
  Coverage out;
  for (const EvidenceRecord& r : records) {
    if (!IsSource(r)) continue;
    CoverageWindow w;
    w.source = r.display.empty() ? r.given_path : r.display;
    w.sha256 = r.sha256;
    w.format = r.format;
    w.first = r.first_event_ms;
    w.last = r.last_event_ms;
    w.records = r.records_parsed;
    out.windows.push_back(std::move(w));
  }
  std::sort(out.windows.begin(), out.windows.end(),
            [](const CoverageWindow& a, const CoverageWindow& b) {
              return std::tie(a.first, a.last, a.source, a.sha256) <
                     std::tie(b.first, b.last, b.source, b.sha256);
            });
  if (out.windows.empty()) return out;
  out.first = out.windows.front().first;

  // Holes: a sweep in order of start, tracking how far the union reaches
  // and which source reaches that far.
  TimeMs reach = out.windows.front().last;
  const CoverageWindow* reacher = &out.windows.front();
  for (const CoverageWindow& w : out.windows) {
    if (w.first - reach > kCoverageGapMs) {
      out.warnings.push_back(Warning{
          "coverage-gap", w.source, 0,
          absl::StrCat("no source covers ", FormatRfc3339(reach), " to ", FormatRfc3339(w.first),
                       " (", Hours(w.first - reach), "): ", reacher->source,
                       " ends before it and this source starts after it; events of that time "
                       "may be missing from the evidence")});
    }
    if (w.last > reach) {
      reach = w.last;
      reacher = &w;
    }
  }
  out.last = reach;

  // Overlaps of positive length. Windows are sorted by start, so the inner
  // loop stops at the first window starting after this one ends. Reported
  // once per source (not per pair), naming the first few others.
  std::vector<std::vector<size_t>> others(out.windows.size());
  for (size_t i = 0; i < out.windows.size(); ++i) {
    const CoverageWindow& a = out.windows[i];
    for (size_t j = i + 1; j < out.windows.size() && out.windows[j].first < a.last; ++j) {
      if (std::min(a.last, out.windows[j].last) <= out.windows[j].first) continue;
      others[i].push_back(j);
      others[j].push_back(i);
    }
  }
  std::vector<Warning> overlap_warnings;
  for (size_t i = 0; i < out.windows.size(); ++i) {
    if (others[i].empty()) continue;
    std::vector<std::string> names;
    for (size_t j : others[i]) names.push_back(out.windows[j].source);
    std::sort(names.begin(), names.end());
    std::string listed;
    for (size_t k = 0; k < names.size() && k < kMaxOverlapNames; ++k) {
      absl::StrAppend(&listed, k == 0 ? "" : ", ", names[k]);
    }
    if (names.size() > kMaxOverlapNames) {
      absl::StrAppend(&listed, " and ", names.size() - kMaxOverlapNames, " more");
    }
    const CoverageWindow& w = out.windows[i];
    overlap_warnings.push_back(
        Warning{"coverage-overlap", w.source, 0,
                absl::StrCat("covers ", FormatRfc3339(w.first), " to ", FormatRfc3339(w.last),
                             " and overlaps ", names.size(),
                             names.size() == 1 ? " source" : " sources", " in time (", listed,
                             "); records present in several sources are stored once and counted as "
                             "duplicates")});
  }
  const size_t overlapping = overlap_warnings.size();
  std::sort(overlap_warnings.begin(), overlap_warnings.end(),
            [](const Warning& x, const Warning& y) {
              return std::tie(x.source, x.detail) < std::tie(y.source, y.detail);
            });
  if (overlap_warnings.size() > kMaxOverlapWarnings) overlap_warnings.resize(kMaxOverlapWarnings);
  for (Warning& w : overlap_warnings) out.warnings.push_back(std::move(w));
  if (overlapping > kMaxOverlapWarnings) {
    out.warnings.push_back(
        Warning{"coverage-overlap", "", 0,
                absl::StrCat(overlapping - kMaxOverlapWarnings,
                             " more sources overlap others in time (not listed)")});
  }
  // Gaps stay in time order (the sweep's order, fixed by the window sort),
  // overlaps follow in source order: readable, and independent of where the
  // case or the evidence happens to live on disk.
  return out;
}

}  // namespace tern
