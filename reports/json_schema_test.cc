// The findings.json schema file, the test-only validator that checks it, and
// RenderFindingsJson against it (the e2e tests validate every fixture case).
#include "reports/testing/json_schema.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/findings_json.h"
#include "reports/testing/sample_view.h"

namespace tern::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::string ReadSchema() {
  std::ifstream in(TERN_SCHEMA_PATH, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(JsonSchemaValidatorTest, ChecksEachSupportedKeyword) {
  JsonSchema schema(R"({
    "type": "object", "required": ["a"], "additionalProperties": false,
    "properties": {
      "a": {"type": "integer", "minimum": 1},
      "b": {"enum": ["x", "y"]},
      "c": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/hex"}},
      "d": {"const": "k"},
      "e": {"type": ["string", "null"], "minLength": 2}
    },
    "$defs": {"hex": {"type": "string", "pattern": "^[0-9a-f]{4}$"}}
  })");
  ASSERT_THAT(schema.error(), IsEmpty());
  EXPECT_THAT(schema.Validate(R"({"a":1,"b":"x","c":["00ff"],"d":"k","e":null})"), IsEmpty());
  EXPECT_THAT(schema.Validate(R"({})"), ElementsAre(HasSubstr("missing required \"a\"")));
  EXPECT_THAT(schema.Validate(R"({"a":0})"), ElementsAre(HasSubstr("/a: below minimum")));
  EXPECT_THAT(schema.Validate(R"({"a":1.5})"), ElementsAre(HasSubstr("/a: expected integer")));
  EXPECT_THAT(schema.Validate(R"({"a":1,"b":"z"})"), ElementsAre(HasSubstr("/b: value not in")));
  EXPECT_THAT(schema.Validate(R"({"a":1,"c":[]})"), ElementsAre(HasSubstr("fewer than 1")));
  EXPECT_THAT(schema.Validate(R"({"a":1,"c":["00FF"]})"),
              ElementsAre(HasSubstr("/c/0: \"00FF\" does not match")));
  EXPECT_THAT(schema.Validate(R"({"a":1,"d":"j"})"), ElementsAre(HasSubstr("/d: value differs")));
  EXPECT_THAT(schema.Validate(R"({"a":1,"e":"x"})"), ElementsAre(HasSubstr("shorter than 2")));
  EXPECT_THAT(schema.Validate(R"({"a":1,"e":3})"),
              ElementsAre(HasSubstr("/e: expected string|null")));
  EXPECT_THAT(schema.Validate(R"({"a":1,"zz":1})"),
              ElementsAre(HasSubstr("/zz: no value is allowed")));
  EXPECT_THAT(schema.Validate(R"({"a":1,"a":2})"), ElementsAre(HasSubstr("duplicate key")));
  EXPECT_THAT(schema.Validate("{"), ElementsAre(HasSubstr("not JSON")));
}

TEST(JsonSchemaValidatorTest, RejectsUnsupportedKeywords) {
  JsonSchema schema(R"({"type": "object", "oneOf": [{"type": "object"}]})");
  EXPECT_THAT(schema.Validate("{}"), ElementsAre(HasSubstr("unsupported schema keyword")));
}

TEST(JsonSchemaValidatorTest, AdditionalPropertiesSchemaWithoutProperties) {
  JsonSchema schema(R"({"type": "object", "additionalProperties": {"type": "integer"}})");
  EXPECT_THAT(schema.Validate(R"({"x": 1, "y": 2})"), IsEmpty());
  EXPECT_THAT(schema.Validate(R"({"x": "1"})"), ElementsAre(HasSubstr("/x: expected integer")));
}

class FindingsSchemaTest : public ::testing::Test {
 protected:
  JsonSchema schema_{ReadSchema()};
};

TEST_F(FindingsSchemaTest, SchemaFileIsValidJson) { EXPECT_THAT(schema_.error(), IsEmpty()); }

TEST_F(FindingsSchemaTest, RenderedSampleConforms) {
  EXPECT_THAT(schema_.Validate(RenderFindingsJson(SampleView("plain")).value()), IsEmpty());
}

TEST_F(FindingsSchemaTest, HostileStringsStillConform) {
  for (const std::string& hostile : HostileStrings()) {
    const std::string json = RenderFindingsJson(SampleView(hostile)).value();
    EXPECT_THAT(schema_.Validate(json), IsEmpty()) << hostile;
    // Control characters never appear raw in JSON text.
    EXPECT_EQ(json.find('\x1b'), std::string::npos);
  }
}

TEST_F(FindingsSchemaTest, EmptyCaseConforms) {
  CaseView empty;
  empty.tool_version = "1";
  EXPECT_THAT(schema_.Validate(RenderFindingsJson(empty).value()), IsEmpty());
}

TEST_F(FindingsSchemaTest, IncidentsAreAlwaysPresentAndConform) {
  CaseView view = SampleView("plain");
  const std::string none = RenderFindingsJson(view).value();
  EXPECT_THAT(none, HasSubstr("\"incidents\": [],"));
  EXPECT_THAT(schema_.Validate(Replace(none, "\"incidents\": [],", "")),
              ElementsAre(HasSubstr("missing required \"incidents\"")));

  view.incidents.push_back(SampleIncident(view, "plain"));
  const std::string one = RenderFindingsJson(view).value();
  EXPECT_THAT(schema_.Validate(one), IsEmpty());
  EXPECT_THAT(one, HasSubstr("\"id\": \"I-001\""));
  EXPECT_THAT(schema_.Validate(Replace(one, "\"id\": \"I-001\"", "\"id\": \"I1\"")),
              ElementsAre(HasSubstr("/incidents/0/id")));
}

TEST_F(FindingsSchemaTest, DetectsContractViolations) {
  const std::string good = RenderFindingsJson(SampleView("plain")).value();
  EXPECT_THAT(schema_.Validate(Replace(good, "\"tern.findings/2\"", "\"tern.findings/1\"")),
              ElementsAre(HasSubstr("/schema: value differs from const")));
  EXPECT_THAT(schema_.Validate(Replace(good, "\"severity\": \"high\"", "\"severity\": \"urgent\"")),
              ElementsAre(HasSubstr("/findings/1/severity: value not in enum")));
  EXPECT_THAT(schema_.Validate(Replace(good, "\"first_seen\": \"2024-03-06T02:00:00Z\"",
                                       "\"first_seen\": \"2024-03-06T02:00:00\"")),
              ElementsAre(HasSubstr("/findings/0/first_seen")));
  EXPECT_THAT(schema_.Validate(Replace(good, std::string(64, 'c'), std::string(63, 'c'))),
              ElementsAre(HasSubstr("/evidence/0/members/0/sha256")));
  EXPECT_THAT(schema_.Validate(Replace(good, "\"examiner\":", "\"investigator\":")),
              SizeIs(2));  // unknown key + missing required
  EXPECT_THAT(schema_.Validate(Replace(good, "\"F-0002\"", "\"F2\"")),
              ElementsAre(HasSubstr("/findings/1/id")));
}

}  // namespace
}  // namespace tern::testing
