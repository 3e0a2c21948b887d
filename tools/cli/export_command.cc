// `tern export`: the case's events and findings for the engines analysts
// already run: ECS NDJSON (or Elasticsearch _bulk bodies) to a file or
// stdout. The case is opened read-only.
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "core/base/strings.h"
#include "core/ingest/custody.h"
#include "reports/export/ecs_writer.h"
#include "tools/cli/case_steps.h"
#include "tools/cli/command.h"
#include "tools/cli/options.h"

namespace tern::cli {
namespace {

class ExportCommand : public Command {
 public:
  std::string_view name() const override { return "export"; }
  std::string_view summary() const override {
    return "events and findings as ECS NDJSON / Elasticsearch _bulk";
  }
  std::string_view synopsis() const override {
    return "--case DIR --format ecs [--out FILE] [--bulk [--index NAME]]";
  }

  void DefineOptions(OptionSpec& spec) override {
    po::options_description& c = spec.Group("case options");
    AddCaseOption(c, &case_dir_, CaseAccess::kReadOnly);
    AddQuietOption(c, &quiet_);
    po::options_description& ecs = spec.Group("export options");
    AddOption(ecs, kFormatOption, po::value(&format_)->value_name("ecs"),
              "NDJSON in Elastic Common Schema (docs/ecs/README.md)");
    AddOption(ecs, kOutOption, po::value(&out_)->value_name("FILE"),
              "write to FILE (through a temporary file) instead of stdout");
    AddOption(ecs, kBulkOption, po::bool_switch(&bulk_),
              "Elasticsearch _bulk body: an index action line before each document");
    AddOption(ecs, kIndexOption, po::value(&index_)->value_name("NAME"),
              "the _index of the action lines (default: tern)");
  }

  absl::Status Validate() override {
    if (format_ != "ecs") {
      return absl::InvalidArgumentError(absl::StrCat("--", kFormatOption, " must be ecs, not '",
                                                     ToAbsl(TerminalSafe(format_)), "'"));
    }
    if (!index_.empty() && !bulk_) {
      return absl::InvalidArgumentError(absl::StrCat("--", kIndexOption, " needs --", kBulkOption));
    }
    return absl::OkStatus();
  }

  int Run(const CommandContext& context) override {
    absl::StatusOr<std::unique_ptr<CaseStore>> store =
        CaseStore::Open(StoreDir(case_dir_), StoreMode::kReadOnly);
    if (!store.ok()) return Fatal(context, store.status());
    EcsOptions options;
    options.bulk = bulk_;
    if (!index_.empty()) options.index = index_;
    absl::StatusOr<EcsExportSummary> summary;
    if (out_.empty()) {
      summary = ExportEcs(**store, options, context.out);
    } else {
      absl::Status written = WriteFileThrough(out_, [&](std::FILE* file) {
        summary = ExportEcs(**store, options, file);
        return summary.status();
      });
      if (!written.ok()) summary = written;
    }
    if (!summary.ok()) return Fatal(context, summary.status());
    if (!quiet_) {
      std::fprintf(context.err, "export    %llu events, %llu findings as ECS%s\n",
                   static_cast<unsigned long long>(summary->events),
                   static_cast<unsigned long long>(summary->findings), bulk_ ? " _bulk" : "");
    }
    return kExitOk;
  }

 private:
  std::string case_dir_;
  bool quiet_ = false;
  std::string format_;
  std::string out_;
  bool bulk_ = false;
  std::string index_;
};

}  // namespace

std::unique_ptr<Command> NewExportCommand() { return std::make_unique<ExportCommand>(); }

}  // namespace tern::cli
