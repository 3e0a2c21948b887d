// Output `ecs`: every event, then every finding, as Elastic Common Schema
// NDJSON or `_bulk` bodies (reports/export/ecs_writer.h), for
// `tern export --format ecs`.
#include <memory>
#include <utility>

#include "reports/export/ecs_writer.h"
#include "reports/output.h"

namespace tern {
namespace {

class EcsOutput : public OutputModule {
 public:
  EcsOutput(EcsOptions options, std::FILE* out) : writer_(std::move(options), out) {}

  absl::Status WriteHeader() override { return writer_.Begin(); }
  absl::Status WriteEvent(const Event& e, const EventEnrichment& x) override {
    return writer_.AddEvent(e, x);
  }
  absl::Status WriteFinding(const ExportFinding& f) override { return writer_.AddFinding(f); }
  absl::Status WriteFooter() override { return writer_.Finish(); }

 private:
  EcsWriter writer_;
};

std::unique_ptr<OutputModule> MakeEcs(const OutputTarget& target) {
  EcsOptions options;
  options.bulk = target.bulk;
  if (!target.index.empty()) options.index = target.index;
  options.case_id = target.case_id;
  return std::make_unique<EcsOutput>(std::move(options), target.out);
}

}  // namespace

OutputInfo EcsOutputInfo() {
  return {"ecs",         "Elastic Common Schema NDJSON (--bulk: Elasticsearch _bulk bodies)",
          kOutputExport, "",
          "ECS",         &MakeEcs};
}

}  // namespace tern
