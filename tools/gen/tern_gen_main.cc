// tern-gen: writes a synthetic, seeded tenant's mailbox audit evidence in the
// export shapes tern reads, plus truth.json (what a correct ingest and
// analysis must find). For tests and benchmarks; see README "Benchmarks".
//
//   tern-gen --out DIR [--seed N] [--users N | --records N] [--days D]
//            [--start YYYY-MM-DD] [--formats purview-csv,sual-csv,json,jsonl]
//            [--window-hours H] [--overlap-hours H] [--plant all|rule,rule,...]
//            [--benign-only] [--zip] [--quiet]
//   tern-gen --list-plants
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/json_writer.h"
#include "tools/gen/life.h"
#include "tools/gen/model.h"
#include "tools/gen/output.h"
#include "tools/gen/plants.h"
#include "tools/gen/serialize.h"
#include "tools/gen/zip.h"

namespace tern::gen {
namespace {

struct Options {
  std::string out;
  uint64_t seed = 1;
  int users = 200;
  uint64_t records = 0;  // > 0: choose users to get about this many records
  int days = 14;
  std::string start = "2024-03-04";
  std::vector<Format> formats = {Format::kPurviewCsv, Format::kSualCsv, Format::kJsonArray,
                                 Format::kJsonLines};
  int window_hours = 72;
  int overlap_hours = 12;
  std::vector<std::string> plants;
  bool zip = false;  // evidence/evidence.zip instead of loose files
  // The same tenant and life as with the --plant list, without the attacks.
  bool benign_only = false;
  bool quiet = false;
  bool list_plants = false;
};

constexpr char kZipName[] = "evidence.zip";

constexpr char kUsage[] =
    "usage: tern-gen --out DIR [--seed N] [--users N | --records N] [--days D]\n"
    "                [--start YYYY-MM-DD] [--formats F,F,...] [--window-hours H]\n"
    "                [--overlap-hours H] [--plant all|RULE,RULE,...] [--benign-only]\n"
    "                [--zip] [--quiet]\n"
    "       tern-gen --list-plants\n"
    "--benign-only: the tenant and its life as with --plant, without the attacks\n"
    "formats: purview-csv sual-csv json jsonl mailbox-audit-csv (default: the first four)\n";

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const size_t comma = s.find(',');
    std::string_view part = s.substr(0, comma);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

bool ParseUint(const char* text, uint64_t* out) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0') return false;
  *out = v;
  return true;
}

// Midnight UTC of "YYYY-MM-DD" in ms since the epoch (Hinnant's
// days_from_civil).
bool ParseDate(const std::string& text, int64_t* ms) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 ||
      d > 31) {
    return false;
  }
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  *ms = (era * 146097 + doe - 719468) * kMsPerDay;
  return true;
}

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "tern-gen: %s needs a value\n", argv[i]);
        return nullptr;
      }
      return argv[++i];
    };
    auto number = [&](uint64_t* out) {
      const char* v = value();
      if (v == nullptr) return false;
      if (!ParseUint(v, out)) {
        std::fprintf(stderr, "tern-gen: %s: not a number: %s\n", argv[i - 1], v);
        return false;
      }
      return true;
    };
    uint64_t n = 0;
    if (arg == "--out") {
      const char* v = value();
      if (v == nullptr) return false;
      o->out = v;
    } else if (arg == "--seed") {
      if (!number(&o->seed)) return false;
    } else if (arg == "--users") {
      if (!number(&n) || n == 0 || n > 1000000) return false;
      o->users = static_cast<int>(n);
    } else if (arg == "--records") {
      if (!number(&o->records) || o->records == 0) return false;
    } else if (arg == "--days") {
      if (!number(&n) || n == 0 || n > 3650) return false;
      o->days = static_cast<int>(n);
    } else if (arg == "--start") {
      const char* v = value();
      if (v == nullptr) return false;
      o->start = v;
    } else if (arg == "--formats") {
      const char* v = value();
      if (v == nullptr) return false;
      o->formats.clear();
      for (const std::string& name : SplitList(v)) {
        Format f;
        if (!ParseFormat(name, &f)) {
          std::fprintf(stderr, "tern-gen: unknown format %s\n", name.c_str());
          return false;
        }
        o->formats.push_back(f);
      }
      if (o->formats.empty()) return false;
    } else if (arg == "--window-hours") {
      if (!number(&n) || n == 0 || n > 24 * 3650) return false;
      o->window_hours = static_cast<int>(n);
    } else if (arg == "--overlap-hours") {
      if (!number(&n) || n > 24 * 3650) return false;
      o->overlap_hours = static_cast<int>(n);
    } else if (arg == "--plant") {
      const char* v = value();
      if (v == nullptr) return false;
      if (std::string_view(v) == "all") {
        for (std::string_view r : PlantableRules()) o->plants.emplace_back(r);
      } else {
        for (std::string& r : SplitList(v)) o->plants.push_back(std::move(r));
      }
    } else if (arg == "--benign-only") {
      o->benign_only = true;
    } else if (arg == "--zip") {
      o->zip = true;
    } else if (arg == "--quiet") {
      o->quiet = true;
    } else if (arg == "--list-plants") {
      o->list_plants = true;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else {
      std::fprintf(stderr, "tern-gen: unknown option %s\n%s", argv[i], kUsage);
      return false;
    }
  }
  if (o->list_plants) return true;
  if (o->out.empty()) {
    std::fputs(kUsage, stderr);
    return false;
  }
  if (o->overlap_hours >= o->window_hours) {
    std::fprintf(stderr, "tern-gen: --overlap-hours must be below --window-hours\n");
    return false;
  }
  return true;
}

