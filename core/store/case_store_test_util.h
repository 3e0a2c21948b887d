// Test helpers for the case store tests: an event factory, scans and
// status assertions. Test-only.
#ifndef TERN_CORE_STORE_CASE_STORE_TEST_UTIL_H_
#define TERN_CORE_STORE_CASE_STORE_TEST_UTIL_H_

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "core/model/event.h"
#include "core/store/case_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace tern::testing_util {

using ::tern::testing::TempDir;

inline Event MakeEvent(std::string id, TimeMs time, uint32_t evidence, uint64_t line) {
  Event e;
  e.record_id = std::move(id);
  e.time_ms = time;
  e.record_type = 50;
  e.operation = "MailItemsAccessed";
  e.mailbox_guid = "0b1c2d3e-0000-0000-0000-000000000001";
  e.mailbox_upn = "Bob@Contoso.example";
  e.client_ip = "203.0.113.5";
  e.actor_upn = "Alice@Contoso.example";
  e.actor_sid = "S-1-5-21-9";
  e.provenance = {evidence, line, line};
  return e;
}

inline void ExpectError(const absl::Status& s, absl::StatusCode code, std::string_view substr) {
  EXPECT_EQ(s.code(), code) << s;
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr(std::string(substr))) << s;
}

inline std::unique_ptr<CaseStore> OpenOrDie(const std::string& dir, StoreMode mode) {
  absl::StatusOr<std::unique_ptr<CaseStore>> store = CaseStore::Open(dir, mode);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

// Record ids of ScanEvents over [from, to), in scan order.
inline std::vector<std::string> ScanIds(CaseStore& store, TimeMs from, TimeMs to) {
  std::vector<std::string> ids;
  absl::Status s = store.ScanEvents(from, to, [&ids](const Event& e) {
    ids.push_back(e.record_id);
    return true;
  });
  EXPECT_TRUE(s.ok()) << s;
  return ids;
}

// Record ids of ScanIndex, in scan order.
inline std::vector<std::string> IndexIds(CaseStore& store, StoreIndex index, std::string_view value,
                                         TimeMs from = INT64_MIN, TimeMs to = INT64_MAX) {
  std::vector<std::string> ids;
  absl::Status s = store.ScanIndex(index, value, from, to, [&ids](std::string_view id, TimeMs) {
    ids.emplace_back(id);
    return true;
  });
  EXPECT_TRUE(s.ok()) << s;
  return ids;
}

}  // namespace tern::testing_util

#endif  // TERN_CORE_STORE_CASE_STORE_TEST_UTIL_H_
