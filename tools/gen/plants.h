// Planted scenarios: short attack stories, each meant to raise one rule of
// the detection catalog (DETECTIONS.md rule ids), placed after the baseline
// week on victims that have no other special role. Thread-compatible.
#ifndef TERN_TOOLS_GEN_PLANTS_H_
#define TERN_TOOLS_GEN_PLANTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tools/gen/model.h"

namespace tern::gen {

// The rule ids a scenario can be planted for, in catalog order.
const std::vector<std::string_view>& PlantableRules();

// Where and when one scenario happens.
struct Plant {
  std::string rule;
  int index = 0;  // position in the --plant list; spreads times and IPs
  int day = 0;
  int victim = -1;          // the mailbox attacked (-1: organization-level)
  std::vector<int> others;  // further accounts the story uses
  std::string attacker_ip;
  bool needs_geo = false;  // only found with --geoip-city
};

// What truth.json says about a planted scenario.
struct PlantTruth {
  std::string rule;
  std::string mailbox;  // UPN of the mailbox a finding should name; "" = any
  std::string actor;
  std::string attacker_ip;  // the address the attacker's records come from
  int64_t first_ms = 0;
  int64_t last_ms = 0;
  int records = 0;
  bool needs_geo = false;
};

// Chooses days, victims and IPs for `rules` (ids from PlantableRules();
// repeats allowed) and marks the accounts used as attacked. Returns false
// with `error` set for an unknown id or a tenant too small or too short
// (plants need 9 days: tern's 7-day baseline comes first; and up to 4
// spare mailboxes each).
bool PlanPlants(const std::vector<std::string>& rules, uint64_t seed, Tenant* tenant,
                std::vector<Plant>* plants, std::string* error);

// Appends the records of the plants that happen on `day` to `out` and their
// truth to `truth`.
void PlantDay(const Tenant& tenant, const std::vector<Plant>& plants, int day, uint64_t seed,
              std::vector<Record>* out, std::vector<PlantTruth>* truth);

}  // namespace tern::gen

#endif  // TERN_TOOLS_GEN_PLANTS_H_
