// Output findings.json: the machine-readable findings of the case
// (reports/findings_json.h), a case document of `tern report` and `tern run`.
#include <memory>

#include "core/case/case_dir.h"
#include "reports/findings_json.h"
#include "reports/output.h"

namespace tern {
namespace {

class FindingsJsonOutput : public OutputModule {
 public:
  explicit FindingsJsonOutput(const OutputTarget& target) : target_(target) {}
  absl::Status WriteFooter() override { return WriteFindingsJson(*target_.view, target_.path); }

 private:
  OutputTarget target_;
};

std::unique_ptr<OutputModule> MakeFindingsJson(const OutputTarget& target) {
  return std::make_unique<FindingsJsonOutput>(target);
}

}  // namespace

OutputInfo FindingsJsonOutputInfo() {
  return {kFindingsFile,
          "machine-readable findings, incidents and the sessions they name (tern.findings schema)",
          kOutputCaseDocument,
          kFindingsFile,
          "findings",
          &MakeFindingsJson};
}

}  // namespace tern
