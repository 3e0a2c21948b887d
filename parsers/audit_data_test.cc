#include "parsers/audit_data.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_split.h"
#include "core/base/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parsers/json_test_util.h"

namespace tern {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The four verbatim FORMATS.md records, one per line of the fixture.
std::vector<std::string> Records() {
  std::string text = testing::ReadFixture(testing::JsonFixture("ual_records.jsonl"));
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(text, "\r\n", absl::SkipEmpty())) {
    lines.emplace_back(line);
  }
  return lines;
}

Event Normalize(std::string_view json) {
  Event event;
  absl::Status status = NormalizeAuditData(json, &event);
  EXPECT_TRUE(status.ok()) << status;
  return event;
}

std::string Extra(const Event& e, std::string_view name) {
  const NameValue* nv = Event::Find(e.extra, name);
  return nv ? nv->value : "<absent>";
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST(NormalizeAuditDataTest, NewInboxRuleWithParameters) {
  ASSERT_EQ(Records().size(), 4u);
  Event e = Normalize(Records()[0]);
  EXPECT_EQ(e.record_id, "85d29e27-be28-4f2c-96c8-08dbbe33c473");
  EXPECT_EQ(FormatRfc3339(e.time_ms), "2023-09-26T01:56:15Z");
  EXPECT_EQ(e.flags, 0u);
  EXPECT_EQ(e.record_type, 1);
  EXPECT_EQ(e.operation, "New-InboxRule");
  EXPECT_EQ(e.workload, "Exchange");
  EXPECT_EQ(e.result_status, "True");
  EXPECT_EQ(e.organization_id, "df233d94-fed3-4436-bf9a-a799fb85a159");
  EXPECT_EQ(e.actor_upn, "DebraB@M365B132131.OnMicrosoft.com");
  EXPECT_EQ(e.user_type, 2);
  EXPECT_EQ(e.client_ip_raw, "203.0.113.77:19823");
  EXPECT_EQ(e.client_ip, "203.0.113.77");
  EXPECT_EQ(e.app_id, "00000002-0000-0ff1-ce00-000000000000");
  EXPECT_EQ(e.client_app_id, "");
  EXPECT_EQ(e.session_id, "9dfdecb6-59a0-4714-846e-86c0fc911104");
  EXPECT_EQ(e.external_access, 0);
  // JSON "\/" and "\\" escapes decoded.
  EXPECT_EQ(e.object_id,
            "NAMPR10A011.PROD.OUTLOOK.COM/Microsoft Exchange Hosted Organizations/"
            "M365B132131.onmicrosoft.com/f757cb79-dd91-4555-a45e-520c2525d932\\f");
  ASSERT_EQ(e.parameters.size(), 7u);
  EXPECT_EQ(e.parameters[2], (NameValue{"From", "flag@ctf.com", true}));
  EXPECT_EQ(e.parameters[3], (NameValue{"MoveToFolder", "Conversation History", true}));
  EXPECT_EQ(e.parameters[6], (NameValue{"StopProcessingRules", "True", true}));
  EXPECT_EQ(Extra(e, "OriginatingServer"), "CH3PR10MB7864 (15.20.6813.027)");
  EXPECT_EQ(Extra(e, "UserKey"), "10032002F222981B");
  EXPECT_EQ(Extra(e, "Version"), "1");
  EXPECT_EQ(Extra(e, "ClientProcessName"), "<absent>");
  EXPECT_EQ(e.logon_type, kLogonUnknown);
  EXPECT_TRUE(e.items.empty());
}

TEST(NormalizeAuditDataTest, MailItemsAccessedWithFolders) {
  Event e = Normalize(Records()[1]);
  EXPECT_EQ(e.record_type, 50);
  EXPECT_EQ(FormatRfc3339(e.time_ms), "2023-09-15T18:16:53Z");
  // Type-50 records carry only ClientIPAddress.
  EXPECT_EQ(e.client_ip_raw, "192.0.2.1");
  EXPECT_EQ(e.client_ip, "192.0.2.1");
  EXPECT_EQ(e.client_info, "Client=OWA;Action=ViaProxy");
  EXPECT_EQ(e.logon_type, kLogonOwner);
  EXPECT_EQ(e.user_type, 0);
  EXPECT_EQ(e.actor_sid, "S-1-2-3");
  EXPECT_EQ(e.mailbox_guid, "03d9e949-cbc1-4dd2-b7ba-8a1d1e0207b5");
  EXPECT_EQ(e.mailbox_upn, "user1");
  EXPECT_THAT(e.operation_properties, ElementsAre(NameValue{"MailAccessType", "Bind", true},
                                                  NameValue{"IsThrottled", "False", true}));
  EXPECT_THAT(e.folders, ElementsAre("\\Brouillons"));
  ASSERT_EQ(e.items.size(), 2u);
  EXPECT_EQ(e.items[0].message_id,
            "<AM0PR07MB576312B164491AF0F9214C738DF6A@AM0PR07MB5763.eurprd07.prod.outlook.com>");
  EXPECT_EQ(e.items[0].size_bytes, 3476);
  EXPECT_EQ(e.items[0].folder, "\\Brouillons");
  EXPECT_EQ(e.items[1].size_bytes, 1156492);  // written as 1156492.00
  EXPECT_EQ(Extra(e, "OriginatingServer"), "AM0PR07MB5763 (15.20.4200.000)");
  EXPECT_EQ(Extra(e, "OperationCount"), "3");
}

TEST(NormalizeAuditDataTest, ExchangeItemCreateWithItem) {
  Event e = Normalize(Records()[2]);
  EXPECT_EQ(e.record_id, "3be78a31-dbd3-4c2c-eaf9-08d7b3cc8226");
  EXPECT_EQ(FormatRfc3339(e.time_ms), "2020-02-17T17:12:03Z");
  EXPECT_EQ(e.record_type, 2);
  EXPECT_EQ(e.operation, "Create");
  EXPECT_EQ(e.actor_upn, "S-1-5-18");
  EXPECT_EQ(e.logon_type, kLogonAdmin);
  EXPECT_EQ(e.external_access, 1);
  EXPECT_EQ(e.client_ip, "::1");
  EXPECT_EQ(e.mailbox_upn, "SIEMTest@testsiem.onmicrosoft.com");
  ASSERT_EQ(e.items.size(), 1u);
  EXPECT_EQ(e.items[0].subject, "The new SIEMTest group is ready");
  EXPECT_EQ(e.items[0].folder, "\\Inbox");
  EXPECT_EQ(e.items[0].item_id, "RgAAAACkAAAJ");
  EXPECT_EQ(e.items[0].size_bytes, -1);
  EXPECT_EQ(Extra(e, "OriginatingServer"), "AM6PR01MB4535 (15.20.2729.032)");
}

TEST(NormalizeAuditDataTest, UpdateInboxRulesValuelessAndJsonValues) {
  Event e = Normalize(Records()[3]);
  EXPECT_EQ(e.record_id, "6f1b2c3d-0000-4000-8000-00000000000d");
  EXPECT_EQ(e.mailbox_guid, "03d9e949-cbc1-4dd2-b7ba-8a1d1e0207b5");
  // Stringly-typed numbers and booleans.
  EXPECT_EQ(e.record_type, 2);
  EXPECT_EQ(e.user_type, 0);
  EXPECT_EQ(e.external_access, 0);
  EXPECT_EQ(e.logon_type, kLogonDelegate);
  EXPECT_EQ(e.client_ip_raw, "[2001:db8::abcd]:12345");
  EXPECT_EQ(e.client_ip, "2001:db8::abcd");
  EXPECT_EQ(Extra(e, "ClientProcessName"), "PROCESS.EXE");
  EXPECT_EQ(Extra(e, "Version"), "1");
  ASSERT_EQ(e.operation_properties.size(), 7u);
  EXPECT_EQ(e.operation_properties[4], (NameValue{"RuleName", "", false}));
  EXPECT_EQ(e.operation_properties[6].value,
            "[{\"ActionType\":\"Forward\",\"Recipients\":[\"john.doe@mail.fr\","
            "\"jane.roe@mail.fr\"],\"ForwardFlags\":\"None\"}]");
}

TEST(NormalizeAuditDataTest, NonStringValuesBecomeTheirJsonText) {
  Event e = Normalize(
      R"({"Id":"x","Operation":"Set-Mailbox","Parameters":[{"Name":"Count","Value":3},)"
      R"({"Name":"Flag","Value":true},{"Name":"Obj","Value":{"a":[1,"b"]}},{"Name":"Nil","Value":null},)"
      R"({"Value":"nameless"}]})");
  EXPECT_THAT(e.parameters,
              ElementsAre(NameValue{"Count", "3", true}, NameValue{"Flag", "true", true},
                          NameValue{"Obj", R"({"a":[1,"b"]})", true}, NameValue{"Nil", "", false},
                          NameValue{"", "nameless", true}));
}

TEST(NormalizeAuditDataTest, EnumNamesAndStringNumbers) {
  Event e = Normalize(
      R"({"Id":"a","RecordType":"ExchangeItemAggregated","LogonType":"Delegate","UserType":"Admin",)"
      R"("ExternalAccess":"TRUE","OperationCount":"12"})");
  EXPECT_EQ(e.record_type, 50);
  EXPECT_EQ(e.logon_type, kLogonDelegate);
  EXPECT_EQ(e.user_type, 2);
  EXPECT_EQ(e.external_access, 1);
  EXPECT_EQ(Extra(e, "OperationCount"), "12");
  Event unknown = Normalize(R"({"Id":"a","RecordType":"NotARecordType","RecordType2":7})");
  EXPECT_EQ(unknown.record_type, -1);
  Event number = Normalize(R"({"Id":"a","RecordType":463})");
  EXPECT_EQ(number.record_type, 463);  // unknown numbers are kept
}

TEST(NormalizeAuditDataTest, ClientIpPrecedence) {
  // ClientIP wins over ClientIPAddress whatever the key order.
  Event a =
      Normalize(R"({"Id":"a","ClientIPAddress":"192.0.2.9","ClientIP":"[::ffff:10.11.12.13]:1"})");
  EXPECT_EQ(a.client_ip_raw, "[::ffff:10.11.12.13]:1");
  EXPECT_EQ(a.client_ip, "10.11.12.13");
  // An empty ClientIP does not hide ClientIPAddress.
  Event b = Normalize(R"({"Id":"a","ClientIP":"","ClientIPAddress":"2603:10b6:5:345::11"})");
  EXPECT_EQ(b.client_ip, "2603:10b6:5:345::11");
  Event c = Normalize(R"({"Id":"a","ActorIpAddress":"198.51.100.1","ClientIp":null})");
  EXPECT_EQ(c.client_ip, "198.51.100.1");
  Event d = Normalize(R"({"Id":"a","ActorIpAddress":"198.51.100.1","ClientIp":"203.0.113.5:443"})");
  EXPECT_EQ(d.client_ip, "203.0.113.5");
}

TEST(NormalizeAuditDataTest, ClientInfoFallbacksAndAppAccessContext) {
  Event a = Normalize(R"({"Id":"a","UserAgent":"Mozilla/5.0"})");
  EXPECT_EQ(a.client_info, "Mozilla/5.0");
  Event b = Normalize(
      R"({"Id":"a","ExtendedProperties":[{"Name":"ResultStatusDetail","Value":"Redirect"},)"
      R"({"Name":"UserAgent","Value":"python-requests/2.31.0"}]})");
  EXPECT_EQ(b.client_info, "python-requests/2.31.0");
  Event c = Normalize(
      R"({"Id":"a","AppAccessContext":{"AADSessionId":"sess-1","ClientAppId":"app-from-context"}})");
  EXPECT_EQ(c.aad_session_id, "sess-1");
  EXPECT_EQ(c.client_app_id, "app-from-context");
  Event d = Normalize(
      R"({"Id":"a","ClientAppId":"app-top","AppAccessContext":{"ClientAppId":"app-from-context"}})");
  EXPECT_EQ(d.client_app_id, "app-top");
}

TEST(NormalizeAuditDataTest, NestedJsonStringsAndFolderShapes) {
  Event e = Normalize(
      R"({"Id":"a","Operation":"MoveToDeletedItems",)"
      R"("Parameters":"[{\"Name\":\"Identity\",\"Value\":\"x\"}]",)"
      R"("Folder":"{\"Path\":\"\\\\Inbox\"}","DestFolder":{"Path":"\\Deleted Items"},)"
      R"("AffectedItems":[{"Subject":"a","ParentFolder":{"Path":"\\Inbox"},"SizeInBytes":"10"},)"
      R"({"Subject":"b"}],"Item":"{\"Subject\":\"c\",\"SizeInBytes\":5.5}",)"
      R"("Messages":[{"Path":"\\Sent Items","MessageItems":[{"Id":"m1","SizeInBytes":1156492.00}]}]})");
  EXPECT_THAT(e.parameters, ElementsAre(NameValue{"Identity", "x", true}));
  EXPECT_THAT(e.folders, ElementsAre("\\Inbox", "\\Sent Items", "\\Deleted Items"));
  ASSERT_EQ(e.items.size(), 4u);
  EXPECT_EQ(e.items[0], (MailItem{"c", "", "", "", -1}));  // 5.5 bytes is not a size
  EXPECT_EQ(e.items[1], (MailItem{"a", "\\Inbox", "", "", 10}));
  EXPECT_EQ(e.items[2], (MailItem{"b", "", "", "", -1}));
  EXPECT_EQ(e.items[3], (MailItem{"", "\\Sent Items", "", "m1", 1156492}));
}

TEST(NormalizeAuditDataTest, MissingIdAndTime) {
  Event e = Normalize(R"({"Operation":"Send","CreationTime":"not a time"})");
  EXPECT_EQ(e.record_id, "");
  EXPECT_EQ(e.time_ms, 0);
  EXPECT_EQ(e.flags, static_cast<uint32_t>(kFlagNoTime));
  Event f = Normalize(R"({"Operation":"Send"})");
  EXPECT_EQ(f.flags, static_cast<uint32_t>(kFlagNoTime));
}

TEST(NormalizeAuditDataTest, TruncatedAtEveryPositionIsSalvagedOnceIdIsIn) {
  const std::string full = Records()[0];
  const size_t after_id = full.find("\"Operation\"");
  ASSERT_NE(after_id, std::string::npos);
  for (size_t cut = after_id; cut < full.size() - 1; ++cut) {
    Event e;
    absl::Status status = NormalizeAuditData(std::string_view(full).substr(0, cut), &e);
    ASSERT_TRUE(status.ok()) << "cut at " << cut << ": " << status;
    EXPECT_EQ(e.flags & kFlagAuditDataTruncated, kFlagAuditDataTruncated) << cut;
    EXPECT_EQ(e.record_id, "85d29e27-be28-4f2c-96c8-08dbbe33c473") << cut;
    EXPECT_EQ(FormatRfc3339(e.time_ms), "2023-09-26T01:56:15Z") << cut;
  }
}

TEST(NormalizeAuditDataTest, TruncatedAt3062CharactersKeepsEarlierFields) {
  // An AAD-sized record cut where the 2018 exports cut (FORMATS.md §1.2).
  std::string json =
      R"({"CreationTime":"2023-09-26T02:10:00","Id":"ABC","Operation":"Set-Mailbox",)"
      R"("RecordType":1,"UserId":"admin@contoso.com","ClientIP":"198.51.100.4:443",)"
      R"("Parameters":[)";
  for (int i = 0; json.size() < 4000; ++i) {
    json += R"({"Name":"P)" + std::to_string(i) + R"(","Value":"xxxxxxxxxxxxxxxxxxxxxxxx"},)";
  }
  json += R"({"Name":"last","Value":"y"}],"SessionId":"s"})";
  Event e;
  ASSERT_TRUE(NormalizeAuditData(json.substr(0, 3062), &e).ok());
  EXPECT_EQ(e.flags, static_cast<uint32_t>(kFlagAuditDataTruncated));
  EXPECT_EQ(e.record_id, "abc");
  EXPECT_EQ(e.operation, "Set-Mailbox");
  EXPECT_EQ(e.client_ip, "198.51.100.4");
  EXPECT_GT(e.parameters.size(), 40u);
  EXPECT_EQ(e.parameters[0], (NameValue{"P0", "xxxxxxxxxxxxxxxxxxxxxxxx", true}));
  EXPECT_EQ(e.session_id, "");
  Event whole;
  ASSERT_TRUE(NormalizeAuditData(json, &whole).ok());
  EXPECT_EQ(whole.flags, 0u);
  EXPECT_EQ(whole.session_id, "s");
}

TEST(NormalizeAuditDataTest, RejectsWhatIsNotAnObject) {
  Event e;
  EXPECT_THAT(Message(NormalizeAuditData("[1,2]", &e)), HasSubstr("not a JSON object"));
  EXPECT_THAT(Message(NormalizeAuditData("System.Collections.Hashtable", &e)),
              HasSubstr("not a JSON object"));
  EXPECT_THAT(Message(NormalizeAuditData("  ", &e)), HasSubstr("empty"));
  EXPECT_THAT(Message(NormalizeAuditData("\"just text\"", &e)), HasSubstr("not a JSON object"));
  EXPECT_EQ(NormalizeAuditData("{}", &e).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(NormalizeAuditData(R"({"Foo":1,"Bar":"x"})", &e)), HasSubstr("none of"));
  // Complete but malformed is not "truncated".
  EXPECT_THAT(Message(NormalizeAuditData(R"({"Id":"a","Operation":x})", &e)),
              HasSubstr("not valid JSON"));
  EXPECT_THAT(Message(NormalizeAuditData(R"({"Id":"a"}} trailing)", &e)),
              HasSubstr("not valid JSON"));
  // A cut before any usable field cannot be salvaged into an event.
  EXPECT_EQ(NormalizeAuditData(R"({"AppAccessContext":{"IssuedAtTime":"2023-)", &e).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(NormalizeAuditDataTest, InvalidUtf8IsReplacedAndFlagged) {
  // A Windows-1252 export: "\Boîte" with a raw 0xEE byte.
  Event e = Normalize(
      "{\"Id\":\"a\",\"CreationTime\":\"2024-01-01T00:00:00\","
      "\"Folder\":{\"Path\":\"\\\\Bo\xEEte\"}}");
  EXPECT_EQ(e.flags, static_cast<uint32_t>(kFlagInvalidUtf8));
  EXPECT_THAT(e.folders, ElementsAre("\\Bo\uFFFDte"));
  // Also when the record is cut short.
  Event t = Normalize("{\"Id\":\"b\",\"Subject\":\"\xE9\",\"Operation\":\"Send\",\"Parameters\":[");
  EXPECT_EQ(t.flags,
            static_cast<uint32_t>(kFlagInvalidUtf8 | kFlagAuditDataTruncated | kFlagNoTime));
  EXPECT_EQ(t.operation, "Send");
}

TEST(NormalizeAuditDataTest, RecordSerializedTwice) {
  Event e = Normalize(
      R"("{\"Id\":\"ABC\",\"Operation\":\"Send\",\"CreationTime\":\"2024-01-01T00:00:00\"}")");
  EXPECT_EQ(e.record_id, "abc");
  EXPECT_EQ(e.operation, "Send");
  EXPECT_EQ(FormatRfc3339(e.time_ms), "2024-01-01T00:00:00Z");
}

TEST(NormalizeAuditDataTest, ReusableAcrossCallsOnOneThread) {
  // The pooled parser must not leak state from one record into the next.
  for (int i = 0; i < 3; ++i) {
    for (const std::string& r : Records()) {
      Event e = Normalize(r);
      EXPECT_FALSE(e.record_id.empty());
      EXPECT_EQ(e.flags, 0u);
    }
  }
}

// Every field a typed member does not hold is in extra by dotted path, so a
// Sigma rule can name any field of the record.
TEST(NormalizeAuditDataTest, ExtraHoldsEveryOtherFieldByDottedPath) {
  const std::string record =
      R"({"CreationTime":"2024-05-01T10:00:00","Id":"A-1","Operation":"ModifyFolderPermissions",)"
      R"("RecordType":2,"Workload":"Exchange","UserId":"eve@x.example","ClientIP":"198.51.100.7",)"
      R"("ClientIPAddress":"198.51.100.8","OrganizationName":"x.onmicrosoft.com",)"
      R"("AppAccessContext":{"IssuedAtTime":"2024-05-01T09:59:00","UniqueTokenId":"tok"},)"
      R"("ExtendedProperties":[{"Name":"UserAgent","Value":"curl/8"},{"Name":"RequestType"}],)"
      R"("ModifiedProperties":[{"Name":"Mode","NewValue":"on","OldValue":"off"}],)"
      R"("Item":{"Id":"I1","ParentFolder":{"Path":"\\Inbox","MemberRights":"ReadAny, Create",)"
      R"("MemberUpn":"Default"}},"Target":[{"Type":1,"ID":"a"},{"Type":2,"ID":"b"}],)"
      R"("Tags":["x","y"],"Nested":"{\"Deep\":{\"Flag\":true}}","Empty":"","Nothing":null,)"
      R"("Parameters":[{"Name":"Identity","Value":"p"}],"UserKey":"10032002F222981B"})";
  Event e = Normalize(record);
  EXPECT_EQ(e.client_ip, "198.51.100.7");
  EXPECT_EQ(Extra(e, "UserKey"), "10032002F222981B");      // a canonical extra, as before
  EXPECT_EQ(Extra(e, "ClientIPAddress"), "198.51.100.8");  // not the one kept as client_ip
  EXPECT_EQ(Extra(e, "OrganizationName"), "x.onmicrosoft.com");
  EXPECT_EQ(Extra(e, "AppAccessContext.IssuedAtTime"), "2024-05-01T09:59:00");
  EXPECT_EQ(Extra(e, "ExtendedProperties.UserAgent"), "curl/8");
  const NameValue* request = Event::Find(e.extra, "ExtendedProperties.RequestType");
  ASSERT_NE(request, nullptr);
  EXPECT_FALSE(request->has_value);
  EXPECT_EQ(Extra(e, "ModifiedProperties.Mode.NewValue"), "on");
  EXPECT_EQ(Extra(e, "ModifiedProperties.Mode.OldValue"), "off");
  EXPECT_EQ(Extra(e, "Item.ParentFolder.MemberRights"), "ReadAny, Create");
  EXPECT_EQ(Extra(e, "Item.ParentFolder.MemberUpn"), "Default");
  EXPECT_EQ(Extra(e, "Nested.Deep.Flag"), "true");  // JSON held in a string
  std::vector<std::string> ids, tags;
  for (const NameValue& nv : e.extra) {
    if (nv.name == "Target.ID") ids.push_back(nv.value);
    if (nv.name == "Tags") tags.push_back(nv.value);
  }
  EXPECT_THAT(ids, ElementsAre("a", "b"));  // arrays: repeated names, in order
  EXPECT_THAT(tags, ElementsAre("x", "y"));
  // Typed fields are not repeated; blanks carry nothing.
  for (const char* held : {"Id", "CreationTime", "Operation", "RecordType", "Workload", "UserId",
                           "ClientIP", "Parameters", "Parameters.Identity", "Empty", "Nothing",
                           "Item.Id", "Item.ParentFolder.Path"}) {
    EXPECT_EQ(Event::Find(e.extra, held), nullptr) << held;
  }
}

TEST(NormalizeAuditDataTest, ExtraDoesNotDependOnKeyOrder) {
  Event a = Normalize(R"({"Id":"1","Operation":"Send","Zeta":"z","Alpha":{"B":"b","A":"a"}})");
  Event b = Normalize(R"({"Alpha":{"A":"a","B":"b"},"Zeta":"z","Operation":"Send","Id":"1"})");
  EXPECT_EQ(a.extra, b.extra);
  ASSERT_EQ(a.extra.size(), 3u);
  EXPECT_EQ(a.extra[0].name, "Alpha.A");
  EXPECT_EQ(a.extra[2].name, "Zeta");
}

TEST(NormalizeAuditDataTest, ExtraIsBoundedForHostileRecords) {
  std::string wide = R"({"Id":"1","Operation":"Send","List":[)";
  for (int i = 0; i < 5000; ++i) wide += (i ? ",\"v" : "\"v") + std::to_string(i) + "\"";
  wide += "]}";
  EXPECT_LE(Normalize(wide).extra.size(), 256u);
  std::string deep = R"({"Id":"1","Operation":"Send","D":)";
  for (int i = 0; i < 100; ++i) deep += "{\"d\":";
  deep += "1" + std::string(100, '}') + "}";
  EXPECT_TRUE(Normalize(deep).extra.empty());  // deeper than the cap: not flattened
}

}  // namespace
}  // namespace tern
