// Micro-benchmarks of the parse path: CSV record splitting and unquoting,
// AuditData field extraction, whole-format parses, IP and time normalization.
#include <string>
#include <string_view>
#include <vector>

#include "benchmark/benchmark.h"
#include "core/base/ip.h"
#include "core/base/time.h"
#include "core/evidence/byte_stream.h"
#include "core/ingest/parser.h"
#include "parsers/audit_data.h"
#include "parsers/builtin.h"
#include "parsers/csv_reader.h"
#include "tools/bench/samples.h"

namespace tern::bench {
namespace {

// Counts what a parser emits and drops it.
class NullSink : public EventSink, public WarningSink {
 public:
  absl::Status Accept(Event event, std::string_view raw) override {
    benchmark::DoNotOptimize(event.record_id.data());
    benchmark::DoNotOptimize(raw.data());
    ++events;
    return absl::OkStatus();
  }
  void Report(Warning) override { ++warnings; }
  uint64_t events = 0;
  uint64_t warnings = 0;
};

void BM_CsvSplitUnquote(benchmark::State& state) {
  const std::string& csv = GetSamples().purview_csv;
  uint64_t rows = 0;
  for (auto _ : state) {
    MemoryStream in(csv);
    CsvReader reader(&in);
    while (true) {
      absl::StatusOr<bool> more = reader.Next();
      if (!more.ok() || !*more) break;
      benchmark::DoNotOptimize(reader.field(5).data());
      ++rows;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * csv.size()));
  state.SetItemsProcessed(static_cast<int64_t>(rows));
}
BENCHMARK(BM_CsvSplitUnquote);

void BM_NormalizeAuditData(benchmark::State& state) {
  const Samples& s = GetSamples();
  size_t i = 0;
  for (auto _ : state) {
    Event e;
    absl::Status status = NormalizeAuditData(s.audit[i], &e);
    benchmark::DoNotOptimize(status.ok());
    if (++i == s.audit.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * (s.audit_bytes / s.audit.size())));
}
BENCHMARK(BM_NormalizeAuditData);

void ParseWith(benchmark::State& state, std::string_view format, const std::string& text) {
  ParserRegistry registry;
  if (!RegisterBuiltinParsers(registry).ok()) {
    state.SkipWithError("no parsers");
    return;
  }
  const Parser* parser = registry.Find(format);
  uint64_t events = 0;
  for (auto _ : state) {
    NullSink sink;
    ParseContext ctx;
    ctx.source = "bench";
    ctx.events = &sink;
    ctx.warnings = &sink;
    MemoryStream in(text);
    absl::Status status = parser->Parse(in, ctx);
    benchmark::DoNotOptimize(status.ok());
    events += sink.events;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.SetItemsProcessed(static_cast<int64_t>(events));
}

void BM_ParsePurviewCsv(benchmark::State& state) {
  ParseWith(state, "purview-csv", GetSamples().purview_csv);
}
BENCHMARK(BM_ParsePurviewCsv)->Unit(benchmark::kMillisecond);

void BM_ParseJsonLines(benchmark::State& state) {
  ParseWith(state, "ual-json", GetSamples().jsonl);
}
BENCHMARK(BM_ParseJsonLines)->Unit(benchmark::kMillisecond);

void BM_NormalizeClientIp(benchmark::State& state) {
  // The shapes of FORMATS.md §4.6, weighted like real exports: mostly plain
  // IPv4, admin records with a port, some IPv6.
  const std::vector<std::string> ips = {"81.2.69.142",
                                        "81.2.69.142",
                                        "203.0.113.77:19823",
                                        "2603:10b6:5:345::11",
                                        "[2001:db8::abcd]:12345",
                                        "::ffff:10.11.12.13",
                                        "175.16.199.23",
                                        "2.125.160.218"};
  size_t i = 0;
  for (auto _ : state) {
    std::string ip = NormalizeClientIp(ips[i]);
    benchmark::DoNotOptimize(ip.data());
    if (++i == ips.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_NormalizeClientIp);

void BM_ParseIso8601(benchmark::State& state) {
  for (auto _ : state) {
    absl::StatusOr<TimeMs> t = ParseIso8601("2024-03-12T02:15:33");
    benchmark::DoNotOptimize(t.ok());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseIso8601);

void BM_ParseWrapperDate(benchmark::State& state) {
  for (auto _ : state) {
    absl::StatusOr<TimeMs> t = ParseWrapperDate("3/12/2024 2:15:33 AM", DateOrder::kMonthFirst);
    benchmark::DoNotOptimize(t.ok());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseWrapperDate);

}  // namespace
}  // namespace tern::bench
