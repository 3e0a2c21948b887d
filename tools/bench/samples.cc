#include "tools/bench/samples.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "parsers/audit_data.h"
#include "tools/gen/life.h"
#include "tools/gen/model.h"
#include "tools/gen/serialize.h"

namespace tern::bench {

const Samples& GetSamples() {
  static const Samples* const kSamples = [] {
    auto* s = new Samples();
    constexpr uint64_t kSeed = 7;
    const gen::Tenant tenant = gen::MakeTenant(kSeed, 150, 2, 1709510400000);  // 2024-03-04
    std::vector<gen::Record> records;
    for (int day = 0; day < 2; ++day) gen::OrdinaryDay(tenant, day, kSeed, &records);
    std::sort(records.begin(), records.end(), [](const gen::Record& a, const gen::Record& b) {
      return a.time_ms != b.time_ms ? a.time_ms < b.time_ms : a.id < b.id;
    });
    s->purview_csv =
        "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,"
        "AssociatedAdminUnitsNames\r\n";
    for (const gen::Record& r : records) {
      std::string audit;
      gen::AppendAuditData(tenant, r, &audit);
      gen::AppendPurviewRow(tenant, r, audit, &s->purview_csv);
      s->jsonl.append(audit).push_back('\n');
      Event e;
      if (!NormalizeAuditData(audit, &e).ok()) {
        std::fprintf(stderr, "sample record does not normalize: %s\n", audit.c_str());
        std::abort();
      }
      s->events.push_back(std::move(e));
      s->audit_bytes += audit.size();
      s->audit.push_back(std::move(audit));
    }
    return s;
  }();
  return *kSamples;
}

}  // namespace tern::bench
