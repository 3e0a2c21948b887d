#include "reports/output.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/base/escape.h"
#include "core/base/strings.h"

namespace tern {

absl::Status OutputModule::WriteEvent(const Event&, const EventEnrichment&) {
  return absl::OkStatus();
}

absl::Status OutputModule::WriteFinding(const ExportFinding&) { return absl::OkStatus(); }

absl::Status OutputRegistry::Register(OutputInfo info) {
  if (info.name.empty() || info.uses == 0 || info.make == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("output '", info.name, "' needs a name, uses and a factory"));
  }
  if ((info.uses & (kOutputCaseDocument | kOutputTimeline)) != 0 && info.file_name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("output '", info.name, "' writes a file and needs its file name"));
  }
  if (!info.reads_view && info.written_when != nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "output '", info.name, "' is written without the case view and cannot depend on it"));
  }
  for (const OutputInfo& known : outputs_) {
    if (known.name == info.name) {
      return absl::AlreadyExistsError(absl::StrCat("output '", info.name, "' registered twice"));
    }
  }
  outputs_.push_back(std::move(info));
  return absl::OkStatus();
}

std::vector<std::string> OutputRegistry::FileNames() const {
  std::vector<std::string> names;
  for (const OutputInfo& info : outputs_) {
    if (!info.file_name.empty() &&
        std::find(names.begin(), names.end(), info.file_name) == names.end()) {
      names.push_back(info.file_name);
    }
  }
  return names;
}

std::vector<const OutputInfo*> OutputRegistry::For(OutputUse use) const {
  std::vector<const OutputInfo*> found;
  for (const OutputInfo& info : outputs_) {
    if ((info.uses & use) != 0) found.push_back(&info);
  }
  return found;
}

absl::StatusOr<const OutputInfo*> OutputRegistry::Find(std::string_view name, OutputUse use,
                                                       std::string_view option) const {
  std::vector<std::string> names;
  for (const OutputInfo* info : For(use)) {
    if (info->name == name) return info;
    names.push_back(info->name);
  }
  std::string choices = names.empty() ? "(none)" : names.back();
  if (names.size() > 1) {
    names.pop_back();
    choices = absl::StrCat(absl::StrJoin(names, ", "), " or ", choices);
  }
  return absl::InvalidArgumentError(absl::StrCat("--", ToAbsl(option), " must be ", choices,
                                                 ", not '", ToAbsl(TerminalSafe(name)), "'"));
}

std::string OutputRegistry::Names(OutputUse use) const {
  std::vector<std::string> names;
  for (const OutputInfo* info : For(use)) names.push_back(info->name);
  return absl::StrJoin(names, "|");
}

absl::Status WriteToStream(std::FILE* out, std::string_view text) {
  if (text.empty()) return absl::OkStatus();
  if (std::fwrite(text.data(), 1, text.size(), out) != text.size()) {
    return absl::UnavailableError("write error on the output stream");
  }
  return absl::OkStatus();
}

absl::Status FlushStream(std::FILE* out) {
  if (std::fflush(out) != 0 || std::ferror(out)) {
    return absl::UnavailableError("write error on the output stream");
  }
  return absl::OkStatus();
}

}  // namespace tern
