// Renders generated records the way Microsoft's exports write them: the
// AuditData JSON object (Management Activity API schema, real field order
// and types, FORMATS.md §4) and the wrapper rows of each export shape.
// Output depends only on the record and the tenant, so a record written
// into two overlapping windows is byte-identical in both. Thread-compatible.
#ifndef TERN_TOOLS_GEN_SERIALIZE_H_
#define TERN_TOOLS_GEN_SERIALIZE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "tools/gen/model.h"

namespace tern::gen {

// Appends "2024-03-04T08:45:12" (AuditData CreationTime: UTC, no zone).
void AppendIsoTime(int64_t ms, std::string* out);
// Appends "3/4/2024 8:45:12 AM" (the en-US culture of the export wrappers).
void AppendUsTime(int64_t ms, std::string* out);
// Appends "20240304084512" (file names of Microsoft-Extractor-Suite).
void AppendCompactTime(int64_t ms, std::string* out);

// Appends the AuditData JSON object of `r` (compact, one line).
void AppendAuditData(const Tenant& t, const Record& r, std::string* out);

// The RecordType enum name Search-UnifiedAuditLog prints ("ExchangeItem").
std::string_view RecordTypeName(int type);

// Appends `s` as a CSV cell in double quotes, doubling quotes inside.
void AppendQuotedCell(std::string_view s, std::string* out);

// A Purview portal export row (RecordId,CreationDate,RecordType,Operation,
// UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames) of `r`
// whose AuditData is `audit`, CRLF-terminated.
void AppendPurviewRow(const Tenant& t, const Record& r, std::string_view audit, std::string* out);

// Search-MailboxAuditLog -ShowDetails | Export-Csv: the header line, and
// the row of a mailbox record (Kind::kMailbox only).
void AppendMailboxAuditHeader(std::string* out);
void AppendMailboxAuditRow(const Tenant& t, const Record& r, std::string* out);

}  // namespace tern::gen

#endif  // TERN_TOOLS_GEN_SERIALIZE_H_
