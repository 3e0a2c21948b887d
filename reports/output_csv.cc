// Output `csv`: one RFC 4180 row per event under a header row, formulas
// neutralized (reports/event_export.h), for `--timeline csv` and
// `tern search`.
#include <memory>
#include <string>

#include "reports/event_export.h"
#include "reports/output.h"

namespace tern {
namespace {

class CsvOutput : public OutputModule {
 public:
  explicit CsvOutput(std::FILE* out) : out_(out) {}

  // The header row even when no event follows.
  absl::Status WriteHeader() override { return WriteToStream(out_, EventCsvHeader()); }
  absl::Status WriteEvent(const Event& e, const EventEnrichment& x) override {
    std::string text;
    AppendEventCsv(e, x, &text);
    return WriteToStream(out_, text);
  }
  absl::Status WriteFooter() override { return FlushStream(out_); }

 private:
  std::FILE* out_;
};

std::unique_ptr<OutputModule> MakeCsv(const OutputTarget& target) {
  return std::make_unique<CsvOutput>(target.out);
}

}  // namespace

OutputInfo CsvOutputInfo() {
  return {"csv",
          "one CSV row per event (spreadsheets; formulas neutralized)",
          kOutputTimeline | kOutputSearch,
          "timeline.csv",
          "timeline",
          &MakeCsv};
}

}  // namespace tern
