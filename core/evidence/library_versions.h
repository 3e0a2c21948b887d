// Versions of the libraries behind the evidence layer (libarchive, OpenSSL),
// for `tern version` and custody. Thread-safe.
#ifndef TERN_CORE_EVIDENCE_LIBRARY_VERSIONS_H_
#define TERN_CORE_EVIDENCE_LIBRARY_VERSIONS_H_

#include <string>

namespace tern {

// "libarchive 3.6.2 zlib/1.2.13 liblzma/5.4.1 ..." as libarchive reports itself.
std::string ArchiveLibraryVersion();
// "OpenSSL 3.0.x ..." as the linked libcrypto reports itself.
std::string CryptoLibraryVersion();

}  // namespace tern

#endif  // TERN_CORE_EVIDENCE_LIBRARY_VERSIONS_H_
