#include "core/model/event.h"

namespace tern {
namespace {

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

}  // namespace

const NameValue* Event::Find(const std::vector<NameValue>& list, std::string_view name) {
  // Exports disagree on the case of parameter names ("ForwardTo" vs
  // "forwardTo"), so lookups ignore ASCII case; the first match wins.
  for (const NameValue& nv : list) {
    if (EqualsIgnoreAsciiCase(nv.name, name)) return &nv;
  }
  return nullptr;
}

}  // namespace tern
