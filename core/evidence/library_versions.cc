#include "core/evidence/library_versions.h"

#include <archive.h>
#include <openssl/crypto.h>

namespace tern {

// Asked once: libarchive 3.6 rebuilds its details text on every call and never
// frees the previous one, so repeated calls leak (LeakSanitizer reports it).
std::string ArchiveLibraryVersion() {
  static const std::string* const kVersion = [] {
    const char* details = archive_version_details();
    return new std::string(details != nullptr ? details : archive_version_string());
  }();
  return *kVersion;
}

std::string CryptoLibraryVersion() { return OpenSSL_version(OPENSSL_VERSION); }

}  // namespace tern
