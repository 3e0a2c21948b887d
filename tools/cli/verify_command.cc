// `tern verify`: re-hashes every top-level evidence file against custody and
// runs RocksDB's checksum verification over the store, read-only.
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/base/escape.h"
#include "core/base/strings.h"
#include "core/evidence/hasher.h"
#include "core/store/case_store.h"
#include "tools/cli/case_steps.h"
#include "tools/cli/command.h"
#include "tools/cli/options.h"

namespace tern::cli {
namespace {

// A store RocksDB finds damaged is a verification result (exit 4), not a
// failure to verify: the examiner must learn the index cannot be trusted.
int StoreCorrupt(std::FILE* out, const absl::Status& status) {
  std::fprintf(out, "STORE     case store is corrupt: %s\n",
               TerminalSafe(ToStd(status.message())).c_str());
  std::fprintf(out, "the case store failed verification; it can be rebuilt from the evidence\n");
  return kExitVerifyFailed;
}

class VerifyCommand : public Command {
 public:
  std::string_view name() const override { return "verify"; }
  std::string_view summary() const override { return "re-hash all evidence against custody"; }
  std::string_view synopsis() const override { return "--case DIR"; }

  void DefineOptions(OptionSpec& spec) override {
    AddCaseOption(spec.Group("case options"), &case_dir_, CaseAccess::kReadOnly);
  }

  int Run(const CommandContext& context) override {
    std::FILE* out = context.out;
    absl::StatusOr<std::unique_ptr<CaseStore>> store =
        CaseStore::Open(StoreDir(case_dir_), StoreMode::kReadOnly);
    if (!store.ok()) {
      if (store.status().code() == absl::StatusCode::kDataLoss) {
        return StoreCorrupt(out, store.status());
      }
      return Fatal(context, store.status());
    }
    absl::StatusOr<std::vector<EvidenceRecord>> records = (*store)->ListEvidence();
    if (!records.ok()) {
      if (records.status().code() == absl::StatusCode::kDataLoss) {
        return StoreCorrupt(out, records.status());
      }
      return Fatal(context, records.status());
    }
    // Every top-level file the case recorded, once per (path, SHA-256).
    std::set<std::pair<std::string, std::string>> files;
    for (const EvidenceRecord& r : *records) {
      if (r.parent == 0 && !r.sha256.empty()) files.emplace(r.absolute_path, r.sha256);
    }
    uint64_t bad = 0;
    for (const auto& [path, expected] : files) {
      absl::StatusOr<Digests> actual = HashFile(path);
      if (!actual.ok()) {
        ++bad;
        std::fprintf(out, "MISSING   %s (%s)\n", TerminalSafe(path).c_str(),
                     TerminalSafe(ToStd(actual.status().message())).c_str());
      } else if (actual->sha256 != expected) {
        ++bad;
        std::fprintf(out, "CHANGED   %s: recorded sha256 %s, now %s\n", TerminalSafe(path).c_str(),
                     expected.c_str(), actual->sha256.c_str());
      }
    }
    absl::Status store_ok = (*store)->VerifyChecksums();
    if (!store_ok.ok()) {
      std::fprintf(out, "STORE     case store checksum verification failed: %s\n",
                   TerminalSafe(ToStd(store_ok.message())).c_str());
    }
    if (bad > 0) {
      std::fprintf(out, "%llu of %zu evidence files changed or missing\n",
                   static_cast<unsigned long long>(bad), files.size());
    }
    if (bad > 0 || !store_ok.ok()) return kExitVerifyFailed;
    std::fprintf(out, "all %zu files verified; case store checksums OK\n", files.size());
    return kExitOk;
  }

 private:
  std::string case_dir_;
};

}  // namespace

std::unique_ptr<Command> NewVerifyCommand() { return std::make_unique<VerifyCommand>(); }

}  // namespace tern::cli
