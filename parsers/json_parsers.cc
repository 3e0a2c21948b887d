#include "parsers/json_parsers.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "core/base/ip.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/base/time.h"
#include "core/model/enums.h"
#include "parsers/audit_data.h"
#include "parsers/audit_data_dom.h"
#include "parsers/json_stream.h"
#include "parsers/json_util.h"

namespace tern {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// Runs `handle(text, line, &event)` for each record of the stream and emits
// what it accepts; bad records and handler errors become rejects.
template <typename Handler>
absl::Status RunRecords(ByteStream& text, ParseContext& ctx, json::JsonStreamOptions options,
                        Handler&& handle) {
  if (ctx.max_record_bytes != 0) {
    options.max_record_bytes = static_cast<size_t>(
        std::min<uint64_t>(ctx.max_record_bytes, std::numeric_limits<size_t>::max()));
  }
  json::JsonRecordReader reader(text, options);
  json::JsonItem item;
  uint64_t index = 0;
  uint64_t no_time = 0;
  uint64_t first_no_time_line = 0;
  while (true) {
    TERN_ASSIGN_OR_RETURN(bool more, reader.Next(&item));
    if (!more) {
      // Kept, but sorted to 1970: the examiner must hear about it (the CSV
      // formats say the same through DatedEmitter).
      if (no_time > 0) {
        ctx.Warn("unparsed-time", first_no_time_line,
                 absl::StrCat(no_time,
                              " record(s) have no parseable time; they are kept, "
                              "dated 1970-01-01 and flagged no-time"));
      }
      return absl::OkStatus();
    }
    if (item.kind == json::JsonItem::kNote) {
      ctx.Warn("truncated-container", item.line, item.reason);
      continue;
    }
    Event event;
    if (item.kind == json::JsonItem::kBad) {
      // A record cut short keeps what could be read of it, flagged, when
      // the format's handler can salvage it (AuditData cut at a member).
      const bool salvaged = item.cut && !item.text.empty() &&
                            handle(item.text, item.line, &event).ok() &&
                            (event.flags & kFlagAuditDataTruncated) != 0;
      if (!salvaged) {
        ctx.Reject(item.line, item.reason);
        continue;
      }
      ctx.Warn("auditdata-truncated", item.line,
               absl::StrCat(item.reason, " after ", item.text.size(),
                            " bytes; the fields read so far are kept"));
    } else {
      absl::Status status = handle(item.text, item.line, &event);
      if (!status.ok()) {
        // record_index counts every JSON record, rejected or not, so it
        // stays the record's position in the file.
        ++index;
        ctx.Reject(item.line, ToStd(status.message()));
        continue;
      }
    }
    ++index;
    event.provenance = Provenance{ctx.evidence_ordinal, item.line, index};
    if ((event.flags & kFlagNoTime) != 0 && no_time++ == 0) first_no_time_line = item.line;
    TERN_RETURN_IF_ERROR(ctx.events->Accept(std::move(event), item.text));
  }
}

// Parses a wrapper record; `root` is valid while `lease` lives (simdjson
// copies the text). Invalid UTF-8, and escapes of lone UTF-16 surrogates,
// are replaced by U+FFFD and reported in *invalid_utf8 rather than losing
// the record.
absl::Status ParseRecord(json::ParserLease& lease, std::string_view text, element* root,
                         bool* invalid_utf8) {
  std::string storage;
  std::string_view used;
  const simdjson::error_code error =
      json::ParseRecovering(lease, text, root, &storage, &used, invalid_utf8);
  if (error != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat("record is not valid JSON: ", simdjson::error_message(error)));
  }
  return absl::OkStatus();
}

std::string Field(object obj, std::string_view key) {
  element v;
  if (!json::FindKey(obj, key, &v)) return {};
  return json::ScalarText(v);
}

std::optional<int64_t> IntField(object obj, std::string_view key) {
  element v;
  if (!json::FindKey(obj, key, &v)) return std::nullopt;
  return json::AsInt(v);
}

void FillIfEmpty(std::string* field, std::string value) {
  if (field->empty()) *field = std::move(value);
}

