#include "core/base/time.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr TimeMs kCreationTime = 1695693375000;   // 2023-09-26T01:56:15Z
constexpr TimeMs kYearZero = -62167219200000;     // 0000-01-01T00:00:00Z
constexpr TimeMs kYear9999End = 253402300799999;  // 9999-12-31T23:59:59.999Z

// absl's civil-time library is an independent implementation of the same
// calendar, so it serves as the oracle for randomized checks.
std::string OracleFormat(TimeMs t) {
  const absl::CivilSecond civil = absl::ToCivilSecond(absl::FromUnixMillis(t), absl::UTCTimeZone());
  const int64_t millis = ((t % 1000) + 1000) % 1000;
  std::string out = absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d", civil.year(), civil.month(),
                                    civil.day(), civil.hour(), civil.minute(), civil.second());
  if (millis != 0) out += absl::StrFormat(".%03d", millis);
  return out + "Z";
}

void ExpectInvalid(const absl::StatusOr<TimeMs>& result, std::string_view quoted) {
  ASSERT_FALSE(result.ok()) << "parsed as " << *result;
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr(std::string(quoted)));
}

TEST(FormatRfc3339Test, KnownValues) {
  struct Case {
    TimeMs t;
    const char* want;
  };
  const Case cases[] = {
      {0, "1970-01-01T00:00:00Z"},
      {kCreationTime, "2023-09-26T01:56:15Z"},
      {kCreationTime + 7, "2023-09-26T01:56:15.007Z"},
      {kCreationTime + 120, "2023-09-26T01:56:15.120Z"},
      {-1, "1969-12-31T23:59:59.999Z"},
      {-1000, "1969-12-31T23:59:59Z"},
      {-86400000, "1969-12-31T00:00:00Z"},
      {951825600000, "2000-02-29T12:00:00Z"},
      {-62135596800000, "0001-01-01T00:00:00Z"},
      {kYearZero, "0000-01-01T00:00:00Z"},
      {kYear9999End, "9999-12-31T23:59:59.999Z"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FormatRfc3339(c.t), c.want) << c.t;
  }
}

TEST(FormatRfc3339Test, NoTimeIsEmpty) { EXPECT_EQ(FormatRfc3339(kNoTime), ""); }

