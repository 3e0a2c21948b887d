// tern: offline forensic processor for Exchange / Microsoft 365 mailbox audit
// exports. This file only parses the command line; the work is in the
// commands (tools/commands.cc) and the libraries below them.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>

#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "core/base/strings.h"
#include "reports/search.h"
#include "tools/commands.h"

namespace po = boost::program_options;

namespace tern {
namespace {

constexpr char kUsage[] = R"(usage: tern <command> [options]

commands:
  run      --case DIR [options] INPUT...   ingest + analyze + report (the main job)
  ingest   --case DIR INPUT...             add evidence to a case (known SHA-256 -> skipped)
  analyze  --case DIR                      sessions, baselines, detections -> stored findings
  report   --case DIR [--out DIR]          write findings.json and report.html
  verify   --case DIR                      re-hash all evidence against custody
  search   --case DIR [filters]            indexed query over the case's events
  rules                                    the detection catalog
  version                                  version, formats, store schema

INPUT is a file, a folder (walked recursively) or an archive (zip, tar, tar.gz,
gz, 7z; archives inside archives too). Formats are detected from content.
`tern <command> --help` shows the command's options.

exit codes:
  0  completed without warnings
  1  completed, but records were rejected or warnings were raised (see tern.log)
  2  usage error
  3  fatal error: the command could not complete (or --strict and any warning)
  4  verify: evidence changed or missing, or the case store is corrupt
)";

std::string JoinCommandLine(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) line += ' ';
    const std::string arg = argv[i];
    if (arg.find_first_of(" \t\"'") != std::string::npos) {
      line += '"' + arg + '"';
    } else {
      line += arg;
    }
  }
  return line;
}

po::options_description CaseOptionsDescription(CaseOptions* c) {
  po::options_description d("case options");
  d.add_options()
      ("case", po::value(&c->case_dir)->required()->value_name("DIR"), "case directory (created if missing)")
      ("case-id", po::value(&c->case_id)->value_name("ID"), "case identifier recorded in custody and reports")
      ("examiner", po::value(&c->examiner)->value_name("NAME"), "examiner recorded in custody and reports")
      ("threads", po::value(&c->threads)->value_name("N"), "worker threads (default: all cores); results never depend on it")
      ("quiet", po::bool_switch(&c->quiet), "no progress or warnings on stderr (tern.log still has them)")
      ("strict", po::bool_switch(&c->strict), "any rejected record or warning makes the run fail (exit 3)")
      ("help,h", "show this help");
  return d;
}

po::options_description AnalyzeOptionsDescription(AnalyzeOptions* a, double* gap_minutes) {
  po::options_description d("analysis options");
  d.add_options()
      ("org-domain", po::value(&a->org_domains)->composing()->value_name("DOMAIN"),
       "organization domain (repeatable); default: the mailbox owners' UPN domains")
      ("geoip-city", po::value(&a->geoip_city_path)->value_name("FILE"), "MaxMind GeoLite2/GeoIP2 City .mmdb")
      ("geoip-asn", po::value(&a->geoip_asn_path)->value_name("FILE"), "MaxMind GeoLite2 ASN .mmdb")
      ("session-gap", po::value(gap_minutes)->default_value(30)->value_name("MINUTES"),
       "inactivity gap that splits sessions");
  return d;
}

po::options_description ReportOptionsDescription(ReportOptions* r) {
  po::options_description d("report options");
  d.add_options()
      ("out", po::value(&r->out_dir)->value_name("DIR"), "where to write the reports (default: the case directory)")
      ("timeline", po::value(&r->timeline)->value_name("csv|jsonl"), "also write the full event timeline");
  return d;
}

// The evidence limits as typed; sizes take binary suffixes (64G, 512M, 4K).
struct LimitArgs {
  std::string max_archive_depth;
  std::string max_expansion_ratio;
  std::string max_expanded_bytes;
  std::string max_record_bytes;
};

