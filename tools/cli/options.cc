#include "tools/cli/options.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/base/status_macros.h"
#include "core/base/strings.h"
#include "core/detect/builtin_rules.h"
#include "core/sigma/rule.h"
#include "reports/builtin_outputs.h"
#include "tools/cli/rule_files.h"

namespace tern::cli {

po::options_description& OptionSpec::Group(const std::string& title) {
  groups_.push_back(std::make_unique<po::options_description>(title));
  return *groups_.back();
}

void OptionSpec::Positionals(std::vector<std::string>* values, bool required, std::string what) {
  positionals_ = values;
  positionals_required_ = required;
  positionals_what_ = std::move(what);
}

std::string OptionUsage(const char* name, std::string_view value) {
  std::string usage = absl::StrCat("--", name);
  if (!value.empty()) absl::StrAppend(&usage, " ", ToAbsl(value));
  return usage;
}

void AddOption(po::options_description& group, const char* name, const po::value_semantic* value,
               const char* help) {
  group.add_options()(name, value, help);
}

void AddCaseOption(po::options_description& group, std::string* case_dir, CaseAccess access) {
  const char* help = "case directory (opened read-only; must exist)";
  if (access == CaseAccess::kReadWrite) help = "case directory (created if missing)";
  if (access == CaseAccess::kExisting) help = "case directory (must exist: made by ingest or run)";
  AddOption(group, kCaseOption, po::value(case_dir)->required()->value_name("DIR"), help);
}

void AddCaseMetadataOptions(po::options_description& group, std::string* case_id,
                            std::string* examiner) {
  AddOption(group, kCaseIdOption, po::value(case_id)->value_name("ID"),
            "case identifier recorded in custody and reports");
  AddOption(group, kExaminerOption, po::value(examiner)->value_name("NAME"),
            "examiner recorded in custody and reports");
}

void AddThreadsOption(po::options_description& group, int* threads) {
  AddOption(group, kThreadsOption, po::value(threads)->value_name("N"),
            "worker threads (default: all cores); results never depend on it");
}

void AddQuietOption(po::options_description& group, bool* quiet) {
  AddOption(group, kQuietOption, po::bool_switch(quiet),
            "no progress or warnings on stderr (tern.log still has them)");
}

void AddStrictOption(po::options_description& group, bool* strict) {
  AddOption(group, kStrictOption, po::bool_switch(strict),
            "any rejected record or warning makes the run fail (exit 3)");
}

AnalyzeOptions AnalyzeArgs::ToOptions() const {
  AnalyzeOptions converted = options;
  if (session_gap_minutes >= 0) {
    converted.session_gap_ms = static_cast<int64_t>(session_gap_minutes * 60 * 1000);
  }
  return converted;
}

void AddAnalyzeOptions(OptionSpec& spec, AnalyzeArgs* args) {
  po::options_description& group = spec.Group("analysis options");
  AddOption(group, kOrgDomainOption,
            po::value(&args->options.org_domains)->composing()->value_name("DOMAIN"),
            "organization domain (repeatable); default: the mailbox owners' UPN domains");
  AddOption(group, kGeoipCityOption, po::value(&args->options.geoip_city_path)->value_name("FILE"),
            "MaxMind GeoLite2/GeoIP2 City .mmdb");
  AddOption(group, kGeoipAsnOption, po::value(&args->options.geoip_asn_path)->value_name("FILE"),
            "MaxMind GeoLite2 ASN .mmdb");
  AddOption(group, kSessionGapOption,
            po::value(&args->session_gap_minutes)->default_value(30)->value_name("MINUTES"),
            "inactivity gap that splits sessions");
  AddOption(group, kRulesOption, po::value(&args->rule_paths)->composing()->value_name("PATH"),
            "Sigma rules to run besides the built-in ones: a .yml file or a folder of them "
            "(repeatable)");
  AddOption(group, kConfigOption, po::value(&args->config_path)->value_name("FILE"),
            "tuning file (YAML): organization and partner domains, trusted IPs/ASNs, service "
            "and admin accounts, VIP mailboxes, rules disabled, severity overrides, thresholds");
}

absl::Status AnalyzeArgs::Load() {
  if (!rule_paths.empty()) TERN_RETURN_IF_ERROR(LoadRules());
  if (config_path.empty()) return absl::OkStatus();
  std::vector<std::string> known;
  for (const RuleInfo& r : RuleCatalog()) known.push_back(r.id);
  if (options.sigma_rules) {
    for (const sigma::Rule& r : *options.sigma_rules) {
      if (!detect::IsBuiltinSigmaRule(r)) known.push_back(r.id);
    }
  }
  TERN_ASSIGN_OR_RETURN(Tuning tuning, LoadTuningFile(config_path, known));
  // The gap is typed in minutes on the command line; the file's wins.
  if (tuning.thresholds.contains("session_gap") || tuning.thresholds.contains("session_gap_ms")) {
    session_gap_minutes = -1;
  }
  return ApplyTuning(tuning, &options);
}

absl::Status AnalyzeArgs::LoadRules() {
  sigma::RuleLoad load = LoadRuleFiles(rule_paths, &options.inputs);
  rule_files = load.files;
  std::string errors;
  for (const sigma::Diagnostic& d : load.diagnostics) {
    if (d.level == sigma::Diagnostic::Level::kError) {
      absl::StrAppend(&errors, "\n", d.ToString());
    } else {
      notes.push_back(d.ToString());
    }
  }
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrCat("bad --rules:", errors));
  options.sigma_rules = std::make_shared<const std::vector<sigma::Rule>>(std::move(load.rules));
  return absl::OkStatus();
}

