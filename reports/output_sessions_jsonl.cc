// Output sessions.jsonl: every session of the case, one JSON object per line
// in (start, id) order, streamed from the store (reports/findings_json.h;
// findings.json keeps only the sessions findings and incidents name), a case
// document of `tern report` and `tern run`.
#include <memory>

#include "reports/findings_json.h"
#include "reports/output.h"

namespace tern {
namespace {

class SessionsJsonlOutput : public OutputModule {
 public:
  explicit SessionsJsonlOutput(const OutputTarget& target) : target_(target) {}
  absl::Status WriteFooter() override {
    return WriteSessionsJsonl(*target_.store, target_.path).status();
  }

 private:
  OutputTarget target_;
};

std::unique_ptr<OutputModule> MakeSessionsJsonl(const OutputTarget& target) {
  return std::make_unique<SessionsJsonlOutput>(target);
}

}  // namespace

OutputInfo SessionsJsonlOutputInfo() {
  OutputInfo info{
      kSessionsFile,       "every session, one JSON object per line (findings.json's fields)",
      kOutputCaseDocument, kSessionsFile,
      "sessions",          &MakeSessionsJsonl};
  // Streamed from the stored sessions: written beside the CaseView's load.
  info.reads_view = false;
  return info;
}

}  // namespace tern