po::options_description LimitOptionsDescription(LimitArgs* l) {
  // The defaults shown are WalkLimits' own, so help and behaviour agree.
  const WalkLimits defaults;
  po::options_description d("evidence limits (hostile input; see README \"Limits\")");
  d.add_options()
      ("max-archive-depth", po::value(&l->max_archive_depth)->default_value(absl::StrCat(defaults.max_archive_depth))->value_name("N"),
       "archives nested more than N levels inside other archives are hashed, not opened")
      ("max-expansion-ratio", po::value(&l->max_expansion_ratio)->default_value(absl::StrCat(defaults.max_expansion_ratio))->value_name("R"),
       "an archive member expanding beyond R x its container's compressed size (and 1M) is cut off")
      ("max-expanded-bytes", po::value(&l->max_expanded_bytes)->default_value(absl::StrCat(defaults.max_expanded_bytes >> 30, "G"))->value_name("BYTES"),
       "most bytes decompressed from one input file, all nesting levels together")
      ("max-record-bytes", po::value(&l->max_record_bytes)->default_value("0")->value_name("BYTES"),
       "largest record kept; bigger ones are rejected with their line (0: each format's own, CSV 32M, JSON 64M, XML 16M)");
  return d;
}

// "4096", "4K", "512M", "64G", "1T" (binary multiples); nullopt if malformed,
// zero or beyond 2^64.
std::optional<uint64_t> ParseCount(std::string_view text, bool allow_suffix) {
  if (text.empty()) return std::nullopt;
  int shift = 0;
  constexpr std::string_view kSuffixes = "KMGT";
  const size_t suffix = kSuffixes.find(static_cast<char>(text.back() & ~0x20));
  if (allow_suffix && suffix != std::string_view::npos) {
    shift = 10 * static_cast<int>(suffix + 1);
    text.remove_suffix(1);
  }
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value == 0 || (shift != 0 && value > (UINT64_MAX >> shift))) return std::nullopt;
  return value << shift;
}

// Validates the limits and stores them in `c`; a bad value is a usage error.
void ApplyLimits(const LimitArgs& l, CaseOptions* c) {
  // `min` is 0 or 1: a 0 means something for depth (open no archive inside
  // an archive) and record size (each format's own cap), nothing elsewhere.
  const auto get = [](const std::string& text, const char* name, bool suffix, uint64_t min,
                      uint64_t max) {
    std::optional<uint64_t> v = text == "0" ? std::optional<uint64_t>(0) : ParseCount(text, suffix);
    if (!v.has_value() || *v < min || *v > max) {
      throw po::error(absl::StrCat("--", name, " '", text, "' is not a number from ", min, " to ",
                                   max, suffix ? " (suffixes K, M, G, T allowed)" : ""));
    }
    return *v;
  };
  c->limits.max_archive_depth =
      static_cast<int>(get(l.max_archive_depth, "max-archive-depth", false, 0, 1000));
  c->limits.max_expansion_ratio =
      get(l.max_expansion_ratio, "max-expansion-ratio", false, 1, uint64_t{1} << 32);
  c->limits.max_expanded_bytes =
      get(l.max_expanded_bytes, "max-expanded-bytes", true, 1, UINT64_MAX);
  c->max_record_bytes = get(l.max_record_bytes, "max-record-bytes", true, 0, uint64_t{1} << 40);
}

void PrintHelp(const std::string& command, const po::options_description& desc,
               const char* synopsis) {
  std::cout << "usage: tern " << command << ' ' << synopsis << "\n\n" << desc << '\n';
}

// Parses `args` against `desc` (+ positional INPUTs when `inputs` is set).
// Returns false after printing help or an error; *exit_code says which.
bool Parse(const std::vector<std::string>& args, const po::options_description& desc,
           std::vector<std::string>* inputs, const std::string& command, const char* synopsis,
           int* exit_code) {
  po::options_description all = desc;
  po::positional_options_description positional;
  if (inputs != nullptr) {
    all.add_options()("input", po::value(inputs)->composing(), "evidence");
    positional.add("input", -1);
  }
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  if (vm.count("help") != 0) {
    PrintHelp(command, desc, synopsis);
    *exit_code = kExitOk;
    return false;
  }
  po::notify(vm);
  if (inputs != nullptr && inputs->empty()) {
    throw po::error("at least one INPUT (file, folder or archive) is required");
  }
  return true;
}

