// "mailbox-audit-xml": the SearchResult.xml report of
// New-MailboxAuditLogSearch (FORMATS.md §3.2), one <Event> element per
// Search-MailboxAuditLog entry with the entry's properties as attributes and
// the touched items as attributes of descendant elements.
//
// Microsoft's only published sample is not well formed and no real report was
// available, so the reader is a small lenient tag scanner (no XML library):
// streaming, bounded, non-recursive; it decodes the five named entities and
// numeric character references. Stateless and thread-safe.
#ifndef TERN_PARSERS_MAILBOX_AUDIT_XML_H_
#define TERN_PARSERS_MAILBOX_AUDIT_XML_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/ingest/parser.h"

namespace tern {

std::unique_ptr<Parser> MakeMailboxAuditXmlParser();

// Decodes &amp; &lt; &gt; &quot; &apos; &#NN; &#xNN; in attribute text.
// Unknown or malformed references are kept verbatim. Exposed for tests.
std::string DecodeXmlEntities(std::string_view text);

}  // namespace tern

#endif  // TERN_PARSERS_MAILBOX_AUDIT_XML_H_
