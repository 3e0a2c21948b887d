#include "tools/gen/output.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "tools/gen/serialize.h"

namespace tern::gen {
namespace {

// Bytes collected before a write(2); large enough that the generator's
// speed does not depend on the file system.
constexpr size_t kFlushBytes = size_t{4} << 20;
// Search-UnifiedAuditLog pages: ResultIndex runs 1..ResultCount per page.
constexpr size_t kPageRecords = 5000;

constexpr std::string_view kPurviewHeader =
    "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,"
    "AssociatedAdminUnitsNames\r\n";
constexpr std::string_view kSualHeader =
    "\"RecordType\",\"CreationDate\",\"UserIds\",\"Operations\",\"AuditData\",\"ResultIndex\","
    "\"ResultCount\",\"Identity\",\"IsValid\",\"ObjectState\"\r\n";

bool IdLess(Format f) { return f == Format::kMailboxAuditCsv; }

}  // namespace

std::string_view FormatName(Format f) {
  switch (f) {
    case Format::kPurviewCsv:
      return "purview-csv";
    case Format::kSualCsv:
      return "sual-csv";
    case Format::kJsonArray:
      return "json";
    case Format::kJsonLines:
      return "jsonl";
    case Format::kMailboxAuditCsv:
      return "mailbox-audit-csv";
  }
  return "";
}

bool ParseFormat(std::string_view name, Format* f) {
  for (Format c : {Format::kPurviewCsv, Format::kSualCsv, Format::kJsonArray, Format::kJsonLines,
                   Format::kMailboxAuditCsv}) {
    if (name == FormatName(c)) {
      *f = c;
      return true;
    }
  }
  return false;
}

std::string_view ExpectedParser(Format f) {
  switch (f) {
    case Format::kPurviewCsv:
      return "purview-csv";
    case Format::kSualCsv:
      return "sual-csv";
    case Format::kJsonArray:
    case Format::kJsonLines:
      return "ual-json";
    case Format::kMailboxAuditCsv:
      return "mailbox-audit-csv";
  }
  return "";
}

// One window's file.
class WindowedOutput::File {
 public:
  File(int64_t window, int64_t end_ms, Format format, std::string dir, std::string name)
      : window_(window), end_ms_(end_ms), path_(std::move(dir) + "/" + name) {
    stats_.name = std::move(name);
    stats_.format = format;
  }
  ~File() {
    if (file_ != nullptr) std::fclose(file_);
  }

  int64_t window() const { return window_; }
  int64_t end_ms() const { return end_ms_; }
  Format format() const { return stats_.format; }
  const FileStats& stats() const { return stats_; }

  bool Open(std::string* error) {
    file_ = std::fopen(path_.c_str(), "wb");
    if (file_ == nullptr) {
      *error = "cannot create " + path_ + ": " + std::strerror(errno);
      return false;
    }
    switch (stats_.format) {
      case Format::kPurviewCsv:
        buf_.append(kPurviewHeader);
        break;
      case Format::kSualCsv:
        buf_.append(kSualHeader);
        break;
      case Format::kJsonArray:
        buf_.push_back('[');
        break;
      case Format::kJsonLines:
        break;
      case Format::kMailboxAuditCsv:
        AppendMailboxAuditHeader(&buf_);
        break;
    }
    return true;
  }

  bool Add(const Tenant& t, const Record& r, std::string_view audit, std::string* error) {
    switch (stats_.format) {
      case Format::kPurviewCsv:
        AppendPurviewRow(t, r, audit, &buf_);
        break;
      case Format::kSualCsv: {
        std::string prefix;
        AppendQuotedCell(RecordTypeName(r.record_type), &prefix);
        prefix.append(",\"");
        AppendUsTime(r.time_ms, &prefix);
        prefix.append("\",");
        AppendQuotedCell(t.users[r.actor].upn, &prefix);
        prefix.push_back(',');
        AppendQuotedCell(r.operation, &prefix);
        prefix.push_back(',');
        AppendQuotedCell(audit, &prefix);
        page_.emplace_back(std::move(prefix), r.id);
        if (page_.size() == kPageRecords) FlushPage();
        break;
      }
      case Format::kJsonArray:
        buf_.append(stats_.records == 0 ? "\r\n" : ",\r\n").append(audit);
        break;
      case Format::kJsonLines:
        buf_.append(audit).push_back('\n');
        break;
      case Format::kMailboxAuditCsv:
        AppendMailboxAuditRow(t, r, &buf_);
        break;
    }
    ++stats_.records;
    return buf_.size() < kFlushBytes || Flush(error);
  }

