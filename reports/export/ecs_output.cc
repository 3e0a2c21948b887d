// Output `ecs`: every event, every finding, then every incident (read from the
// case store at the footer, one at a time), as Elastic Common Schema
// NDJSON or `_bulk` bodies (reports/export/ecs_writer.h), for
// `tern export --format ecs`.
#include <memory>
#include <utility>

#include "core/base/status_macros.h"
#include "reports/export/ecs_writer.h"
#include "reports/incident_report.h"
#include "reports/output.h"

namespace tern {
namespace {

class EcsOutput : public OutputModule {
 public:
  EcsOutput(EcsOptions options, std::FILE* out, CaseStore* store)
      : writer_(std::move(options), out), store_(store) {}

  absl::Status WriteHeader() override { return writer_.Begin(); }
  absl::Status WriteEvent(const Event& e, const EventEnrichment& x) override {
    return writer_.AddEvent(e, x);
  }
  absl::Status WriteFinding(const ExportFinding& f) override { return writer_.AddFinding(f); }
  absl::Status WriteFooter() override {
    if (store_ != nullptr) {
      TERN_RETURN_IF_ERROR(ForEachStoredIncident(
          *store_, [&](const CaseIncident& c) { return writer_.AddIncident(c); }));
    }
    return writer_.Finish();
  }

 private:
  EcsWriter writer_;
  CaseStore* store_;  // not owned; nullptr: no incidents
};

std::unique_ptr<OutputModule> MakeEcs(const OutputTarget& target) {
  EcsOptions options;
  options.bulk = target.bulk;
  if (!target.index.empty()) options.index = target.index;
  options.case_id = target.case_id;
  return std::make_unique<EcsOutput>(std::move(options), target.out, target.store);
}

}  // namespace

OutputInfo EcsOutputInfo() {
  return {"ecs",         "Elastic Common Schema NDJSON (--bulk: Elasticsearch _bulk bodies)",
          kOutputExport, "events.ndjson",
          "ECS",         &MakeEcs};
}

}  // namespace tern
