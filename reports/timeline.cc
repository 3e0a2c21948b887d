#include "reports/timeline.h"

#include <cstdio>
#include <limits>
#include <memory>
#include <optional>

#include "core/base/files.h"
#include "core/base/status_macros.h"
#include "reports/case_view.h"

namespace tern {

absl::StatusOr<uint64_t> WriteTimeline(CaseStore& store, const OutputInfo& output,
                                       const std::string& path) {
  TERN_ASSIGN_OR_RETURN(SourceResolver resolver, SourceResolver::Create(store));
  // Identities as the analysis attributed them; as recorded before one.
  TERN_ASSIGN_OR_RETURN(const std::optional<correlate::MailboxDirectory> directory,
                        correlate::LoadMailboxDirectory(store));
  uint64_t count = 0;
  TERN_RETURN_IF_ERROR(WriteFileThrough(path, [&](std::FILE* file) {
    OutputTarget target;
    target.out = file;
    target.store = &store;
    std::unique_ptr<OutputModule> module = output.make(target);
    TERN_RETURN_IF_ERROR(module->WriteHeader());
    absl::Status inner;
    absl::Status scan = store.ScanEvents(std::numeric_limits<TimeMs>::min(),
                                         std::numeric_limits<TimeMs>::max(), [&](const Event& e) {
                                           absl::StatusOr<ResolvedAnchor> source =
                                               resolver.Resolve(e.record_id, e.provenance.evidence,
                                                                e.provenance.line, e.time_ms);
                                           if (!source.ok()) {
                                             inner = source.status();
                                             return false;
                                           }
                                           EventEnrichment x;
                                           x.source = *std::move(source);
                                           x.directory = directory ? &*directory : nullptr;
                                           inner = module->WriteEvent(e, x);
                                           ++count;
                                           return inner.ok();
                                         });
    if (scan.ok()) scan = inner;
    if (scan.ok()) scan = module->WriteFooter();
    return scan;
  }));
  return count;
}

}  // namespace tern