TEST(FormatRfc3339Test, YearsOutsideRfc3339UseExpandedForm) {
  EXPECT_EQ(FormatRfc3339(kYear9999End + 1), "+10000-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(kYearZero - 1), "-0001-12-31T23:59:59.999Z");
  // Extremes must not overflow or crash.
  EXPECT_EQ(FormatRfc3339(INT64_MAX), "+292278994-08-17T07:12:55.807Z");
  EXPECT_EQ(FormatRfc3339(INT64_MIN + 1), "-292275055-05-16T16:47:04.193Z");
}

TEST(FormatRfc3339Test, MatchesAbslOnRandomTimes) {
  std::mt19937_64 random(20230926);
  std::uniform_int_distribution<TimeMs> distribution(kYearZero, kYear9999End);
  for (int i = 0; i < 20000; ++i) {
    const TimeMs t = distribution(random);
    ASSERT_EQ(FormatRfc3339(t), OracleFormat(t)) << t;
  }
}

TEST(ParseIso8601Test, AcceptedForms) {
  struct Case {
    const char* text;
    TimeMs want;
  };
  const Case cases[] = {
      {"2023-09-26T01:56:15", kCreationTime},
      {"2023-09-26T01:56:15Z", kCreationTime},
      {"2023-09-26t01:56:15z", kCreationTime},
      {"2023-09-26 01:56:15", kCreationTime},
      {"  2023-09-26T01:56:15\r\n", kCreationTime},
      {"2023-09-26T01:56:15.0000000Z", kCreationTime},
      {"2023-09-26T01:56:15.1Z", kCreationTime + 100},
      {"2023-09-26T01:56:15.12", kCreationTime + 120},
      {"2023-09-26T01:56:15,5", kCreationTime + 500},
      {"2023-09-26T01:56:15.1239999999999999999999Z", kCreationTime + 123},
      {"2023-09-26T01:56", kCreationTime - 15000},
      {"2023-09-26T03:56:15+02:00", kCreationTime},
      {"2023-09-26T03:56:15+0200", kCreationTime},
      {"2023-09-26T03:56:15+02", kCreationTime},
      {"2023-09-25T20:26:15-05:30", kCreationTime},
      {"2023-09-26T01:56:15 UTC", kCreationTime},
      {"2023-09-26T01:56:15+00:00", kCreationTime},
      {"2000-02-29T12:00:00Z", 951825600000},
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59.999Z", -1},
      {"0000-01-01T00:00:00Z", kYearZero},
      {"9999-12-31T23:59:59.999Z", kYear9999End},
      // A leap second folds into :59 of the same minute.
      {"2016-12-31T23:59:60Z", 1483228799000},
  };
  for (const Case& c : cases) {
    absl::StatusOr<TimeMs> got = ParseIso8601(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

TEST(ParseIso8601Test, RejectsGarbageAndOutOfRange) {
  const char* cases[] = {
      "",
      " ",
      "2023",
      "2023-09-26",
      "2023-09-26T",
      "2023-9-26T01:56:15",
      "2023-09-26T1:56:15",
      "2023-09-26X01:56:15",
      "23-09-26T01:56:15",
      "12023-09-26T01:56:15",
      "2023-09-26T01:56:15.",
      "2023-09-26T01:56:15.Z",
      "2023-09-26T01:56:15ZZ",
      "2023-09-26T01:56:15+",
      "2023-09-26T01:56:15+2",
      "2023-09-26T01:56:15+24:00",
      "2023-09-26T01:56:15+02:60",
      "2023-09-26T01:56:15 garbage",
      "2023-00-26T01:56:15",
      "2023-13-26T01:56:15",
      "2023-09-00T01:56:15",
      "2023-09-31T01:56:15",
      "2023-02-29T01:56:15",
      "1900-02-29T01:56:15",
      "2023-09-26T24:00:00",
      "2023-09-26T01:60:00",
      "2023-09-26T01:56:61",
      "-2023-09-26T01:56:15",
      "9/26/2023 1:56:15 AM",
      "\\/Date(1600000000000)\\/",
  };
  for (const char* text : cases) {
    absl::StatusOr<TimeMs> got = ParseIso8601(text);
    EXPECT_FALSE(got.ok()) << "accepted \"" << text << "\" as " << *got;
    if (!got.ok()) {
      EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << text;
    }
  }
}

TEST(ParseIso8601Test, LeapYearRules) {
  EXPECT_TRUE(ParseIso8601("2024-02-29T00:00:00").ok());
  EXPECT_TRUE(ParseIso8601("2000-02-29T00:00:00").ok());
  EXPECT_FALSE(ParseIso8601("2100-02-29T00:00:00").ok());
  EXPECT_FALSE(ParseIso8601("2023-02-29T00:00:00").ok());
  EXPECT_TRUE(ParseIso8601("2023-04-30T00:00:00").ok());
  EXPECT_FALSE(ParseIso8601("2023-04-31T00:00:00").ok());
}

TEST(ParseIso8601Test, ErrorQuotesTextAndTruncatesLongInput) {
  ExpectInvalid(ParseIso8601("not a time"), "\"not a time\"");
  const std::string long_text = "2023-09-26T01:56:15" + std::string(10000, 'x');
  absl::StatusOr<TimeMs> got = ParseIso8601(long_text);
  ExpectInvalid(got, "(truncated)");
  EXPECT_LT(got.status().message().size(), 200u);
  // Control bytes are escaped, not copied into the message.
  absl::StatusOr<TimeMs> escaped = ParseIso8601("\x1b[31mred");
  ASSERT_FALSE(escaped.ok());
  EXPECT_THAT(std::string(escaped.status().message()), Not(HasSubstr("\x1b")));
}

TEST(ParseIso8601Test, RejectsEmbeddedNulAndBadUtf8) {
  EXPECT_FALSE(ParseIso8601(std::string_view("2023-09-26T01:56:15\0Z", 21)).ok());
  EXPECT_FALSE(ParseIso8601(std::string_view("2023-09-26\0T01:56:15", 20)).ok());
  EXPECT_FALSE(ParseIso8601("2023-09-26T01:56:15\xff").ok());
  EXPECT_FALSE(
      ParseIso8601("\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x93-09-26T01:56:15").ok());
}

TEST(ParseIso8601Test, RoundTripsThroughFormat) {
  const char* texts[] = {
      "2023-09-26T01:56:15Z", "2023-09-26T01:56:15.007Z", "1969-07-20T20:17:40Z",
      "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2024-02-29T23:59:59.999Z",
  };
  for (const char* text : texts) {
    absl::StatusOr<TimeMs> parsed = ParseIso8601(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(FormatRfc3339(*parsed), text);
  }
  std::mt19937_64 random(42);
  std::uniform_int_distribution<TimeMs> distribution(kYearZero, kYear9999End);
  for (int i = 0; i < 20000; ++i) {
    const TimeMs t = distribution(random);
    absl::StatusOr<TimeMs> parsed = ParseIso8601(FormatRfc3339(t));
    ASSERT_TRUE(parsed.ok()) << FormatRfc3339(t);
    ASSERT_EQ(*parsed, t) << FormatRfc3339(t);
  }
}

TEST(ParseWrapperDateTest, CultureForms) {
  struct Case {
    const char* text;
    DateOrder order;
    TimeMs want;
  };
  constexpr DateOrder kUs = DateOrder::kMonthFirst;
  constexpr DateOrder kDayFirst = DateOrder::kDayFirst;
  const Case cases[] = {
      {"9/26/2023 1:56:15 AM", kUs, kCreationTime},
      {"09/26/2023 01:56:15 AM", kUs, kCreationTime},
      {"9/26/2023 1:56:15 am", kUs, kCreationTime},
      {"9/26/2023 1:56:15AM", kUs, kCreationTime},
      {"9/26/2023 1:56:15\u202fAM", kUs, kCreationTime},  // ICU / .NET 8 formatting
      {"9/26/2023\u00a01:56:15\u00a0AM", kUs, kCreationTime},
      {"9/26/2023 1:56:15 PM", kUs, kCreationTime + 12 * 3600000},
      {"9/26/2023 1:56:15", kUs, kCreationTime},
      {"9/26/2023 13:56:15", kUs, 1695736575000},
      {"26/9/2023 13:56:15", kDayFirst, 1695736575000},
      {"26/09/2023 01:56:15", kDayFirst, kCreationTime},
      {"12/3/2025 7:31:34 AM", kDayFirst, 1741764694000},
      {"3/12/2025 7:31:34 AM", kUs, 1741764694000},
      {"26.09.2023 01:56:15", kUs, kCreationTime},  // dotted dates are day-first
      {"2023/09/26 1:56:15", kDayFirst, kCreationTime},
      {"4/28/2021, 2:54:37.000 PM", kUs, 1619621677000},
      {"4/28/2021, 2:54:37.250 PM", kUs, 1619621677250},
      {"2022-09-15 5:49:22 PM", kUs, 1663264162000},
      {"2022-09-15 5:49:22 PM", kDayFirst, 1663264162000},
      {"2023-09-26T01:56:15.0000000Z", kUs, kCreationTime},
      {"2023-09-26T01:56:15", kDayFirst, kCreationTime},
      {"9/26/2023", kUs, kCreationTime - (1 * 3600 + 56 * 60 + 15) * 1000},
      // 12 AM is midnight, 12 PM is noon.
      {"9/26/2023 12:00:00 AM", kUs, 1695686400000},
      {"9/26/2023 12:30:00 PM", kUs, 1695686400000 + 12 * 3600000 + 30 * 60000},
      {"9/26/2023 11:59:59 PM", kUs, 1695686400000 + 86399000},
  };
  for (const Case& c : cases) {
    absl::StatusOr<TimeMs> got = ParseWrapperDate(c.text, c.order);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.text << " -> " << FormatRfc3339(*got);
  }
}

TEST(ParseWrapperDateTest, DotNetDates) {
  struct Case {
    const char* text;
    TimeMs want;
  };
  const Case cases[] = {
      {"\\/Date(1600000000000)\\/", 1600000000000},
      {"/Date(1600000000000)/", 1600000000000},
      {"/Date(1600000000000+0000)/", 1600000000000},
      // The offset names the writer's zone; the number is already UTC.
      {"/Date(1600000000000+0200)/", 1600000000000},
      {"/Date(1600000000000-0500)/", 1600000000000},
      {"/Date(0)/", 0},
      {"/Date(-86400000)/", -86400000},
      {" \\/Date(1695693375000)\\/ ", kCreationTime},
  };
  for (const Case& c : cases) {
    absl::StatusOr<TimeMs> got = ParseWrapperDate(c.text, DateOrder::kMonthFirst);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

TEST(ParseWrapperDateTest, RejectsGarbage) {
  const char* cases[] = {
      "",
      "   ",
      "garbage",
      "9/26",
      "9/26/",
      "9/26/23 1:56:15 AM",  // two-digit years are ambiguous
      "9/26/20231 1:56:15",
      "13/26/2023 1:56:15",  // month 13 in US order
      "26/9/2023 1:56:15",   // day-first text read month-first
      "9/31/2023 1:56:15",
      "2/29/2023 1:56:15",
      "9/26/2023 0:56:15 AM",
      "9/26/2023 13:56:15 PM",
      "9/26/2023 1:56:15 XM",
      "9/26/2023 1:56:15 AM trailing",
      "9/26/2023 1:5:15",
      "9/26/2023 25:00:00",
      "9/26/2023,",
      "9/26/2023,1:56:15",
      "9-26-2023 1:56:15",
      "2022-09-15 5:49:22 QM",
      "2022-13-15 5:49:22 PM",
      "/Date()/",
      "/Date(abc)/",
      "/Date(1600000000000",
      "/Date(1600000000000)",
      "Date(1600000000000)/",
      "/Date(1600000000000+00)/",
      "/Date(1600000000000+000a)/",
      "/Date(--5)/",
      "/Date(99999999999999999999999999)/",
      "/Date(253402300800000)/",  // year 10000
      "/Date(-62167219200001)/",  // before year 0
  };
  for (const char* text : cases) {
    for (DateOrder order : {DateOrder::kMonthFirst, DateOrder::kDayFirst}) {
      if (std::string_view(text) == "26/9/2023 1:56:15" && order == DateOrder::kDayFirst) continue;
      absl::StatusOr<TimeMs> got = ParseWrapperDate(text, order);
      EXPECT_FALSE(got.ok()) << "accepted \"" << text << "\" as " << FormatRfc3339(*got);
      if (!got.ok()) {
        EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
      }
    }
  }
  ExpectInvalid(ParseWrapperDate("9/26/2023 1:56:15 XM", DateOrder::kMonthFirst),
                "\"9/26/2023 1:56:15 XM\"");
}

TEST(ParseWrapperDateTest, HostileInputNeverCrashes) {
  const std::string inputs[] = {
      std::string(100000, '9'),
      std::string(100000, '/'),
      "/Date(" + std::string(100000, '1') + ")/",
      std::string("9/26/2023\0 1:56:15 AM", 22),
      std::string("\0\0\0\0", 4),
      "\xff\xfe\xfd/\x80/\xc0",
  };
  for (const std::string& input : inputs) {
    for (DateOrder order : {DateOrder::kMonthFirst, DateOrder::kDayFirst}) {
      absl::StatusOr<TimeMs> got = ParseWrapperDate(input, order);
      EXPECT_FALSE(got.ok()) << input.substr(0, 40);
      EXPECT_LT(got.status().message().size(), 400u);
    }
  }
  // A very long fraction is valid and truncated to milliseconds.
  absl::StatusOr<TimeMs> long_fraction = ParseWrapperDate(
      "9/26/2023 1:56:15." + std::string(100000, '7') + " AM", DateOrder::kMonthFirst);
  ASSERT_TRUE(long_fraction.ok()) << long_fraction.status();
  EXPECT_EQ(*long_fraction, kCreationTime + 777);
}

TEST(InferDateOrderTest, Cases) {
  EXPECT_EQ(InferDateOrder("26/9/2023 13:56:15"), DateOrder::kDayFirst);
  EXPECT_EQ(InferDateOrder("9/26/2023 1:56:15 AM"), DateOrder::kMonthFirst);
  EXPECT_EQ(InferDateOrder("  13/12/2025"), DateOrder::kDayFirst);
  EXPECT_EQ(InferDateOrder("3/12/2025 7:31:34 AM"), std::nullopt);
  EXPECT_EQ(InferDateOrder("12/12/2025"), std::nullopt);
  EXPECT_EQ(InferDateOrder("31/31/2025"), std::nullopt);
  EXPECT_EQ(InferDateOrder("32/1/2025"), std::nullopt);
  EXPECT_EQ(InferDateOrder("0/13/2025"), std::nullopt);
  EXPECT_EQ(InferDateOrder("2023-09-26T01:56:15"), std::nullopt);
  EXPECT_EQ(InferDateOrder("\\/Date(1600000000000)\\/"), std::nullopt);
  EXPECT_EQ(InferDateOrder(""), std::nullopt);
  EXPECT_EQ(InferDateOrder("26/"), std::nullopt);
  EXPECT_EQ(InferDateOrder("123/1/2025"), std::nullopt);
}

TEST(InferDateOrderTest, InferredOrderParses) {
  const char* text = "26/9/2023 13:56:15";
  const std::optional<DateOrder> order = InferDateOrder(text);
  ASSERT_TRUE(order.has_value());
  absl::StatusOr<TimeMs> got = ParseWrapperDate(text, *order);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(FormatRfc3339(*got), "2023-09-26T13:56:15Z");
}

}  // namespace
}  // namespace tern
