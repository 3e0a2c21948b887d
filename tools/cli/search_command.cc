// `tern search`: an indexed query over the events of a case, read-only.
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/base/escape.h"
#include "core/base/strings.h"
#include "reports/builtin_outputs.h"
#include "reports/search.h"
#include "tools/cli/case_steps.h"
#include "tools/cli/command.h"
#include "tools/cli/options.h"

namespace tern::cli {
namespace {

class SearchCommand : public Command {
 public:
  std::string_view name() const override { return "search"; }
  std::string_view summary() const override { return "indexed query over the case's events"; }
  std::string synopsis() const override {
    return absl::StrCat(OptionUsage(kCaseOption, "DIR"), " [filters] [",
                        OptionUsage(kFormatOption, "F"), "]");
  }

  void DefineOptions(OptionSpec& spec) override {
    po::options_description& c = spec.Group("case options");
    AddCaseOption(c, &case_dir_, CaseAccess::kReadOnly);
    AddQuietOption(c, &quiet_);
    po::options_description& search = spec.Group("search options");
    AddOption(search, kMailboxOption, po::value(&request_.mailbox)->value_name("M"),
              "mailbox GUID or owner UPN");
    AddOption(search, kIpOption, po::value(&request_.ip)->value_name("IP"), "client IP address");
    AddOption(search, kActorOption, po::value(&request_.actor)->value_name("U"),
              "acting user: UPN or SID");
    AddOption(search, kOperationOption, po::value(&request_.operation)->value_name("OP"),
              "operation, e.g. New-InboxRule");
    AddOption(search, kFromOption, po::value(&request_.from)->value_name("T"),
              "from this time on (RFC 3339 / ISO 8601; UTC unless an offset is given)");
    AddOption(search, kToOption, po::value(&request_.to)->value_name("T"), "before this time");
    AddOption(search, kFormatOption,
              po::value(&request_.format)->value_name(BuiltinOutputs().Names(kOutputSearch)),
              OutputsHelp(kOutputSearch, "output format (default: table)").c_str());
    AddOption(search, kLimitOption, po::value(&request_.limit)->value_name("N"),
              "stop after N events (default: no limit)");
  }

  int Run(const CommandContext& context) override {
    absl::StatusOr<SearchResult> result =
        SearchCase(case_dir_, request_, BuiltinOutputs(), context.out);
    if (!result.ok()) {
      std::fprintf(context.err, "tern: %s\n",
                   TerminalSafe(ToStd(result.status().message())).c_str());
      return result.status().code() == absl::StatusCode::kInvalidArgument ? kExitUsage : kExitFatal;
    }
    if (!quiet_) {
      std::fprintf(context.err, "%llu events (%s)\n",
                   static_cast<unsigned long long>(result->matches),
                   result->plan.index.has_value()
                       ? absl::StrCat("index ", ToAbsl(StoreIndexName(*result->plan.index))).c_str()
                       : "time-window scan");
    }
    return kExitOk;
  }

 private:
  std::string case_dir_;
  bool quiet_ = false;
  SearchRequest request_;
};

}  // namespace

std::unique_ptr<Command> NewSearchCommand() { return std::make_unique<SearchCommand>(); }

}  // namespace tern::cli
