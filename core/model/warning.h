// Warnings: a bad record, an unreadable file, a suspicious export. Counted,
// stored in custody and reported; never silently dropped.
#ifndef TERN_CORE_MODEL_WARNING_H_
#define TERN_CORE_MODEL_WARNING_H_

#include <cstdint>
#include <string>

namespace tern {

struct Warning {
  // Stable machine-readable kind, e.g. "rejected-record", "unreadable-file",
  // "export-cap-reached", "auditdata-truncated", "invalid-utf8".
  std::string kind;
  // The file, with "!member" for archive members: "exports/a.zip!2023/ual.csv".
  std::string source;
  uint64_t line = 0;  // 0 when not tied to a line
  std::string detail;
};

// Receives warnings as they happen. Implementations must be safe to call from
// the thread that owns the parse; the ingester gives each parse its own sink.
class WarningSink {
 public:
  virtual ~WarningSink() = default;
  virtual void Report(Warning warning) = 0;
};

}  // namespace tern

#endif  // TERN_CORE_MODEL_WARNING_H_
