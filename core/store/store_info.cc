#include "core/store/store_info.h"

#include "rocksdb/version.h"

namespace tern {

std::string StorageEngineVersion() {
  return "RocksDB " + std::to_string(ROCKSDB_MAJOR) + "." + std::to_string(ROCKSDB_MINOR) + "." +
         std::to_string(ROCKSDB_PATCH);
}

}  // namespace tern
