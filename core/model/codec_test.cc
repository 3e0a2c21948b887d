#include "core/model/codec.h"

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "core/base/codec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

using ::testing::HasSubstr;

// Every field set to a value different from its default, so a field the
// codec forgets cannot round-trip by accident.
Event FullEvent() {
  Event e;
  e.time_ms = -1234567890123;
  e.record_id = "5d1a6b2c-0000-4000-8000-00000000abcd";
  e.record_type = 50;
  e.operation = "MailItemsAccessed";
  e.workload = "Exchange";
  e.result_status = "Succeeded";
  e.organization_id = "org-1";
  e.actor_upn = "alice@contoso.example";
  e.actor_sid = "S-1-5-21-1";
  e.actor_display = "Alice";
  e.user_type = 2;
  e.logon_type = kLogonDelegate;
  e.mailbox_guid = "0b1c2d3e-aaaa-bbbb-cccc-000000000001";
  e.mailbox_upn = "bob@contoso.example";
  e.client_ip = "2001:db8::1";
  e.client_ip_raw = "[2001:db8::1]:443";
  e.client_info = "Client=OWA;Mozilla/5.0";
  e.session_id = "sess-1";
  e.aad_session_id = "aad-1";
  e.app_id = "app-1";
  e.client_app_id = "capp-1";
  e.external_access = 1;
  e.object_id = std::string("obj\0with nul", 12);
  e.parameters = {{"Identity", "rule", true}, {"RuleName", "", false}};
  e.operation_properties = {{"Name", "Value", true}};
  e.items = {{"Subject \xe2\x9c\x93", "\\Inbox", "<m1@x>", "item1", 4096}, {"", "", "", "", -1}};
  e.folders = {"\\Inbox", "\\Sent Items"};
  e.extra = {{"SendAsUserSmtp", "ceo@contoso.example", true}};
  e.flags = kFlagAuditDataTruncated | kFlagSyntheticId;
  e.provenance = {7, 123456789012ULL, 42};
  return e;
}

void ExpectEventsEqual(const Event& a, const Event& b) {
  EXPECT_EQ(a.time_ms, b.time_ms);
  EXPECT_EQ(a.record_id, b.record_id);
  EXPECT_EQ(a.record_type, b.record_type);
  EXPECT_EQ(a.operation, b.operation);
  EXPECT_EQ(a.workload, b.workload);
  EXPECT_EQ(a.result_status, b.result_status);
  EXPECT_EQ(a.organization_id, b.organization_id);
  EXPECT_EQ(a.actor_upn, b.actor_upn);
  EXPECT_EQ(a.actor_sid, b.actor_sid);
  EXPECT_EQ(a.actor_display, b.actor_display);
  EXPECT_EQ(a.user_type, b.user_type);
  EXPECT_EQ(a.logon_type, b.logon_type);
  EXPECT_EQ(a.mailbox_guid, b.mailbox_guid);
  EXPECT_EQ(a.mailbox_upn, b.mailbox_upn);
  EXPECT_EQ(a.client_ip, b.client_ip);
  EXPECT_EQ(a.client_ip_raw, b.client_ip_raw);
  EXPECT_EQ(a.client_info, b.client_info);
  EXPECT_EQ(a.session_id, b.session_id);
  EXPECT_EQ(a.aad_session_id, b.aad_session_id);
  EXPECT_EQ(a.app_id, b.app_id);
  EXPECT_EQ(a.client_app_id, b.client_app_id);
  EXPECT_EQ(a.external_access, b.external_access);
  EXPECT_EQ(a.object_id, b.object_id);
  EXPECT_EQ(a.parameters, b.parameters);
  EXPECT_EQ(a.operation_properties, b.operation_properties);
  EXPECT_EQ(a.items, b.items);
  EXPECT_EQ(a.folders, b.folders);
  EXPECT_EQ(a.extra, b.extra);
  EXPECT_EQ(a.flags, b.flags);
  EXPECT_EQ(a.provenance, b.provenance);
}

TEST(EventCodecTest, RoundTripsEveryField) {
  const Event e = FullEvent();
  absl::StatusOr<Event> got = DecodeEvent(EncodeEvent(e));
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectEventsEqual(*got, e);
}

