// Text renderings of one audit event shared by the HTML report, the timeline
// exports and `tern search`: the activity category, a one-line description of
// what the event acted on, and the Timesketch message.
//
// The returned text is raw evidence (attacker-controlled): each output channel
// escapes it itself (HtmlEscape, CsvCell, TerminalSafe, JsonWriter).
// Pure functions; thread-safe.
#ifndef TERN_REPORTS_EVENT_FORMAT_H_
#define TERN_REPORTS_EVENT_FORMAT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/model/event.h"

namespace tern {

// Coarse activity classes for the timeline chart and exports.
enum class Category : int {
  kRead = 0,
  kSend,
  kDelete,
  kRulesPermissions,
  kAdmin,
  kSignIn,
  kOther,
};
inline constexpr int kCategoryCount = 7;
using CategoryCounts = std::array<uint64_t, kCategoryCount>;

// "read", "send", "delete", "rules-permissions", "admin", "sign-in", "other".
std::string_view CategoryName(Category c);
// "Read", "Send", "Delete", "Rules & permissions", "Admin", "Sign-in", "Other".
std::string_view CategoryLabel(Category c);
Category CategorizeEvent(const Event& e);

// The LogonType name ("Owner", ...), its number for values without a name,
// or "" when unknown.
std::string LogonTypeText(int32_t logon_type);

// What the event acted on, in one line: cmdlet parameters ("Name=Value"),
// ObjectId, mail items (subjects and folders), folders, access type. At most
// `max_chars` code points (cut with "…"); 0 = no limit.
std::string DescribeObject(const Event& e, size_t max_chars);

// A one-line human summary: "<operation> by <actor> on <mailbox> from <ip>: <object>".
std::string EventMessage(const Event& e);

// Names of the bits set in e.flags, comma separated ("auditdata-truncated,...").
std::string FlagsText(uint32_t flags);

// Cuts `text` to at most `max_chars` code points, appending "…" when cut.
// Never splits a UTF-8 sequence.
std::string TruncateUtf8(std::string_view text, size_t max_chars);

// Number of code points (UTF-8 lead bytes) in `text`.
size_t Utf8Length(std::string_view text);

}  // namespace tern

#endif  // TERN_REPORTS_EVENT_FORMAT_H_
