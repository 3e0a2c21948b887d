// `tern version`: version, storage schema, library versions and formats.
#include <cstdio>
#include <memory>
#include <string>

#include "core/base/version.h"
#include "core/evidence/library_versions.h"
#include "core/store/case_store.h"
#include "core/store/store_info.h"
#include "parsers/builtin.h"
#include "parsers/parser_info.h"
#include "tools/cli/command.h"

namespace tern::cli {
namespace {

class VersionCommand : public Command {
 public:
  std::string_view name() const override { return "version"; }
  std::string_view summary() const override { return "version, formats, store schema"; }
  std::string synopsis() const override { return ""; }

  void DefineOptions(OptionSpec&) override {}

  int Run(const CommandContext& context) override {
    std::FILE* out = context.out;
    std::fprintf(out, "tern %s\n", ToolVersion());
    std::fprintf(out, "store schema %d\n", kStoreSchemaVersion);
    std::fprintf(out, "libraries:\n");
    std::fprintf(out, "  %s\n", StorageEngineVersion().c_str());
    std::fprintf(out, "  %s\n", ArchiveLibraryVersion().c_str());
    std::fprintf(out, "  %s\n", CryptoLibraryVersion().c_str());
    std::fprintf(out, "  %s\n", JsonLibraryVersion().c_str());
    ParserRegistry registry;
    if (RegisterBuiltinParsers(registry).ok()) {
      std::fprintf(out, "formats:\n");
      for (const auto& parser : registry.parsers()) {
        std::fprintf(out, "  %-20s %s\n", std::string(parser->name()).c_str(),
                     std::string(parser->description()).c_str());
      }
    }
    return kExitOk;
  }
};

}  // namespace

std::unique_ptr<Command> NewVersionCommand() { return std::make_unique<VersionCommand>(); }

}  // namespace tern::cli
