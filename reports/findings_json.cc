#include "reports/findings_json.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <set>
#include <string_view>

#include "core/base/files.h"
#include "core/base/json_writer.h"
#include "core/base/status_macros.h"
#include "core/detect/analyzer.h"
#include "core/ingest/custody.h"
#include "reports/event_format.h"
#include "reports/incident_report.h"

namespace tern {
namespace {

void TimeOrNull(JsonWriter& json, TimeMs t) {
  if (t == kNoTime) {
    json.Null();
  } else {
    json.String(FormatRfc3339(t));
  }
}

void WriteEvidenceNode(JsonWriter& json, const EvidenceNodeView& node) {
  const EvidenceRecord& r = *node.record;
  json.BeginObject();
  json.Key(r.parent == 0 ? "path" : "member")
      .String(r.parent == 0 ? TopLevelPath(r) : r.member_path);
  json.Key("sha256").String(r.sha256);
  json.Key("size").Uint(r.size);
  json.Key("format").String(r.is_container ? r.container_format : r.format);
  json.Key("status").String(r.status);
  if (!r.is_container) {
    json.Key("records").BeginObject();
    json.Key("parsed").Uint(r.records_parsed);
    json.Key("accepted").Uint(r.records_stored + r.records_duplicate);
    json.Key("rejected").Uint(r.records_rejected);
    json.EndObject();
    json.Key("first_event");
    TimeOrNull(json, r.first_event_ms);
    json.Key("last_event");
    TimeOrNull(json, r.last_event_ms);
  }
  json.Key("members").BeginArray();
  for (const EvidenceNodeView& member : node.members) WriteEvidenceNode(json, member);
  json.EndArray();
  json.EndObject();
}

void WriteMailbox(JsonWriter& json, const std::string& guid, const std::string& upn) {
  json.Key("mailbox").BeginObject();
  json.Key("guid").String(guid);
  json.Key("upn").String(upn);
  json.EndObject();
}

void WriteGeo(JsonWriter& json, const GeoInfo& geo) {
  json.BeginObject();
  if (geo.known) {
    json.Key("country_iso").String(geo.country_iso);
    json.Key("country").String(geo.country);
    json.Key("city").String(geo.city);
    json.Key("latitude").Double(geo.latitude);
    json.Key("longitude").Double(geo.longitude);
    json.Key("accuracy_km").Int(geo.accuracy_km);
    json.Key("asn").Uint(geo.asn);
    json.Key("as_org").String(geo.as_org);
  }
  json.EndObject();
}

void WriteFinding(JsonWriter& json, const Finding& f, const std::vector<ResolvedAnchor>& anchors) {
  json.BeginObject();
  json.Key("id").String(f.id);
  json.Key("rule").String(f.rule);
  json.Key("severity").String(SeverityName(f.severity));
  json.Key("title").String(f.title);
  json.Key("attack").BeginArray();
  for (const std::string& t : f.attack) json.String(t);
  json.EndArray();
  WriteMailbox(json, f.mailbox_guid, f.mailbox_upn);
  json.Key("actor").String(f.actor);
  json.Key("client_ips").BeginArray();
  for (const std::string& ip : f.client_ips) json.String(ip);
  json.EndArray();
  json.Key("first_seen").String(FormatRfc3339(f.first_seen));
  json.Key("last_seen").String(FormatRfc3339(f.last_seen));
  json.Key("sessions").BeginArray();
  for (const std::string& s : f.sessions) json.String(s);
  json.EndArray();
  json.Key("details").Raw(f.details_json.empty() ? "{}" : f.details_json);
  json.Key("evidence").BeginArray();
  for (const ResolvedAnchor& a : anchors) {
    json.BeginObject();
    json.Key("record_id").String(a.record_id);
    json.Key("sha256").String(a.sha256);
    json.Key("member").String(a.member);
    json.Key("line").Uint(a.line);
    json.Key("time").String(FormatRfc3339(a.time_ms));
    json.Key("copies").Uint(a.copies);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

}  // namespace

void WriteSessionJson(JsonWriter& json, const Session& s) {
  json.BeginObject();
  json.Key("id").String(s.id);
  WriteMailbox(json, s.mailbox_guid, s.mailbox_upn);
  json.Key("actor").String(s.actor);
  json.Key("client_ip").String(s.client_ip);
  json.Key("session_id").String(s.session_id);
  json.Key("start").String(FormatRfc3339(s.start));
  json.Key("end").String(FormatRfc3339(s.end));
  json.Key("events").Uint(s.events);
  json.Key("operations").BeginObject();
  for (const auto& [op, count] : s.operations) json.Key(op).Uint(count);
  json.EndObject();
  json.Key("logon_types").BeginArray();
  // Names as in the contract ("Owner"); a number without a name stays visible.
  for (int32_t t : s.logon_types) {
    const std::string name = LogonTypeText(t);
    json.String(name.empty() ? "Unknown" : name);
  }
  json.EndArray();
  json.Key("client_infos").BeginArray();
  for (const std::string& c : s.client_infos) json.String(c);
  json.EndArray();
  json.Key("folders").BeginArray();
  for (const std::string& f : s.folders) json.String(f);
  json.EndArray();
  json.Key("items").Uint(s.items);
  json.Key("first_seen_ip").Bool(s.first_seen_ip);
  json.Key("geo");
  WriteGeo(json, s.geo);
  json.EndObject();
}

namespace {

// Everything up to and including the opening of the "sessions" array;
// `written` after each finding.
void WriteHead(const CaseView& view, JsonWriter& json, const std::function<void()>& written) {
  json.BeginObject();
  json.Key("schema").String(kFindingsSchema);
  json.Key("tool").BeginObject();
  json.Key("name").String("tern");
  json.Key("version").String(view.tool_version);
  json.EndObject();
  json.Key("case").BeginObject();
  json.Key("id").String(view.case_id);
  json.Key("examiner").String(view.examiner);
  json.EndObject();

  json.Key("evidence").BeginArray();
  for (const EvidenceNodeView& node : view.evidence) WriteEvidenceNode(json, node);
  json.EndArray();

  json.Key("summary").BeginObject();
  json.Key("events").Uint(view.events);
  json.Key("duplicates").Uint(view.duplicates);
  json.Key("rejected").Uint(view.rejected);
  json.Key("mailboxes").Uint(view.mailboxes);
  json.Key("sessions").Uint(view.SessionCount());
  json.Key("first_event");
  TimeOrNull(json, view.first_event);
  json.Key("last_event");
  TimeOrNull(json, view.last_event);
  json.Key("findings_by_severity").BeginObject();
  for (Severity s :
       {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow, Severity::kInfo}) {
    auto it = view.findings_by_severity.find(s);
    json.Key(SeverityName(s)).Uint(it == view.findings_by_severity.end() ? 0 : it->second);
  }
  json.EndObject();
  json.EndObject();

  json.Key("warnings").BeginArray();
  for (const Warning& w : view.warnings) WriteWarningJson(json, w);
  json.EndArray();

  json.Key("findings").BeginArray();
  for (size_t i = 0; i < view.findings.size(); ++i) {
    WriteFinding(json, view.findings[i], view.anchors[i]);
    written();
  }
  json.EndArray();
  WriteIncidentsJson(json, view);

  json.Key("sessions").BeginArray();
}

void WriteTail(JsonWriter& json) {
  json.EndArray();
  json.EndObject();
}

// Passes the sessions NamedSessions lists to `write` in (start, id) order:
// from the view's session store (only the sessions named are decoded), else
// from the view itself.
absl::Status ForEachNamedSession(const CaseView& view,
                                 const std::function<void(const Session&)>& write) {
  const std::set<std::string> named = NamedSessions(view);
  if (view.session_store == nullptr) {
    for (const Session& s : view.sessions) {
      if (named.contains(s.id)) write(s);
    }
    return absl::OkStatus();
  }
  size_t left = named.size();
  absl::Status decode_status;
  TERN_RETURN_IF_ERROR(view.session_store->ScanDerived(
      "sessions", [&](std::string_view key, std::string_view value) {
        if (left == 0) return false;
        if (!named.contains(std::string(SessionIdOfKey(key)))) return true;
        absl::StatusOr<Session> session = DecodeSession(value);
        if (!session.ok()) {
          decode_status = session.status();
          return false;
        }
        write(*session);
        --left;
        return true;
      }));
  return decode_status;
}

// The whole document but its trailing newline; `written` after each finding
// and session.
absl::Status WriteDocument(const CaseView& view, JsonWriter& json,
                           const std::function<void()>& written) {
  WriteHead(view, json, written);
  TERN_RETURN_IF_ERROR(ForEachNamedSession(view, [&](const Session& s) {
    WriteSessionJson(json, s);
    written();
  }));
  WriteTail(json);
  return absl::OkStatus();
}

// Text held before it is written to the file: findings.json and
// sessions.jsonl are written piece by piece, never whole in memory.
constexpr size_t kFlushBytes = 256 << 10;

// Writes pieces of a file being made through WriteFileThrough; keeps the
// first error.
class PieceWriter {
 public:
  PieceWriter(std::FILE* file, const std::string& path) : file_(file), path_(path) {}
  void Write(std::string_view text) {
    if (status_.ok() && std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
      status_ = absl::UnavailableError(
          absl::StrCat("cannot write ", path_, ".tmp: ", std::strerror(errno)));
    }
  }
  const absl::Status& status() const { return status_; }

 private:
  std::FILE* file_;
  const std::string& path_;
  absl::Status status_;
};

}  // namespace

absl::StatusOr<std::string> RenderFindingsJson(const CaseView& view) {
  JsonWriter json(2);
  TERN_RETURN_IF_ERROR(WriteDocument(view, json, [] {}));
  std::string text = json.Take();
  text.push_back('\n');
  return text;
}

absl::Status WriteFindingsJson(const CaseView& view, const std::string& path) {
  return WriteFileThrough(path, [&](std::FILE* file) {
    PieceWriter out(file, path);
    JsonWriter json(2);
    TERN_RETURN_IF_ERROR(WriteDocument(view, json, [&] {
      if (json.str().size() >= kFlushBytes) out.Write(json.TakeOutput());
    }));
    out.Write(json.TakeOutput());
    out.Write("\n");
    return out.status();
  });
}

absl::StatusOr<uint64_t> WriteSessionsJsonl(CaseStore& store, const std::string& path) {
  uint64_t lines = 0;
  absl::Status status = WriteFileThrough(path, [&](std::FILE* file) {
    PieceWriter out(file, path);
    absl::Status decode_status;
    std::string pending;
    auto flush = [&] {
      out.Write(pending);
      pending.clear();
    };
    // The store's keys are in (start, id) order (analyzer.h SessionKey), the
    // order findings.json's sessions have too.
    absl::Status scan =
        store.ScanDerived("sessions", [&](std::string_view, std::string_view value) {
          absl::StatusOr<Session> session = DecodeSession(value);
          if (!session.ok()) {
            decode_status = session.status();
            return false;
          }
          JsonWriter json;
          WriteSessionJson(json, *session);
          pending += json.str();
          pending.push_back('\n');
          ++lines;
          if (pending.size() >= kFlushBytes) flush();
          return out.status().ok();
        });
    flush();
    if (!decode_status.ok()) return decode_status;
    if (!out.status().ok()) return out.status();
    return scan;
  });
  if (!status.ok()) return status;
  return lines;
}

}  // namespace tern
