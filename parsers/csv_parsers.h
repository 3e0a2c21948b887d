// Factories of the CSV formats (registered in parsers/builtin.cc):
//   purview-csv        Purview audit search export (ual_csv.cc)
//   sual-csv           Search-UnifiedAuditLog / Graph records via Export-Csv (ual_csv.cc)
// and the flat ones, each a table in parsers/formats/ run by flat_csv.h:
//   sentinel-csv       Sentinel OfficeActivity Log Analytics export (sentinel_csv.cc)
//   mailbox-audit-csv  Search-MailboxAuditLog -ShowDetails via Export-Csv (mailbox_audit_csv.cc)
//   ual-flat-csv       AuditData expanded to one column per key (ual_flat_csv.cc)
// The registry needs none of these declarations (parsers/builtin.cc declares
// its factories); they are here for the unit tests. Each parser is stateless
// and thread-safe.
#ifndef TERN_PARSERS_CSV_PARSERS_H_
#define TERN_PARSERS_CSV_PARSERS_H_

#include <memory>

#include "core/ingest/parser.h"

namespace tern {

std::unique_ptr<Parser> MakePurviewCsvParser();
std::unique_ptr<Parser> MakeSualCsvParser();
std::unique_ptr<Parser> MakeSentinelCsvParser();
std::unique_ptr<Parser> MakeMailboxAuditCsvParser();
std::unique_ptr<Parser> MakeUalFlatCsvParser();

}  // namespace tern

#endif  // TERN_PARSERS_CSV_PARSERS_H_