// Uses a wrapper time when AuditData had none.
void WrapperTime(absl::StatusOr<TimeMs> time, uint32_t flag, Event* event) {
  if (!(event->flags & kFlagNoTime) || !time.ok()) return;
  event->time_ms = *time;
  event->flags &= ~kFlagNoTime;
  event->flags |= flag;
}

// Normalizes AuditData held in `audit`; when it is unusable (a PowerShell
// "@{...}" rendering, a cut that cannot be salvaged) the event keeps only
// what the wrapper says and is flagged as partial.
void NormalizeNested(element audit, uint64_t line, ParseContext& ctx, Event* event) {
  absl::Status status = NormalizeAuditElement(audit, event);
  if (status.ok()) return;
  const uint32_t keep = event->flags & kFlagInvalidUtf8;
  *event = Event();
  event->flags = keep | kFlagAuditDataTruncated | kFlagNoTime;
  ctx.Warn("auditdata-unparseable", line, ToStd(status.message()));
}

bool Usable(const Event& e) {
  return !e.record_id.empty() || !e.operation.empty() || !(e.flags & kFlagNoTime);
}

// A JSON format's rule for its own files: the confidence (scale in
// core/ingest/parser.h) that a file whose first record has the keys in `rec`
// is this format; 0 when it is not.
using JsonClaim = int (*)(const json::JsonHeadRecord& rec);

// A JSON format: name, description and the format's own sniff rule; each
// subclass parses.
class JsonFormatParser : public Parser {
 public:
  JsonFormatParser(std::string_view name, std::string_view description, JsonClaim claim)
      : name_(name), description_(description), claim_(claim) {}
  std::string_view name() const override { return name_; }
  std::string_view description() const override { return description_; }
  int Sniff(std::string_view head) const override {
    const json::JsonHeadRecord rec = json::ReadJsonHead(head);
    return rec.object ? claim_(rec) : 0;
  }

 private:
  std::string_view name_;
  std::string_view description_;
  JsonClaim claim_;
};

// ual-json: the Management API's own keys at the top of the record. An
// AuditData record never holds an AuditData key (that is a wrapper around
// one) nor Log Analytics' TimeGenerated. One written as a JSON string
// (PowerShell's ConvertTo-Json of the AuditData text) is less certain.
int ClaimUal(const json::JsonHeadRecord& rec) {
  if (rec.Count({"AuditData", "auditData", "TimeGenerated"}) > 0) return 0;
  const int keys = rec.Count({"CreationTime", "Id", "Operation", "RecordType", "Workload", "UserId",
                              "OrganizationId", "UserType", "UserKey"});
  const bool anchor = rec.Count({"CreationTime", "Operation", "RecordType"}) > 0;
  const bool second = rec.Count({"Workload", "Id"}) > 0;
  if (!anchor || !second || keys < 3) return 0;
  if (rec.string_wrapped) return 70;
  return keys >= 4 ? 90 : 70;
}

class UalJsonParser : public JsonFormatParser {
 public:
  UalJsonParser()
      : JsonFormatParser("ual-json",
                         "Management Activity API records (AuditData objects): JSON Lines, "
                         "arrays, concatenated or single objects",
                         ClaimUal) {}

  absl::Status Parse(ByteStream& text, ParseContext& ctx) const override {
    return RunRecords(text, ctx, {}, [](std::string_view record, uint64_t, Event* event) {
      return NormalizeAuditData(record, event);
    });
  }
};

// Diagnostics over Search-UnifiedAuditLog paging fields (FORMATS.md §2.1):
// never used for data, only to tell the analyst an export looks incomplete.
class ResultIndexTracker {
 public:
  explicit ResultIndexTracker(ParseContext& ctx) : ctx_(ctx) {}

