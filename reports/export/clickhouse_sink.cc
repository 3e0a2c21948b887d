#include "reports/export/clickhouse_sink.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/base/json_writer.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/model/enums.h"
#include "reports/event_format.h"

namespace tern {
namespace {

struct RowInput {
  const Event& e;
  const EventEnrichment& x;
  std::string_view case_id;
};

// DateTime holds seconds 1970..2106; times outside are clamped (timestamp_ms
// keeps the exact value).
std::string ClickHouseDateTime(TimeMs ms) {
  const int64_t seconds = std::clamp<int64_t>(ms / 1000, 0, 4294967295LL);
  std::string text = FormatRfc3339(seconds * 1000);  // "YYYY-MM-DDThh:mm:ssZ"
  text[10] = ' ';
  text.pop_back();
  return text;
}

const GeoInfo* GeoOf(const RowInput& in) {
  const Session* s = in.x.session;
  return s != nullptr && s->geo.known && s->client_ip == in.e.client_ip ? &s->geo : nullptr;
}

// The table's columns: the CREATE statement and each row are written from
// this one list, so they cannot disagree.
struct Column {
  const char* name;
  const char* type;
  void (*write)(const RowInput&, JsonWriter&);
};

// clang-format off
const Column kColumns[] = {
  {"record_id", "String", [](const RowInput& in, JsonWriter& j) { j.String(in.e.record_id); }},
  {"timestamp", "DateTime('UTC')",
   [](const RowInput& in, JsonWriter& j) { j.String(ClickHouseDateTime(in.e.time_ms)); }},
  {"timestamp_ms", "Int64", [](const RowInput& in, JsonWriter& j) { j.Int(in.e.time_ms); }},
  {"operation", "String", [](const RowInput& in, JsonWriter& j) { j.String(in.e.operation); }},
  {"outcome", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(EventOutcome(in.e.result_status)); }},
  {"result_status", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(in.e.result_status); }},
  {"category", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(CategoryName(CategorizeEvent(in.e))); }},
  {"record_type", "Int32", [](const RowInput& in, JsonWriter& j) { j.Int(in.e.record_type); }},
  {"workload", "String", [](const RowInput& in, JsonWriter& j) { j.String(in.e.workload); }},
  {"organization_id", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(in.e.organization_id); }},
  {"user_name", "String",
   [](const RowInput& in, JsonWriter& j) {
     j.String(in.e.actor_upn.empty() ? in.e.actor_sid : in.e.actor_upn);
   }},
  {"user_sid", "String", [](const RowInput& in, JsonWriter& j) { j.String(in.e.actor_sid); }},
  {"user_display", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(in.e.actor_display); }},
  {"user_type", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(UserTypeName(in.e.user_type)); }},
  {"logon_type", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(LogonTypeText(in.e.logon_type)); }},
  {"mailbox_guid", "String", [](const RowInput& in, JsonWriter& j) { j.String(in.e.mailbox_guid); }},
  {"mailbox_upn", "String", [](const RowInput& in, JsonWriter& j) { j.String(in.e.mailbox_upn); }},
  {"client_ip", "String", [](const RowInput& in, JsonWriter& j) { j.String(in.e.client_ip); }},
  {"client_ip_raw", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(in.e.client_ip_raw); }},
  {"user_agent", "String", [](const RowInput& in, JsonWriter& j) { j.String(in.e.client_info); }},
  {"geo_country_iso", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(GeoOf(in) ? GeoOf(in)->country_iso : ""); }},
  {"geo_country", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(GeoOf(in) ? GeoOf(in)->country : ""); }},
  {"geo_city", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(GeoOf(in) ? GeoOf(in)->city : ""); }},
  {"geo_lat", "Float64",
   [](const RowInput& in, JsonWriter& j) { j.Double(GeoOf(in) ? GeoOf(in)->latitude : 0); }},
  {"geo_lon", "Float64",
   [](const RowInput& in, JsonWriter& j) { j.Double(GeoOf(in) ? GeoOf(in)->longitude : 0); }},
  {"as_number", "UInt32",
   [](const RowInput& in, JsonWriter& j) { j.Uint(GeoOf(in) ? GeoOf(in)->asn : 0); }},
  {"as_org", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(GeoOf(in) ? GeoOf(in)->as_org : ""); }},
  {"record_session_id", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(in.e.session_id); }},
  {"aad_session_id", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(in.e.aad_session_id); }},
  {"app_id", "String", [](const RowInput& in, JsonWriter& j) { j.String(in.e.app_id); }},
  {"client_app_id", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(in.e.client_app_id); }},
  {"object_id", "String", [](const RowInput& in, JsonWriter& j) { j.String(in.e.object_id); }},
  {"object", "String", [](const RowInput& in, JsonWriter& j) { j.String(DescribeObject(in.e, 0)); }},
  {"flags", "String", [](const RowInput& in, JsonWriter& j) { j.String(FlagsText(in.e.flags)); }},
  {"message", "String", [](const RowInput& in, JsonWriter& j) { j.String(EventMessage(in.e)); }},
  {"session_id", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(in.x.session ? in.x.session->id : ""); }},
  {"finding_ids", "Array(String)",
   [](const RowInput& in, JsonWriter& j) {
     j.BeginArray();
     if (in.x.finding_ids != nullptr) {
       for (const std::string& f : *in.x.finding_ids) j.String(f);
     }
     j.EndArray();
   }},
  {"evidence_sha256", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(in.x.source.sha256); }},
  {"evidence_member", "String",
   [](const RowInput& in, JsonWriter& j) { j.String(in.x.source.member); }},
  {"evidence_line", "UInt64", [](const RowInput& in, JsonWriter& j) { j.Uint(in.x.source.line); }},
  {"evidence_copies", "UInt64",
   [](const RowInput& in, JsonWriter& j) { j.Uint(in.x.source.copies); }},
  {"case_id", "String", [](const RowInput& in, JsonWriter& j) { j.String(in.case_id); }},
};
// clang-format on

