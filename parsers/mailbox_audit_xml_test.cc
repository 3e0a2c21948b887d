#include "parsers/mailbox_audit_xml.h"

#include <memory>
#include <string>

#include "core/base/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parsers/json_test_util.h"

namespace tern {
namespace {

using testing::CollectingSink;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(DecodeXmlEntitiesTest, NamedAndNumericReferences) {
  EXPECT_EQ(DecodeXmlEntities("a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;"),
            "a & b <c> \"d\" 'e'");
  EXPECT_EQ(DecodeXmlEntities("&#65;&#x42;&#x20AC;&#128512;"), "AB\u20AC\U0001F600");
  EXPECT_EQ(DecodeXmlEntities("&bogus; &#xD800; &#; & alone &amp"),
            "&bogus; &#xD800; &#; & alone &amp");
  EXPECT_EQ(DecodeXmlEntities(""), "");
}

class MailboxAuditXmlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = testing::ReadFixture(testing::JsonFixture("mailbox_audit.xml"));
    ASSERT_FALSE(text_.empty());
  }
  std::string text_;
  std::unique_ptr<Parser> parser_ = MakeMailboxAuditXmlParser();
};

TEST_F(MailboxAuditXmlTest, ParsesDocSampleAndLenientEvents) {
  for (size_t chunk : {size_t{7}, size_t{1} << 20}) {
    CollectingSink sink;
    uint64_t rejected = 0;
    ASSERT_TRUE(testing::RunParser(*parser_, text_, &sink, &rejected, chunk).ok());
    ASSERT_EQ(sink.events.size(), 3u) << chunk;
    EXPECT_EQ(rejected, 2u);
    std::vector<Warning> rejects = sink.WarningsOfKind("rejected-record");
    ASSERT_EQ(rejects.size(), 2u);
    EXPECT_EQ(rejects[0].line, 33u);
    EXPECT_THAT(rejects[0].detail, HasSubstr("without Operation"));
    EXPECT_EQ(rejects[1].line, 35u);
    EXPECT_THAT(rejects[1].detail, HasSubstr("not closed"));

    // Microsoft's sample: local offset converted to UTC.
    const Event& a = sink.events[0];
    EXPECT_EQ(a.provenance, (Provenance{7, 3, 1}));
    EXPECT_EQ(FormatRfc3339(a.time_ms), "2010-04-30T18:01:55.140Z");
    EXPECT_EQ(a.flags, 0u);
    EXPECT_EQ(a.record_id, "");
    EXPECT_EQ(a.record_type, -1);
    EXPECT_EQ(a.workload, "Exchange");
    EXPECT_EQ(a.operation, "HardDelete");
    EXPECT_EQ(a.result_status, "Succeeded");
    EXPECT_EQ(a.logon_type, kLogonAdmin);
    EXPECT_EQ(a.mailbox_guid, "6d4fbdae-e3ae-4530-8d0b-f62a14687939");
    EXPECT_EQ(a.mailbox_upn, "david@contoso.com");
    EXPECT_EQ(a.actor_upn, "");
    EXPECT_EQ(a.actor_display, "Administraor");
    EXPECT_EQ(a.actor_sid, "S-1-5-21-290112810-296651436-1966561949-1149");
    EXPECT_EQ(a.client_ip, "10.196.241.168");
    EXPECT_EQ(a.client_info, "Client=OWA;Action=ViaProxy");
    EXPECT_THAT(a.folders, ElementsAre("\\Recoverable Items\\Deletions"));
    ASSERT_EQ(a.items.size(), 1u);
    EXPECT_EQ(a.items[0].subject, "Notification of litigation hold");
    EXPECT_EQ(a.items[0].folder, "\\Recoverable Items\\Deletions");
    EXPECT_EQ(a.items[0].item_id.substr(0, 12), "000000007309");
    EXPECT_EQ(Event::Find(a.extra, "CrossMailboxOperation")->value, "false");
    EXPECT_TRUE(sink.raws[0].starts_with("<Event MailboxGuid="));
    EXPECT_TRUE(sink.raws[0].ends_with("</Event>"));

    const Event& b = sink.events[1];
    EXPECT_EQ(b.provenance, (Provenance{7, 25, 2}));
    EXPECT_EQ(FormatRfc3339(b.time_ms), "2024-03-06T14:15:00.500Z");
    EXPECT_EQ(b.logon_type, kLogonDelegate);
    EXPECT_EQ(b.mailbox_guid, "d0c5f8ae-9ed7-4e46-bfdf-ea1460f5a31b");
    EXPECT_EQ(b.actor_display, "Mallory & Co <ext>");
    EXPECT_EQ(b.client_ip, "2001:db8::9");
    EXPECT_EQ(b.external_access, 1);
    ASSERT_EQ(b.items.size(), 1u);
    EXPECT_EQ(b.items[0].subject, "Wire \"urgent\" \u20AC5000 \u2713 &bogus; &#xD800;");
    EXPECT_EQ(b.items[0].message_id, "<m1@contoso.com>");
    EXPECT_EQ(b.items[0].folder, "\\Sent Items");
    EXPECT_THAT(b.operation_properties, ElementsAre(NameValue{"MailAccessType", "Bind", true},
                                                    NameValue{"IsThrottled", "False", true}));
    EXPECT_EQ(Event::Find(b.extra, "ClientProcessName")->value, "OUTLOOK.EXE");

    // The commented-out <Event> is not an event; nested items are.
    const Event& c = sink.events[2];
    EXPECT_EQ(c.provenance, (Provenance{7, 27, 3}));
    EXPECT_EQ(c.operation, "MoveToDeletedItems");
    EXPECT_EQ(c.actor_upn, "boss@contoso.com");  // Owner logon
    EXPECT_THAT(c.folders, ElementsAre("\\Inbox", "\\Deleted Items"));
    ASSERT_EQ(c.items.size(), 2u);
    EXPECT_EQ(c.items[0], (MailItem{"Invoice 4411", "\\Inbox", "", "RgAAAA1", -1}));
    EXPECT_EQ(c.items[1], (MailItem{"Re: wire > now", "\\Inbox", "", "RgAAAA2", -1}));
  }
}

