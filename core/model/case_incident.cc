#include "core/model/case_incident.h"

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
using codec_internal::GetGeo;
using codec_internal::GetStrings;
using codec_internal::PutGeo;
using codec_internal::PutStrings;

// Bump when the field list below changes (with the store schema version).
constexpr uint64_t kIncidentFormat = 1;

void PutAnchor(const EvidenceAnchor& a, std::string* out) {
  PutLengthPrefixed(a.record_id, out);
  PutVarint64(a.evidence, out);
  PutVarint64(a.line, out);
  PutVarsint64(a.time_ms, out);
}

void GetAnchor(FieldReader& r, EvidenceAnchor* a) {
  r.Str(&a->record_id, "anchor.record_id");
  r.U32(&a->evidence, "anchor.evidence");
  r.U64(&a->line, "anchor.line");
  r.I64(&a->time_ms, "anchor.time_ms");
}

}  // namespace

std::string EncodeCaseIncident(const CaseIncident& c) {
  std::string out;
  PutVarint64(kIncidentFormat, &out);
  PutLengthPrefixed(c.id, &out);
  PutVarint64(static_cast<uint64_t>(c.severity), &out);
  PutLengthPrefixed(c.title, &out);
  PutStrings(c.identities, &out);
  PutStrings(c.other_identities, &out);
  PutVarint64(c.mailboxes.size(), &out);
  for (const auto& [guid, upn] : c.mailboxes) {
    PutLengthPrefixed(guid, &out);
    PutLengthPrefixed(upn, &out);
  }
  PutVarint64(c.attacker_ips.size(), &out);
  for (const IncidentIp& ip : c.attacker_ips) {
    PutLengthPrefixed(ip.ip, &out);
    PutGeo(ip.geo, &out);
  }
  PutVarsint64(c.first_seen, &out);
  PutVarsint64(c.last_seen, &out);
  PutStrings(c.findings, &out);
  PutStrings(c.tactics, &out);
  PutVarint64(c.sign_ins, &out);
  PutVarint64(c.failed_sign_ins, &out);
  PutVarint64(c.timeline.size(), &out);
  for (const IncidentEvent& e : c.timeline) {
    PutLengthPrefixed(e.operation, &out);
    PutLengthPrefixed(e.mailbox, &out);
    PutLengthPrefixed(e.actor, &out);
    PutLengthPrefixed(e.client_ip, &out);
    PutLengthPrefixed(e.summary, &out);
    PutAnchor(e.anchor, &out);
  }
  PutVarint64(c.timeline_events, &out);
  PutVarint64(c.exposure.size(), &out);
  for (const ExposureItem& x : c.exposure) {
    PutLengthPrefixed(x.action, &out);
    PutLengthPrefixed(x.mailbox, &out);
    PutLengthPrefixed(x.folder, &out);
    PutLengthPrefixed(x.message_id, &out);
    PutLengthPrefixed(x.subject, &out);
    PutLengthPrefixed(x.detail, &out);
    PutAnchor(x.anchor, &out);
  }
  PutVarint64(c.exposure_items, &out);
  const ExposureCounts& n = c.counts;
  PutVarint64(n.messages_accessed, &out);
  PutStrings(n.folders_synced, &out);
  for (uint64_t v : {n.messages_sent, n.items_deleted, n.items_moved, n.rules_created,
                     n.forwarding_changes, n.throttled_records}) {
    PutVarint64(v, &out);
  }
  return out;
}

absl::StatusOr<CaseIncident> DecodeCaseIncident(std::string_view bytes) {
  FieldReader r(bytes);
  CaseIncident c;
  r.Version(kIncidentFormat, "incident");
  r.Str(&c.id, "id");
  uint64_t severity = 0;
  r.U64(&severity, "severity");
  if (r.ok() && severity > static_cast<uint64_t>(Severity::kCritical)) {
    return absl::DataLossError(
        absl::StrCat("malformed incident encoding: severity ", severity, " out of range"));
  }
  c.severity = static_cast<Severity>(severity);
  r.Str(&c.title, "title");
  GetStrings(r, &c.identities, "identities");
  GetStrings(r, &c.other_identities, "other_identities");
  const size_t mailboxes = r.Count("mailboxes");
  for (size_t i = 0; i < mailboxes && r.ok(); ++i) {
    std::pair<std::string, std::string> m;
    r.Str(&m.first, "mailboxes.guid");
    r.Str(&m.second, "mailboxes.upn");
    if (r.ok()) c.mailboxes.push_back(std::move(m));
  }
  const size_t ips = r.Count("attacker_ips");
  for (size_t i = 0; i < ips && r.ok(); ++i) {
    IncidentIp ip;
    r.Str(&ip.ip, "attacker_ips.ip");
    GetGeo(r, &ip.geo);
    if (r.ok()) c.attacker_ips.push_back(std::move(ip));
  }
  r.I64(&c.first_seen, "first_seen");
  r.I64(&c.last_seen, "last_seen");
  GetStrings(r, &c.findings, "findings");
  GetStrings(r, &c.tactics, "tactics");
  r.U64(&c.sign_ins, "sign_ins");
  r.U64(&c.failed_sign_ins, "failed_sign_ins");
  const size_t timeline = r.Count("timeline");
  for (size_t i = 0; i < timeline && r.ok(); ++i) {
    IncidentEvent e;
    r.Str(&e.operation, "timeline.operation");
    r.Str(&e.mailbox, "timeline.mailbox");
    r.Str(&e.actor, "timeline.actor");
    r.Str(&e.client_ip, "timeline.client_ip");
    r.Str(&e.summary, "timeline.summary");
    GetAnchor(r, &e.anchor);
    if (r.ok()) c.timeline.push_back(std::move(e));
  }
  r.U64(&c.timeline_events, "timeline_events");
  const size_t exposure = r.Count("exposure");
  for (size_t i = 0; i < exposure && r.ok(); ++i) {
    ExposureItem x;
    r.Str(&x.action, "exposure.action");
    r.Str(&x.mailbox, "exposure.mailbox");
    r.Str(&x.folder, "exposure.folder");
    r.Str(&x.message_id, "exposure.message_id");
    r.Str(&x.subject, "exposure.subject");
    r.Str(&x.detail, "exposure.detail");
    GetAnchor(r, &x.anchor);
    if (r.ok()) c.exposure.push_back(std::move(x));
  }
  r.U64(&c.exposure_items, "exposure_items");
  ExposureCounts& n = c.counts;
  r.U64(&n.messages_accessed, "counts.messages_accessed");
  GetStrings(r, &n.folders_synced, "counts.folders_synced");
  r.U64(&n.messages_sent, "counts.messages_sent");
  r.U64(&n.items_deleted, "counts.items_deleted");
  r.U64(&n.items_moved, "counts.items_moved");
  r.U64(&n.rules_created, "counts.rules_created");
  r.U64(&n.forwarding_changes, "counts.forwarding_changes");
  r.U64(&n.throttled_records, "counts.throttled_records");
  absl::Status status = r.Finish("incident");
  if (!status.ok()) return status;
  return c;
}

}  // namespace tern
