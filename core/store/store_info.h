// Version of the storage engine behind the case store, for `tern version`
// and the run log. Thread-safe.
#ifndef TERN_CORE_STORE_STORE_INFO_H_
#define TERN_CORE_STORE_STORE_INFO_H_

#include <string>

namespace tern {

// "RocksDB 7.8.3".
std::string StorageEngineVersion();

}  // namespace tern

#endif  // TERN_CORE_STORE_STORE_INFO_H_