TEST_F(MailboxAuditXmlTest, EventWithoutEndTagEndsAtTheNextEvent) {
  std::string text =
      "<r>\n<Event Operation=\"Update\" LastAccessed=\"2024-01-01T00:00:00Z\">\n<Item "
      "Subject=\"s\"/>\n"
      "<Event Operation=\"Send\" LastAccessed=\"2024-01-02T00:00:00Z\"></Event></r>";
  CollectingSink sink;
  ASSERT_TRUE(testing::RunParser(*parser_, text, &sink).ok());
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(sink.events[0].operation, "Update");
  EXPECT_EQ(sink.events[0].items.size(), 1u);
  EXPECT_EQ(sink.raws[0],
            "<Event Operation=\"Update\" LastAccessed=\"2024-01-01T00:00:00Z\">\n<Item "
            "Subject=\"s\"/>\n");
  EXPECT_EQ(sink.events[1].operation, "Send");
  EXPECT_EQ(sink.events[1].provenance.line, 4u);
}

TEST_F(MailboxAuditXmlTest, SniffIsSpecific) {
  EXPECT_EQ(parser_->Sniff(text_), 90);
  EXPECT_EQ(parser_->Sniff("<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/"
                           "powershell/2004/04\"><Obj RefId=\"0\">"),
            0);
  EXPECT_EQ(parser_->Sniff("<Event Operation=\"x\"/>"), 0);
  EXPECT_EQ(parser_->Sniff("{\"CreationTime\":\"2024-01-01T00:00:00\",\"Operation\":\"x\"}"), 0);
  EXPECT_EQ(parser_->Sniff("LastAccessed,Operation,MailboxOwnerUPN\r\n"), 0);
}

}  // namespace
}  // namespace tern
