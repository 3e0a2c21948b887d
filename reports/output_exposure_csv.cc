// Output exposure.csv: per incident, each item the attacker read, sent,
// deleted, moved or created (reports/incident_report.h), a case document of
// `tern report` and `tern run`, written only for a case with incidents.
#include <memory>

#include "core/base/files.h"
#include "reports/incident_report.h"
#include "reports/output.h"

namespace tern {
namespace {

class ExposureCsvOutput : public OutputModule {
 public:
  explicit ExposureCsvOutput(const OutputTarget& target) : target_(target) {}
  absl::Status WriteFooter() override {
    return WriteFileAtomically(target_.path, RenderExposureCsv(*target_.view));
  }

 private:
  OutputTarget target_;
};

std::unique_ptr<OutputModule> MakeExposureCsv(const OutputTarget& target) {
  return std::make_unique<ExposureCsvOutput>(target);
}

bool HasIncidents(const CaseView& view) { return !view.incidents.empty(); }

}  // namespace

OutputInfo ExposureCsvOutputInfo() {
  return {kExposureFileName,
          "what the attacker touched, one row per item of every incident (formula-safe CSV)",
          kOutputCaseDocument,
          kExposureFileName,
          "exposure",
          &MakeExposureCsv,
          &HasIncidents};
}

}  // namespace tern
