#include "core/correlate/text.h"

#include "core/base/strings.h"

namespace tern::correlate {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

// One ASCII lower-casing for the project: core/base/strings.h.
std::string Lower(std::string_view s) { return AsciiLower(s); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace tern::correlate
