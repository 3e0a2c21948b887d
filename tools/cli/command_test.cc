// The command library in process: dispatch, per-command options and help,
// usage errors caught at the edge, and a case run, verified and searched
// without spawning the binary.
#include "tools/cli/command.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/tern_runner.h"
#include "tools/cli/builtin_commands.h"
#include "tools/cli/case_steps.h"

namespace tern::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Captured {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `args` (without the program name) through the builtin table.
Captured Tern(const std::vector<std::string>& args) {
  char* out_text = nullptr;
  char* err_text = nullptr;
  size_t out_size = 0;
  size_t err_size = 0;
  CommandContext context;
  context.out = open_memstream(&out_text, &out_size);
  context.err = open_memstream(&err_text, &err_size);
  context.command_line = "tern (in process)";
  Captured result;
  result.exit_code = RunTool(BuiltinCommands(), args, context);
  std::fclose(context.out);
  std::fclose(context.err);
  result.out.assign(out_text, out_size);
  result.err.assign(err_text, err_size);
  std::free(out_text);
  std::free(err_text);
  return result;
}

TEST(CommandTableTest, NamesAreUniqueAndListedInTheUsage) {
  const std::string usage = Tern({"--help"}).out;
  std::set<std::string> names;
  for (CommandFactory factory : BuiltinCommands()) {
    const std::unique_ptr<Command> command = factory();
    EXPECT_TRUE(names.insert(std::string(command->name())).second) << command->name();
    EXPECT_FALSE(command->summary().empty()) << command->name();
    EXPECT_THAT(usage, HasSubstr(std::string(command->summary()))) << command->name();
  }
  EXPECT_THAT(names, ::testing::IsSupersetOf({"run", "ingest", "analyze", "report", "verify",
                                              "search", "rules", "version"}));
  EXPECT_THAT(usage, HasSubstr("exit codes"));
}

// Every "--name" a synopsis shows is an option the command defines (its
// constant in options.h), so the usage line cannot name an option that was
// renamed or that the command does not take; and the usage line is the one
// `tern NAME --help` prints.
TEST(CommandTableTest, SynopsesNameOnlyOptionsTheCommandDefines) {
  int options_named = 0;
  for (CommandFactory factory : BuiltinCommands()) {
    const std::unique_ptr<Command> command = factory();
    OptionSpec spec;
    command->DefineOptions(spec);
    std::set<std::string> defined;
    for (const auto& group : spec.groups()) {
      for (const auto& option : group->options()) defined.insert(option->long_name());
    }
    const std::string synopsis = command->synopsis();
    for (size_t at = synopsis.find("--"); at != std::string::npos;
         at = synopsis.find("--", at + 2)) {
      size_t end = at + 2;
      while (end < synopsis.size() &&
             (std::isalnum(static_cast<unsigned char>(synopsis[end])) || synopsis[end] == '-')) {
        ++end;
      }
      const std::string name = synopsis.substr(at + 2, end - at - 2);
      EXPECT_TRUE(defined.count(name) == 1)
          << command->name() << " synopsis names --" << name << ", which it does not define";
      ++options_named;
    }
    EXPECT_THAT(Tern({std::string(command->name()), "--help"}).out,
                HasSubstr("usage: tern " + std::string(command->name()) + " " + synopsis + "\n"));
  }
  EXPECT_GE(options_named, 10);  // the check above ran on real synopses
}

TEST(CommandTableTest, ASynopsisNamesAnOptionByItsConstant) {
  EXPECT_EQ(OptionUsage(kCaseOption, "DIR"), "--case DIR");
  EXPECT_EQ(OptionUsage(kBulkOption), "--bulk");
}

TEST(CommandTableTest, EachCommandShowsOnlyTheOptionsItUses) {
  const Captured verify = Tern({"verify", "--help"});
  EXPECT_EQ(verify.exit_code, kExitOk);
  EXPECT_THAT(verify.out, HasSubstr("--case DIR"));
  EXPECT_THAT(verify.out, HasSubstr("read-only"));
  EXPECT_THAT(verify.out, Not(HasSubstr("created if missing")));
  EXPECT_THAT(verify.out, Not(HasSubstr("--case-id")));
  EXPECT_THAT(verify.out, Not(HasSubstr("--threads")));

  const Captured report = Tern({"report", "--help"});
  EXPECT_THAT(report.out, HasSubstr("--timeline"));
  EXPECT_THAT(report.out, HasSubstr("--threads"));
  EXPECT_THAT(report.out, Not(HasSubstr("--examiner")));

  const Captured run = Tern({"run", "--help"});
  for (const char* option : {"--case-id", "--examiner", "--threads", "--strict", "--geoip-city",
                             "--timeline", "--max-record-bytes"}) {
    EXPECT_THAT(run.out, HasSubstr(option));
  }
  EXPECT_THAT(run.out, HasSubstr("created if missing"));
  EXPECT_THAT(Tern({"analyze", "--help"}).out, Not(HasSubstr("--max-record-bytes")));
  EXPECT_THAT(Tern({"search", "--help"}).out, Not(HasSubstr("--examiner")));
}

TEST(CommandTableTest, UsageErrorsAreCaughtAtTheEdge) {
  EXPECT_EQ(Tern({}).exit_code, kExitUsage);
  const Captured unknown = Tern({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, kExitUsage);
  EXPECT_THAT(unknown.err, HasSubstr("unknown command 'frobnicate'"));

  const Captured bogus = Tern({"verify", "--case", "/nonexistent", "--threads", "2"});
  EXPECT_EQ(bogus.exit_code, kExitUsage);
  EXPECT_THAT(bogus.err, HasSubstr("threads"));
  EXPECT_THAT(bogus.err, HasSubstr("tern verify --help"));

  EXPECT_EQ(Tern({"report"}).exit_code, kExitUsage);  // --case is required
  const Captured no_input = Tern({"ingest", "--case", "/nonexistent"});
  EXPECT_EQ(no_input.exit_code, kExitUsage);
  EXPECT_THAT(no_input.err, HasSubstr("INPUT"));

  const Captured bad_limit =
      Tern({"ingest", "--case", "/nonexistent", "--max-expanded-bytes", "12Q", "x"});
  EXPECT_EQ(bad_limit.exit_code, kExitUsage);
  EXPECT_THAT(bad_limit.err, HasSubstr("--max-expanded-bytes '12Q'"));
}

TEST(CommandTableTest, RunsVerifiesAndSearchesACaseInProcess) {
  testing::TempDir tmp;
  const std::string case_dir = tmp / "case";
  const Captured run = Tern({"run", "--case", case_dir, "--quiet", "--case-id", "C-1",
                             testing::Fixture("e2e/export_b.jsonl")});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("findings.json"));
  EXPECT_EQ(run.err, "");

  const Captured verify = Tern({"verify", "--case", case_dir});
  EXPECT_EQ(verify.exit_code, kExitOk) << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("all 1 files verified"));

