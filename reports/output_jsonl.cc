// Output `jsonl`: one JSON object per event, Timesketch-importable (fields:
// reports/event_export.h), for `--timeline jsonl` and `tern search`.
#include <memory>
#include <string>

#include "reports/event_export.h"
#include "reports/output.h"

namespace tern {
namespace {

class JsonlOutput : public OutputModule {
 public:
  explicit JsonlOutput(std::FILE* out) : out_(out) {}

  absl::Status WriteEvent(const Event& e, const EventEnrichment& x) override {
    std::string text;
    AppendEventJsonl(e, x, &text);
    return WriteToStream(out_, text);
  }
  absl::Status WriteFooter() override { return FlushStream(out_); }

 private:
  std::FILE* out_;
};

std::unique_ptr<OutputModule> MakeJsonl(const OutputTarget& target) {
  return std::make_unique<JsonlOutput>(target.out);
}

}  // namespace

OutputInfo JsonlOutputInfo() {
  return {"jsonl",
          "one JSON object per event (Timesketch)",
          kOutputTimeline | kOutputSearch,
          "timeline.jsonl",
          "timeline",
          &MakeJsonl};
}

}  // namespace tern
