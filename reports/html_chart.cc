// report.html: the timeline chart. An inline SVG drawn here with integer
// coordinates only, so the same counts always give the same bytes: events per
// bucket (hour, or day for long cases) stacked by category, and a lane of
// markers for the findings at the bucket of their first event.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/strings.h"
#include "reports/event_format.h"
#include "reports/html_internal.h"

namespace tern::html {
namespace {

constexpr int64_t kWidth = 1100;
constexpr int64_t kLeft = 58;
constexpr int64_t kRight = 14;
constexpr int64_t kLaneTop = 6;
constexpr int64_t kLaneHeight = 26;
constexpr int64_t kPlotTop = 44;
constexpr int64_t kPlotHeight = 220;
constexpr int64_t kHeight = kPlotTop + kPlotHeight + 34;
constexpr int64_t kPlotWidth = kWidth - kLeft - kRight;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// 1, 2 or 5 times a power of ten, so that max / step gives about 4 lines.
uint64_t NiceStep(uint64_t max) {
  uint64_t step = 1;
  while (true) {
    for (uint64_t m : {1, 2, 5}) {
      if (max / (step * m) <= 4) return step * m;
    }
    step *= 10;
  }
}

std::string BucketLabel(TimeMs start, TimeMs bucket_ms) {
  const std::string t = FormatRfc3339(start);  // 2024-03-06T02:00:00Z
  if (bucket_ms < kDayMs) return t.substr(0, 13) + ":00Z";
  return t.substr(0, 10);
}

std::string DayLabel(TimeMs start) { return FormatRfc3339(start).substr(0, 10); }

int64_t X(size_t index, size_t count) {
  return kLeft + static_cast<int64_t>(index) * kPlotWidth / static_cast<int64_t>(count);
}

}  // namespace

void RenderTimelineChart(const Context& ctx, std::string* out) {
  const CaseView& v = ctx.view;
  const ActivityChart& chart = v.activity.chart;
  out->append("<section class=\"block\" id=\"timeline\"><h2>Timeline</h2>\n");
  if (chart.buckets.empty()) {
    out->append("<p class=\"note\">No timed events to chart.</p>\n</section>\n");
    return;
  }
  const size_t n = chart.buckets.size();
  const std::string unit = chart.bucket_ms == kHourMs ? "hour"
                           : chart.bucket_ms == kDayMs
                               ? "day"
                               : absl::StrCat(chart.bucket_ms / kDayMs, " days");
  absl::StrAppend(out, "<p class=\"note\">Events per ", unit,
                  " (UTC), stacked by category; markers above the bars are findings at the time "
                  "of their first event (hover for details).</p>\n");

  uint64_t max_total = 0;
  std::vector<uint64_t> totals(n, 0);
  for (size_t i = 0; i < n; ++i) {
    for (uint64_t c : chart.buckets[i]) totals[i] += c;
    max_total = std::max(max_total, totals[i]);
  }
  const uint64_t step = NiceStep(std::max<uint64_t>(max_total, 1));
  const uint64_t top = (std::max<uint64_t>(max_total, 1) + step - 1) / step * step;
  const int64_t bottom = kPlotTop + kPlotHeight;
  auto y_of = [&](uint64_t value) {
    return bottom - static_cast<int64_t>(value * static_cast<uint64_t>(kPlotHeight) / top);
  };

  absl::StrAppend(out, "<svg class=\"chart\" viewBox=\"0 0 ", kWidth, " ", kHeight,
                  "\" role=\"img\" aria-label=\"Events over time\">\n");
  // Grid and y axis labels.
  for (uint64_t value = 0; value <= top; value += step) {
    const int64_t y = y_of(value);
    absl::StrAppend(out, "<line class=\"grid\" x1=\"", kLeft, "\" y1=\"", y, "\" x2=\"",
                    kWidth - kRight, "\" y2=\"", y, "\"/><text x=\"", kLeft - 6, "\" y=\"", y + 4,
                    "\" text-anchor=\"end\">", Count(value), "</text>\n");
  }
  absl::StrAppend(out, "<rect class=\"lane\" x=\"", kLeft, "\" y=\"", kLaneTop, "\" width=\"",
                  kPlotWidth, "\" height=\"", kLaneHeight, "\"/><text x=\"", kLeft - 12, "\" y=\"",
                  kLaneTop + 17, "\" text-anchor=\"end\">findings</text>\n");

  // Bars: one group per bucket with a tooltip; segments bottom-up in
  // category order, heights from cumulative sums so rounding never drifts.
  for (size_t i = 0; i < n; ++i) {
    if (totals[i] == 0) continue;
    const int64_t x0 = X(i, n);
    const int64_t x1 = X(i + 1, n);
    const int64_t width = std::max<int64_t>(1, x1 - x0 - (x1 - x0 >= 4 ? 1 : 0));
    std::string tip = absl::StrCat(
        BucketLabel(chart.origin + static_cast<TimeMs>(i) * chart.bucket_ms, chart.bucket_ms), ": ",
        Count(totals[i]), totals[i] == 1 ? " event" : " events");
    for (int c = 0; c < kCategoryCount; ++c) {
      if (chart.buckets[i][c] == 0) continue;
      absl::StrAppend(&tip, ", ", ToAbsl(CategoryName(static_cast<Category>(c))), " ",
                      Count(chart.buckets[i][c]));
    }
    absl::StrAppend(out, "<g><title>", Esc(tip), "</title>");
    uint64_t cumulative = 0;
    for (int c = 0; c < kCategoryCount; ++c) {
      const uint64_t count = chart.buckets[i][c];
      if (count == 0) continue;
      const int64_t y_low = y_of(cumulative);
      cumulative += count;
      const int64_t y_high = y_of(cumulative);
      if (y_low == y_high) continue;  // too small to see at this scale
      absl::StrAppend(out, "<rect class=\"c-", ToAbsl(CategoryName(static_cast<Category>(c))),
                      "\" x=\"", x0, "\" y=\"", y_high, "\" width=\"", width, "\" height=\"",
                      y_low - y_high, "\"/>");
    }
    out->append("</g>\n");
  }

  // X axis: ticks at day boundaries (or every k-th bucket for day buckets),
  // at most ~12 labels.
  absl::StrAppend(out, "<line class=\"axis\" x1=\"", kLeft, "\" y1=\"", bottom, "\" x2=\"",
                  kWidth - kRight, "\" y2=\"", bottom, "\"/>\n");
  const TimeMs end = chart.origin + static_cast<TimeMs>(n) * chart.bucket_ms;
  std::vector<std::pair<TimeMs, std::string>> ticks;
  if (chart.bucket_ms == kHourMs && n <= 48) {
    const TimeMs every = n <= 12 ? kHourMs * 2 : kHourMs * 6;
    for (TimeMs t = (FloorDiv(chart.origin - 1, every) + 1) * every; t <= end; t += every) {
      const std::string text = FormatRfc3339(t);
      ticks.emplace_back(t, text.substr(11, 5) == "00:00" ? DayLabel(t) : text.substr(11, 5));
    }
  } else {
    const TimeMs unit_ms = std::max(chart.bucket_ms, kDayMs);
    const int64_t units = (end - chart.origin) / unit_ms + 1;
    const int64_t every = std::max<int64_t>(1, (units + 11) / 12);
    const TimeMs first = (FloorDiv(chart.origin - 1, kDayMs) + 1) * kDayMs;
    for (TimeMs t = first; t <= end; t += every * unit_ms) ticks.emplace_back(t, DayLabel(t));
  }
  for (const auto& [t, text] : ticks) {
    const int64_t x = kLeft + (t - chart.origin) * kPlotWidth / (end - chart.origin);
    absl::StrAppend(out, "<line class=\"axis\" x1=\"", x, "\" y1=\"", bottom, "\" x2=\"", x,
                    "\" y2=\"", bottom + 5, "\"/><text x=\"", x, "\" y=\"", bottom + 18,
                    "\" text-anchor=\"middle\">", Esc(text), "</text>\n");
  }

  // Findings lane: one marker per bucket, colored by its most severe finding,
  // with the number of findings and a tooltip naming each.
  std::map<size_t, std::vector<size_t>> by_bucket;
  for (size_t i = 0; i < v.findings.size(); ++i) {
    int64_t b = FloorDiv(v.findings[i].first_seen - chart.origin, chart.bucket_ms);
    b = std::clamp<int64_t>(b, 0, static_cast<int64_t>(n) - 1);
    by_bucket[static_cast<size_t>(b)].push_back(i);
  }
  for (const auto& [bucket, indexes] : by_bucket) {
    const int64_t cx = (X(bucket, n) + X(bucket + 1, n)) / 2;
    const Severity max = MaxSeverity(v, indexes);
    std::string tip;
    for (size_t k = 0; k < indexes.size() && k < kFindingLinksShown; ++k) {
      const Finding& f = v.findings[indexes[k]];
      absl::StrAppend(&tip, tip.empty() ? "" : "\n", f.id, " [", ToAbsl(SeverityName(f.severity)),
                      "] ", DisplayTime(f.first_seen), " ", TruncateUtf8(f.title, 120));
    }
    if (indexes.size() > kFindingLinksShown) {
      absl::StrAppend(&tip, "\n… and ", indexes.size() - kFindingLinksShown,
                      " more (findings.json)");
    }
    const int64_t cy = kLaneTop + kLaneHeight / 2;
    const int64_t half = indexes.size() >= 10 ? 11 : 8;  // room for two digits
    absl::StrAppend(out, "<g><title>", Esc(tip), "</title><line class=\"guide\" x1=\"", cx,
                    "\" y1=\"", kLaneTop + kLaneHeight, "\" x2=\"", cx, "\" y2=\"", bottom,
                    "\"/><path class=\"mk-", ToAbsl(SeverityName(max)), "\" d=\"M", cx, " ",
                    cy - half - 1, "L", cx + half, " ", cy, "L", cx, " ", cy + half + 1, "L",
                    cx - half, " ", cy, "Z\"/>");
    if (indexes.size() > 1) {
      absl::StrAppend(out, "<text class=\"mkn\" x=\"", cx, "\" y=\"", cy + 3,
                      "\" text-anchor=\"middle\">", indexes.size(), "</text>");
    }
    out->append("</g>\n");
  }
  out->append("</svg>\n<div class=\"legend\">");
  for (int c = 0; c < kCategoryCount; ++c) {
    const Category category = static_cast<Category>(c);
    absl::StrAppend(out, "<span><i class=\"c-", ToAbsl(CategoryName(category)), "\"></i>",
                    Esc(CategoryLabel(category)), "</span>");
  }
  out->append("<span><em class=\"mk\">◆</em> finding</span></div>\n");
  if (chart.untimed > 0) {
    absl::StrAppend(out, "<p class=\"note\">", Count(chart.untimed),
                    " events without a usable time are not charted.</p>\n");
  }
  out->append("</section>\n");
}

}  // namespace tern::html
