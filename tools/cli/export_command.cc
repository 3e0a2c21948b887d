// `tern export`: the case's events and findings for the engines analysts
// already run: ECS NDJSON (or Elasticsearch _bulk bodies) to a file or
// stdout, or the events into a ClickHouse table over HTTP. The case is
// opened read-only. Exit codes: 0 done, 2 usage, 3 fatal (unreadable case,
// write error, ClickHouse unreachable or refusing).
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "core/base/files.h"
#include "core/base/strings.h"
#include "reports/builtin_outputs.h"
#include "reports/export/clickhouse_sink.h"
#include "reports/export/export_source.h"
#include "tools/cli/case_steps.h"
#include "tools/cli/command.h"
#include "tools/cli/options.h"

namespace tern::cli {
namespace {

class ExportCommand : public Command {
 public:
  std::string_view name() const override { return "export"; }
  std::string_view summary() const override {
    return "events and findings as ECS NDJSON / _bulk, or events into ClickHouse";
  }
  std::string synopsis() const override {
    return absl::StrCat(OptionUsage(kCaseOption, "DIR"), " ", OptionUsage(kFormatOption, "F"), " [",
                        OptionUsage(kOutOption, "FILE"), "] [", OptionUsage(kBulkOption), " [",
                        OptionUsage(kIndexOption, "NAME"), "]] | ",
                        OptionUsage(kClickhouseOption, "URL"), " [",
                        OptionUsage(kTableOption, "NAME"), "]");
  }

  void DefineOptions(OptionSpec& spec) override {
    po::options_description& c = spec.Group("case options");
    AddCaseOption(c, &case_dir_, CaseAccess::kReadOnly);
    AddQuietOption(c, &quiet_);
    po::options_description& ecs = spec.Group("export options");
    AddOption(ecs, kFormatOption,
              po::value(&format_)->value_name(BuiltinOutputs().Names(kOutputExport)),
              OutputsHelp(kOutputExport, "the output").c_str());
    AddOption(ecs, kOutOption, po::value(&out_)->value_name("FILE"),
              "write to FILE (through a temporary file) instead of stdout");
    AddOption(ecs, kBulkOption, po::bool_switch(&bulk_),
              "Elasticsearch _bulk body: an index action line before each document");
    AddOption(ecs, kIndexOption, po::value(&index_)->value_name("NAME"),
              "the _index of the action lines (default: tern)");
    po::options_description& ch = spec.Group("ClickHouse options (docs/clickhouse.md)");
    AddOption(ch, kClickhouseOption, po::value(&clickhouse_.url)->value_name("URL"),
              "send the events to this ClickHouse HTTP interface, e.g. http://127.0.0.1:8123/");
    AddOption(ch, kTableOption, po::value(&clickhouse_.table)->value_name("NAME"),
              "[database.]table, created if missing (default: tern_events)");
    AddOption(ch, kBatchRowsOption, po::value(&clickhouse_.batch_rows)->value_name("N"),
              "rows per INSERT (default: 10000)");
  }

  absl::Status Validate() override {
    const bool to_clickhouse = !clickhouse_.url.empty();
    if (to_clickhouse == !format_.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("give either --", kFormatOption, " ",
                                                     BuiltinOutputs().Names(kOutputExport),
                                                     " or --", kClickhouseOption, " URL"));
    }
    if (to_clickhouse) {
      if (bulk_ || !index_.empty() || !out_.empty()) {
        return absl::InvalidArgumentError(absl::StrCat("--", kBulkOption, ", --", kIndexOption,
                                                       " and --", kOutOption, " are for --",
                                                       kFormatOption));
      }
      if (!IsValidClickHouseTable(clickhouse_.table)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--", kTableOption, " must be [database.]name of letters, digits and _, not '",
            ToAbsl(TerminalSafe(clickhouse_.table)), "'"));
      }
      if (clickhouse_.batch_rows == 0) {
        return absl::InvalidArgumentError(absl::StrCat("--", kBatchRowsOption, " must be > 0"));
      }
      return absl::OkStatus();
    }
    absl::StatusOr<const OutputInfo*> output =
        BuiltinOutputs().Find(format_, kOutputExport, kFormatOption);
    if (!output.ok()) return output.status();
    output_ = *output;
    if (!index_.empty() && !bulk_) {
      return absl::InvalidArgumentError(absl::StrCat("--", kIndexOption, " needs --", kBulkOption));
    }
    return absl::OkStatus();
  }

  int Run(const CommandContext& context) override {
    absl::StatusOr<std::unique_ptr<CaseStore>> store =
        CaseStore::Open(CaseDir(case_dir_).store(), StoreMode::kReadOnly);
    if (!store.ok()) return Fatal(context, store.status());
    return clickhouse_.url.empty() ? RunOutput(context, **store) : RunClickHouse(context, **store);
  }

 private:
  int RunOutput(const CommandContext& context, CaseStore& store) {
    OutputTarget target;
    target.bulk = bulk_;
    target.index = index_;
    absl::StatusOr<ExportSummary> summary;
    if (out_.empty()) {
      target.out = context.out;
      summary = ExportThrough(store, *output_, target);
    } else {
      absl::Status written = WriteFileThrough(out_, [&](std::FILE* file) {
        target.out = file;
        summary = ExportThrough(store, *output_, target);
        return summary.status();
      });
      if (!written.ok()) summary = written;
    }
    if (!summary.ok()) return Fatal(context, summary.status());
    if (!quiet_) {
      std::fprintf(context.err, "export    %llu events, %llu findings as %s%s\n",
                   static_cast<unsigned long long>(summary->events),
                   static_cast<unsigned long long>(summary->findings), output_->label.c_str(),
                   bulk_ ? " _bulk" : "");
    }
    return kExitOk;
  }

  int RunClickHouse(const CommandContext& context, CaseStore& store) {
    absl::StatusOr<ClickHouseExportSummary> summary = ExportClickHouse(store, clickhouse_);
    if (!summary.ok()) return Fatal(context, summary.status());
    if (!quiet_) {
      std::fprintf(context.err, "export    %llu rows into %s at %s (%llu requests, %llu retried)\n",
                   static_cast<unsigned long long>(summary->rows), clickhouse_.table.c_str(),
                   TerminalSafe(RedactUrl(clickhouse_.url)).c_str(),
                   static_cast<unsigned long long>(summary->requests),
                   static_cast<unsigned long long>(summary->retries));
    }
    return kExitOk;
  }

  std::string case_dir_;
  bool quiet_ = false;
  std::string format_;
  std::string out_;
  bool bulk_ = false;
  std::string index_;
  const OutputInfo* output_ = nullptr;  // --format's, by Validate
  ClickHouseOptions clickhouse_;
};

}  // namespace

std::unique_ptr<Command> NewExportCommand() { return std::make_unique<ExportCommand>(); }

}  // namespace tern::cli
