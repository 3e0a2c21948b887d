// Decisions (shared with mailbox-audit-csv, the same log in CSV form):
//  * Time: LastAccessed, ISO 8601 with the server's local offset
//    ("2010-04-30T11:01:55.140625-07:00"), converted to UTC. It is the
//    entry's own time, so it is not flagged kFlagTimeFromWrapper.
//  * Record id: none (the log has no UAL Id); the caller synthesizes one.
//  * Actor: no UserId exists. For an Owner logon the actor is the mailbox
//    owner; otherwise only LogonUserDisplayName (or LogonUserDN) and
//    LogonUserSid are known.
//  * Mailbox: MailboxOwnerUPN, else Owner (an account name, not a UPN).
//  * Workload "Exchange"; RecordType stays unknown (detections key on
//    Operation).
//  * Items: ItemSubject/ItemId/ItemInternetMessageId on <Event> itself, and
//    every descendant element carrying Subject, ItemId, InternetMessageId or
//    FolderPathName (the doc sample writes `<ItemId="..." Subject=...>`,
//    with no element name: its attributes are read all the same).
#include "parsers/mailbox_audit_xml.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "core/base/ip.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/base/time.h"
#include "core/model/enums.h"
#include "parsers/flat_record.h"
#include "parsers/json_util.h"