  const Captured search = Tern({"search", "--case", case_dir, "--format", "csv", "--quiet"});
  EXPECT_EQ(search.exit_code, kExitOk) << search.err;
  EXPECT_THAT(search.out, HasSubstr("datetime,operation"));

  const Captured bad_format = Tern({"search", "--case", case_dir, "--format", "xml"});
  EXPECT_EQ(bad_format.exit_code, kExitUsage);
}

std::vector<CasePhase>& PhasesSeen() {
  static auto* phases = new std::vector<CasePhase>();
  return *phases;
}

void RecordPhase(CasePhase phase) { PhasesSeen().push_back(phase); }

// tools/tern_main.cc tunes the allocator per phase: each case command must
// announce the phases it runs, in order, and nothing else.
TEST(CommandTableTest, CaseCommandsAnnounceTheirPhases) {
  testing::TempDir tmp;
  const std::string case_dir = tmp / "case";
  SetCasePhaseListener(&RecordPhase);
  PhasesSeen().clear();
  ASSERT_EQ(Tern({"run", "--case", case_dir, "--quiet", testing::Fixture("e2e/export_b.jsonl")})
                .exit_code,
            kExitOk);
  EXPECT_EQ(PhasesSeen(),
            (std::vector<CasePhase>{CasePhase::kIngest, CasePhase::kAnalyze, CasePhase::kReport}));

  PhasesSeen().clear();
  ASSERT_EQ(Tern({"analyze", "--case", case_dir, "--quiet"}).exit_code, kExitOk);
  ASSERT_EQ(Tern({"report", "--case", case_dir, "--out", tmp / "out"}).exit_code, kExitOk);
  ASSERT_EQ(Tern({"search", "--case", case_dir, "--format", "csv", "--quiet"}).exit_code, kExitOk);
  EXPECT_EQ(PhasesSeen(), (std::vector<CasePhase>{CasePhase::kAnalyze, CasePhase::kReport}));

  SetCasePhaseListener(nullptr);
  PhasesSeen().clear();
  ASSERT_EQ(Tern({"analyze", "--case", case_dir, "--quiet"}).exit_code, kExitOk);
  EXPECT_TRUE(PhasesSeen().empty());
}

TEST(CommandTableTest, AMissingCaseIsAFatalErrorNotACrash) {
  testing::TempDir tmp;
  const Captured verify = Tern({"verify", "--case", tmp / "none"});
  EXPECT_EQ(verify.exit_code, kExitFatal);
  EXPECT_THAT(verify.err, HasSubstr("tern: error:"));
}

}  // namespace
}  // namespace tern::cli