int Dispatch(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (command == "version" || command == "--version") return RunVersion();
  if (command == "rules") return RunRules();

  CaseOptions case_options;
  case_options.command_line = JoinCommandLine(argc, argv);
  AnalyzeOptions analyze;
  ReportOptions report;
  double gap_minutes = 30;
  std::vector<std::string> inputs;
  int exit_code = kExitOk;
  po::options_description desc = CaseOptionsDescription(&case_options);

  LimitArgs limits;
  if (command == "run") {
    desc.add(AnalyzeOptionsDescription(&analyze, &gap_minutes));
    desc.add(ReportOptionsDescription(&report));
    desc.add(LimitOptionsDescription(&limits));
    if (!Parse(args, desc, &inputs, command, "--case DIR [options] INPUT...", &exit_code)) {
      return exit_code;
    }
    ApplyLimits(limits, &case_options);
    analyze.session_gap_ms = static_cast<int64_t>(gap_minutes * 60 * 1000);
    return RunAll(case_options, inputs, analyze, report);
  }
  if (command == "ingest") {
    desc.add(LimitOptionsDescription(&limits));
    if (!Parse(args, desc, &inputs, command, "--case DIR [options] INPUT...", &exit_code)) {
      return exit_code;
    }
    ApplyLimits(limits, &case_options);
    return RunIngest(case_options, inputs);
  }
  if (command == "analyze") {
    desc.add(AnalyzeOptionsDescription(&analyze, &gap_minutes));
    if (!Parse(args, desc, nullptr, command, "--case DIR [options]", &exit_code)) return exit_code;
    analyze.session_gap_ms = static_cast<int64_t>(gap_minutes * 60 * 1000);
    return RunAnalyze(case_options, analyze);
  }
  if (command == "report") {
    desc.add(ReportOptionsDescription(&report));
    if (!Parse(args, desc, nullptr, command, "--case DIR [options]", &exit_code)) return exit_code;
    return RunReport(case_options, report);
  }
  if (command == "verify") {
    if (!Parse(args, desc, nullptr, command, "--case DIR", &exit_code)) return exit_code;
    return RunVerify(case_options);
  }
  if (command == "search") {
    SearchRequest search;
    po::options_description filters("search options");
    filters.add_options()
        ("mailbox", po::value(&search.mailbox)->value_name("M"), "mailbox GUID or owner UPN")
        ("ip", po::value(&search.ip)->value_name("IP"), "client IP address")
        ("actor", po::value(&search.actor)->value_name("U"), "acting user: UPN or SID")
        ("operation", po::value(&search.operation)->value_name("OP"), "operation, e.g. New-InboxRule")
        ("from", po::value(&search.from)->value_name("T"), "from this time on (RFC 3339 / ISO 8601; UTC unless an offset is given)")
        ("to", po::value(&search.to)->value_name("T"), "before this time")
        ("format", po::value(&search.format)->value_name("table|jsonl|csv"), "output format (default: table)")
        ("limit", po::value(&search.limit)->value_name("N"), "stop after N events (default: no limit)");
    desc.add(filters);
    if (!Parse(args, desc, nullptr, command, "--case DIR [filters] [--format table|jsonl|csv]",
               &exit_code)) {
      return exit_code;
    }
    absl::StatusOr<SearchResult> result = SearchCase(case_options.case_dir, search, stdout);
    if (!result.ok()) {
      std::fprintf(stderr, "tern: %s\n", TerminalSafe(ToStd(result.status().message())).c_str());
      return result.status().code() == absl::StatusCode::kInvalidArgument ? kExitUsage
                                                                           : kExitFatal;
    }
    if (!case_options.quiet) {
      std::fprintf(stderr, "%llu events (%s)\n",
                   static_cast<unsigned long long>(result->matches),
                   result->plan.index.has_value()
                       ? absl::StrCat("index ", ToAbsl(StoreIndexName(*result->plan.index))).c_str()
                       : "time-window scan");
    }
    return kExitOk;
  }
  std::fprintf(stderr, "tern: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return kExitUsage;
}

}  // namespace
}  // namespace tern

int main(int argc, char** argv) {
  try {
    return tern::Dispatch(argc, argv);
  } catch (const po::error& e) {
    // Boost.Program_options reports usage errors by throwing; they stop here.
    std::fprintf(stderr, "tern: %s\n(see 'tern %s --help')\n", e.what(),
                 argc > 1 ? argv[1] : "");
    return tern::kExitUsage;
  }
}
