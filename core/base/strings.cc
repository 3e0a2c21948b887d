#include "core/base/strings.h"

#include <cstddef>

#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"

namespace tern {

size_t HashText(std::string_view s) { return absl::Hash<absl::string_view>()(ToAbsl(s)); }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (absl::ascii_tolower(static_cast<unsigned char>(a[i])) !=
        absl::ascii_tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && EqualsIgnoreCase(s.substr(s.size() - suffix.size()), suffix);
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > haystack.size()) return false;
  // Rules ask this of every event's client strings a dozen times: look for
  // the first letter in either case before comparing the rest.
  const char lower = absl::ascii_tolower(static_cast<unsigned char>(needle[0]));
  const char upper = absl::ascii_toupper(static_cast<unsigned char>(needle[0]));
  const std::string_view rest = needle.substr(1);
  const size_t last = haystack.size() - needle.size();
  for (size_t i = 0; i <= last; ++i) {
    const char c = haystack[i];
    if ((c == lower || c == upper) && EqualsIgnoreCase(haystack.substr(i + 1, rest.size()), rest)) {
      return true;
    }
  }
  return false;
}

std::string AsciiLower(std::string_view s) {
  std::string out;
  AsciiLowerInto(s, &out);
  return out;
}

void AsciiLowerInto(std::string_view s, std::string* out) {
  out->assign(s);
  for (char& c : *out) c = absl::ascii_tolower(static_cast<unsigned char>(c));
}

std::string_view TrimAsciiWhitespace(std::string_view text) {
  while (!text.empty() && absl::ascii_isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && absl::ascii_isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace tern