  void Add(std::optional<int64_t> index, std::optional<int64_t> count, uint64_t line) {
    ++records_;
    if ((index && *index == -1) || (count && *count == 0)) {
      if (anomalies_++ == 0) anomaly_line_ = line;
      return;
    }
    if (!index) return;
    if (*index == last_ + 1) {
      // In sequence.
    } else if (*index == 1) {
      CloseSequence(line);
    } else if (last_ == 0) {
      Gap(line, absl::StrCat("ResultIndex starts at ", *index, ": ", Records(*index - 1),
                             " before it missing"));
    } else if (*index > last_) {
      Gap(line, absl::StrCat("ResultIndex jumps from ", last_, " to ", *index, ": ",
                             Records(*index - last_ - 1), " missing"));
    } else {
      Gap(line, absl::StrCat("ResultIndex goes back from ", last_, " to ", *index));
    }
    last_ = *index;
    count_ = count.value_or(0);
    last_line_ = line;
  }

  void Finish() {
    CloseSequence(last_line_);
    if (gaps_ > kMaxGapWarnings) {
      ctx_.Warn("result-index-gap", 0,
                absl::StrCat(gaps_ - kMaxGapWarnings, " further ResultIndex gaps not listed"));
    }
    if (anomalies_ > 0) {
      ctx_.Warn("result-index-anomaly", anomaly_line_,
                absl::StrCat(anomalies_, " of ", records_,
                             " records have ResultIndex -1 or ResultCount 0 (a failed "
                             "Search-UnifiedAuditLog page; the export may be incomplete)"));
    }
  }

 private:
  static constexpr uint64_t kMaxGapWarnings = 10;

  void CloseSequence(uint64_t line) {
    if (last_ > 0 && count_ > last_) {
      Gap(line, absl::StrCat("ResultIndex sequence ends at ", last_, " of ResultCount ", count_,
                             ": ", Records(count_ - last_), " missing"));
    }
    last_ = 0;
    count_ = 0;
  }

  static std::string Records(int64_t n) { return absl::StrCat(n, n == 1 ? " record" : " records"); }

  void Gap(uint64_t line, std::string detail) {
    if (++gaps_ <= kMaxGapWarnings) ctx_.Warn("result-index-gap", line, detail);
  }

  ParseContext& ctx_;
  uint64_t records_ = 0;
  uint64_t anomalies_ = 0;
  uint64_t anomaly_line_ = 0;
  uint64_t gaps_ = 0;
  int64_t last_ = 0;
  int64_t count_ = 0;
  uint64_t last_line_ = 0;
};

// Learns whether slash dates are day-first from the first unambiguous one.
class DateOrderGuess {
 public:
  absl::StatusOr<TimeMs> Parse(std::string_view text) {
    if (!known_) {
      if (std::optional<DateOrder> order = InferDateOrder(text)) {
        order_ = *order;
        known_ = true;
      }
    }
    return ParseWrapperDate(text, order_);
  }

 private:
  DateOrder order_ = DateOrder::kMonthFirst;
  bool known_ = false;
};

// mes-json: Search-UnifiedAuditLog's wrapper properties (CreationDate,
// UserIds, Operations, ResultIndex, ResultCount, Identity) around AuditData,
// or enough of them to be sure when AuditData is missing.
int ClaimMes(const json::JsonHeadRecord& rec) {
  if (rec.string_wrapped) return 0;
  const int wrapper = rec.Count(
      {"CreationDate", "UserIds", "Operations", "ResultIndex", "ResultCount", "Identity"});
  if (rec.Has("AuditData") && wrapper >= 1) return 95;
  if (wrapper >= 3 && rec.Has("UserIds")) return 80;
  return 0;
}

class MesJsonParser : public JsonFormatParser {
 public:
  MesJsonParser()
      : JsonFormatParser("mes-json",
                         "Search-UnifiedAuditLog objects as JSON (Microsoft-Extractor-Suite, "
                         "ConvertTo-Json): wrapper fields with AuditData string or object",
                         ClaimMes) {}

  absl::Status Parse(ByteStream& text, ParseContext& ctx) const override {
    ResultIndexTracker tracker(ctx);
    DateOrderGuess dates;
    absl::Status status =
        RunRecords(text, ctx, {}, [&](std::string_view record, uint64_t line, Event* event) {
          return Record(record, line, ctx, tracker, dates, event);
        });
    tracker.Finish();
    return status;
  }