// ClickHouse error codes worth another attempt: the server is busy or a
// network hop failed, not the request.
bool TransientClickHouseError(std::string_view body) {
  constexpr int kTransient[] = {159 /*TIMEOUT_EXCEEDED*/,   202 /*TOO_MANY_SIMULTANEOUS_QUERIES*/,
                                203 /*NO_FREE_CONNECTION*/, 209 /*SOCKET_TIMEOUT*/,
                                210 /*NETWORK_ERROR*/,      252 /*TOO_MANY_PARTS*/};
  if (body.substr(0, 6) != "Code: ") return true;  // not ClickHouse's own answer
  const int code = std::atoi(std::string(body.substr(6, 6)).c_str());
  return std::find(std::begin(kTransient), std::end(kTransient), code) != std::end(kTransient);
}

// The server's message: its first line, trimmed and cut.
std::string ServerMessage(std::string_view body) {
  std::string_view line = body.substr(0, body.find('\n'));
  line = ToStd(absl::StripAsciiWhitespace(ToAbsl(line)));
  if (line.empty()) return "(empty answer)";
  if (line.size() > 600) return absl::StrCat(ToAbsl(line.substr(0, 600)), "…");
  return std::string(line);
}

}  // namespace

bool IsValidClickHouseTable(std::string_view table) {
  auto valid_name = [](std::string_view name) {
    if (name.empty() || absl::ascii_isdigit(name[0])) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
  };
  const size_t dot = table.find('.');
  if (dot == std::string_view::npos) return valid_name(table);
  return valid_name(table.substr(0, dot)) && valid_name(table.substr(dot + 1));
}

std::string ClickHouseCreateTable(std::string_view table) {
  std::string sql = absl::StrCat("CREATE TABLE IF NOT EXISTS ", ToAbsl(table), " (");
  bool first = true;
  for (const Column& c : kColumns) {
    absl::StrAppend(&sql, first ? "" : ", ", c.name, " ", c.type);
    first = false;
  }
  // One row per record id after merges: re-exports and overlapping cases
  // collapse. No partition key: a record's copies must share a partition.
  absl::StrAppend(&sql, ") ENGINE = ReplacingMergeTree() ORDER BY record_id");
  return sql;
}

