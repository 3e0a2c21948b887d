#include "core/model/finding.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/codec.h"
#include "core/model/codec_internal.h"

namespace tern {
namespace {

using codec_internal::FieldReader;
using codec_internal::PutBool;
using codec_internal::PutDouble;

// Bump when a field list below changes (with the store schema version).
constexpr uint64_t kSessionFormat = 1;
constexpr uint64_t kFindingFormat = 1;

}  // namespace

// Shared with case_incident.cc (declared in codec_internal.h).
namespace codec_internal {

void PutStrings(const std::vector<std::string>& list, std::string* out) {
  PutVarint64(list.size(), out);
  for (const std::string& s : list) PutLengthPrefixed(s, out);
}

void GetStrings(FieldReader& r, std::vector<std::string>* list, const char* field) {
  const size_t n = r.Count(field);
  for (size_t i = 0; i < n && r.ok(); ++i) {
    std::string s;
    r.Str(&s, field);
    if (r.ok()) list->push_back(std::move(s));
  }
}

void PutGeo(const GeoInfo& g, std::string* out) {
  PutBool(g.known, out);
  PutLengthPrefixed(g.country_iso, out);
  PutLengthPrefixed(g.country, out);
  PutLengthPrefixed(g.city, out);
  PutDouble(g.latitude, out);
  PutDouble(g.longitude, out);
  PutVarsint64(g.accuracy_km, out);
  PutVarint64(g.asn, out);
  PutLengthPrefixed(g.as_org, out);
}

void GetGeo(FieldReader& r, GeoInfo* g) {
  r.Bool(&g->known, "geo.known");
  r.Str(&g->country_iso, "geo.country_iso");
  r.Str(&g->country, "geo.country");
  r.Str(&g->city, "geo.city");
  r.Double(&g->latitude, "geo.latitude");
  r.Double(&g->longitude, "geo.longitude");
  int32_t accuracy = 0;
  r.I32(&accuracy, "geo.accuracy_km");
  g->accuracy_km = accuracy;
  r.U32(&g->asn, "geo.asn");
  r.Str(&g->as_org, "geo.as_org");
}

}  // namespace codec_internal

namespace {

using codec_internal::GetGeo;
using codec_internal::GetStrings;
using codec_internal::PutGeo;
using codec_internal::PutStrings;

}  // namespace

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  // Only reachable through a cast of an out-of-range integer.
  return "unknown";
}

std::string EncodeSession(const Session& s) {
  std::string out;
  PutVarint64(kSessionFormat, &out);
  PutLengthPrefixed(s.id, &out);
  PutLengthPrefixed(s.mailbox_guid, &out);
  PutLengthPrefixed(s.mailbox_upn, &out);
  PutLengthPrefixed(s.actor, &out);
  PutLengthPrefixed(s.client_ip, &out);
  PutLengthPrefixed(s.session_id, &out);
  PutVarsint64(s.start, &out);
  PutVarsint64(s.end, &out);
  PutVarint64(s.events, &out);
  PutVarint64(s.operations.size(), &out);
  for (const auto& [name, count] : s.operations) {
    PutLengthPrefixed(name, &out);
    PutVarint64(count, &out);
  }
  PutVarint64(s.logon_types.size(), &out);
  for (int32_t t : s.logon_types) PutVarsint64(t, &out);
  PutStrings(s.client_infos, &out);
  PutStrings(s.folders, &out);
  PutVarint64(s.items, &out);
  PutBool(s.first_seen_ip, &out);
  PutGeo(s.geo, &out);
  return out;
}