 private:
  static absl::Status Record(std::string_view text, uint64_t line, ParseContext& ctx,
                             ResultIndexTracker& tracker, DateOrderGuess& dates, Event* event) {
    json::ParserLease lease;
    element root;
    bool invalid_utf8 = false;
    TERN_RETURN_IF_ERROR(ParseRecord(lease, text, &root, &invalid_utf8));
    if (invalid_utf8) event->flags |= kFlagInvalidUtf8;
    object obj;
    // -AuditDataOnly output mixed in: a bare AuditData string or object.
    if (root.get_object().get(obj) != simdjson::SUCCESS) return NormalizeAuditElement(root, event);
    element audit;
    if (!json::FindKey(obj, "AuditData", &audit) || json::IsBlank(audit)) {
      element probe;
      if (json::FindKey(obj, "CreationTime", &probe)) return NormalizeAuditObject(obj, event);
      event->flags |= kFlagNoTime;
    } else {
      NormalizeNested(audit, line, ctx, event);
    }
    FillIfEmpty(&event->record_id, json::Lower(Field(obj, "Identity")));
    FillIfEmpty(&event->operation, Field(obj, "Operations"));
    FillIfEmpty(&event->actor_upn, Field(obj, "UserIds"));
    if (event->record_type < 0) {
      event->record_type = ParseRecordType(json::StripSpace(Field(obj, "RecordType"))).value_or(-1);
    }
    std::string created = Field(obj, "CreationDate");
    if (!created.empty()) {
      WrapperTime(dates.Parse(json::StripSpace(created)), kFlagTimeFromWrapper, event);
    }
    tracker.Add(IntField(obj, "ResultIndex"), IntField(obj, "ResultCount"), line);
    if (!Usable(*event)) {
      return absl::InvalidArgumentError("record has no AuditData and no wrapper fields");
    }
    return absl::OkStatus();
  }
};

// graph-json: Graph's camelCase wrapper: auditLogRecordType, or auditData
// with createdDateTime, or an @odata.type naming an auditLogRecord.
int ClaimGraph(const json::JsonHeadRecord& rec) {
  if (rec.string_wrapped) return 0;
  if (rec.Has("auditLogRecordType") || (rec.Has("auditData") && rec.Has("createdDateTime")) ||
      rec.ValueOf("@odata.type").find("auditLogRecord") != std::string_view::npos) {
    return 95;
  }
  return 0;
}

class GraphJsonParser : public JsonFormatParser {
 public:
  GraphJsonParser()
      : JsonFormatParser("graph-json",
                         "Microsoft Graph security auditLogRecord JSON ({\"value\":[...]} pages, "
                         "arrays or JSON Lines)",
                         ClaimGraph) {}

  absl::Status Parse(ByteStream& text, ParseContext& ctx) const override {
    json::JsonStreamOptions options;
    options.unwrap_value_pages = true;
    return RunRecords(text, ctx, options,
                      [&](std::string_view record, uint64_t line, Event* event) {
                        return Record(record, line, ctx, event);
                      });
  }

