// Output modules (after plaso's): every way tern writes a case out is a
// module with a header, a body of events and findings, and a footer, looked
// up by name in an OutputRegistry:
//   - case documents (findings.json, report.html, ...) that `tern report`
//     and `tern run` write into the report directory; they render the whole
//     case (OutputTarget::view) at their footer;
//   - event streams: `--timeline NAME` (every event, into the module's file),
//     `tern search --format NAME`, `tern export --format NAME`.
// The commands list the names of each kind from the registry (help text and
// errors), so adding an output is its own file plus one line in
// reports/builtin_outputs.cc (docs/DESIGN.md "Adding an output").
//
// Evidence text is attacker-controlled: each module escapes for its channel.
// A module is thread-compatible (one per stream); a registry is immutable
// once built and then thread-safe.
#ifndef TERN_REPORTS_OUTPUT_H_
#define TERN_REPORTS_OUTPUT_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/correlate/directory.h"
#include "core/model/event.h"
#include "core/model/finding.h"
#include "core/store/case_store.h"
#include "reports/case_view.h"

namespace tern {

// An event's context in the case. Pointers are valid during the call only.
struct EventEnrichment {
  ResolvedAnchor source;             // smallest (SHA-256, member, line) copy
  const Session* session = nullptr;  // nullptr: in no stored session (or unknown)
  const std::vector<std::string>* finding_ids = nullptr;  // nullptr: none (or unknown)
  // Who is who as `tern analyze` attributed it; nullptr: as recorded.
  const correlate::MailboxDirectory* directory = nullptr;
};

// A finding with its evidence anchors resolved.
struct ExportFinding {
  Finding finding;
  std::vector<ResolvedAnchor> anchors;  // parallel to finding.evidence
};

// What a command can do with an output (a bit set in OutputInfo::uses).
enum OutputUse : uint32_t {
  kOutputCaseDocument = 1u << 0,  // written by report / run into the report directory
  kOutputTimeline = 1u << 1,      // `--timeline NAME`: every event, into OutputInfo::file_name
  kOutputSearch = 1u << 2,        // `tern search --format NAME`
  kOutputExport = 1u << 3,        // `tern export --format NAME`
};

// Where and from what a module writes. Pointers are not owned and outlive
// the module.
struct OutputTarget {
  std::FILE* out = nullptr;        // event streams write here
  std::string path;                // case documents write this file (atomically) themselves
  CaseStore* store = nullptr;      // the case, open
  const CaseView* view = nullptr;  // case documents: the loaded case
  // Export options (ECS): the case id every document carries, `_bulk`
  // bodies and their index.
  std::string case_id;
  bool bulk = false;
  std::string index;
};

class OutputModule {
 public:
  virtual ~OutputModule() = default;
  // Each returns Unavailable on a write error. WriteHeader comes first,
  // WriteFooter last and once; events come in (time, record id) order,
  // findings in F-id order after them.
  virtual absl::Status WriteHeader() { return absl::OkStatus(); }
  virtual absl::Status WriteEvent(const Event& e, const EventEnrichment& x);
  virtual absl::Status WriteFinding(const ExportFinding& f);
  virtual absl::Status WriteFooter() { return absl::OkStatus(); }
};

using OutputFactory = std::unique_ptr<OutputModule> (*)(const OutputTarget& target);
// Whether a case document has anything to say about a case (exposure.csv
// only for a case with incidents).
using OutputCondition = bool (*)(const CaseView& view);

struct OutputInfo {
  std::string name;         // the registry key: --format / --timeline value, or the document
  std::string description;  // one line
  uint32_t uses = 0;        // OutputUse bits
  // kOutputCaseDocument, kOutputTimeline: the file in the report directory;
  // an export: the name it takes when written into a case directory. The
  // manifest seals every file name the registry lists (FileNames()).
  std::string file_name;
  std::string label;  // what the commands print before the file: "report    /abs/..."
  OutputFactory make = nullptr;
  OutputCondition written_when = nullptr;  // kOutputCaseDocument: nullptr = always written
  // kOutputCaseDocument: false for a document made from the store alone
  // (OutputTarget::view is null for it), which a report with 2+ threads
  // writes while the others wait for the CaseView to load. Such a document
  // has no written_when.
  bool reads_view = true;
};

class OutputRegistry {
 public:
  // AlreadyExists for a name taken; InvalidArgument for an info without a
  // name, uses or factory, or a file output without a file name.
  absl::Status Register(OutputInfo info);
  // The outputs with `use`, in registration order.
  std::vector<const OutputInfo*> For(OutputUse use) const;
  // The output `name` with `use`; InvalidArgument "--OPTION must be a, b or
  // c, not 'x'" naming the choices otherwise.
  absl::StatusOr<const OutputInfo*> Find(std::string_view name, OutputUse use,
                                         std::string_view option) const;
  // "a|b|c": the names with `use`, for help text.
  std::string Names(OutputUse use) const;
  // Every output's file name (OutputInfo::file_name), once each: what the
  // manifest seals in a report directory besides CaseDir::SealedFiles().
  std::vector<std::string> FileNames() const;

 private:
  std::vector<OutputInfo> outputs_;
};

// Stream helpers for modules: Unavailable "write error on the output
// stream" when the write (or the flush) fails.
absl::Status WriteToStream(std::FILE* out, std::string_view text);
absl::Status FlushStream(std::FILE* out);

}  // namespace tern

#endif  // TERN_REPORTS_OUTPUT_H_