void AddReportOptions(OptionSpec& spec, ReportArgs* args) {
  po::options_description& group = spec.Group("report options");
  AddOption(group, kOutOption, po::value(&args->out_dir)->value_name("DIR"),
            "where to write the reports (default: the case directory)");
  AddOption(group, kTimelineOption,
            po::value(&args->timeline)->value_name(BuiltinOutputs().Names(kOutputTimeline)),
            OutputsHelp(kOutputTimeline, "also write the full event timeline").c_str());
  AddOption(group, kTimezoneOption, po::value(&args->timezone)->value_name("ZONE"),
            "show report.html's times in this IANA zone, e.g. Europe/Berlin (findings.json and "
            "exports stay UTC)");
}

absl::Status CheckReportArgs(const ReportArgs& args) {
  if (!args.timeline.empty()) {
    TERN_RETURN_IF_ERROR(
        BuiltinOutputs().Find(args.timeline, kOutputTimeline, kTimelineOption).status());
  }
  absl::TimeZone zone;
  if (!args.timezone.empty() && !absl::LoadTimeZone(args.timezone, &zone)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", kTimezoneOption, " '", args.timezone,
        "' is not a known time zone (an IANA name such as Europe/Berlin; Debian package tzdata)"));
  }
  return absl::OkStatus();
}

void AddLimitOptions(OptionSpec& spec, LimitArgs* args) {
  const WalkLimits defaults;
  po::options_description& group =
      spec.Group("evidence limits (hostile input; see README \"Limits\")");
  AddOption(group, kMaxArchiveDepthOption,
            po::value(&args->max_archive_depth)
                ->default_value(absl::StrCat(defaults.max_archive_depth))
                ->value_name("N"),
            "archives nested more than N levels inside other archives are hashed, not opened");
  AddOption(group, kMaxExpansionRatioOption,
            po::value(&args->max_expansion_ratio)
                ->default_value(absl::StrCat(defaults.max_expansion_ratio))
                ->value_name("R"),
            "an archive member expanding beyond R x its container's compressed size (and 1M) is "
            "cut off");
  AddOption(group, kMaxExpandedBytesOption,
            po::value(&args->max_expanded_bytes)
                ->default_value(absl::StrCat(defaults.max_expanded_bytes >> 30, "G"))
                ->value_name("BYTES"),
            "most bytes decompressed from one input file, all nesting levels together");
  AddOption(group, kMaxRecordBytesOption,
            po::value(&args->max_record_bytes)->default_value("0")->value_name("BYTES"),
            "largest record kept; bigger ones are rejected with their line (0: each format's own, "
            "CSV 32M, JSON 64M, XML 16M)");
}

std::string OutputsHelp(OutputUse use, std::string_view intro) {
  std::string help(intro);
  const char* sep = ": ";
  for (const OutputInfo* info : BuiltinOutputs().For(use)) {
    absl::StrAppend(&help, sep, info->name, " = ", info->description);
    sep = "; ";
  }
  return help;
}

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

namespace {

// `min` is 0 or 1: a 0 means something for depth (open no archive inside an
// archive) and record size (each format's own cap), nothing elsewhere.
absl::StatusOr<uint64_t> ParseLimit(const std::string& text, const char* option, bool suffix,
                                    uint64_t min, uint64_t max) {
  const std::optional<uint64_t> value =
      text == "0" ? std::optional<uint64_t>(0) : ParseCount(text, suffix);
  if (!value.has_value() || *value < min || *value > max) {
    return absl::InvalidArgumentError(absl::StrCat("--", option, " '", text,
                                                   "' is not a number from ", min, " to ", max,
                                                   suffix ? " (suffixes K, M, G, T allowed)" : ""));
  }
  return *value;
}

}  // namespace

absl::StatusOr<EvidenceLimits> ParseLimits(const LimitArgs& args) {
  EvidenceLimits limits;
  TERN_ASSIGN_OR_RETURN(const uint64_t depth,
                        ParseLimit(args.max_archive_depth, kMaxArchiveDepthOption, false, 0, 1000));
  limits.walk.max_archive_depth = static_cast<int>(depth);
  TERN_ASSIGN_OR_RETURN(
      limits.walk.max_expansion_ratio,
      ParseLimit(args.max_expansion_ratio, kMaxExpansionRatioOption, false, 1, uint64_t{1} << 32));
  TERN_ASSIGN_OR_RETURN(
      limits.walk.max_expanded_bytes,
      ParseLimit(args.max_expanded_bytes, kMaxExpandedBytesOption, true, 1, UINT64_MAX));
  TERN_ASSIGN_OR_RETURN(
      limits.max_record_bytes,
      ParseLimit(args.max_record_bytes, kMaxRecordBytesOption, true, 0, uint64_t{1} << 40));
  return limits;
}

}  // namespace tern::cli
