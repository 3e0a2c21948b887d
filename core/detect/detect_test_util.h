// Test helpers for the detection tests: a temporary case store that events
// are added to, Analyze() over it, and the stored findings and sessions read
// back. Events get record ids "r00001"... and provenance (1, n, n) in the
// order they are pushed unless set. Test-only; thread-compatible.
#ifndef TERN_CORE_DETECT_DETECT_TEST_UTIL_H_
#define TERN_CORE_DETECT_DETECT_TEST_UTIL_H_

#include <stdlib.h>

#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "core/detect/analyzer.h"
#include "core/model/event.h"
#include "core/model/finding.h"
#include "core/store/case_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace tern::detect::testing {

using ::tern::testing::TempDir;

inline constexpr TimeMs kMinute = 60 * 1000;
inline constexpr TimeMs kHour = 60 * kMinute;
inline constexpr TimeMs kDay = 24 * kHour;
// 2024-03-04T00:00:00Z, a Monday: day 0 of every test case.
inline constexpr TimeMs kDay0 = 1709510400000;
// With the default 7-day baseline, day 8 is well after it.
inline constexpr TimeMs kAfterBaseline = kDay0 + 8 * kDay;

// Test IPs: the first three are in the MaxMind test databases
// (fixtures/geoip/README.md); the documentation ranges are not.
inline constexpr char kLondonIp[] = "81.2.69.142";
inline constexpr char kSwedenIp[] = "89.160.20.112";
inline constexpr char kChinaIp[] = "175.16.199.10";
inline constexpr char kHomeIp[] = "198.51.100.10";
inline constexpr char kOfficeIp[] = "203.0.113.20";
inline constexpr char kEvilIp[] = "192.0.2.66";

inline std::string GuidOf(std::string_view upn) {
  // Stable fake GUIDs per test user.
  std::string local(upn.substr(0, upn.find('@')));
  while (local.size() < 12) local += "0";
  return "00000000-0000-0000-0000-" + local.substr(0, 12);
}

// A mailbox audit record: `actor` acting on `owner`'s mailbox.
inline Event MailboxEvent(TimeMs t, std::string op, std::string owner, std::string actor,
                          std::string ip, int32_t logon_type = kLogonOwner) {
  Event e;
  e.time_ms = t;
  e.record_type = op == "MailItemsAccessed" ? 50 : 2;
  e.operation = std::move(op);
  e.workload = "Exchange";
  e.result_status = "Succeeded";
  e.mailbox_guid = GuidOf(owner);
  e.mailbox_upn = owner;
  e.actor_upn = std::move(actor);
  e.user_type = 0;
  e.logon_type = logon_type;
  e.client_ip = std::move(ip);
  e.client_info = "Client=OWA;Mozilla/5.0 (Windows NT 10.0; Win64; x64)";
  return e;
}

inline Event OwnerEvent(TimeMs t, std::string op, std::string owner, std::string ip) {
  std::string actor = owner;
  return MailboxEvent(t, std::move(op), std::move(owner), std::move(actor), std::move(ip));
}

// An ExchangeAdmin cmdlet record.
inline Event Cmdlet(TimeMs t, std::string op, std::string actor, std::string ip,
                    std::vector<NameValue> params, std::string object_id = "") {
  Event e;
  e.time_ms = t;
  e.record_type = 1;
  e.operation = std::move(op);
  e.workload = "Exchange";
  e.result_status = "True";
  e.actor_upn = std::move(actor);
  e.user_type = 2;
  e.client_ip = std::move(ip);
  e.parameters = std::move(params);
  e.object_id = std::move(object_id);
  return e;
}

class AnalyzerTest : public ::testing::Test {
 protected:
  // Adds an event (record id and provenance filled in when empty).
  Event& Push(Event e) {
    ++count_;
    if (e.record_id.empty()) {
      char id[16];
      std::snprintf(id, sizeof(id), "r%05d", count_);
      e.record_id = id;
    }
    if (e.provenance.line == 0) {
      e.provenance = {1, static_cast<uint64_t>(count_), static_cast<uint64_t>(count_)};
    }
    events_.push_back(std::move(e));
    return events_.back();
  }

  // The ordinary owner life that fills the baseline: one owner read per day
  // for `days` days from `ip`, starting on day 0.
  void Baseline(const std::string& owner, const std::string& ip, int days = 8) {
    for (int d = 0; d < days; ++d) {
      Push(OwnerEvent(kDay0 + d * kDay + 9 * kHour, "MailItemsAccessed", owner, ip));
    }
  }

  // Stores the events (in `order` when given: indexes into the pushed
  // events), runs Analyze and returns the stored findings.
  std::vector<Finding> Run(const AnalyzeOptions& options = {},
                           const std::vector<size_t>& order = {}) {
    store_.reset();
    dir_ = std::make_unique<TempDir>();
    auto store = CaseStore::Open(dir_->path() + "/store", StoreMode::kReadWrite);
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return {};
    store_ = std::move(*store);
    for (size_t i = 0; i < events_.size(); ++i) {
      const Event& e = events_[order.empty() ? i : order[i]];
      auto added = store_->AddEvent(e, "{\"Id\":\"" + e.record_id + "\"}");
      EXPECT_TRUE(added.ok()) << added.status();
    }
    EXPECT_TRUE(store_->Commit().ok());
    auto summary = Analyze(*store_, options);
    EXPECT_TRUE(summary.ok()) << summary.status();
    if (summary.ok()) summary_ = *summary;
    return StoredFindings();
  }

  std::vector<Finding> StoredFindings() {
    std::vector<Finding> out;
    EXPECT_TRUE(store_
                    ->ScanDerived("findings",
                                  [&](std::string_view, std::string_view v) {
                                    auto f = DecodeFinding(v);
                                    EXPECT_TRUE(f.ok()) << f.status();
                                    if (f.ok()) out.push_back(*f);
                                    return true;
                                  })
                    .ok());
    return out;
  }

  std::vector<Session> StoredSessions() {
    std::vector<Session> out;
    EXPECT_TRUE(store_
                    ->ScanDerived("sessions",
                                  [&](std::string_view, std::string_view v) {
                                    auto s = DecodeSession(v);
                                    EXPECT_TRUE(s.ok()) << s.status();
                                    if (s.ok()) out.push_back(*s);
                                    return true;
                                  })
                    .ok());
    return out;
  }

  static std::vector<Finding> OfRule(const std::vector<Finding>& findings, std::string_view rule) {
    std::vector<Finding> out;
    for (const Finding& f : findings) {
      if (f.rule == rule) out.push_back(f);
    }
    return out;
  }

  static std::vector<std::string> AnchorIds(const Finding& f) {
    std::vector<std::string> ids;
    for (const EvidenceAnchor& a : f.evidence) ids.push_back(a.record_id);
    return ids;
  }

  static std::string GeoCity() {
    return std::string(TERN_FIXTURES_DIR) + "/geoip/GeoLite2-City-Test.mmdb";
  }
  static std::string GeoAsn() {
    return std::string(TERN_FIXTURES_DIR) + "/geoip/GeoLite2-ASN-Test.mmdb";
  }
  // Default options with both MaxMind test databases.
  static AnalyzeOptions WithGeo() {
    AnalyzeOptions o;
    o.geoip_city_path = GeoCity();
    o.geoip_asn_path = GeoAsn();
    return o;
  }

  std::deque<Event> events_;  // a deque: references from Push() stay valid
  int count_ = 0;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<CaseStore> store_;
  AnalysisSummary summary_;
};

}  // namespace tern::detect::testing

#endif  // TERN_CORE_DETECT_DETECT_TEST_UTIL_H_
