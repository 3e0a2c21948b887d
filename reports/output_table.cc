// Output `table`: an aligned terminal table, `tern search`'s default. The
// first rows are buffered to size the columns, then rows stream with those
// widths (longer cells are cut with "…"). Cells are terminal-safe: no control
// characters, tabs and line breaks become spaces.
#include <algorithm>
#include <cstring>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "core/base/time.h"
#include "reports/event_export.h"
#include "reports/event_format.h"
#include "reports/output.h"

namespace tern {
namespace {

// Rows buffered before the table's column widths are fixed.
constexpr size_t kTableSizingRows = 200;
// Width caps per table column; the last column is not padded.
constexpr size_t kTableCaps[] = {24, 32, 36, 36, 39, 20, 200};
constexpr const char* kTableHeader[] = {"TIME",      "OPERATION", "ACTOR", "MAILBOX",
                                        "CLIENT IP", "SOURCE",    "OBJECT"};
constexpr size_t kTableColumns = 7;

// A table cell: no control characters (TerminalSafe keeps \t and \n, which
// would break the alignment), cut to `cap` code points.
std::string TableCell(std::string_view raw, size_t cap) {
  std::string safe = TerminalSafe(raw);
  for (char& c : safe) {
    if (c == '\t' || c == '\n') c = ' ';
  }
  return TruncateUtf8(safe, cap);
}

class TableOutput : public OutputModule {
 public:
  explicit TableOutput(std::FILE* out) : out_(out) {}

  absl::Status WriteEvent(const Event& e, const EventEnrichment& x) override {
    const std::string mailbox = ShownMailboxUpn(e, x);
    const std::string raw[kTableColumns] = {
        FormatRfc3339(e.time_ms),
        e.operation,
        ShownActor(e, x),
        mailbox.empty() ? e.mailbox_guid : mailbox,
        e.client_ip,
        absl::StrCat(x.source.sha256.substr(0, 12), ":", x.source.line),
        DescribeObject(e, 0),
    };
    std::vector<std::string> row;
    for (size_t i = 0; i < kTableColumns; ++i) row.push_back(TableCell(raw[i], kTableCaps[i]));
    pending_.push_back(std::move(row));
    if (!started_ && pending_.size() < kTableSizingRows) return absl::OkStatus();
    Flush();
    return std::ferror(out_) ? absl::UnavailableError("write error on the output stream")
                             : absl::OkStatus();
  }

  // The header (and the rows held for sizing) even when there were few.
  absl::Status WriteFooter() override {
    Flush();
    return FlushStream(out_);
  }

 private:
  void Flush() {
    std::string text;
    if (!started_) {
      started_ = true;
      widths_.assign(kTableColumns, 0);
      for (size_t i = 0; i < kTableColumns; ++i) widths_[i] = std::strlen(kTableHeader[i]);
      for (const auto& row : pending_) {
        for (size_t i = 0; i < kTableColumns; ++i) {
          widths_[i] = std::max(widths_[i], Utf8Length(row[i]));
        }
      }
      std::vector<std::string> header(std::begin(kTableHeader), std::end(kTableHeader));
      pending_.insert(pending_.begin(), std::move(header));
    }
    for (const auto& row : pending_) {
      std::string line;
      for (size_t i = 0; i < kTableColumns; ++i) {
        const bool last = i + 1 == kTableColumns;
        // Rows after the sizing batch may be wider: cut them to the width.
        std::string cell = last ? row[i] : TruncateUtf8(row[i], widths_[i]);
        line += cell;
        if (!last) line.append(widths_[i] - Utf8Length(cell) + 2, ' ');
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      text += line;
      text += '\n';
    }
    pending_.clear();
    std::fwrite(text.data(), 1, text.size(), out_);
  }

  std::FILE* out_;
  bool started_ = false;
  std::vector<std::vector<std::string>> pending_;  // rows not yet printed
  std::vector<size_t> widths_;                     // fixed once the table started
};

std::unique_ptr<OutputModule> MakeTable(const OutputTarget& target) {
  return std::make_unique<TableOutput>(target.out);
}

}  // namespace

OutputInfo TableOutputInfo() {
  return {"table", "an aligned table for the terminal", kOutputSearch, "", "", &MakeTable};
}

}  // namespace tern
