#include "parsers/flat_csv.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "parsers/csv_reader.h"

namespace tern {
namespace {

class FlatCsvParser : public Parser {
 public:
  explicit FlatCsvParser(const FlatCsvFormat& format) : format_(format) {}

  std::string_view name() const override { return format_.name; }
  std::string_view description() const override { return format_.description; }
  int Sniff(std::string_view head) const override;
  absl::Status Parse(ByteStream& text, ParseContext& ctx) const override;

 private:
  // Reports the header-level notes: a late time column standing in for the
  // event time, expected fields without a column.
  void NoteHeader(const CsvHeader& header, int time_col, int late_col, uint64_t line,
                  ParseContext& ctx) const;

  const FlatCsvFormat& format_;
};

int FlatCsvParser::Sniff(std::string_view head) const {
  std::optional<CsvHead> csv = ReadCsvHead(head);
  if (!csv) return 0;
  for (std::string_view columns : format_.required) {
    if (csv->header.FindAny(columns) < 0) return 0;
  }
  for (std::string_view columns : format_.absent) {
    if (csv->header.FindAny(columns) >= 0) return 0;
  }
  return format_.confidence;
}

void FlatCsvParser::NoteHeader(const CsvHeader& header, int time_col, int late_col, uint64_t line,
                               ParseContext& ctx) const {
  if (time_col < 0 && late_col >= 0 && !format_.late_time_warning.empty()) {
    ctx.Warn("time-from-wrapper", line,
             absl::StrReplaceAll(ToAbsl(format_.late_time_warning),
                                 {{"{column}", ToAbsl(header.names()[late_col])}}));
  }
  std::vector<absl::string_view> missing;
  for (const FlatExpected& field : format_.expected) {
    if (header.FindAny(field.columns) < 0) missing.push_back(ToAbsl(field.label));
  }
  if (!missing.empty()) {
    ctx.Warn(format_.missing_kind, line,
             absl::StrCat("no column for ", absl::StrJoin(missing, ", "), "; ",
                          ToAbsl(format_.missing_note)));
  }
}

absl::Status FlatCsvParser::Parse(ByteStream& text, ParseContext& ctx) const {
  CsvReader reader(&text, CsvOptionsFor(ctx));
  TERN_ASSIGN_OR_RETURN(const bool has_header, reader.Next());
  if (!has_header) return absl::OkStatus();
  const CsvHeader header(reader.fields());
  const FlatSchema schema(header, format_.columns);
  const int time_col = format_.time.empty() ? -1 : header.FindAny(format_.time);
  const int late_col = format_.late_time.empty() ? -1 : header.FindAny(format_.late_time);
  NoteHeader(header, time_col, late_col, reader.line(), ctx);

  DatedEmitter out(ctx);
  std::string scratch;
  uint64_t index = 0;
  for (;;) {
    TERN_ASSIGN_OR_RETURN(const bool more, reader.Next());
    if (!more) break;
    ++index;
    const uint64_t line = reader.line();
    if (RejectMalformed(reader, ctx)) continue;
    if (AllCellsEmpty(reader.fields())) continue;  // ",,,," filler rows carry nothing
    Event event;
    absl::Status status = NormalizeFlatRecord(schema, reader.fields(), &event, &scratch);
    if (!status.ok()) {
      ctx.Reject(line, ToStd(status.message()));
      continue;
    }
    if (format_.complete != nullptr) format_.complete(FlatRow(header, reader.fields()), &event);
    std::string_view date = time_col >= 0 ? reader.field(time_col) : std::string_view();
    uint32_t flags = 0;
    if (AllCellsEmpty({date}) && late_col >= 0) {
      date = reader.field(late_col);
      flags = kFlagTimeFromWrapper;
    }
    out.Observe(date, std::nullopt, line);
    TERN_RETURN_IF_ERROR(out.EmitDated(std::move(event), reader.raw(), line, index, date, flags));
  }
  return out.Finish();
}

}  // namespace

std::string_view FlatRow::Cell(std::string_view alternatives) const {
  const int col = header_.FindAny(alternatives);
  return col >= 0 && static_cast<size_t>(col) < cells_.size() ? cells_[col] : std::string_view();
}

std::unique_ptr<Parser> MakeFlatCsvParser(const FlatCsvFormat& format) {
  return std::make_unique<FlatCsvParser>(format);
}

}  // namespace tern