std::string ClickHouseRow(const Event& e, const EventEnrichment& x, std::string_view case_id) {
  const RowInput in{e, x, case_id};
  JsonWriter json(0);
  json.BeginObject();
  for (const Column& c : kColumns) {
    json.Key(c.name);
    c.write(in, json);
  }
  json.EndObject();
  return json.Take();
}

ClickHouseSink::ClickHouseSink(ClickHouseOptions options, std::unique_ptr<HttpClient> http,
                               std::function<void(int64_t)> sleep_ms)
    : options_(std::move(options)), http_(std::move(http)), sleep_ms_(std::move(sleep_ms)) {
  if (!sleep_ms_) {
    sleep_ms_ = [](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
  }
}

absl::Status ClickHouseSink::Send(const std::string& query, std::string_view body) {
  std::string url = options_.url;
  absl::StrAppend(&url, url.find('?') == std::string::npos ? "?" : "&",
                  "query=", http_->Escape(query));
  const std::string shown = RedactUrl(options_.url);
  int64_t backoff = options_.first_backoff_ms;
  for (int attempt = 1;; ++attempt) {
    ++requests_;
    absl::StatusOr<HttpResponse> r = http_->Post(url, body, options_.request_timeout_ms);
    if (r.ok() && r->status == 200) return absl::OkStatus();
    const bool transient = !r.ok() || (r->status >= 500 && TransientClickHouseError(r->body));
    if (!transient || attempt >= options_.max_attempts) {
      if (!r.ok()) {
        return absl::UnavailableError(
            absl::StrCat("ClickHouse at ", shown, " is unreachable: ", r.status().message(), " (",
                         attempt, attempt == 1 ? " attempt)" : " attempts)"));
      }
      return absl::FailedPreconditionError(absl::StrCat("ClickHouse at ", shown,
                                                        " refused the request (HTTP ", r->status,
                                                        "): ", ServerMessage(r->body)));
    }
    ++retries_;
    sleep_ms_(backoff);
    backoff *= 2;
  }
}

absl::Status ClickHouseSink::Begin() { return Send(ClickHouseCreateTable(options_.table), ""); }

absl::Status ClickHouseSink::AddEvent(const Event& e, const EventEnrichment& x,
                                      std::string_view case_id) {
  batch_ += ClickHouseRow(e, x, case_id);
  batch_.push_back('\n');
  ++rows_;
  if (++batch_count_ >= options_.batch_rows) return Flush();
  return absl::OkStatus();
}

absl::Status ClickHouseSink::Flush() {
  if (batch_count_ == 0) return absl::OkStatus();
  absl::Status sent =
      Send(absl::StrCat("INSERT INTO ", options_.table, " FORMAT JSONEachRow"), batch_);
  batch_.clear();
  batch_count_ = 0;
  return sent;
}

absl::Status ClickHouseSink::Finish() { return Flush(); }

absl::StatusOr<ClickHouseExportSummary> ExportClickHouse(CaseStore& store,
                                                         const ClickHouseOptions& options) {
  if (!IsValidClickHouseTable(options.table)) {
    return absl::InvalidArgumentError(
        absl::StrCat("table name '", options.table, "' is not [database.]name of [A-Za-z0-9_]"));
  }
  TERN_ASSIGN_OR_RETURN(ExportCase kase, LoadExportCase(store));
  TERN_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> http, HttpClient::Create());
  ClickHouseSink sink(options, std::move(http));
  TERN_RETURN_IF_ERROR(sink.Begin());
  TERN_RETURN_IF_ERROR(ForEachEnrichedEvent(
      store, kase,
      [&](const Event& e, const EventEnrichment& x) { return sink.AddEvent(e, x, kase.case_id); }));
  TERN_RETURN_IF_ERROR(sink.Finish());
  return ClickHouseExportSummary{sink.rows(), sink.requests(), sink.retries()};
}

}  // namespace tern