namespace tern {
namespace {

constexpr size_t kChunkBytes = 64 * 1024;
// SearchResult.xml reports were capped at 10 MB; one entry is a few KiB.
constexpr size_t kMaxTagBytes = size_t{1} << 20;
constexpr size_t kMaxRecordBytes = size_t{16} << 20;

using Attributes = std::vector<std::pair<std::string, std::string>>;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The code point of a numeric reference body ("#39", "#x27"), if valid.
std::optional<uint32_t> NumericReference(std::string_view body) {
  if (body.size() < 2 || body[0] != '#') return std::nullopt;
  bool hex = body[1] == 'x' || body[1] == 'X';
  std::string_view digits = body.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return std::nullopt;
  uint32_t cp = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (hex && c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (hex && c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
  }
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  return cp;
}

// Splits a tag body ("Event A=\"1\" B='2' /") into its element name and
// attributes. A body that opens with `name=` has no element name.
std::string ParseTag(std::string_view tag, Attributes* attrs) {
  size_t p = 0;
  auto read_name = [&] {
    size_t start = p;
    while (p < tag.size() && !IsSpace(tag[p]) && tag[p] != '=' && tag[p] != '/' && tag[p] != '>') {
      ++p;
    }
    return tag.substr(start, p - start);
  };
  std::string element(read_name());
  size_t after_name = p;
  while (p < tag.size() && IsSpace(tag[p])) ++p;
  if (p < tag.size() && tag[p] == '=') {
    p = 0;  // `<ItemId="...">`: the "name" was the first attribute's
    element.clear();
  } else {
    p = after_name;
  }
  while (p < tag.size()) {
    while (p < tag.size() && (IsSpace(tag[p]) || tag[p] == '/')) ++p;
    std::string_view name = read_name();
    if (name.empty()) {
      ++p;  // stray character: skip it
      continue;
    }
    while (p < tag.size() && IsSpace(tag[p])) ++p;
    std::string value;
    if (p < tag.size() && tag[p] == '=') {
      ++p;
      while (p < tag.size() && IsSpace(tag[p])) ++p;
      if (p < tag.size() && (tag[p] == '"' || tag[p] == '\'')) {
        char quote = tag[p++];
        size_t end = tag.find(quote, p);
        if (end == std::string_view::npos) end = tag.size();
        value = DecodeXmlEntities(tag.substr(p, end - p));
        p = end + 1;
      } else {
        size_t start = p;
        while (p < tag.size() && !IsSpace(tag[p])) ++p;
        value = DecodeXmlEntities(tag.substr(start, p - start));
      }
    }
    attrs->emplace_back(std::string(name), std::move(value));
  }
  return element;
}

std::string_view Attr(const Attributes& attrs, std::string_view name) {
  for (const auto& [k, v] : attrs) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return {};
}

std::string_view FirstAttr(const Attributes& attrs, std::string_view a, std::string_view b) {
  std::string_view v = Attr(attrs, a);
  return v.empty() ? Attr(attrs, b) : v;
}

// Reads the stream tag by tag; collects one <Event> at a time.
class EventScanner {
 public:
  EventScanner(ByteStream& in, ParseContext& ctx)
      : in_(in),
        ctx_(ctx),
        buf_(kChunkBytes),
        max_record_bytes_(ctx.max_record_bytes != 0 ? ctx.max_record_bytes : kMaxRecordBytes) {}

  absl::Status Run() {
    while (true) {
      TERN_ASSIGN_OR_RETURN(size_t n, in_.Read(buf_.data(), buf_.size()));
      if (n == 0) break;
      for (size_t i = 0; i < n; ++i) TERN_RETURN_IF_ERROR(Step(buf_[i]));
    }
    if (in_tag_) ctx_.Reject(tag_line_, "XML tag not closed at end of input");
    if (in_record_) TERN_RETURN_IF_ERROR(EmitRecord());
    return absl::OkStatus();
  }

 private:
  absl::Status Step(char c) {
    if (in_record_) Keep(c);
    if (c == '\n') ++line_;
    if (!in_tag_) {
      if (c == '<') {
        in_tag_ = true;
        quote_ = 0;
        tag_.clear();
        tag_line_ = line_;
      }
      return absl::OkStatus();
    }
    if (tag_.size() >= kMaxTagBytes) {
      if (c != '>') return absl::OkStatus();
      in_tag_ = false;
      ctx_.Reject(tag_line_, "XML tag larger than 1 MiB");
      return absl::OkStatus();
    }
    bool comment = tag_.rfind("!--", 0) == 0 || tag_.rfind("![CDATA[", 0) == 0;
    if (c == '>' && quote_ == 0) {
      bool closed = !comment || (tag_.size() >= 5 && (tag_.compare(tag_.size() - 2, 2, "--") == 0 ||
                                                      tag_.compare(tag_.size() - 2, 2, "]]") == 0));
      if (closed) {
        in_tag_ = false;
        return Tag();
      }
    }
    if (!comment && (c == '"' || c == '\'')) {
      if (quote_ == 0) {
        quote_ = c;
      } else if (quote_ == c) {
        quote_ = 0;
      }
    }
    tag_.push_back(c);
    return absl::OkStatus();
  }

  void Keep(char c) {
    if (raw_.size() < max_record_bytes_) {
      raw_.push_back(c);
    } else {
      too_big_ = true;
    }
  }

  absl::Status Tag() {
    if (tag_.empty() || tag_[0] == '?' || tag_[0] == '!') return absl::OkStatus();
    std::string_view tag = tag_;
    bool end_tag = tag[0] == '/';
    Attributes attrs;
    std::string element = ParseTag(end_tag ? tag.substr(1) : tag, &attrs);
    bool is_event = EqualsIgnoreCase(element, "Event");
    if (end_tag) {
      if (is_event && in_record_) return EmitRecord();
      return absl::OkStatus();
    }
    if (is_event) {
      // An <Event> before the previous one's </Event>: the previous ended.
      if (in_record_) {
        if (!too_big_) raw_.resize(raw_.size() - tag_.size() - 2);
        TERN_RETURN_IF_ERROR(EmitRecord());
      }
      in_record_ = true;
      too_big_ = false;
      record_line_ = tag_line_;
      raw_ = absl::StrCat("<", tag_, ">");
      event_attrs_ = std::move(attrs);
      items_.clear();
      if (tag.back() == '/') return EmitRecord();
      return absl::OkStatus();
    }
    if (in_record_ &&
        (!Attr(attrs, "Subject").empty() || !Attr(attrs, "ItemId").empty() ||
         !Attr(attrs, "InternetMessageId").empty() || !Attr(attrs, "FolderPathName").empty())) {
      MailItem item;
      item.subject = Attr(attrs, "Subject");
      item.folder = Attr(attrs, "FolderPathName");
      item.message_id = Attr(attrs, "InternetMessageId");
      item.item_id = FirstAttr(attrs, "ItemId", "Id");
      items_.push_back(std::move(item));
    }
    return absl::OkStatus();
  }

  absl::Status EmitRecord() {
    in_record_ = false;
    ++index_;
    if (too_big_) {
      ctx_.Reject(record_line_,
                  absl::StrCat("XML <Event> larger than ", max_record_bytes_, " bytes"));
      return absl::OkStatus();
    }
    Event event;
    absl::Status status = Normalize(&event);
    if (!status.ok()) {
      ctx_.Reject(record_line_, ToStd(status.message()));
      return absl::OkStatus();
    }
    // Attribute text is taken as is; invalid UTF-8 is only marked here and
    // neutralized by each output channel.
    if (!IsValidUtf8(raw_)) event.flags |= kFlagInvalidUtf8;
    event.provenance = Provenance{ctx_.evidence_ordinal, record_line_, index_};
    return ctx_.events->Accept(std::move(event), raw_);
  }

  absl::Status Normalize(Event* e) {
    const Attributes& a = event_attrs_;
    e->operation = Attr(a, "Operation");
    std::string_view when = json::StripSpace(Attr(a, "LastAccessed"));
    if (e->operation.empty() && when.empty()) {
      return absl::InvalidArgumentError("<Event> without Operation or LastAccessed");
    }
    absl::StatusOr<TimeMs> time = ParseIso8601(when);
    if (!time.ok()) time = ParseWrapperDate(when, DateOrder::kMonthFirst);
    if (time.ok()) {
      e->time_ms = *time;
    } else {
      e->flags |= kFlagNoTime;
    }
    e->workload = "Exchange";
    e->result_status = Attr(a, "OperationResult");
    e->logon_type = ParseLogonType(json::StripSpace(Attr(a, "LogonType"))).value_or(kLogonUnknown);
    e->mailbox_guid = json::Lower(Attr(a, "MailboxGuid"));
    e->mailbox_upn = FirstAttr(a, "MailboxOwnerUPN", "Owner");
    e->actor_display = FirstAttr(a, "LogonUserDisplayName", "LogonUserDN");
    e->actor_sid = Attr(a, "LogonUserSid");
    if (e->logon_type == kLogonOwner) e->actor_upn = e->mailbox_upn;
    e->client_ip_raw = FirstAttr(a, "ClientIP", "ClientIPAddress");
    e->client_ip = NormalizeClientIp(e->client_ip_raw);
    e->client_info = Attr(a, "ClientInfoString");
    e->session_id = Attr(a, "SessionId");
    e->app_id = Attr(a, "AppId");
    e->client_app_id = Attr(a, "ClientAppId");
    std::string_view external = json::StripSpace(Attr(a, "ExternalAccess"));
    if (EqualsIgnoreCase(external, "true")) e->external_access = 1;
    if (EqualsIgnoreCase(external, "false")) e->external_access = 0;
    std::string folder(Attr(a, "FolderPathName"));
    if (!folder.empty()) e->folders.push_back(folder);
    std::string dest(Attr(a, "DestFolderPathName"));
    if (!dest.empty()) e->folders.push_back(dest);
    MailItem own{std::string(Attr(a, "ItemSubject")), folder,
                 std::string(Attr(a, "ItemInternetMessageId")), std::string(Attr(a, "ItemId"))};
    if (!own.subject.empty() || !own.message_id.empty() || !own.item_id.empty()) {
      e->items.push_back(std::move(own));
    }
    for (MailItem& item : items_) {
      if (item.folder.empty()) item.folder = folder;
      e->items.push_back(std::move(item));
    }
    for (const auto& [name, value] : SplitNameValueTokens(Attr(a, "OperationProperties"))) {
      e->operation_properties.push_back(NameValue{std::string(name), std::string(value)});
    }
    static constexpr std::pair<std::string_view, std::string_view> kExtras[] = {
        {"ClientProcessName", "ClientProcessName"},
        {"ClientVersion", "ClientVersion"},
        {"DestMailboxOwnerUPN", "DestMailboxOwnerUPN"},
        {"CrossMailboxOperation", "CrossMailboxOperation"},
        {"AuditOperationsCountInAggregatedRecord", "OperationCount"},
        {"OriginatingServer", "OriginatingServer"},
    };
    for (const auto& [attr, name] : kExtras) {
      std::string_view v = json::StripSpace(Attr(a, attr));
      if (!v.empty()) e->extra.push_back(NameValue{std::string(name), std::string(v)});
    }
    return absl::OkStatus();
  }

  ByteStream& in_;
  ParseContext& ctx_;
  std::vector<char> buf_;
  uint64_t max_record_bytes_;
  uint64_t line_ = 1;
  bool in_tag_ = false;
  char quote_ = 0;
  std::string tag_;  // between '<' and '>'
  uint64_t tag_line_ = 0;
  bool in_record_ = false;
  bool too_big_ = false;
  std::string raw_;
  uint64_t record_line_ = 0;
  uint64_t index_ = 0;
  Attributes event_attrs_;
  std::vector<MailItem> items_;
};

class MailboxAuditXmlParser : public Parser {
 public:
  std::string_view name() const override { return "mailbox-audit-xml"; }
  std::string_view description() const override {
    return "SearchResult.xml of New-MailboxAuditLogSearch (Search-MailboxAuditLog entries)";
  }
  // <Event ...> elements carrying mailbox-audit attribute names; other XML
  // (Export-Clixml <Objs>, admin audit reports) scores 0.
  int Sniff(std::string_view head) const override {
    std::string_view t = json::StripLeadingSpace(head);
    if (t.empty() || t.front() != '<') return 0;
    if (t.find("<Event") == std::string_view::npos) return 0;
    int hits = (t.find("LastAccessed=") != std::string_view::npos) +
               (t.find("MailboxOwnerUPN=") != std::string_view::npos) +
               (t.find("OperationResult=") != std::string_view::npos) +
               (t.find("MailboxGuid=") != std::string_view::npos);
    return hits >= 2 ? 90 : 0;
  }
  absl::Status Parse(ByteStream& text, ParseContext& ctx) const override {
    EventScanner scanner(text, ctx);
    return scanner.Run();
  }
};

}  // namespace

std::string DecodeXmlEntities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t p = 0;
  while (p < text.size()) {
    size_t amp = text.find('&', p);
    if (amp == std::string_view::npos) break;
    out.append(text.substr(p, amp - p));
    size_t semi = text.find(';', amp);
    std::string_view body = semi == std::string_view::npos || semi - amp > 12
                                ? ""
                                : text.substr(amp + 1, semi - amp - 1);
    std::optional<uint32_t> cp;
    if (body == "amp") cp = '&';
    if (body == "lt") cp = '<';
    if (body == "gt") cp = '>';
    if (body == "quot") cp = '"';
    if (body == "apos") cp = '\'';
    if (!cp) cp = NumericReference(body);
    if (cp) {
      AppendUtf8(*cp, &out);
      p = semi + 1;
    } else {
      out.push_back('&');
      p = amp + 1;
    }
  }
  out.append(text.substr(p));
  return out;
}

std::unique_ptr<Parser> MakeMailboxAuditXmlParser() {
  return std::make_unique<MailboxAuditXmlParser>();
}

}  // namespace tern
