// Names of the audit enums (RecordType, LogonType, UserType), both ways.
// Exports carry them as numbers or names (any case); tern stores numbers.
// Pure functions over static tables; thread-safe.
#ifndef TERN_CORE_MODEL_ENUMS_H_
#define TERN_CORE_MODEL_ENUMS_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace tern {

// "ExchangeAdmin" for 1, ... ; "" for numbers not in the table.
std::string_view RecordTypeName(int32_t record_type);
// Accepts a number ("50") or a name in any case ("exchangeItemAggregated").
std::optional<int32_t> ParseRecordType(std::string_view text);

// "Owner", "Admin", "Delegate", "Transport", "SystemService", "BestAccess",
// "DelegatedAdmin"; "" if unknown.
std::string_view LogonTypeName(int32_t logon_type);
// Accepts a number or a name ("Delegated" and "Delegate" both map to 2).
std::optional<int32_t> ParseLogonType(std::string_view text);

// "Regular", "Admin", "DcAdmin", "System", "Application", "ServicePrincipal", ...
std::string_view UserTypeName(int32_t user_type);
std::optional<int32_t> ParseUserType(std::string_view text);

}  // namespace tern

#endif  // TERN_CORE_MODEL_ENUMS_H_