// Records per user and day of this generator, measured on a small tenant
// over the same calendar, so --records lands near its target.
double RecordsPerUserDay(uint64_t seed, int days, int64_t start_ms) {
  constexpr int kUsers = 200;
  const int sample_days = std::min(days, 14);
  const Tenant t = MakeTenant(seed, kUsers, sample_days, start_ms);
  std::vector<Record> records;
  uint64_t total = 0;
  for (int d = 0; d < sample_days; ++d) {
    records.clear();
    OrdinaryDay(t, d, seed, &records);
    total += records.size();
  }
  return static_cast<double>(total) / (kUsers * sample_days);
}

std::string Iso(int64_t ms) {
  std::string s;
  AppendIsoTime(ms, &s);
  return s + "Z";
}

std::string TruthJson(const Options& o, const Tenant& t, const WindowedOutput& out,
                      const std::vector<PlantTruth>& planted) {
  JsonWriter w(2);
  w.BeginObject();
  w.Key("schema").String("tern.gen-truth/1");
  w.Key("generator").BeginObject();
  w.Key("seed").Uint(o.seed);
  w.Key("users").Int(t.persons);
  // People plus shared mailboxes, service accounts, SYSTEM, discovery mailbox.
  w.Key("accounts").Int(static_cast<int64_t>(t.users.size()));
  w.Key("days").Int(o.days);
  w.Key("start").String(o.start);
  w.Key("formats").BeginArray();
  for (Format f : o.formats) w.String(FormatName(f));
  w.EndArray();
  w.Key("window_hours").Int(o.window_hours);
  w.Key("overlap_hours").Int(o.overlap_hours);
  w.Key("benign_only").Bool(o.benign_only);
  w.EndObject();
  w.Key("org_domains").BeginArray().String(t.domain).EndArray();
  w.Key("unique_records").Uint(out.unique());
  // Records without an Id (mailbox-audit-csv) get a content id, which does
  // not match the Id of the same record in a UAL file.
  w.Key("unique_records_by_id_kind").Uint(out.unique_by_id_kind());
  w.Key("rows_written").Uint(out.rows());
  w.Key("duplicate_rows").Uint(out.rows() - out.unique());
  w.Key("bytes").Uint(out.bytes());
  // With --zip the files are members of evidence/evidence.zip.
  w.Key("container").String(o.zip ? kZipName : "");
  w.Key("files").BeginArray();
  for (const FileStats& f : out.files()) {
    w.BeginObject();
    w.Key("name").String(f.name);
    w.Key("format").String(FormatName(f.format));
    w.Key("parser").String(ExpectedParser(f.format));
    w.Key("records").Uint(f.records);
    w.Key("bytes").Uint(f.bytes);
    w.EndObject();
  }
  w.EndArray();
  w.Key("planted").BeginArray();
  for (const PlantTruth& p : planted) {
    w.BeginObject();
    w.Key("rule").String(p.rule);
    w.Key("mailbox").String(p.mailbox);
    w.Key("actor").String(p.actor);
    w.Key("attacker_ip").String(p.attacker_ip);
    w.Key("first_seen").String(Iso(p.first_ms));
    w.Key("last_seen").String(Iso(p.last_ms));
    w.Key("records").Int(p.records);
    w.Key("needs_geoip").Bool(p.needs_geo);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::string text = w.Take();
  text.push_back('\n');
  return text;
}

int Run(const Options& o) {
  if (o.list_plants) {
    for (std::string_view r : PlantableRules())
      std::printf("%.*s\n", static_cast<int>(r.size()), r.data());
    return 0;
  }
  int64_t start_ms = 0;
  if (!ParseDate(o.start, &start_ms)) {
    std::fprintf(stderr, "tern-gen: --start wants YYYY-MM-DD, got %s\n", o.start.c_str());
    return 2;
  }
  int users = o.users;
  if (o.records > 0) {
    const double rate = RecordsPerUserDay(o.seed, o.days, start_ms);
    users = static_cast<int>(static_cast<double>(o.records) / (rate * o.days) + 0.5);
    users = std::max(users, 10);
  }
  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec) {
    std::fprintf(stderr, "tern-gen: cannot create %s: %s\n", o.out.c_str(), ec.message().c_str());
    return 1;
  }

  const auto began = std::chrono::steady_clock::now();
  Tenant tenant = MakeTenant(o.seed, users, o.days, start_ms);
  std::vector<Plant> plants;
  std::string error;
  if (!PlanPlants(o.plants, o.seed, &tenant, &plants, &error)) {
    std::fprintf(stderr, "tern-gen: %s\n", error.c_str());
    return 2;
  }
  // Evidence apart from truth.json, so the folder can be handed to tern as is.
  OutputOptions oo;
  oo.dir = o.out + "/evidence";
  std::filesystem::create_directories(oo.dir, ec);
  if (ec) {
    std::fprintf(stderr, "tern-gen: cannot create %s: %s\n", oo.dir.c_str(), ec.message().c_str());
    return 1;
  }
  oo.formats = o.formats;
  oo.window_ms = static_cast<int64_t>(o.window_hours) * kMsPerHour;
  oo.overlap_ms = static_cast<int64_t>(o.overlap_hours) * kMsPerHour;
  WindowedOutput out(tenant, oo);
  std::vector<PlantTruth> planted;
  std::vector<Record> day_records;
  std::string audit;
  for (int day = 0; day < o.days; ++day) {
    day_records.clear();
    OrdinaryDay(tenant, day, o.seed, &day_records);
    if (!o.benign_only) PlantDay(tenant, plants, day, o.seed, &day_records, &planted);
    std::sort(day_records.begin(), day_records.end(), [](const Record& a, const Record& b) {
      return a.time_ms != b.time_ms ? a.time_ms < b.time_ms : a.id < b.id;
    });
    for (const Record& r : day_records) {
      audit.clear();
      AppendAuditData(tenant, r, &audit);
      if (!out.Add(r, audit)) {
        std::fprintf(stderr, "tern-gen: %s\n", out.error().c_str());
        return 1;
      }
    }
    if (!o.quiet) {
      std::fprintf(stderr, "\rtern-gen: day %d/%d, %llu records", day + 1, o.days,
                   static_cast<unsigned long long>(out.unique()));
    }
  }
  if (!out.Finish()) {
    std::fprintf(stderr, "tern-gen: %s\n", out.error().c_str());
    return 1;
  }
  if (o.zip) {
    std::vector<std::string> names;
    for (const FileStats& file : out.files()) names.push_back(file.name);
    if (!ZipAndRemove(oo.dir, names, kZipName, start_ms / 1000, &error)) {
      std::fprintf(stderr, "tern-gen: %s\n", error.c_str());
      return 1;
    }
  }
  const std::string truth = TruthJson(o, tenant, out, planted);
  const std::string truth_path = o.out + "/truth.json";
  std::FILE* f = std::fopen(truth_path.c_str(), "wb");
  if (f == nullptr || std::fwrite(truth.data(), 1, truth.size(), f) != truth.size() ||
      std::fclose(f) != 0) {
    std::fprintf(stderr, "tern-gen: cannot write %s\n", truth_path.c_str());
    return 1;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  if (!o.quiet) std::fputc('\n', stderr);
  std::printf(
      "tern-gen: %d users, %d days: %llu records (%llu rows, %zu files, %.1f MB) "
      "in %.2f s (%.0f MB/s)\n",
      users, o.days, static_cast<unsigned long long>(out.unique()),
      static_cast<unsigned long long>(out.rows()), out.files().size(),
      static_cast<double>(out.bytes()) / 1e6, secs,
      static_cast<double>(out.bytes()) / 1e6 / std::max(secs, 1e-9));
  return 0;
}

}  // namespace
}  // namespace tern::gen

int main(int argc, char** argv) {
  tern::gen::Options options;
  if (!tern::gen::ParseArgs(argc, argv, &options)) return 2;
  return tern::gen::Run(options);
}
