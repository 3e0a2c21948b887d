// Chain-of-custody record for one evidence item: a file given by the user, or
// a member inside an archive (with its container as parent). Plain data.
#ifndef TERN_CORE_MODEL_EVIDENCE_RECORD_H_
#define TERN_CORE_MODEL_EVIDENCE_RECORD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/time.h"
#include "core/model/warning.h"

namespace tern {

struct EvidenceRecord {
  uint32_t ordinal = 0;  // case-local id (1-based); 0 = none
  uint32_t parent = 0;   // ordinal of the containing archive; 0 for a top-level file
  std::string given_path;     // as given on the command line (top-level items)
  std::string absolute_path;  // absolute path of the top-level file
  std::string member_path;    // path inside the parent archive; "" for top-level
  std::string display;        // "given/path.zip!member/path" for messages
  bool is_container = false;
  std::string container_format;  // "zip", "tar", "gzip", "7zip", ... for containers
  uint64_t size = 0;
  TimeMs mtime_ms = kNoTime;  // top-level files only
  std::string sha256, sha1, md5;  // lower-case hex
  std::string format;  // parser name that read it ("purview-csv", ...) or ""
  uint64_t records_parsed = 0;
  uint64_t records_stored = 0;
  uint64_t records_duplicate = 0;
  uint64_t records_rejected = 0;
  TimeMs first_event_ms = kNoTime;
  TimeMs last_event_ms = kNoTime;
  uint64_t warning_count = 0;
  std::vector<Warning> warnings;  // the first kMaxStoredWarnings of them
  std::string ingested_at;  // RFC 3339 UTC, when this item was ingested
  uint32_t run = 0;         // which run (1-based) ingested it
  // "ingested", "skipped-known-sha256" (same bytes already in the case),
  // "unreadable", "unrecognized-format", "incomplete" (interrupted).
  std::string status;
  uint32_t same_as = 0;  // for skipped items: ordinal of the earlier identical item

  static constexpr size_t kMaxStoredWarnings = 200;
};

}  // namespace tern

#endif  // TERN_CORE_MODEL_EVIDENCE_RECORD_H_
