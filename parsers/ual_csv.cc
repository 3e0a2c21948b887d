// The two CSV shapes that carry AuditData as a JSON cell:
//
//   purview-csv  Microsoft Purview "Audit" portal export (FORMATS.md §1):
//                RecordId,CreationDate,RecordType,Operation,UserId,AuditData,...
//                or the classic CreationDate,UserIds,Operations,AuditData;
//                PAX-style files with extra flattened columns. Unquoted
//                header, cells quoted only when needed.
//   sual-csv     Search-UnifiedAuditLog objects through Export-Csv (§2.2):
//                every cell quoted, optional #TYPE line, RecordType as a
//                name, ResultIndex/ResultCount/Identity/IsValid/ObjectState,
//                maybe PSComputerName/RunspaceId/PSShowComputerName. Also
//                the Graph auditLogRecord CSV of Get-UALGraph (id,
//                createdDateTime, auditData), which Export-Csv writes the
//                same way.
//
// The record is AuditData; the wrapper columns only fill gaps: the
// CreationDate when AuditData has no CreationTime (flagged
// kFlagTimeFromWrapper), RecordId / Identity / id when it has no Id, and
// Operation(s), UserId(s), RecordType when those are missing.
#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/ingest/parser.h"
#include "core/model/enums.h"
#include "parsers/audit_data.h"
#include "parsers/csv_common.h"
#include "parsers/csv_parsers.h"
#include "parsers/csv_reader.h"

namespace tern {
namespace {

enum class UalCsvKind { kPurview, kSual };

// Both shapes carry an AuditData column and tell themselves apart by who
// wrote the file. PowerShell's Export-Csv leaves its own columns
// (ResultIndex, RunspaceId, ...), a #TYPE line, or quotes around every
// header cell; the Purview portal never quotes its header. Microsoft's own
// 4-column recipe (CreationDate,UserIds,RecordType,AuditData) has only the
// quoting to go by.
bool WrittenByExportCsv(const CsvHead& csv) {
  return csv.type_line || csv.all_quoted ||
         csv.header.Find({"ResultIndex", "ResultCount", "Identity", "RunspaceId", "PSComputerName",
                          "PSShowComputerName", "IsValid", "ObjectState"}) >= 0;
}

// purview-csv claims an AuditData CSV the portal wrote, sual-csv one that
// Export-Csv wrote: 90 with a date column, 60 without.
int ClaimUalCsv(std::string_view head, UalCsvKind kind) {
  std::optional<CsvHead> csv = ReadCsvHead(head);
  if (!csv || csv->header.Find({"AuditData"}) < 0) return 0;
  const UalCsvKind writer = WrittenByExportCsv(*csv) ? UalCsvKind::kSual : UalCsvKind::kPurview;
  if (writer != kind) return 0;
  return csv->header.Find({"CreationDate", "CreationTime", "createdDateTime"}) >= 0 ? 90 : 60;
}

// ResultIndex/ResultCount only diagnose the export (FORMATS.md §2.1): a page
// with ResultIndex -1 or ResultCount 0 came from a server timeout, and a run
// of indices that stops short of its ResultCount lost records. One summary
// warning per file.
class ResultIndexCheck {
 public:
  void Add(std::optional<int64_t> index, std::optional<int64_t> count, uint64_t line) {
    if (!index || !count) return;
    last_line_ = line;
    if (*index < 0 || *count <= 0) {
      Note(line);
      ++broken_;
      return;
    }
    // A new run starts when the total changes or the index goes back to 1
    // (files merged from several queries, as Microsoft-Extractor-Suite does).
    if (run_count_ != *count || *index <= last_index_) {
      CloseRun(line);
      run_count_ = *count;
      if (*index != 1) {
        Note(line);
        missing_ += static_cast<uint64_t>(*index - 1);
      }
    } else if (*index != last_index_ + 1) {
      Note(line);
      missing_ += static_cast<uint64_t>(*index - last_index_ - 1);
    }
    last_index_ = *index;
  }

  void Finish(ParseContext& ctx) {
    CloseRun(0);
    if (broken_ == 0 && missing_ == 0) return;
    ctx.Warn("result-index-anomaly", first_line_,
             absl::StrCat(broken_,
                          " record(s) with ResultIndex -1 or ResultCount 0 (server-side "
                          "timeout pages); ",
                          missing_,
                          " record(s) missing from the ResultIndex sequences; the "
                          "export may be incomplete"));
  }

 private:
  void Note(uint64_t line) {
    if (first_line_ == 0) first_line_ = line;
  }
  void CloseRun(uint64_t line) {
    if (run_count_ > 0 && last_index_ < run_count_) {
      Note(line == 0 ? last_line_ : line);
      missing_ += static_cast<uint64_t>(run_count_ - last_index_);
    }
    run_count_ = 0;
    last_index_ = 0;
  }

