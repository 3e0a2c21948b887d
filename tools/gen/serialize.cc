#include "tools/gen/serialize.h"

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace tern::gen {
namespace {

constexpr std::string_view kServer = "AM6PR04MB5638 (15.20.7362.019)\\r\\n";
constexpr std::string_view kSensitivity = "defa4170-0d19-0005-0004-bc88714345d2";
constexpr std::string_view kExchangeApp = "00000002-0000-0ff1-ce00-000000000000";

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  (void)ec;
  out->append(buf, end);
}

// Two digits, zero padded.
void Append2(int v, std::string* out) {
  out->push_back(static_cast<char>('0' + v / 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

struct Civil {
  int year, month, day, hour, minute, second;
};

// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
// days_from_civil inverse); no time zone database involved.
Civil ToCivil(int64_t ms) {
  int64_t secs = ms / 1000;
  if (ms % 1000 < 0) --secs;
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
  return Civil{y,
               m,
               d,
               static_cast<int>(rem / 3600),
               static_cast<int>(rem / 60 % 60),
               static_cast<int>(rem % 60)};
}

// Appends `s` as a JSON string (quotes included).
void AppendJson(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c != '"' && c != '\\' && c >= 0x20) continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\n':
        out->append("\\n");
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
      }
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

// `,"key":` then a JSON string value.
void Str(std::string_view key, std::string_view value, std::string* out) {
  out->append(",\"").append(key).append("\":");
  AppendJson(value, out);
}

void Int(std::string_view key, int64_t value, std::string* out) {
  out->append(",\"").append(key).append("\":");
  AppendInt(value, out);
}

// A deterministic stream of pseudo-random values from a record's id, for the
// fields the model does not carry (token ids, AAD session ids): the same
// record always renders the same bytes.
Rng IdRng(std::string_view id) {
  uint64_t h = 1469598103934665603ull;
  for (char c : id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return Rng(h);
}

std::string FolderId(std::string_view path) {
  Rng rng = IdRng(path);
  return "LgAAAAB" + rng.Hex(40) + "AQAAAAB";
}

std::string TokenId(Rng& rng) {
  static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out(22, 'A');
  uint64_t w = rng.Next();
  for (int i = 0; i < 22; ++i) {
    if (i == 10) w = rng.Next();
    out[i] = kB64[w & 63];
    w >>= 6;
  }
  return out;
}

void AppendAppAccessContext(const Record& r, Rng& rng, bool with_session, std::string* out) {
  out->append("{\"AppAccessContext\":{");
  if (with_session) {
    out->append("\"AADSessionId\":\"").append(rng.Guid()).append("\",");
  }
  out->append("\"IssuedAtTime\":\"");
  AppendIsoTime(r.time_ms - static_cast<int64_t>(rng.Below(3000)) * 1000, out);
  out->append("\",\"UniqueTokenId\":\"").append(TokenId(rng)).append("\"}");
}

// The fields every record starts with (common schema, FORMATS.md §4.1).
// `first`: the object has no member yet (no leading comma).
void AppendCommon(const Tenant& t, const Record& r, std::string_view user_key,
                  std::string_view workload, bool first, std::string* out) {
  out->append(first ? "\"CreationTime\":\"" : ",\"CreationTime\":\"");
  AppendIsoTime(r.time_ms, out);
  out->append("\"");
  Str("Id", r.id, out);
  Str("Operation", r.operation, out);
  Str("OrganizationId", t.org_id, out);
  Int("RecordType", r.record_type, out);
  Str("ResultStatus", r.result, out);
  Str("UserKey", user_key, out);
  Int("UserType", r.user_type, out);
  Int("Version", 1, out);
  Str("Workload", workload, out);
}

void AppendFolderRef(std::string_view key, std::string_view path, std::string* out) {
  out->append(",\"").append(key).append("\":{\"Id\":\"").append(FolderId(path)).append("\"");
  Str("Path", path, out);
  out->push_back('}');
}

void AppendItem(const GenItem& item, std::string* out) {
  out->append("{\"Id\":");
  AppendJson(item.id, out);
  Str("InternetMessageId", item.message_id, out);
  out->append(",\"IsRecord\":false");
  AppendFolderRef("ParentFolder", item.folder, out);
  Int("SizeInBytes", item.size, out);
  Str("Subject", item.subject, out);
  out->push_back('}');
}

void AppendFolders(const Record& r, std::string* out) {
  out->append("[");
  for (size_t f = 0; f < r.folders.size(); ++f) {
    const GenFolder& folder = r.folders[f];
    if (f > 0) out->push_back(',');
    out->push_back('{');
    if (!folder.items.empty()) {
      out->append("\"FolderItems\":[");
      for (size_t i = 0; i < folder.items.size(); ++i) {
        if (i > 0) out->push_back(',');
        out->append("{\"InternetMessageId\":");
        AppendJson(folder.items[i].message_id, out);
        Str("Sensitivity", kSensitivity, out);
        Int("SizeInBytes", folder.items[i].size, out);
        out->push_back('}');
      }
      out->append("],");
    }
    out->append("\"Id\":\"").append(FolderId(folder.path)).append("\"");
    Str("Path", folder.path, out);
    out->push_back('}');
  }
  out->append("]");
}

int OperationCount(const Record& r) {
  int n = 0;
  for (const GenFolder& f : r.folders) n += static_cast<int>(f.items.size());
  return n > 0 ? n : 1;
}

void AppendMailboxRecord(const Tenant& t, const Record& r, std::string* out) {
  Rng rng = IdRng(r.id);
  const User& actor = t.users[r.actor];
  const User& owner = t.users[r.owner];
  AppendAppAccessContext(r, rng, true, out);
  AppendCommon(t, r, actor.puid, "Exchange", /*first=*/false, out);
  // MailItemsAccessed records often carry only ClientIPAddress (§4.6).
  if (r.record_type != 50) Str("ClientIP", r.ip, out);
  Str("UserId", actor.upn, out);
  Str("AppId", r.app_id, out);
  Str("ClientAppId", r.app_id, out);
  Str("ClientIPAddress", r.ip, out);
  Str("ClientInfoString", r.client, out);
  if (r.outlook) {
    Str("ClientProcessName", "OUTLOOK.EXE", out);
    Str("ClientVersion", "16.0.17328.20162", out);
  }
  out->append(",\"ExternalAccess\":false");
  Int("InternalLogonType", r.logon_type == 2 ? 2 : 0, out);
  Int("LogonType", r.logon_type, out);
  Str("LogonUserSid", actor.sid, out);
  Str("LogonUserDisplayName", actor.display, out);
  Str("MailboxGuid", owner.guid, out);
  Str("MailboxOwnerSid", owner.sid, out);
  Str("MailboxOwnerUPN", owner.upn, out);
  if (!r.op_props.empty()) {
    out->append(",\"OperationProperties\":[");
    for (size_t i = 0; i < r.op_props.size(); ++i) {
      if (i > 0) out->push_back(',');
      out->append("{\"Name\":");
      AppendJson(r.op_props[i].first, out);
      Str("Value", r.op_props[i].second, out);
      out->push_back('}');
    }
    out->push_back(']');
  }
  Str("OrganizationName", t.org_name, out);
  out->append(",\"OriginatingServer\":\"").append(kServer).append("\"");
  Str("SessionId", r.session, out);
  if (r.record_type == 2 && !r.items.empty()) {
    out->append(",\"Item\":");
    AppendItem(r.items[0], out);
    if (r.send_as_of >= 0) {
      const User& as = t.users[r.send_as_of];
      const bool send_as = r.operation == "SendAs";
      Str(send_as ? "SendAsUserSmtp" : "SendOnBehalfOfUserSmtp", as.upn, out);
      Str(send_as ? "SendAsUserMailboxGuid" : "SendOnBehalfOfUserMailboxGuid", as.guid, out);
    }
    out->append(",\"SaveToSentItems\":true");
  } else if (r.record_type == 3) {
    out->append(",\"AffectedItems\":[");
    for (size_t i = 0; i < r.items.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendItem(r.items[i], out);
    }
    out->append("],\"CrossMailboxOperation\":false");
    if (!r.dest_folder.empty()) AppendFolderRef("DestFolder", r.dest_folder, out);
    AppendFolderRef("Folder", r.folder, out);
  } else if (r.record_type == 50) {
    out->append(",\"Folders\":");
    AppendFolders(r, out);
    Int("OperationCount", OperationCount(r), out);
  }
  out->push_back('}');
}

void AppendAdminRecord(const Tenant& t, const Record& r, std::string* out) {
  Rng rng = IdRng(r.id);
  const User& actor = t.users[r.actor];
  AppendAppAccessContext(r, rng, false, out);
  AppendCommon(t, r, actor.puid, "Exchange", /*first=*/false, out);
  Str("ClientIP", r.ip, out);
  Str("ObjectId", r.object_id, out);
  Str("UserId", actor.upn, out);
  Str("AppId", r.app_id, out);
  Str("ClientAppId", "", out);
  out->append(",\"ExternalAccess\":false");
  Str("OrganizationName", t.org_name, out);
  Str("OriginatingServer", "CH3PR10MB7864 (15.20.6813.027)", out);
  out->append(",\"Parameters\":[");
  for (size_t i = 0; i < r.params.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append("{\"Name\":");
    AppendJson(r.params[i].first, out);
    Str("Value", r.params[i].second, out);
    out->push_back('}');
  }
  out->push_back(']');
  Str("SessionId", r.session, out);
  out->push_back('}');
}

// A user's Entra ID object id: the same in every sign-in of that user, as
// in real exports (a fresh one per sign-in made the identity directory
// grow with the sign-ins, a million identifiers at 10M records). Derived
// from the UPN, so the tenant's random stream is unchanged.
std::string ObjectIdOf(const User& user) { return IdRng("object-id:" + user.upn).Guid(); }

void AppendAadRecord(const Tenant& t, const Record& r, std::string* out) {
  Rng rng = IdRng(r.id);
  const User& user = t.users[r.actor];
  const std::string object_guid = ObjectIdOf(user);
  out->push_back('{');
  AppendCommon(t, r, object_guid, "AzureActiveDirectory", /*first=*/true, out);
  Str("ClientIP", r.ip, out);
  Str("ObjectId", kExchangeApp, out);
  Str("UserId", user.upn, out);
  Int("AzureActiveDirectoryEventType", 1, out);
  out->append(",\"ExtendedProperties\":[{\"Name\":\"ResultStatusDetail\",\"Value\":");
  AppendJson(r.result, out);
  out->append("},{\"Name\":\"UserAgent\",\"Value\":");
  AppendJson(r.client, out);
  out->append(
      "},{\"Name\":\"RequestType\",\"Value\":\"OAuth2:Authorize\"}],\"ModifiedProperties\":[],"
      "\"Actor\":[{\"ID\":\"");
  out->append(object_guid).append("\",\"Type\":0},{\"ID\":");
  AppendJson(user.upn, out);
  out->append(",\"Type\":5}]");
  Str("ActorContextId", t.org_id, out);
  Str("ActorIpAddress", r.ip, out);
  Str("InterSystemsId", rng.Guid(), out);
  Str("IntraSystemId", rng.Guid(), out);
  Str("SupportTicketId", "", out);
  out->append(",\"Target\":[{\"ID\":\"").append(kExchangeApp).append("\",\"Type\":0}]");
  Str("TargetContextId", t.org_id, out);
  Str("ApplicationId", kExchangeApp, out);
  out->append(
      ",\"DeviceProperties\":[{\"Name\":\"OS\",\"Value\":\"Windows 10\"},{\"Name\":"
      "\"BrowserType\",\"Value\":\"Edge\"},{\"Name\":\"SessionId\",\"Value\":\"");
  out->append(r.session).append("\"}],\"ErrorNumber\":\"0\"}");
}

std::string_view LogonTypeName(int type) {
  switch (type) {
    case 0:
      return "Owner";
    case 1:
      return "Admin";
    case 2:
      return "Delegate";
    default:
      return "SystemService";
  }
}

// Export-Csv renders a collection as its .NET type name.
constexpr std::string_view kListType = "System.Collections.Generic.List`1[System.String]";

}  // namespace

void AppendIsoTime(int64_t ms, std::string* out) {
  const Civil c = ToCivil(ms);
  AppendInt(c.year, out);
  out->push_back('-');
  Append2(c.month, out);
  out->push_back('-');
  Append2(c.day, out);
  out->push_back('T');
  Append2(c.hour, out);
  out->push_back(':');
  Append2(c.minute, out);
  out->push_back(':');
  Append2(c.second, out);
}

void AppendUsTime(int64_t ms, std::string* out) {
  const Civil c = ToCivil(ms);
  AppendInt(c.month, out);
  out->push_back('/');
  AppendInt(c.day, out);
  out->push_back('/');
  AppendInt(c.year, out);
  out->push_back(' ');
  const int h12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
  AppendInt(h12, out);
  out->push_back(':');
  Append2(c.minute, out);
  out->push_back(':');
  Append2(c.second, out);
  out->append(c.hour < 12 ? " AM" : " PM");
}

void AppendCompactTime(int64_t ms, std::string* out) {
  const Civil c = ToCivil(ms);
  AppendInt(c.year, out);
  Append2(c.month, out);
  Append2(c.day, out);
  Append2(c.hour, out);
  Append2(c.minute, out);
  Append2(c.second, out);
}

void AppendAuditData(const Tenant& t, const Record& r, std::string* out) {
  switch (r.kind) {
    case Kind::kMailbox:
      AppendMailboxRecord(t, r, out);
      return;
    case Kind::kAdmin:
      AppendAdminRecord(t, r, out);
      return;
    case Kind::kAad:
      AppendAadRecord(t, r, out);
      return;
  }
}

std::string_view RecordTypeName(int type) {
  switch (type) {
    case 1:
      return "ExchangeAdmin";
    case 2:
      return "ExchangeItem";
    case 3:
      return "ExchangeItemGroup";
    case 15:
      return "AzureActiveDirectoryStsLogon";
    case 50:
      return "ExchangeItemAggregated";
    default:
      return "Unknown";
  }
}

void AppendQuotedCell(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '"') continue;
    out->append(s.data() + run, i + 1 - run);
    out->push_back('"');
    run = i + 1;
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendPurviewRow(const Tenant& t, const Record& r, std::string_view audit, std::string* out) {
  out->append(r.id).push_back(',');
  AppendUsTime(r.time_ms, out);
  out->push_back(',');
  AppendInt(r.record_type, out);
  out->push_back(',');
  out->append(r.operation).push_back(',');
  out->append(t.users[r.actor].upn).push_back(',');
  AppendQuotedCell(audit, out);
  out->append(",,\r\n");
}

void AppendMailboxAuditHeader(std::string* out) {
  static constexpr std::string_view kColumns[] = {"Operation",
                                                  "OperationResult",
                                                  "LogonType",
                                                  "ExternalAccess",
                                                  "DestFolderId",
                                                  "DestFolderPathName",
                                                  "FolderId",
                                                  "FolderPathName",
                                                  "FolderName",
                                                  "MemberRights",
                                                  "MemberSid",
                                                  "MemberUpn",
                                                  "ClientInfoString",
                                                  "ClientIPAddress",
                                                  "ClientIP",
                                                  "ClientMachineName",
                                                  "ClientProcessName",
                                                  "ClientVersion",
                                                  "InternalLogonType",
                                                  "MailboxOwnerUPN",
                                                  "MailboxOwnerSid",
                                                  "DestMailboxOwnerUPN",
                                                  "DestMailboxOwnerSid",
                                                  "DestMailboxGuid",
                                                  "CrossMailboxOperation",
                                                  "LogonUserDisplayName",
                                                  "LogonUserSid",
                                                  "SourceItems",
                                                  "SourceFolders",
                                                  "SourceItemIdsList",
                                                  "SourceItemSubjectsList",
                                                  "SourceItemAttachmentsList",
                                                  "SourceItemFolderPathNamesList",
                                                  "SourceFolderPathNamesList",
                                                  "SourceItemInternetMessageIdsList",
                                                  "ItemId",
                                                  "ItemSubject",
                                                  "ItemAttachments",
                                                  "ItemInternetMessageId",
                                                  "DirtyProperties",
                                                  "OriginatingServer",
                                                  "SessionId",
                                                  "OperationProperties",
                                                  "AuditOperationsCountInAggregatedRecord",
                                                  "AggregatedRecordFoldersData",
                                                  "AppId",
                                                  "ClientAppId",
                                                  "ItemIsRecord",
                                                  "ItemComplianceLabel",
                                                  "MailboxGuid",
                                                  "MailboxResolvedOwnerName",
                                                  "LastAccessed",
                                                  "Identity",
                                                  "IsValid",
                                                  "ObjectState"};
  bool first = true;
  for (std::string_view c : kColumns) {
    if (!first) out->push_back(',');
    first = false;
    AppendQuotedCell(c, out);
  }
  out->append("\r\n");
}

void AppendMailboxAuditRow(const Tenant& t, const Record& r, std::string* out) {
  const User& actor = t.users[r.actor];
  const User& owner = t.users[r.owner];
  auto cell = [out](std::string_view v) {
    AppendQuotedCell(v, out);
    out->push_back(',');
  };
  std::string folder = r.folder;
  if (folder.empty() && !r.folders.empty()) folder = r.folders[0].path;
  if (folder.empty() && !r.items.empty()) folder = r.items[0].folder;
  const GenItem* item = r.record_type == 2 && !r.items.empty() ? &r.items[0] : nullptr;
  cell(r.operation);
  cell(r.result);
  cell(LogonTypeName(r.logon_type));
  cell("False");
  cell(r.dest_folder.empty() ? "" : FolderId(r.dest_folder));
  cell(r.dest_folder);
  cell(folder.empty() ? "" : FolderId(folder));
  cell(folder);
  cell(folder.empty() ? "" : std::string_view(folder).substr(folder.rfind('\\') + 1));
  cell("");
  cell("");
  cell("");
  cell(r.client);
  cell(r.ip);
  cell(r.ip);
  cell("");
  cell(r.outlook ? "OUTLOOK.EXE" : "");
  cell(r.outlook ? "16.0.17328.20162" : "");
  cell(LogonTypeName(r.logon_type));
  cell(owner.upn);
  cell(owner.sid);
  cell("");
  cell("");
  cell("");
  cell("False");
  cell(actor.display);
  cell(actor.sid);
  const bool group = r.record_type == 3;
  cell(group ? kListType : "");
  cell(group ? kListType : "");
  cell(group ? kListType : "");
  std::string subjects;
  std::string message_ids;
  if (group) {
    for (const GenItem& i : r.items) {
      subjects.append(subjects.empty() ? "" : ", ").append(i.subject);
      message_ids.append(message_ids.empty() ? "" : ", ").append(i.message_id);
    }
  }
  cell(subjects);
  cell("");
  cell("");
  cell("");
  cell(message_ids);
  cell(item != nullptr ? std::string_view(item->id) : "");
  cell(item != nullptr ? std::string_view(item->subject) : "");
  cell("");
  cell(item != nullptr ? std::string_view(item->message_id) : "");
  cell("");
  cell("AM6PR04MB5638 (15.20.7362.019)");
  cell(r.session);
  std::string props;
  for (const auto& [name, value] : r.op_props) {
    props.append(props.empty() ? "" : " ").append(name).append(":").append(value);
  }
  cell(props);
  std::string folders;
  if (r.record_type == 50) {
    folders.append(std::to_string(OperationCount(r)));
    cell(folders);
    folders.clear();
    AppendFolders(r, &folders);
    cell(folders);
  } else {
    cell("");
    cell("");
  }
  cell(r.app_id);
  cell(r.app_id);
  cell("False");
  cell("");
  cell(owner.guid);
  cell(owner.display);
  std::string when;
  AppendUsTime(r.time_ms, &when);
  cell(when);
  Rng rng = IdRng(r.id);
  cell("RgAAAAB" + rng.Hex(48) + "AAAJ");
  cell("True");
  AppendQuotedCell("Unchanged", out);
  out->append("\r\n");
}

}  // namespace tern::gen
