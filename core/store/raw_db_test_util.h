// RawDb: a closed case store's RocksDB opened directly, every column family
// with default options, for tests that read or edit what CaseStore wrote
// behind its back (a damaged value, an older schema, a missing family).
// Test-only; links RocksDB.
#ifndef TERN_CORE_STORE_RAW_DB_TEST_UTIL_H_
#define TERN_CORE_STORE_RAW_DB_TEST_UTIL_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"

namespace tern::testing_util {

class RawDb {
 public:
  enum Mode { kWritable, kReadOnly };

  explicit RawDb(const std::string& dir, Mode mode = kWritable) {
    std::vector<std::string> names;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : names) {
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    s = mode == kWritable
            ? rocksdb::DB::Open(rocksdb::DBOptions(), dir, descriptors, &handles_, &db_)
            : rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, descriptors, &handles_, &db_);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  ~RawDb() {
    if (db_ == nullptr) return;
    for (rocksdb::ColumnFamilyHandle* h : handles_) {
      EXPECT_TRUE(db_->DestroyColumnFamilyHandle(h).ok());
    }
    EXPECT_TRUE(db_->Close().ok());
    delete db_;
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  bool ok() const { return db_ != nullptr; }
  rocksdb::DB* db() const { return db_; }
  // The family named `name`; nullptr (and a test failure) when absent.
  rocksdb::ColumnFamilyHandle* Family(std::string_view name) const {
    for (rocksdb::ColumnFamilyHandle* h : handles_) {
      if (h->GetName() == name) return h;
    }
    ADD_FAILURE() << "no column family " << name;
    return nullptr;
  }
  // Every (key, value) of family `name`, in key order.
  std::vector<std::pair<std::string, std::string>> Entries(std::string_view name) const {
    std::vector<std::pair<std::string, std::string>> out;
    rocksdb::ColumnFamilyHandle* h = ok() ? Family(name) : nullptr;
    if (h == nullptr) return out;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), h));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.emplace_back(it->key().ToString(), it->value().ToString());
    }
    return out;
  }
  // How many table files family `name` has at LSM level `level`.
  int FilesAtLevel(std::string_view name, int level) const {
    rocksdb::ColumnFamilyHandle* h = ok() ? Family(name) : nullptr;
    std::string count;
    if (h == nullptr ||
        !db_->GetProperty(h, "rocksdb.num-files-at-level" + std::to_string(level), &count)) {
      ADD_FAILURE() << "no file count for level " << level << " of " << name;
      return -1;
    }
    return std::stoi(count);
  }
  // Puts `value` under `key` in family `name`.
  void Put(std::string_view name, std::string_view key, std::string_view value) const {
    rocksdb::ColumnFamilyHandle* h = ok() ? Family(name) : nullptr;
    if (h == nullptr) return;
    const rocksdb::Status s = db_->Put(rocksdb::WriteOptions(), h, key, value);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

 private:
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace tern::testing_util

#endif  // TERN_CORE_STORE_RAW_DB_TEST_UTIL_H_
