#include "reports/export/ecs_writer.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/base/ip.h"
#include "core/base/json_writer.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/correlate/sessionizer.h"
#include "core/model/enums.h"
#include "reports/event_export.h"
#include "reports/event_format.h"
#include "reports/incident_report.h"

namespace tern {
namespace {

// Filebeat's Microsoft 365 module names, so existing dashboards and rules
// that select on them see tern's events too.
constexpr char kModule[] = "o365";
constexpr char kEventDataset[] = "o365.audit";
constexpr char kFindingDataset[] = "tern.findings";
constexpr char kIncidentDataset[] = "tern.incidents";
// The ECS release whose field definitions the documents follow.
constexpr char kEcsVersion[] = "8.11.0";

void WriteEcsVersion(JsonWriter& json) {
  json.Key("ecs").BeginObject().Key("version").String(kEcsVersion).EndObject();
}

// What starts every alert document, finding or incident alike.
struct AlertHead {
  std::string id;
  std::string_view action;
  std::string_view dataset;
  std::string_view message;
  Severity severity;
  TimeMs first_seen;
  TimeMs last_seen;
};

// @timestamp, message, ecs.version and the `event` object of an alert.
void WriteAlertHead(JsonWriter& json, const AlertHead& head) {
  json.Key("@timestamp").String(FormatRfc3339(head.first_seen));
  json.Key("message").String(head.message);
  WriteEcsVersion(json);
  json.Key("event").BeginObject();
  json.Key("kind").String("alert");
  json.Key("id").String(head.id);
  json.Key("action").String(head.action);
  json.Key("severity").Int(static_cast<int>(head.severity));
  json.Key("module").String(kModule);
  json.Key("dataset").String(head.dataset);
  json.Key("start").String(FormatRfc3339(head.first_seen));
  json.Key("end").String(FormatRfc3339(head.last_seen));
  json.EndObject();
}

// Empty strings are left out: an empty value is no value in Elasticsearch,
// and an empty `ip` or `date` would be rejected.
void OptString(JsonWriter& json, std::string_view key, std::string_view value) {
  if (!value.empty()) json.Key(key).String(value);
}

// ECS event.category (an allowed value) for tern's activity category.
std::string_view EcsCategory(Category c) {
  switch (c) {
    case Category::kRead:
    case Category::kSend:
    case Category::kDelete:
      return "email";
    case Category::kRulesPermissions:
    case Category::kAdmin:
      return "configuration";
    case Category::kSignIn:
      return "authentication";
    case Category::kOther:
      break;
  }
  return "";
}

void WriteGeo(JsonWriter& json, const GeoInfo& geo) {
  if (!geo.known) return;
  if (!geo.country_iso.empty() || !geo.country.empty() || !geo.city.empty() || geo.latitude != 0 ||
      geo.longitude != 0) {
    json.Key("geo").BeginObject();
    OptString(json, "country_iso_code", geo.country_iso);
    OptString(json, "country_name", geo.country);
    OptString(json, "city_name", geo.city);
    if (geo.latitude != 0 || geo.longitude != 0) {
      json.Key("location").BeginObject();
      json.Key("lat").Double(geo.latitude);
      json.Key("lon").Double(geo.longitude);
      json.EndObject();
    }
    json.EndObject();
  }
  if (geo.asn != 0) {
    json.Key("as").BeginObject();
    json.Key("number").Uint(geo.asn);
    if (!geo.as_org.empty()) {
      json.Key("organization").BeginObject().Key("name").String(geo.as_org).EndObject();
    }
    json.EndObject();
  }
}

void WriteEvidence(JsonWriter& json, const ResolvedAnchor& a, bool with_record_id) {
  json.BeginObject();
  if (with_record_id) json.Key("record_id").String(a.record_id);
  json.Key("sha256").String(a.sha256);
  OptString(json, "member", a.member);
  json.Key("line").Uint(a.line);
  json.Key("copies").Uint(a.copies);
  json.EndObject();
}

void WriteStrings(JsonWriter& json, std::string_view key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  json.Key(key).BeginArray();
  for (const std::string& v : values) json.String(v);
  json.EndArray();
}

void WriteMailbox(JsonWriter& json, std::string_view guid, std::string_view upn) {
  if (guid.empty() && upn.empty()) return;
  json.Key("mailbox").BeginObject();
  OptString(json, "guid", guid);
  OptString(json, "upn", upn);
  json.EndObject();
}

void WriteEventTern(JsonWriter& json, const Event& e, const EventEnrichment& x,
                    const EcsOptions& options) {
  json.Key("tern").BeginObject();
  json.Key("doc_type").String("event");
  OptString(json, "case_id", options.case_id);
  json.Key("record_id").String(e.record_id);
  if (const std::string recorded = EventActor(e); recorded != ShownActor(e, x)) {
    json.Key("actor_recorded").String(recorded);
  }
  if (x.session != nullptr) json.Key("session_id").String(x.session->id);
  if (x.finding_ids != nullptr) WriteStrings(json, "finding_ids", *x.finding_ids);
  json.Key("evidence");
  WriteEvidence(json, x.source, /*with_record_id=*/false);
  if (e.record_type >= 0) json.Key("record_type").Int(e.record_type);
  OptString(json, "record_type_name", RecordTypeName(e.record_type));
  json.Key("category").String(CategoryName(CategorizeEvent(e)));
  OptString(json, "logon_type", LogonTypeText(e.logon_type));
  OptString(json, "user_type", UserTypeName(e.user_type));
  WriteMailbox(json, e.mailbox_guid, ShownMailboxUpn(e, x));
  OptString(json, "client_ip", e.client_ip);
  OptString(json, "client_ip_raw", e.client_ip_raw);
  OptString(json, "record_session_id", e.session_id);
  OptString(json, "aad_session_id", e.aad_session_id);
  OptString(json, "app_id", e.app_id);
  OptString(json, "client_app_id", e.client_app_id);
  if (e.external_access >= 0) json.Key("external_access").Bool(e.external_access == 1);
  OptString(json, "object_id", e.object_id);
  OptString(json, "object", DescribeObject(e, 0));
  OptString(json, "flags", FlagsText(e.flags));
  json.EndObject();
}

}  // namespace

std::string EcsEventDocument(const Event& e, const EventEnrichment& x, const EcsOptions& options) {
  JsonWriter json(0);
  json.BeginObject();
  json.Key("@timestamp").String(FormatRfc3339(e.time_ms));
  json.Key("message").String(EventMessage(e));
  WriteEcsVersion(json);
  json.Key("event").BeginObject();
  json.Key("kind").String("event");
  json.Key("id").String(e.record_id);
  OptString(json, "action", e.operation);
  json.Key("outcome").String(EventOutcome(e.result_status));
  if (std::string_view c = EcsCategory(CategorizeEvent(e)); !c.empty()) {
    json.Key("category").BeginArray().String(c).EndArray();
  }
  json.Key("module").String(kModule);
  json.Key("dataset").String(kEventDataset);
  OptString(json, "provider", e.workload);
  if (e.record_type >= 0) json.Key("code").String(absl::StrCat(e.record_type));
  json.EndObject();
  const std::string actor = ShownActor(e, x);
  if (!actor.empty() || !e.actor_display.empty()) {
    json.Key("user").BeginObject();
    OptString(json, "name", actor);
    OptString(json, "id", e.actor_sid);
    OptString(json, "full_name", e.actor_display);
    json.EndObject();
  }
  if (IsIpLiteral(e.client_ip)) {
    json.Key("source").BeginObject();
    json.Key("ip").String(e.client_ip);
    if (x.session != nullptr && x.session->client_ip == e.client_ip) WriteGeo(json, x.session->geo);
    json.EndObject();
  }
  if (!e.client_info.empty()) {
    json.Key("user_agent").BeginObject().Key("original").String(e.client_info).EndObject();
  }
  if (!e.organization_id.empty()) {
    json.Key("organization").BeginObject().Key("id").String(e.organization_id).EndObject();
  }
  WriteEventTern(json, e, x, options);
  json.EndObject();
  return json.Take();
}

std::string EcsFindingDocumentId(const Finding& f) {
  uint64_t h = correlate::kFnv1aOffset;
  for (std::string_view part : {std::string_view(f.rule), std::string_view(f.mailbox_guid),
                                std::string_view(f.mailbox_upn), std::string_view(f.actor)}) {
    h = correlate::Fnv1a64(part, h);
    h = correlate::Fnv1a64("\x1f", h);
  }
  h = correlate::Fnv1a64(absl::StrCat(f.first_seen), h);
  for (const EvidenceAnchor& a : f.evidence) {
    h = correlate::Fnv1a64("\x1f", h);
    h = correlate::Fnv1a64(a.record_id, h);
  }
  return absl::StrFormat("finding-%016x", h);
}

std::string EcsFindingDocument(const ExportFinding& ef, const EcsOptions& options) {
  const Finding& f = ef.finding;
  JsonWriter json(0);
  json.BeginObject();
  WriteAlertHead(json, {EcsFindingDocumentId(f), f.rule, kFindingDataset, f.title, f.severity,
                        f.first_seen, f.last_seen});
  json.Key("rule").BeginObject();
  json.Key("id").String(f.rule);
  json.Key("name").String(f.rule);
  json.EndObject();
  if (!f.attack.empty()) {
    json.Key("threat").BeginObject();
    json.Key("framework").String("MITRE ATT&CK");
    json.Key("technique").BeginObject();
    WriteStrings(json, "id", f.attack);
    json.EndObject();
    json.EndObject();
  }
  if (!f.actor.empty()) json.Key("user").BeginObject().Key("name").String(f.actor).EndObject();
  std::vector<std::string> ips;
  for (const std::string& ip : f.client_ips) {
    if (IsIpLiteral(ip)) ips.push_back(ip);
  }
  if (!ips.empty() || !f.actor.empty()) {
    json.Key("related").BeginObject();
    WriteStrings(json, "ip", ips);
    if (!f.actor.empty()) json.Key("user").BeginArray().String(f.actor).EndArray();
    json.EndObject();
  }
  json.Key("tern").BeginObject();
  json.Key("doc_type").String("finding");
  OptString(json, "case_id", options.case_id);
  WriteStrings(json, "session_id", f.sessions);
  json.Key("finding_ids").BeginArray().String(f.id).EndArray();
  json.Key("evidence").BeginArray();
  for (const ResolvedAnchor& a : ef.anchors) WriteEvidence(json, a, /*with_record_id=*/true);
  json.EndArray();
  WriteMailbox(json, f.mailbox_guid, f.mailbox_upn);
  json.Key("finding").BeginObject();
  json.Key("id").String(f.id);
  json.Key("severity").String(SeverityName(f.severity));
  json.Key("title").String(f.title);
  json.Key("details").String(f.details_json);
  WriteStrings(json, "client_ips", f.client_ips);
  json.EndObject();
  json.EndObject();
  json.EndObject();
  return json.Take();
}

std::string EcsIncidentDocumentId(const CaseIncident& c) {
  // Identities, attacker IPs and the start: what names the attack, whatever
  // case (one per machine, overlapping) found it.
  uint64_t h = correlate::Fnv1a64(absl::StrCat(c.first_seen));
  for (const std::string& identity : c.identities) {
    h = correlate::Fnv1a64("\x1f", h);
    h = correlate::Fnv1a64(identity, h);
  }
  for (const IncidentIp& ip : c.attacker_ips) {
    h = correlate::Fnv1a64("\x1e", h);
    h = correlate::Fnv1a64(ip.ip, h);
  }
  return absl::StrFormat("incident-%016x", h);
}

std::string EcsIncidentDocument(const CaseIncident& c, const EcsOptions& options) {
  JsonWriter json(0);
  json.BeginObject();
  WriteAlertHead(json, {EcsIncidentDocumentId(c), "incident", kIncidentDataset, c.title, c.severity,
                        c.first_seen, c.last_seen});
  std::vector<std::string> ips;
  for (const IncidentIp& ip : c.attacker_ips) {
    if (IsIpLiteral(ip.ip)) ips.push_back(ip.ip);
  }
  if (!ips.empty() || !c.identities.empty()) {
    json.Key("related").BeginObject();
    WriteStrings(json, "ip", ips);
    WriteStrings(json, "user", c.identities);
    json.EndObject();
  }
  json.Key("tern").BeginObject();
  json.Key("doc_type").String("incident");
  OptString(json, "case_id", options.case_id);
  WriteStrings(json, "finding_ids", c.findings);
  json.Key("incident").BeginObject();
  json.Key("id").String(c.id);
  json.Key("severity").String(SeverityName(c.severity));
  json.Key("title").String(c.title);
  WriteStrings(json, "identities", c.identities);
  WriteStrings(json, "other_identities", c.other_identities);
  if (!c.mailboxes.empty()) {
    json.Key("mailboxes").BeginArray();
    for (const auto& [guid, upn] : c.mailboxes) {
      json.BeginObject();
      OptString(json, "guid", guid);
      OptString(json, "upn", upn);
      json.EndObject();
    }
    json.EndArray();
  }
  if (!c.attacker_ips.empty()) {
    json.Key("attacker_ips").BeginArray();
    for (const IncidentIp& ip : c.attacker_ips) {
      json.BeginObject();
      json.Key("address").String(ip.ip);
      OptString(json, "country_iso_code", ip.geo.country_iso);
      OptString(json, "city_name", ip.geo.city);
      if (ip.geo.asn != 0) json.Key("as_number").Uint(ip.geo.asn);
      OptString(json, "as_organization", ip.geo.as_org);
      json.EndObject();
    }
    json.EndArray();
  }
  json.Key("first_seen").String(FormatRfc3339(c.first_seen));
  json.Key("last_seen").String(FormatRfc3339(c.last_seen));
  WriteStrings(json, "tactics", c.tactics);
  json.Key("sign_ins").Uint(c.sign_ins);
  json.Key("failed_sign_ins").Uint(c.failed_sign_ins);
  json.Key("timeline_events").Uint(c.timeline_events);
  json.Key("exposure").BeginObject();
  WriteExposureCountsJson(json, c);
  json.EndObject();
  json.EndObject();
  json.EndObject();
  json.EndObject();
  return json.Take();
}

EcsWriter::EcsWriter(EcsOptions options, std::FILE* out)
    : options_(std::move(options)), out_(out) {}

absl::Status EcsWriter::Write(std::string_view id, const std::string& document) {
  std::string text;
  if (options_.bulk) {
    JsonWriter action(0);
    action.BeginObject().Key("index").BeginObject();
    action.Key("_index").String(options_.index);
    action.Key("_id").String(id);
    action.EndObject().EndObject();
    text = action.Take();
    text.push_back('\n');
  }
  text += document;
  text.push_back('\n');
  if (std::fwrite(text.data(), 1, text.size(), out_) != text.size()) {
    return absl::UnavailableError("write error on the output stream");
  }
  return absl::OkStatus();
}

absl::Status EcsWriter::AddEvent(const Event& e, const EventEnrichment& x) {
  ++events_;
  return Write(e.record_id, EcsEventDocument(e, x, options_));
}

absl::Status EcsWriter::AddFinding(const ExportFinding& f) {
  ++findings_;
  return Write(EcsFindingDocumentId(f.finding), EcsFindingDocument(f, options_));
}

absl::Status EcsWriter::AddIncident(const CaseIncident& c) {
  ++incidents_;
  return Write(EcsIncidentDocumentId(c), EcsIncidentDocument(c, options_));
}

absl::Status EcsWriter::Finish() {
  if (std::fflush(out_) != 0 || std::ferror(out_)) {
    return absl::UnavailableError("write error on the output stream");
  }
  return absl::OkStatus();
}

}  // namespace tern