 private:
  static absl::Status Record(std::string_view text, uint64_t line, ParseContext& ctx,
                             Event* event) {
    json::ParserLease lease;
    element root;
    bool invalid_utf8 = false;
    TERN_RETURN_IF_ERROR(ParseRecord(lease, text, &root, &invalid_utf8));
    if (invalid_utf8) event->flags |= kFlagInvalidUtf8;
    object obj;
    if (root.get_object().get(obj) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError("record is not a JSON object");
    }
    element audit;
    if (json::FindKey(obj, "auditData", &audit) && !json::IsBlank(audit)) {
      NormalizeNested(audit, line, ctx, event);
    } else {
      event->flags |= kFlagNoTime;
    }
    FillIfEmpty(&event->record_id, json::Lower(Field(obj, "id")));
    FillIfEmpty(&event->operation, Field(obj, "operation"));
    FillIfEmpty(&event->organization_id, Field(obj, "organizationId"));
    FillIfEmpty(&event->actor_upn, Field(obj, "userPrincipalName"));
    FillIfEmpty(&event->actor_upn, Field(obj, "userId"));
    FillIfEmpty(&event->object_id, Field(obj, "objectId"));
    FillIfEmpty(&event->workload, Field(obj, "service"));
    if (event->client_ip_raw.empty()) {
      event->client_ip_raw = Field(obj, "clientIp");
      event->client_ip = NormalizeClientIp(event->client_ip_raw);
    }
    // Enum names are documented camelCase but seen PascalCase: the enum
    // parsers compare case-insensitively.
    if (event->record_type < 0) {
      event->record_type = ParseRecordType(Field(obj, "auditLogRecordType")).value_or(-1);
    }
    if (event->user_type < 0) event->user_type = ParseUserType(Field(obj, "userType")).value_or(-1);
    std::string created = Field(obj, "createdDateTime");
    if (!created.empty()) {
      WrapperTime(ParseIso8601(json::StripSpace(created)), kFlagTimeFromWrapper, event);
    }
    if (!Usable(*event)) {
      return absl::InvalidArgumentError("record has no auditData and no wrapper fields");
    }
    return absl::OkStatus();
  }
};

// sentinel-json: Sentinel's own columns (OfficeWorkload, OfficeId,
// SourceRecordId, or Type "OfficeActivity") beside TimeGenerated; a
// projection without TimeGenerated still has OfficeWorkload with an id column.
int ClaimSentinel(const json::JsonHeadRecord& rec) {
  if (rec.string_wrapped) return 0;
  const bool office = rec.Count({"OfficeWorkload", "OfficeId", "SourceRecordId"}) > 0 ||
                      rec.ValueOf("Type") == "OfficeActivity";
  if (rec.Has("TimeGenerated") && office) return 95;
  if (rec.Has("OfficeWorkload") && rec.Count({"OfficeId", "SourceRecordId"}) > 0) return 85;
  return 0;
}

class SentinelJsonParser : public JsonFormatParser {
 public:
  SentinelJsonParser()
      : JsonFormatParser("sentinel-json", "Microsoft Sentinel OfficeActivity rows exported as JSON",
                         ClaimSentinel) {}

  absl::Status Parse(ByteStream& text, ParseContext& ctx) const override {
    DateOrderGuess dates;
    return RunRecords(text, ctx, {}, [&](std::string_view record, uint64_t, Event* event) {
      return Record(record, dates, event);
    });
  }

 private:
  static absl::Status Record(std::string_view text, DateOrderGuess& dates, Event* event) {
    json::ParserLease lease;
    element root;
    bool invalid_utf8 = false;
    TERN_RETURN_IF_ERROR(ParseRecord(lease, text, &root, &invalid_utf8));
    if (invalid_utf8) event->flags |= kFlagInvalidUtf8;
    object obj;
    if (root.get_object().get(obj) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError("record is not a JSON object");
    }
    TERN_RETURN_IF_ERROR(NormalizeAuditObject(obj, event));
    // OfficeActivity's TimeGenerated is the record's CreationTime. Start_Time
    // is the time of the content blob Sentinel fetched it in (the same value
    // for a whole batch), so it is only a flagged last resort.
    std::string generated = Field(obj, "TimeGenerated");
    if (!generated.empty()) WrapperTime(dates.Parse(json::StripSpace(generated)), 0, event);
    std::string start = Field(obj, "Start_Time");
    if (!start.empty()) {
      WrapperTime(dates.Parse(json::StripSpace(start)), kFlagTimeFromWrapper, event);
    }
    return absl::OkStatus();
  }
};

}  // namespace

std::unique_ptr<Parser> MakeUalJsonParser() { return std::make_unique<UalJsonParser>(); }
std::unique_ptr<Parser> MakeMesJsonParser() { return std::make_unique<MesJsonParser>(); }
std::unique_ptr<Parser> MakeGraphJsonParser() { return std::make_unique<GraphJsonParser>(); }
std::unique_ptr<Parser> MakeSentinelJsonParser() { return std::make_unique<SentinelJsonParser>(); }

}  // namespace tern