  int64_t run_count_ = 0;
  int64_t last_index_ = 0;
  uint64_t last_line_ = 0;
  uint64_t first_line_ = 0;
  uint64_t broken_ = 0;
  uint64_t missing_ = 0;
};

class UalCsvParser : public Parser {
 public:
  explicit UalCsvParser(UalCsvKind kind) : kind_(kind) {}

  std::string_view name() const override {
    return kind_ == UalCsvKind::kPurview ? "purview-csv" : "sual-csv";
  }
  std::string_view description() const override {
    return kind_ == UalCsvKind::kPurview
               ? "Microsoft Purview audit log search CSV export (AuditData column)"
               : "Search-UnifiedAuditLog / Graph audit records saved with Export-Csv";
  }
  int Sniff(std::string_view head) const override { return ClaimUalCsv(head, kind_); }
  absl::Status Parse(ByteStream& text, ParseContext& ctx) const override;

 private:
  UalCsvKind kind_;
};

absl::Status UalCsvParser::Parse(ByteStream& text, ParseContext& ctx) const {
  CsvReader reader(&text, CsvOptionsFor(ctx));
  TERN_ASSIGN_OR_RETURN(const bool has_header, reader.Next());
  if (!has_header) return absl::OkStatus();
  const CsvHeader header(reader.fields());
  const int audit_col = header.Find({"AuditData"});
  const int date_col = header.Find({"CreationDate", "CreationTime", "createdDateTime"});
  const int id_col = header.Find({"RecordId", "Identity", "Id"});
  const int op_col = header.Find({"Operation", "Operations"});
  const int user_col = header.Find({"UserId", "UserIds", "userPrincipalName"});
  const int type_col = header.Find({"RecordType", "auditLogRecordType"});
  const int index_col = header.Find({"ResultIndex"});
  const int count_col = header.Find({"ResultCount"});
  if (audit_col < 0) {
    ctx.Warn("missing-column", reader.line(), "no AuditData column in the CSV header");
  }

  DatedEmitter out(ctx);
  ResultIndexCheck result_index;
  uint64_t index = 0;
  for (;;) {
    TERN_ASSIGN_OR_RETURN(const bool more, reader.Next());
    if (!more) break;
    ++index;
    const uint64_t line = reader.line();
    if (RejectMalformed(reader, ctx)) continue;
    if (AllCellsEmpty(reader.fields())) continue;  // ",,,," filler rows carry nothing
    auto cell = [&](int col) { return col < 0 ? std::string_view() : reader.field(col); };
    if (index_col >= 0) {
      result_index.Add(ParseIntCell(cell(index_col)), ParseIntCell(cell(count_col)), line);
    }
    if (audit_col < 0) {
      ctx.Reject(line, "no AuditData column");
      continue;
    }
    Event event;
    absl::Status status = NormalizeAuditData(cell(audit_col), &event);
    if (!status.ok()) {
      ctx.Reject(line, ToStd(status.message()));
      continue;
    }
    if (event.flags & kFlagAuditDataTruncated) {
      ctx.Warn("auditdata-truncated", line,
               absl::StrCat("AuditData is cut short after ", cell(audit_col).size(),
                            " characters; the fields read so far are kept"));
    }
    if (event.record_id.empty() && id_col >= 0) {
      event.record_id = absl::AsciiStrToLower(ToAbsl(cell(id_col)));
      absl::StripAsciiWhitespace(&event.record_id);
    }
    if (event.operation.empty()) event.operation = std::string(cell(op_col));
    if (event.actor_upn.empty()) event.actor_upn = std::string(cell(user_col));
    if (event.record_type < 0 && type_col >= 0) {
      event.record_type = ParseRecordType(cell(type_col)).value_or(-1);
    }
    const std::string_view date = cell(date_col);
    if ((event.flags & kFlagNoTime) == 0) {
      out.Observe(date, event.time_ms, line);
      TERN_RETURN_IF_ERROR(out.Emit(std::move(event), reader.raw(), line, index));
    } else {
      out.Observe(date, std::nullopt, line);
      TERN_RETURN_IF_ERROR(
          out.EmitDated(std::move(event), reader.raw(), line, index, date, kFlagTimeFromWrapper));
    }
  }
  TERN_RETURN_IF_ERROR(out.Finish());
  result_index.Finish(ctx);
  return absl::OkStatus();
}

}  // namespace

std::unique_ptr<Parser> MakePurviewCsvParser() {
  return std::make_unique<UalCsvParser>(UalCsvKind::kPurview);
}

std::unique_ptr<Parser> MakeSualCsvParser() {
  return std::make_unique<UalCsvParser>(UalCsvKind::kSual);
}

}  // namespace tern
