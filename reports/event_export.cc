#include "reports/event_export.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "core/base/json_writer.h"
#include "core/base/strings.h"
#include "core/model/enums.h"
#include "reports/event_format.h"

namespace tern {
namespace {

void NameValues(JsonWriter& json, std::string_view key, const std::vector<NameValue>& list) {
  json.Key(key).BeginArray();
  for (const NameValue& nv : list) {
    json.BeginObject();
    json.Key("name").String(nv.name);
    json.Key("value");
    if (nv.has_value) {
      json.String(nv.value);
    } else {
      json.Null();
    }
    json.EndObject();
  }
  json.EndArray();
}

}  // namespace

// A CSV cell: control characters (other than tab and line breaks, which
// quoting handles) become visible text ("\x1b", "\u009b" for C1), so the
// file is safe to print on a terminal and the analyst still sees which
// character was there; then CsvCell quotes and neutralizes formulas.
std::string CsvSafeCell(std::string_view raw) {
  const std::string valid = SanitizeUtf8(raw);
  std::string text;
  text.reserve(valid.size());
  for (size_t i = 0; i < valid.size(); ++i) {
    const auto byte = static_cast<unsigned char>(valid[i]);
    const auto next = i + 1 < valid.size() ? static_cast<unsigned char>(valid[i + 1]) : 0;
    if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7f) {
      absl::StrAppend(&text, "\\x", absl::Hex(byte, absl::kZeroPad2));
    } else if (byte == 0xc2 && next >= 0x80 && next <= 0x9f) {  // U+0080..U+009F
      absl::StrAppend(&text, "\\u00", absl::Hex(next, absl::kZeroPad2));
      ++i;
    } else {
      text.push_back(valid[i]);
    }
  }
  return CsvCell(text);
}

std::string EventActor(const Event& e) { return e.actor_upn.empty() ? e.actor_sid : e.actor_upn; }

std::string ShownActor(const Event& e, const EventEnrichment& x) {
  std::string upn;
  if (x.directory != nullptr) upn = correlate::LinkedActorUpn(x.directory->identities(), e);
  return upn.empty() ? EventActor(e) : upn;
}

std::string ShownMailboxUpn(const Event& e, const EventEnrichment& x) {
  std::string upn;
  if (x.directory != nullptr) upn = correlate::ShownMailboxUpn(*x.directory, e);
  return upn.empty() ? e.mailbox_upn : upn;
}

void AppendEventJsonl(const Event& e, const EventEnrichment& x, std::string* out) {
  const ResolvedAnchor& source = x.source;
  JsonWriter json(0);
  json.BeginObject();
  json.Key("message").String(EventMessage(e));
  json.Key("datetime").String(FormatRfc3339(e.time_ms));
  json.Key("timestamp").Int(e.time_ms * 1000);
  json.Key("timestamp_desc").String("Event Recorded");
  json.Key("record_id").String(e.record_id);
  json.Key("operation").String(e.operation);
  json.Key("category").String(CategoryName(CategorizeEvent(e)));
  json.Key("record_type").Int(e.record_type);
  json.Key("record_type_name").String(RecordTypeName(e.record_type));
  json.Key("workload").String(e.workload);
  json.Key("result_status").String(e.result_status);
  json.Key("actor").String(ShownActor(e, x));
  json.Key("actor_recorded").String(EventActor(e));
  json.Key("actor_sid").String(e.actor_sid);
  json.Key("actor_display").String(e.actor_display);
  json.Key("user_type").String(UserTypeName(e.user_type));
  json.Key("logon_type").String(LogonTypeText(e.logon_type));
  json.Key("mailbox_guid").String(e.mailbox_guid);
  json.Key("mailbox_upn").String(ShownMailboxUpn(e, x));
  json.Key("client_ip").String(e.client_ip);
  json.Key("client_ip_raw").String(e.client_ip_raw);
  json.Key("client_info").String(e.client_info);
  json.Key("session_id").String(e.session_id);
  json.Key("aad_session_id").String(e.aad_session_id);
  json.Key("app_id").String(e.app_id);
  json.Key("client_app_id").String(e.client_app_id);
  json.Key("external_access");
  if (e.external_access < 0) {
    json.Null();
  } else {
    json.Bool(e.external_access == 1);
  }
  json.Key("object_id").String(e.object_id);
  json.Key("object").String(DescribeObject(e, 0));
  NameValues(json, "parameters", e.parameters);
  NameValues(json, "operation_properties", e.operation_properties);
  json.Key("items").BeginArray();
  for (const MailItem& item : e.items) {
    json.BeginObject();
    json.Key("subject").String(item.subject);
    json.Key("folder").String(item.folder);
    json.Key("message_id").String(item.message_id);
    json.Key("item_id").String(item.item_id);
    json.Key("size_bytes").Int(item.size_bytes);
    json.EndObject();
  }
  json.EndArray();
  json.Key("folders").BeginArray();
  for (const std::string& f : e.folders) json.String(f);
  json.EndArray();
  NameValues(json, "extra", e.extra);
  json.Key("flags").String(FlagsText(e.flags));
  json.Key("source_sha256").String(source.sha256);
  json.Key("source_member").String(source.member);
  json.Key("source_line").Uint(source.line);
  json.Key("source_copies").Uint(source.copies);
  json.EndObject();
  out->append(json.str());
  out->push_back('\n');
}

std::string EventCsvHeader() {
  return "datetime,operation,category,record_type,workload,result_status,actor,logon_type,"
         "mailbox_upn,mailbox_guid,client_ip,client_info,session_id,object,record_id,"
         "source_sha256,source_member,source_line,source_copies,flags,actor_recorded\r\n";
}

void AppendEventCsv(const Event& e, const EventEnrichment& x, std::string* out) {
  const ResolvedAnchor& source = x.source;
  const std::string cells[] = {
      FormatRfc3339(e.time_ms),
      e.operation,
      std::string(CategoryName(CategorizeEvent(e))),
      e.record_type < 0 ? "" : absl::StrCat(e.record_type),
      e.workload,
      e.result_status,
      ShownActor(e, x),
      LogonTypeText(e.logon_type),
      ShownMailboxUpn(e, x),
      e.mailbox_guid,
      e.client_ip,
      e.client_info,
      e.session_id,
      DescribeObject(e, 0),
      e.record_id,
      source.sha256,
      source.member,
      absl::StrCat(source.line),
      absl::StrCat(source.copies),
      FlagsText(e.flags),
      EventActor(e),
  };
  bool first = true;
  for (const std::string& cell : cells) {
    if (!first) out->push_back(',');
    first = false;
    out->append(CsvSafeCell(cell));
  }
  out->append("\r\n");
}

}  // namespace tern
