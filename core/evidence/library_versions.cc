#include "core/evidence/library_versions.h"

#include <archive.h>
#include <openssl/crypto.h>

namespace tern {

std::string ArchiveLibraryVersion() {
  const char* details = archive_version_details();
  return details != nullptr ? details : archive_version_string();
}

std::string CryptoLibraryVersion() { return OpenSSL_version(OPENSSL_VERSION); }

}  // namespace tern
