// Splits the generated stream into overlapping time windows, one file per
// window in one of the requested export shapes (so the same record occurs
// in two files, possibly in two shapes), and keeps the counts truth.json
// reports. Thread-compatible.
#ifndef TERN_TOOLS_GEN_OUTPUT_H_
#define TERN_TOOLS_GEN_OUTPUT_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tools/gen/model.h"

namespace tern::gen {

enum class Format { kPurviewCsv, kSualCsv, kJsonArray, kJsonLines, kMailboxAuditCsv };

// "purview-csv", "sual-csv", "json", "jsonl", "mailbox-audit-csv".
std::string_view FormatName(Format f);
bool ParseFormat(std::string_view name, Format* f);
// The format id tern's detection is expected to give such a file.
std::string_view ExpectedParser(Format f);

struct OutputOptions {
  std::string dir;
  std::vector<Format> formats;  // window k uses formats[k % size]
  int64_t window_ms = 0;        // > overlap_ms
  int64_t overlap_ms = 0;
};

struct FileStats {
  std::string name;  // relative to the output directory
  Format format = Format::kPurviewCsv;
  uint64_t records = 0;
  uint64_t bytes = 0;
};

class WindowedOutput {
 public:
  WindowedOutput(const Tenant& tenant, OutputOptions options);
  ~WindowedOutput();
  WindowedOutput(const WindowedOutput&) = delete;
  WindowedOutput& operator=(const WindowedOutput&) = delete;

  // Writes `r`, whose AuditData is `audit`, into every window holding its
  // time. Records must come in time order. False (with error()) on I/O
  // failure.
  bool Add(const Record& r, std::string_view audit);
  // Closes every window.
  bool Finish();
  const std::string& error() const { return error_; }

  const std::vector<FileStats>& files() const { return files_; }
  uint64_t rows() const { return rows_; }
  // Distinct records written at least once.
  uint64_t unique() const { return unique_; }
  // Distinct records as a store sees them when records without an Id
  // (mailbox-audit-csv) never de-duplicate against records with one.
  uint64_t unique_by_id_kind() const { return unique_by_id_kind_; }
  uint64_t bytes() const;

 private:
  class File;
  File* Open(int64_t window);
  bool CloseBefore(int64_t time);

  const Tenant& tenant_;
  OutputOptions options_;
  std::vector<std::unique_ptr<File>> open_;  // at most two, oldest first
  std::vector<FileStats> files_;
  std::string error_;
  std::string row_;  // scratch
  uint64_t rows_ = 0;
  uint64_t unique_ = 0;
  uint64_t unique_by_id_kind_ = 0;
};

}  // namespace tern::gen

#endif  // TERN_TOOLS_GEN_OUTPUT_H_