  bool Close(std::string* error) {
    FlushPage();
    if (stats_.format == Format::kJsonArray)
      buf_.append(stats_.records == 0 ? "]\r\n" : "\r\n]\r\n");
    const bool ok = Flush(error);
    const int closed = std::fclose(file_);
    file_ = nullptr;
    if (ok && closed != 0) {
      *error = "cannot write " + path_ + ": " + std::strerror(errno);
      return false;
    }
    return ok;
  }

 private:
  void FlushPage() {
    const std::string count = std::to_string(page_.size());
    for (size_t i = 0; i < page_.size(); ++i) {
      buf_.append(page_[i].first).append(",\"").append(std::to_string(i + 1));
      buf_.append("\",\"").append(count).append("\",\"").append(page_[i].second);
      buf_.append("\",\"True\",\"Unchanged\"\r\n");
    }
    page_.clear();
  }

  bool Flush(std::string* error) {
    if (buf_.empty()) return true;
    if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) {
      *error = "cannot write " + path_ + ": " + std::strerror(errno);
      return false;
    }
    stats_.bytes += buf_.size();
    buf_.clear();
    return true;
  }

  int64_t window_;
  int64_t end_ms_;
  std::string path_;
  FileStats stats_;
  std::FILE* file_ = nullptr;
  std::string buf_;
  std::vector<std::pair<std::string, std::string>> page_;  // (row up to AuditData, Identity)
};

WindowedOutput::WindowedOutput(const Tenant& tenant, OutputOptions options)
    : tenant_(tenant), options_(std::move(options)) {}

WindowedOutput::~WindowedOutput() = default;

WindowedOutput::File* WindowedOutput::Open(int64_t window) {
  for (const auto& f : open_) {
    if (f->window() == window) return f.get();
  }
  const int64_t start = tenant_.start_ms + window * options_.window_ms;
  const int64_t end = start + options_.window_ms + options_.overlap_ms;
  const Format format = options_.formats[static_cast<size_t>(window) % options_.formats.size()];
  char prefix[32];
  std::snprintf(prefix, sizeof(prefix), "w%04lld-", static_cast<long long>(window));
  std::string name = prefix;
  name.append(format == Format::kMailboxAuditCsv ? "MailboxAuditLog-" : "UAL-");
  AppendCompactTime(start, &name);
  name.push_back('-');
  AppendCompactTime(end, &name);
  name.append(format == Format::kJsonArray   ? ".json"
              : format == Format::kJsonLines ? ".jsonl"
                                             : ".csv");
  auto file = std::make_unique<File>(window, end, format, options_.dir, std::move(name));
  if (!file->Open(&error_)) return nullptr;
  open_.push_back(std::move(file));
  return open_.back().get();
}

bool WindowedOutput::CloseBefore(int64_t time) {
  while (!open_.empty() && open_.front()->end_ms() <= time) {
    if (!open_.front()->Close(&error_)) return false;
    files_.push_back(open_.front()->stats());
    open_.erase(open_.begin());
  }
  return true;
}

bool WindowedOutput::Add(const Record& r, std::string_view audit) {
  if (!CloseBefore(r.time_ms)) return false;
  const int64_t offset = r.time_ms - tenant_.start_ms;
  const int64_t k = offset / options_.window_ms;
  int64_t windows[2] = {k, -1};
  if (k > 0 && offset < k * options_.window_ms + options_.overlap_ms) windows[1] = k - 1;
  bool with_id = false;
  bool without_id = false;
  for (int64_t w : windows) {
    if (w < 0) continue;
    const Format f = options_.formats[static_cast<size_t>(w) % options_.formats.size()];
    // The legacy mailbox audit log holds mailbox actions only.
    if (IdLess(f) && r.kind != Kind::kMailbox) continue;
    File* file = Open(w);
    if (file == nullptr || !file->Add(tenant_, r, audit, &error_)) return false;
    ++rows_;
    (IdLess(f) ? without_id : with_id) = true;
  }
  unique_ += (with_id || without_id) ? 1 : 0;
  unique_by_id_kind_ += (with_id ? 1 : 0) + (without_id ? 1 : 0);
  return true;
}

bool WindowedOutput::Finish() { return CloseBefore(INT64_MAX); }

uint64_t WindowedOutput::bytes() const {
  uint64_t total = 0;
  for (const FileStats& f : files_) total += f.bytes;
  return total;
}

}  // namespace tern::gen