TEST(EventCodecTest, RoundTripsDefaultsAndExtremes) {
  Event e;
  e.record_id = "x";
  absl::StatusOr<Event> got = DecodeEvent(EncodeEvent(e));
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectEventsEqual(*got, e);

  e.time_ms = std::numeric_limits<int64_t>::min();
  e.record_type = std::numeric_limits<int32_t>::min();
  e.user_type = std::numeric_limits<int32_t>::max();
  e.external_access = -128;
  e.flags = std::numeric_limits<uint32_t>::max();
  e.provenance = {std::numeric_limits<uint32_t>::max(), std::numeric_limits<uint64_t>::max(),
                  std::numeric_limits<uint64_t>::max()};
  got = DecodeEvent(EncodeEvent(e));
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectEventsEqual(*got, e);
}

// A scan decodes every event into the same few Event objects: nothing of
// the record decoded before may survive into the next, in either direction.
TEST(EventCodecTest, DecodingIntoAnUsedEventLeavesNothingOfTheLastOne) {
  Event sparse;
  sparse.record_id = "y";
  sparse.parameters = {{"Only", "one", true}};
  const Event full = FullEvent();

  Event into;
  ASSERT_TRUE(DecodeEventInto(EncodeEvent(full), &into).ok());
  ExpectEventsEqual(into, full);
  ASSERT_TRUE(DecodeEventInto(EncodeEvent(sparse), &into).ok());
  ExpectEventsEqual(into, sparse);
  ASSERT_TRUE(DecodeEventInto(EncodeEvent(full), &into).ok());
  ExpectEventsEqual(into, full);
  Event empty;
  empty.record_id = "z";
  ASSERT_TRUE(DecodeEventInto(EncodeEvent(empty), &into).ok());
  ExpectEventsEqual(into, empty);
}

TEST(EventCodecTest, EveryPrefixIsDataLoss) {
  const std::string bytes = EncodeEvent(FullEvent());
  for (size_t n = 0; n < bytes.size(); ++n) {
    absl::StatusOr<Event> got = DecodeEvent(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(got.ok()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss) << got.status();
  }
}

TEST(EventCodecTest, TrailingBytesAreDataLoss) {
  absl::StatusOr<Event> got = DecodeEvent(EncodeEvent(FullEvent()) + "x");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("trailing"));
}

TEST(EventCodecTest, UnknownVersionIsDataLossNamingIt) {
  std::string bytes = EncodeEvent(FullEvent());
  bytes[0] = 9;
  absl::StatusOr<Event> got = DecodeEvent(bytes);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("version 9"));
}

TEST(EventCodecTest, OutOfRangeIntegerIsDataLoss) {
  // An encoding whose record_type does not fit in int32.
  std::string bad;
  PutVarint64(1, &bad);
  PutVarsint64(0, &bad);
  PutLengthPrefixed("x", &bad);
  PutVarsint64(int64_t{1} << 40, &bad);
  absl::StatusOr<Event> got = DecodeEvent(bad);
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("record_type"));
}

TEST(EventCodecTest, HugeCountDoesNotAllocate) {
  // A vector count of 2^60 must be rejected up front, not reserved.
  Event e;
  e.record_id = "x";
  const std::string bytes = EncodeEvent(e);
  // Locate the parameters count: it follows object_id, the first vector.
  std::string prefix;
  PutVarint64(1, &prefix);
  PutVarsint64(0, &prefix);
  PutLengthPrefixed("x", &prefix);
  PutVarsint64(-1, &prefix);
  for (int i = 0; i < 7; ++i) PutLengthPrefixed("", &prefix);
  PutVarsint64(-1, &prefix);
  PutVarsint64(-1, &prefix);
  for (int i = 0; i < 9; ++i) PutLengthPrefixed("", &prefix);
  PutVarsint64(-1, &prefix);
  PutLengthPrefixed("", &prefix);
  ASSERT_EQ(bytes.substr(0, prefix.size()), prefix) << "test out of sync with the encoding";
  std::string bad = prefix;
  PutVarint64(1ULL << 60, &bad);
  absl::StatusOr<Event> got = DecodeEvent(bad);
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("parameters"));
}

TEST(EventCodecTest, CorruptedBytesNeverCrash) {
  const std::string good = EncodeEvent(FullEvent());
  std::mt19937 rng(12345);
  int decoded_ok = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string bytes = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    absl::StatusOr<Event> got = DecodeEvent(bytes);
    if (got.ok()) {
      ++decoded_ok;
    } else {
      EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
    }
  }
  // Random garbage of every small length.
  for (int len = 0; len < 64; ++len) {
    for (int round = 0; round < 200; ++round) {
      std::string bytes(len, '\0');
      for (char& c : bytes) c = static_cast<char>(rng());
      (void)DecodeEvent(bytes);
    }
  }
  // Flips inside string payloads still decode: the harness did exercise both paths.
  EXPECT_GT(decoded_ok, 0);
}

