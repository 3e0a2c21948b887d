#include "core/model/codec.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/base/codec.h"
#include "core/model/codec_internal.h"

namespace tern {
namespace {

using codec_internal::FieldReader;
using codec_internal::PutBool;

// Bump when the field list below changes; the store schema version must be
// bumped with it (core/store/case_store.h).
constexpr uint64_t kEventFormat = 1;
constexpr uint64_t kEvidenceFormat = 1;

void PutNameValues(const std::vector<NameValue>& list, std::string* out) {
  PutVarint64(list.size(), out);
  for (const NameValue& nv : list) {
    PutLengthPrefixed(nv.name, out);
    PutLengthPrefixed(nv.value, out);
    PutBool(nv.has_value, out);
  }
}

// Reads a counted list, each element by read_one(r, element), into the
// elements `list` already has before adding any, so that decoding into the
// same event again reuses their strings. Empty after a failure.
template <typename T, typename ReadOne>
void GetList(FieldReader& r, std::vector<T>* list, const char* field, ReadOne read_one) {
  const size_t n = r.Count(field);
  size_t read = 0;
  for (; read < n && r.ok(); ++read) {
    if (read == list->size()) list->emplace_back();
    read_one((*list)[read]);
  }
  list->resize(r.ok() ? read : 0);
}

void GetNameValues(FieldReader& r, std::vector<NameValue>* list, const char* field) {
  GetList(r, list, field, [&](NameValue& nv) {
    r.Str(&nv.name, field);
    r.Str(&nv.value, field);
    r.Bool(&nv.has_value, field);
  });
}

}  // namespace

std::string EncodeEvent(const Event& e) {
  std::string out;
  out.reserve(256);
  PutVarint64(kEventFormat, &out);
  PutVarsint64(e.time_ms, &out);
  PutLengthPrefixed(e.record_id, &out);
  PutVarsint64(e.record_type, &out);
  PutLengthPrefixed(e.operation, &out);
  PutLengthPrefixed(e.workload, &out);
  PutLengthPrefixed(e.result_status, &out);
  PutLengthPrefixed(e.organization_id, &out);
  PutLengthPrefixed(e.actor_upn, &out);
  PutLengthPrefixed(e.actor_sid, &out);
  PutLengthPrefixed(e.actor_display, &out);
  PutVarsint64(e.user_type, &out);
  PutVarsint64(e.logon_type, &out);
  PutLengthPrefixed(e.mailbox_guid, &out);
  PutLengthPrefixed(e.mailbox_upn, &out);
  PutLengthPrefixed(e.client_ip, &out);
  PutLengthPrefixed(e.client_ip_raw, &out);
  PutLengthPrefixed(e.client_info, &out);
  PutLengthPrefixed(e.session_id, &out);
  PutLengthPrefixed(e.aad_session_id, &out);
  PutLengthPrefixed(e.app_id, &out);
  PutLengthPrefixed(e.client_app_id, &out);
  PutVarsint64(e.external_access, &out);
  PutLengthPrefixed(e.object_id, &out);
  PutNameValues(e.parameters, &out);
  PutNameValues(e.operation_properties, &out);
  PutVarint64(e.items.size(), &out);
  for (const MailItem& item : e.items) {
    PutLengthPrefixed(item.subject, &out);
    PutLengthPrefixed(item.folder, &out);
    PutLengthPrefixed(item.message_id, &out);
    PutLengthPrefixed(item.item_id, &out);
    PutVarsint64(item.size_bytes, &out);
  }
  PutVarint64(e.folders.size(), &out);
  for (const std::string& f : e.folders) PutLengthPrefixed(f, &out);
  PutNameValues(e.extra, &out);
  PutVarint64(e.flags, &out);
  PutVarint64(e.provenance.evidence, &out);
  PutVarint64(e.provenance.line, &out);
  PutVarint64(e.provenance.record_index, &out);
  return out;
}

absl::Status DecodeEventInto(std::string_view bytes, Event* out) {
  // Every field is overwritten in place: strings keep their capacity, so a
  // scan that decodes into the same events allocates next to nothing.
  Event& e = *out;
  FieldReader r(bytes);
  r.Version(kEventFormat, "event");
  r.I64(&e.time_ms, "time_ms");
  r.Str(&e.record_id, "record_id");
  r.I32(&e.record_type, "record_type");
  r.Str(&e.operation, "operation");
  r.Str(&e.workload, "workload");
  r.Str(&e.result_status, "result_status");
  r.Str(&e.organization_id, "organization_id");
  r.Str(&e.actor_upn, "actor_upn");
  r.Str(&e.actor_sid, "actor_sid");
  r.Str(&e.actor_display, "actor_display");
  r.I32(&e.user_type, "user_type");
  r.I32(&e.logon_type, "logon_type");
  r.Str(&e.mailbox_guid, "mailbox_guid");
  r.Str(&e.mailbox_upn, "mailbox_upn");
  r.Str(&e.client_ip, "client_ip");
  r.Str(&e.client_ip_raw, "client_ip_raw");
  r.Str(&e.client_info, "client_info");
  r.Str(&e.session_id, "session_id");
  r.Str(&e.aad_session_id, "aad_session_id");
  r.Str(&e.app_id, "app_id");
  r.Str(&e.client_app_id, "client_app_id");
  r.I8(&e.external_access, "external_access");
  r.Str(&e.object_id, "object_id");
  GetNameValues(r, &e.parameters, "parameters");
  GetNameValues(r, &e.operation_properties, "operation_properties");
  GetList(r, &e.items, "items", [&](MailItem& item) {
    r.Str(&item.subject, "items.subject");
    r.Str(&item.folder, "items.folder");
    r.Str(&item.message_id, "items.message_id");
    r.Str(&item.item_id, "items.item_id");
    r.I64(&item.size_bytes, "items.size_bytes");
  });
  GetList(r, &e.folders, "folders", [&](std::string& folder) { r.Str(&folder, "folders"); });
  GetNameValues(r, &e.extra, "extra");
  r.U32(&e.flags, "flags");
  r.U32(&e.provenance.evidence, "provenance.evidence");
  r.U64(&e.provenance.line, "provenance.line");
  r.U64(&e.provenance.record_index, "provenance.record_index");
  return r.Finish("event");
}

absl::StatusOr<Event> DecodeEvent(std::string_view bytes) {
  Event e;
  absl::Status status = DecodeEventInto(bytes, &e);
  if (!status.ok()) return status;
  return e;
}

std::string EncodeEvidence(const EvidenceRecord& rec) {
  std::string out;
  out.reserve(256);
  PutVarint64(kEvidenceFormat, &out);
  PutVarint64(rec.ordinal, &out);
  PutVarint64(rec.parent, &out);
  PutLengthPrefixed(rec.given_path, &out);
  PutLengthPrefixed(rec.absolute_path, &out);
  PutLengthPrefixed(rec.member_path, &out);
  PutLengthPrefixed(rec.display, &out);
  PutBool(rec.is_container, &out);
  PutLengthPrefixed(rec.container_format, &out);
  PutVarint64(rec.size, &out);
  PutVarsint64(rec.mtime_ms, &out);
  PutLengthPrefixed(rec.sha256, &out);
  PutLengthPrefixed(rec.sha1, &out);
  PutLengthPrefixed(rec.md5, &out);
  PutLengthPrefixed(rec.format, &out);
  PutVarint64(rec.records_parsed, &out);
  PutVarint64(rec.records_stored, &out);
  PutVarint64(rec.records_duplicate, &out);
  PutVarint64(rec.records_rejected, &out);
  PutVarsint64(rec.first_event_ms, &out);
  PutVarsint64(rec.last_event_ms, &out);
  PutVarint64(rec.warning_count, &out);
  PutVarint64(rec.warnings.size(), &out);
  for (const Warning& w : rec.warnings) {
    PutLengthPrefixed(w.kind, &out);
    PutLengthPrefixed(w.source, &out);
    PutVarint64(w.line, &out);
    PutLengthPrefixed(w.detail, &out);
  }
  PutLengthPrefixed(rec.ingested_at, &out);
  PutVarint64(rec.run, &out);
  PutLengthPrefixed(rec.status, &out);
  PutVarint64(rec.same_as, &out);
  return out;
}

absl::StatusOr<EvidenceRecord> DecodeEvidence(std::string_view bytes) {
  FieldReader r(bytes);
  EvidenceRecord rec;
  r.Version(kEvidenceFormat, "evidence");
  r.U32(&rec.ordinal, "ordinal");
  r.U32(&rec.parent, "parent");
  r.Str(&rec.given_path, "given_path");
  r.Str(&rec.absolute_path, "absolute_path");
  r.Str(&rec.member_path, "member_path");
  r.Str(&rec.display, "display");
  r.Bool(&rec.is_container, "is_container");
  r.Str(&rec.container_format, "container_format");
  r.U64(&rec.size, "size");
  r.I64(&rec.mtime_ms, "mtime_ms");
  r.Str(&rec.sha256, "sha256");
  r.Str(&rec.sha1, "sha1");
  r.Str(&rec.md5, "md5");
  r.Str(&rec.format, "format");
  r.U64(&rec.records_parsed, "records_parsed");
  r.U64(&rec.records_stored, "records_stored");
  r.U64(&rec.records_duplicate, "records_duplicate");
  r.U64(&rec.records_rejected, "records_rejected");
  r.I64(&rec.first_event_ms, "first_event_ms");
  r.I64(&rec.last_event_ms, "last_event_ms");
  r.U64(&rec.warning_count, "warning_count");
  const size_t warnings = r.Count("warnings");
  for (size_t i = 0; i < warnings && r.ok(); ++i) {
    Warning w;
    r.Str(&w.kind, "warnings.kind");
    r.Str(&w.source, "warnings.source");
    r.U64(&w.line, "warnings.line");
    r.Str(&w.detail, "warnings.detail");
    if (r.ok()) rec.warnings.push_back(std::move(w));
  }
  r.Str(&rec.ingested_at, "ingested_at");
  r.U32(&rec.run, "run");
  r.Str(&rec.status, "status");
  r.U32(&rec.same_as, "same_as");
  absl::Status status = r.Finish("evidence");
  if (!status.ok()) return status;
  return rec;
}

}  // namespace tern
