#include "parsers/flat_record.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

std::vector<std::string_view> Views(const std::vector<std::string>& v) {
  return std::vector<std::string_view>(v.begin(), v.end());
}

TEST(SplitNameValueTokensTest, MicrosoftsFlattenedForm) {
  EXPECT_THAT(SplitNameValueTokens("MailAccessType:Sync IsThrottled:True"),
              ElementsAre(Pair("MailAccessType", "Sync"), Pair("IsThrottled", "True")));
  EXPECT_THAT(SplitNameValueTokens("MailAccessType:Bind\r\nIsThrottled:False"),
              ElementsAre(Pair("MailAccessType", "Bind"), Pair("IsThrottled", "False")));
  EXPECT_THAT(SplitNameValueTokens("MailAccessType:Bind, IsThrottled:False;"),
              ElementsAre(Pair("MailAccessType", "Bind"), Pair("IsThrottled", "False")));
}

TEST(SplitNameValueTokensTest, ValuesWithSpacesColonsAndUrls) {
  EXPECT_THAT(
      SplitNameValueTokens("RuleName:Move to RSS RuleCondition:{(Exists(ItemClass))} "
                           "Url:https://x.example/a:b Path:C:\\temp RuleId:"),
      ElementsAre(Pair("RuleName", "Move to RSS"), Pair("RuleCondition", "{(Exists(ItemClass))}"),
                  Pair("Url", "https://x.example/a:b"), Pair("Path", "C:\\temp"),
                  Pair("RuleId", "")));
  EXPECT_TRUE(SplitNameValueTokens("").empty());
  EXPECT_TRUE(SplitNameValueTokens("no pairs here").empty());
  EXPECT_TRUE(SplitNameValueTokens(":x").empty());
}

TEST(SplitCmdletParametersTest, PowerShellCommandLine) {
  EXPECT_THAT(
      SplitCmdletParameters("-Identity 'Jane Doe' -ForwardingSmtpAddress x@y.example "
                            "-DeliverToMailboxAndForward:$true -Force"),
      ElementsAre(Pair("Identity", "Jane Doe"), Pair("ForwardingSmtpAddress", "x@y.example"),
                  Pair("DeliverToMailboxAndForward", "$true"), Pair("Force", "True")));
  EXPECT_THAT(
      SplitCmdletParameters("-Name \"say \"\"hi\"\"\" -From a@b  c d -Confirm:"),
      ElementsAre(Pair("Name", "say \"hi\""), Pair("From", "a@b c d"), Pair("Confirm", "True")));
  // A dash that starts a value ("-1") or text before the first name is not a name.
  EXPECT_THAT(SplitCmdletParameters("stray -Priority -1 -Enabled"),
              ElementsAre(Pair("Priority", "-1"), Pair("Enabled", "True")));
  EXPECT_TRUE(SplitCmdletParameters("").empty());
  EXPECT_TRUE(SplitCmdletParameters("   ").empty());
}

constexpr FlatColumn kColumns[] = {
    {"OfficeId", "Id"},
    {"SourceRecordId", "Id"},
    {"Operation", "Operation"},
    {"RecordType", "RecordType"},
    {"ExternalAccess", "ExternalAccess"},
    {"Props", "OperationProperties", FlatKind::kNameValueTokens},
    {"FolderPathName", "Folder.Path"},
    {"ItemSubject", "Item.Subject"},
    {"ParentPath", "Item.ParentFolder.Path"},
    {"Folders", "Folders"},
};

TEST(FlatSchemaTest, BuildsNestedObjectsAndSkipsEmptyCells) {
  CsvHeader header(Views({"operation", "SOURCERECORDID", "OfficeId", "Unmapped", "ItemSubject",
                          "ParentPath", "FolderPathName", "Props", "RecordType"}));
  FlatSchema schema(header, kColumns);
  EXPECT_EQ(schema.matched(), 8u);
  std::string json;
  schema.BuildJson(Views({"Send", "src-id", "", "x", "Hi \"there\"", "\\Drafts", "\\Drafts",
                          "MailAccessType:Sync", "ExchangeItem"}),
                   &json);
  // OfficeId is empty, so SourceRecordId supplies the Id.
  EXPECT_EQ(json, R"({"Id":"src-id","Operation":"Send","RecordType":"ExchangeItem",)"
                  R"("OperationProperties":[{"Name":"MailAccessType","Value":"Sync"}],)"
                  R"("Folder":{"Path":"\\Drafts"},)"
                  R"("Item":{"Subject":"Hi \"there\"","ParentFolder":{"Path":"\\Drafts"}}})");

  json.clear();
  schema.BuildJson(Views({"Send", "", "OID", "", "", "", "", "", ""}), &json);
  EXPECT_EQ(json, R"({"Id":"OID","Operation":"Send"})");

  json.clear();
  schema.BuildJson(Views({"Send", "a"}), &json);  // a short row
  EXPECT_EQ(json, R"({"Id":"a","Operation":"Send"})");
}

TEST(FlatSchemaTest, PowerShellPlaceholdersAreDropped) {
  CsvHeader header(Views({"Operation", "ItemSubject", "Folders"}));
  FlatSchema schema(header, kColumns);
  std::string json;
  schema.BuildJson(Views({"Move", "System.Collections.Generic.List`1[System.String]",
                          "Microsoft.Exchange.Data.MultiValuedProperty`1[System.String]"}),
                   &json);
  EXPECT_EQ(json, R"({"Operation":"Move"})");
}

TEST(NormalizeFlatRecordTest, TextValuesBecomeTypedFields) {
  CsvHeader header(Views({"OfficeId", "Operation", "RecordType", "ExternalAccess", "Props",
                          "Folders", "FolderPathName"}));
  FlatSchema schema(header, kColumns);
  Event event;
  std::string scratch;
  ASSERT_TRUE(NormalizeFlatRecord(
                  schema,
                  Views({"ABC-1", "MailItemsAccessed", "ExchangeItemAggregated", "TRUE",
                         "MailAccessType:Sync IsThrottled:True",
                         "[\r\n  {\r\n    \"Path\": \"\\\\Inbox\"\r\n  }\r\n]", "\\Archive"}),
                  &event, &scratch)
                  .ok());
  EXPECT_EQ(event.record_id, "abc-1");
  EXPECT_EQ(event.record_type, 50);
  EXPECT_EQ(event.external_access, 1);
  EXPECT_EQ(event.operation, "MailItemsAccessed");
  EXPECT_THAT(event.folders, ElementsAre("\\Archive", "\\Inbox"));
  ASSERT_EQ(event.operation_properties.size(), 2u);
  EXPECT_EQ(event.operation_properties[1].value, "True");

  Event empty;
  absl::Status s =
      NormalizeFlatRecord(schema, Views({"", "", "", "", "", "", ""}), &empty, &scratch);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tern