EvidenceRecord FullEvidence() {
  EvidenceRecord r;
  r.ordinal = 12;
  r.parent = 3;
  r.given_path = "exports/a.zip";
  r.absolute_path = "/cases/x/exports/a.zip";
  r.member_path = "2023/ual.csv";
  r.display = "exports/a.zip!2023/ual.csv";
  r.is_container = true;
  r.container_format = "zip";
  r.size = 1ULL << 40;
  r.mtime_ms = -5;
  r.sha256 = std::string(64, 'a');
  r.sha1 = std::string(40, 'b');
  r.md5 = std::string(32, 'c');
  r.format = "purview-csv";
  r.records_parsed = 100;
  r.records_stored = 90;
  r.records_duplicate = 8;
  r.records_rejected = 2;
  r.first_event_ms = 1600000000000;
  r.last_event_ms = 1700000000000;
  r.warning_count = 201;
  r.warnings = {{"rejected-record", "exports/a.zip!2023/ual.csv", 17, "bad json"},
                {"export-cap-reached", "s", 0, ""}};
  r.ingested_at = "2024-01-02T03:04:05Z";
  r.run = 4;
  r.status = "ingested";
  r.same_as = 9;
  return r;
}

void ExpectEvidenceEqual(const EvidenceRecord& a, const EvidenceRecord& b) {
  EXPECT_EQ(a.ordinal, b.ordinal);
  EXPECT_EQ(a.parent, b.parent);
  EXPECT_EQ(a.given_path, b.given_path);
  EXPECT_EQ(a.absolute_path, b.absolute_path);
  EXPECT_EQ(a.member_path, b.member_path);
  EXPECT_EQ(a.display, b.display);
  EXPECT_EQ(a.is_container, b.is_container);
  EXPECT_EQ(a.container_format, b.container_format);
  EXPECT_EQ(a.size, b.size);
  EXPECT_EQ(a.mtime_ms, b.mtime_ms);
  EXPECT_EQ(a.sha256, b.sha256);
  EXPECT_EQ(a.sha1, b.sha1);
  EXPECT_EQ(a.md5, b.md5);
  EXPECT_EQ(a.format, b.format);
  EXPECT_EQ(a.records_parsed, b.records_parsed);
  EXPECT_EQ(a.records_stored, b.records_stored);
  EXPECT_EQ(a.records_duplicate, b.records_duplicate);
  EXPECT_EQ(a.records_rejected, b.records_rejected);
  EXPECT_EQ(a.first_event_ms, b.first_event_ms);
  EXPECT_EQ(a.last_event_ms, b.last_event_ms);
  EXPECT_EQ(a.warning_count, b.warning_count);
  ASSERT_EQ(a.warnings.size(), b.warnings.size());
  for (size_t i = 0; i < a.warnings.size(); ++i) {
    EXPECT_EQ(a.warnings[i].kind, b.warnings[i].kind);
    EXPECT_EQ(a.warnings[i].source, b.warnings[i].source);
    EXPECT_EQ(a.warnings[i].line, b.warnings[i].line);
    EXPECT_EQ(a.warnings[i].detail, b.warnings[i].detail);
  }
  EXPECT_EQ(a.ingested_at, b.ingested_at);
  EXPECT_EQ(a.run, b.run);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.same_as, b.same_as);
}

TEST(EvidenceCodecTest, RoundTripsEveryField) {
  const EvidenceRecord r = FullEvidence();
  absl::StatusOr<EvidenceRecord> got = DecodeEvidence(EncodeEvidence(r));
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectEvidenceEqual(*got, r);

  const EvidenceRecord empty;
  got = DecodeEvidence(EncodeEvidence(empty));
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectEvidenceEqual(*got, empty);
  EXPECT_EQ(got->mtime_ms, kNoTime);
}

TEST(EvidenceCodecTest, EveryPrefixIsDataLoss) {
  const std::string bytes = EncodeEvidence(FullEvidence());
  for (size_t n = 0; n < bytes.size(); ++n) {
    absl::StatusOr<EvidenceRecord> got = DecodeEvidence(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(got.ok()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  }
}

}  // namespace
}  // namespace tern
