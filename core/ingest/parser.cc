#include "core/ingest/parser.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/base/strings.h"

namespace tern {

void ParseContext::Reject(uint64_t line, std::string_view reason) {
  ++rejected;
  if (warnings != nullptr) {
    warnings->Report(Warning{"rejected-record", source, line, std::string(reason)});
  }
}

void ParseContext::Warn(std::string_view kind, uint64_t line, std::string_view detail) {
  if (warnings != nullptr) {
    warnings->Report(Warning{std::string(kind), source, line, std::string(detail)});
  }
}

absl::Status ParserRegistry::Register(std::unique_ptr<Parser> parser) {
  if (parser == nullptr) return absl::InvalidArgumentError("null parser");
  if (Find(parser->name()) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrCat("a parser named '", ToAbsl(parser->name()), "' is already registered"));
  }
  parsers_.push_back(std::move(parser));
  return absl::OkStatus();
}

const Parser* ParserRegistry::Detect(std::string_view head) const {
  const Parser* best = nullptr;
  int best_score = 0;
  for (const auto& parser : parsers_) {
    const int score = parser->Sniff(head);
    if (score > best_score || (score == best_score && score > 0 && parser->name() < best->name())) {
      best = parser.get();
      best_score = score;
    }
  }
  return best;
}

const Parser* ParserRegistry::Find(std::string_view name) const {
  for (const auto& parser : parsers_) {
    if (EqualsIgnoreCase(parser->name(), name)) return parser.get();
  }
  return nullptr;
}

}  // namespace tern
