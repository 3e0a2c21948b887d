// Small ASCII text helpers over std::string_view for the analysis code (the
// case-insensitive comparisons are core/base/strings.h).
//
// Debian 12's Abseil is built with its own absl::string_view (a type distinct
// from std::string_view), so absl::StrCat / StrContains do not accept
// std::string_view; these helpers keep the conversions out of the rules.
// Pure functions; thread-safe.
#ifndef TERN_CORE_CORRELATE_TEXT_H_
#define TERN_CORE_CORRELATE_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace tern::correlate {

std::string Lower(std::string_view s);
std::string_view Trim(std::string_view s);

namespace text_internal {
inline void Append(std::string& out, std::string_view s) { out.append(s.data(), s.size()); }
inline void Append(std::string& out, const char* s) { out.append(s); }
inline void Append(std::string& out, const std::string& s) { out.append(s); }
inline void Append(std::string& out, char c) { out.push_back(c); }
template <typename T>
requires std::is_integral_v<T> &&
    (!std::is_same_v<T, char>)&&(!std::is_same_v<T, bool>)inline void Append(std::string& out,
                                                                             T v) {
  out.append(std::to_string(v));
}
}  // namespace text_internal

// Concatenates strings, characters and integers (decimal), like absl::StrCat.
template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  (text_internal::Append(out, args), ...);
  return out;
}

}  // namespace tern::correlate

#endif  // TERN_CORE_CORRELATE_TEXT_H_