absl::StatusOr<Session> DecodeSession(std::string_view bytes) {
  FieldReader r(bytes);
  Session s;
  r.Version(kSessionFormat, "session");
  r.Str(&s.id, "id");
  r.Str(&s.mailbox_guid, "mailbox_guid");
  r.Str(&s.mailbox_upn, "mailbox_upn");
  r.Str(&s.actor, "actor");
  r.Str(&s.client_ip, "client_ip");
  r.Str(&s.session_id, "session_id");
  r.I64(&s.start, "start");
  r.I64(&s.end, "end");
  r.U64(&s.events, "events");
  const size_t ops = r.Count("operations");
  for (size_t i = 0; i < ops && r.ok(); ++i) {
    std::pair<std::string, uint64_t> op;
    r.Str(&op.first, "operations.name");
    r.U64(&op.second, "operations.count");
    if (r.ok()) s.operations.push_back(std::move(op));
  }
  const size_t logons = r.Count("logon_types");
  for (size_t i = 0; i < logons && r.ok(); ++i) {
    int32_t t = 0;
    r.I32(&t, "logon_types");
    if (r.ok()) s.logon_types.push_back(t);
  }
  GetStrings(r, &s.client_infos, "client_infos");
  GetStrings(r, &s.folders, "folders");
  r.U64(&s.items, "items");
  r.Bool(&s.first_seen_ip, "first_seen_ip");
  GetGeo(r, &s.geo);
  absl::Status status = r.Finish("session");
  if (!status.ok()) return status;
  return s;
}

std::string EncodeFinding(const Finding& f) {
  std::string out;
  PutVarint64(kFindingFormat, &out);
  PutLengthPrefixed(f.id, &out);
  PutLengthPrefixed(f.rule, &out);
  PutVarint64(static_cast<uint64_t>(f.severity), &out);
  PutLengthPrefixed(f.title, &out);
  PutStrings(f.attack, &out);
  PutLengthPrefixed(f.mailbox_guid, &out);
  PutLengthPrefixed(f.mailbox_upn, &out);
  PutLengthPrefixed(f.actor, &out);
  PutStrings(f.client_ips, &out);
  PutVarsint64(f.first_seen, &out);
  PutVarsint64(f.last_seen, &out);
  PutStrings(f.sessions, &out);
  PutLengthPrefixed(f.details_json, &out);
  PutVarint64(f.evidence.size(), &out);
  for (const EvidenceAnchor& a : f.evidence) {
    PutLengthPrefixed(a.record_id, &out);
    PutVarint64(a.evidence, &out);
    PutVarint64(a.line, &out);
    PutVarsint64(a.time_ms, &out);
  }
  return out;
}

absl::StatusOr<Finding> DecodeFinding(std::string_view bytes) {
  FieldReader r(bytes);
  Finding f;
  r.Version(kFindingFormat, "finding");
  r.Str(&f.id, "id");
  r.Str(&f.rule, "rule");
  uint64_t severity = 0;
  r.U64(&severity, "severity");
  if (r.ok() && severity > static_cast<uint64_t>(Severity::kCritical)) {
    return absl::DataLossError(
        absl::StrCat("malformed finding encoding: severity ", severity, " out of range"));
  }
  f.severity = static_cast<Severity>(severity);
  r.Str(&f.title, "title");
  GetStrings(r, &f.attack, "attack");
  r.Str(&f.mailbox_guid, "mailbox_guid");
  r.Str(&f.mailbox_upn, "mailbox_upn");
  r.Str(&f.actor, "actor");
  GetStrings(r, &f.client_ips, "client_ips");
  r.I64(&f.first_seen, "first_seen");
  r.I64(&f.last_seen, "last_seen");
  GetStrings(r, &f.sessions, "sessions");
  r.Str(&f.details_json, "details_json");
  const size_t anchors = r.Count("evidence");
  for (size_t i = 0; i < anchors && r.ok(); ++i) {
    EvidenceAnchor a;
    r.Str(&a.record_id, "evidence.record_id");
    r.U32(&a.evidence, "evidence.evidence");
    r.U64(&a.line, "evidence.line");
    r.I64(&a.time_ms, "evidence.time_ms");
    if (r.ok()) f.evidence.push_back(std::move(a));
  }
  absl::Status status = r.Finish("finding");
  if (!status.ok()) return status;
  return f;
}

}  // namespace tern
