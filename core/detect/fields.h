// Field access and matching helpers shared by the rules: cmdlet parameters,
// OperationProperties, booleans as exports render them, recipient address
// extraction, suspicious folder names and keyword lists (DETECTIONS.md
// sections 0.4, Appendix A and B). Pure functions; thread-safe.
#ifndef TERN_CORE_DETECT_FIELDS_H_
#define TERN_CORE_DETECT_FIELDS_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/strings.h"
#include "core/base/time.h"
#include "core/correlate/text.h"
#include "core/model/event.h"

namespace tern::detect {

using correlate::Cat;
using correlate::Lower;
using correlate::Trim;

// RecordType numbers used by the rules (DETECTIONS.md section 0.1).
inline constexpr int32_t kRecordExchangeAdmin = 1;
inline constexpr int32_t kRecordAadStsLogon = 15;
inline constexpr int32_t kRecordMailItemsAccessed = 50;

inline constexpr int64_t kMinuteMs = 60LL * 1000;
inline constexpr int64_t kHourMs = 60 * kMinuteMs;
inline constexpr int64_t kDayMs = 24 * kHourMs;

// Values of a parameter / OperationProperty / extra field by case-insensitive
// name; "" when absent.
std::string_view Param(const Event& e, std::string_view name);
bool HasParam(const Event& e, std::string_view name);
std::string_view Prop(const Event& e, std::string_view name);
std::string_view Extra(const Event& e, std::string_view name);

// "True"/"$true"/"1"/"yes" and "False"/"$false"/"0"/"no", any case.
std::optional<bool> ParseBool(std::string_view v);
inline bool IsTrue(std::string_view v) { return ParseBool(v).value_or(false); }
inline bool IsFalse(std::string_view v) { return !ParseBool(v).value_or(true); }

// False only for an explicit failure (ResultStatus "Failed" / "False").
bool Succeeded(const Event& e);
bool OpIs(const Event& e, std::string_view op);
bool OpIn(const Event& e, std::initializer_list<std::string_view> ops);

// SMTP addresses in a recipient value, lower-cased, in order, unique:
// handles "smtp:" prefixes, ";" / "," lists, "Name [SMTP:a@b.c]" and JSON
// arrays (DETECTIONS.md section 0.4).
std::vector<std::string> Addresses(std::string_view value);
std::string DomainOf(std::string_view address);

// The inbox rule's name: the Name parameter, else the part of ObjectId after
// the last '\' (DETECTIONS.md section 0.4), else the RuleName property.
std::string InboxRuleName(const Event& e);

// The last component of a folder path ("\Inbox\RSS Feeds" -> "RSS Feeds").
std::string_view FolderLeaf(std::string_view path);
// Appendix B: RSS / Junk / Archive / Conversation History (localized),
// Deleted Items and Notes.
bool IsHidingFolder(std::string_view folder);
// "Sent Items" and its common localizations.
bool IsSentFolder(std::string_view folder);

// The first Appendix A keyword (BEC, finance, security-alert) found in a
// rule word list or subject, "" when none. Multi-word keywords match as
// substrings, keywords of 5+ letters as word prefixes, shorter ones only as
// whole words (so "ach" does not match "each").
std::string MatchKeyword(std::string_view text);

// UTC day number (days since 1970-01-01), for per-day grouping keys.
inline int64_t DayOf(TimeMs t) { return t >= 0 ? t / kDayMs : -((-t + kDayMs - 1) / kDayMs); }

}  // namespace tern::detect

#endif  // TERN_CORE_DETECT_FIELDS_H_
