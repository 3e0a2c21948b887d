#include "reports/incident_report.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "core/base/status_macros.h"
#include "core/model/case_incident.h"
#include "reports/event_export.h"
#include "reports/event_format.h"

namespace tern {
namespace {

absl::StatusOr<ResolvedAnchor> ResolveOne(const SourceResolver& resolver, const EvidenceAnchor& a) {
  return resolver.Resolve(a.record_id, a.evidence, a.line, a.time_ms);
}

void WriteAnchor(JsonWriter& json, const ResolvedAnchor& a) {
  json.Key("anchor").BeginObject();
  json.Key("sha256").String(a.sha256);
  json.Key("member").String(a.member);
  json.Key("line").Uint(a.line);
  json.EndObject();
}

void WriteGeoFields(JsonWriter& json, const GeoInfo& geo) {
  if (!geo.known && geo.asn == 0) return;
  json.Key("country_iso").String(geo.country_iso);
  json.Key("country").String(geo.country);
  json.Key("city").String(geo.city);
  json.Key("asn").Uint(geo.asn);
  json.Key("as_org").String(geo.as_org);
}

void WriteStrings(JsonWriter& json, std::string_view key, const std::vector<std::string>& list) {
  json.Key(key).BeginArray();
  for (const std::string& s : list) json.String(s);
  json.EndArray();
}

}  // namespace

void WriteExposureCountsJson(JsonWriter& json, const CaseIncident& c) {
  const ExposureCounts& n = c.counts;
  json.Key("messages_accessed").Uint(n.messages_accessed);
  WriteStrings(json, "folders_synced", n.folders_synced);
  json.Key("messages_sent").Uint(n.messages_sent);
  json.Key("items_deleted").Uint(n.items_deleted);
  json.Key("items_moved").Uint(n.items_moved);
  json.Key("rules_created").Uint(n.rules_created);
  json.Key("forwarding_changes").Uint(n.forwarding_changes);
  json.Key("throttled_records").Uint(n.throttled_records);
  json.Key("items").Uint(c.exposure_items);
}

namespace {

void WriteIncident(JsonWriter& json, const IncidentView& v) {
  const CaseIncident& c = v.incident;
  json.BeginObject();
  json.Key("id").String(c.id);
  json.Key("severity").String(SeverityName(c.severity));
  json.Key("title").String(c.title);
  WriteStrings(json, "identities", c.identities);
  WriteStrings(json, "other_identities", c.other_identities);
  json.Key("mailboxes").BeginArray();
  for (const auto& [guid, upn] : c.mailboxes) {
    json.BeginObject();
    json.Key("guid").String(guid);
    json.Key("upn").String(upn);
    json.EndObject();
  }
  json.EndArray();
  json.Key("attacker_ips").BeginArray();
  for (const IncidentIp& ip : c.attacker_ips) json.String(ip.ip);
  json.EndArray();
  json.Key("attacker_ip_geo").BeginArray();
  for (const IncidentIp& ip : c.attacker_ips) {
    json.BeginObject();
    json.Key("ip").String(ip.ip);
    WriteGeoFields(json, ip.geo);
    json.EndObject();
  }
  json.EndArray();
  json.Key("first_seen").String(FormatRfc3339(c.first_seen));
  json.Key("last_seen").String(FormatRfc3339(c.last_seen));
  WriteStrings(json, "findings", c.findings);
  WriteStrings(json, "sessions", v.sessions);
  WriteStrings(json, "tactics", c.tactics);
  json.Key("sign_ins").BeginObject();
  json.Key("succeeded").Uint(c.sign_ins);
  json.Key("failed").Uint(c.failed_sign_ins);
  json.EndObject();
  json.Key("timeline_events").Uint(c.timeline_events);
  json.Key("timeline").BeginArray();
  for (size_t i = 0; i < c.timeline.size(); ++i) {
    const IncidentEvent& e = c.timeline[i];
    json.BeginObject();
    json.Key("time").String(FormatRfc3339(e.anchor.time_ms));
    json.Key("operation").String(e.operation);
    json.Key("mailbox").String(e.mailbox);
    json.Key("actor").String(e.actor);
    json.Key("client_ip").String(e.client_ip);
    json.Key("summary").String(e.summary);
    json.Key("record_id").String(e.anchor.record_id);
    WriteAnchor(json, v.timeline[i]);
    json.EndObject();
  }
  json.EndArray();
  json.Key("exposure").BeginObject();
  WriteExposureCountsJson(json, c);
  json.Key("file").String(kExposureFileName);
  json.EndObject();
  json.EndObject();
}

}  // namespace

absl::Status ForEachStoredIncident(CaseStore& store,
                                   const std::function<absl::Status(const CaseIncident&)>& fn) {
  absl::Status inner;
  TERN_RETURN_IF_ERROR(
      store.ScanDerived("incidents", [&](std::string_view, std::string_view value) {
        absl::StatusOr<CaseIncident> incident = DecodeCaseIncident(value);
        inner = incident.ok() ? fn(*incident) : incident.status();
        return inner.ok();
      }));
  return inner;
}

absl::Status LoadIncidents(CaseStore& store, const SourceResolver& resolver, CaseView* view) {
  return ForEachStoredIncident(store, [&](const CaseIncident& incident) -> absl::Status {
    IncidentView v;
    v.incident = incident;
    for (const IncidentEvent& e : v.incident.timeline) {
      TERN_ASSIGN_OR_RETURN(ResolvedAnchor a, ResolveOne(resolver, e.anchor));
      v.timeline.push_back(std::move(a));
    }
    for (const ExposureItem& x : v.incident.exposure) {
      TERN_ASSIGN_OR_RETURN(ResolvedAnchor a, ResolveOne(resolver, x.anchor));
      v.exposure.push_back(std::move(a));
    }
    view->incidents.push_back(std::move(v));
    return absl::OkStatus();
  });
}

void WriteIncidentsJson(JsonWriter& json, const CaseView& view) {
  // Always present (tern.findings/2), empty when the case has none.
  json.Key("incidents").BeginArray();
  for (const IncidentView& v : view.incidents) WriteIncident(json, v);
  json.EndArray();
}

std::string RenderExposureCsv(const CaseView& view) {
  std::string out =
      "incident,time,action,mailbox,folder,message_id,subject,detail,record_id,sha256,member,"
      "line\r\n";
  for (const IncidentView& v : view.incidents) {
    for (size_t i = 0; i < v.incident.exposure.size(); ++i) {
      const ExposureItem& x = v.incident.exposure[i];
      const ResolvedAnchor& a = v.exposure[i];
      for (const std::string& cell :
           {v.incident.id, FormatRfc3339(x.anchor.time_ms), x.action, x.mailbox, x.folder,
            x.message_id, x.subject, x.detail, x.anchor.record_id, a.sha256, a.member}) {
        absl::StrAppend(&out, CsvSafeCell(cell), ",");
      }
      absl::StrAppend(&out, a.line, "\r\n");
    }
  }
  return out;
}

}  // namespace tern
