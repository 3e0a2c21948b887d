#include "core/model/event.h"

#include <vector>

#include "gtest/gtest.h"

namespace tern {
namespace {

TEST(EventFindTest, MatchesNameIgnoringAsciiCase) {
  const std::vector<NameValue> list = {{"Identity", "rule1", true},
                                       {"ForwardTo", "x@evil.example", true},
                                       {"forwardto", "second", true}};
  const NameValue* nv = Event::Find(list, "FORWARDTO");
  ASSERT_NE(nv, nullptr);
  // The first match wins, so callers see the record's own order.
  EXPECT_EQ(nv->value, "x@evil.example");
  EXPECT_EQ(Event::Find(list, "identity"), &list[0]);
}

TEST(EventFindTest, ReturnsNullWhenAbsentOrPrefixOnly) {
  const std::vector<NameValue> list = {{"RuleName", "", false}};
  EXPECT_EQ(Event::Find(list, "Rule"), nullptr);
  EXPECT_EQ(Event::Find(list, "RuleNames"), nullptr);
  EXPECT_EQ(Event::Find({}, "RuleName"), nullptr);
  const NameValue* nv = Event::Find(list, "rulename");
  ASSERT_NE(nv, nullptr);
  EXPECT_FALSE(nv->has_value);
}

TEST(EventFindTest, NonAsciiBytesCompareExactly) {
  // Only ASCII letters fold; UTF-8 bytes of "É" and "é" differ.
  const std::vector<NameValue> list = {{"\xc3\x89tat", "1", true}};
  EXPECT_EQ(Event::Find(list, "\xc3\xa9tat"), nullptr);
  EXPECT_NE(Event::Find(list, "\xc3\x89TAT"), nullptr);
}

// The tag is stored (a conflicting copy's key), so its bytes are pinned:
// FNV-1a 64 over the fields with ASCII folded, computed apart from tern.
TEST(ContentTagTest, FoldsAsciiCaseOnlyAndKeepsItsStoredValue) {
  Event e;
  e.time_ms = 1709690400123;
  e.operation = "MailItemsAccessed";
  e.mailbox_upn = "Alice@Contoso.EXAMPLE";
  e.client_ip = "10.0.0.1";
  e.object_id = "\xc3\x89t\xc3\xa9";  // "Été"
  EXPECT_EQ(ContentTag(e), "49cbf83dd19740a4");
  Event lower = e;
  lower.operation = "mailitemsaccessed";
  lower.mailbox_upn = "alice@contoso.example";
  EXPECT_EQ(ContentTag(lower), ContentTag(e));
  Event accent = e;
  accent.object_id = "\xc3\xa9t\xc3\xa9";  // "été": UTF-8 bytes do not fold
  EXPECT_NE(ContentTag(accent), ContentTag(e));
}

}  // namespace
}  // namespace tern
