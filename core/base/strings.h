// Bridges std::string_view (used throughout tern) and absl::string_view.
//
// Debian 12's Abseil (20220623) is built with ABSL_OPTION_USE_STD_STRING_VIEW
// 0, so absl::string_view is a distinct type with no implicit conversion
// from std::string_view. Header-only; thread-safe.
#ifndef TERN_CORE_BASE_STRINGS_H_
#define TERN_CORE_BASE_STRINGS_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace tern {

inline absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace tern

#endif  // TERN_CORE_BASE_STRINGS_H_
