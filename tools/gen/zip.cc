#include "tools/gen/zip.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace tern::gen {
namespace {

struct ArchiveCloser {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryFreer {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

bool Fail(archive* a, const std::string& what, std::string* error) {
  *error = what + ": " + (archive_error_string(a) ? archive_error_string(a) : "unknown error");
  return false;
}

bool AddMember(archive* a, const std::string& path, const std::string& name, int64_t mtime_s,
               std::string* error) {
  std::unique_ptr<std::FILE, FileCloser> in(std::fopen(path.c_str(), "rb"));
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (in == nullptr || ec) {
    *error = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  std::unique_ptr<archive_entry, EntryFreer> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
  archive_entry_set_mtime(entry.get(), static_cast<time_t>(mtime_s), 0);
  if (archive_write_header(a, entry.get()) != ARCHIVE_OK) {
    return Fail(a, "zip header for " + name, error);
  }
  std::vector<char> buf(size_t{1} << 20);
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), in.get())) > 0) {
    if (archive_write_data(a, buf.data(), n) < 0) return Fail(a, "zipping " + name, error);
  }
  if (std::ferror(in.get())) {
    *error = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

bool ZipAndRemove(const std::string& dir, const std::vector<std::string>& names,
                  const std::string& zip_name, int64_t mtime_s, std::string* error) {
  const std::string zip_path = dir + "/" + zip_name;
  {
    std::unique_ptr<archive, ArchiveCloser> a(archive_write_new());
    if (archive_write_set_format_zip(a.get()) != ARCHIVE_OK ||
        archive_write_zip_set_compression_deflate(a.get()) != ARCHIVE_OK) {
      return Fail(a.get(), "zip writer", error);
    }
    if (archive_write_open_filename(a.get(), zip_path.c_str()) != ARCHIVE_OK) {
      return Fail(a.get(), "cannot create " + zip_path, error);
    }
    for (const std::string& name : names) {
      if (!AddMember(a.get(), dir + "/" + name, name, mtime_s, error)) return false;
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK) return Fail(a.get(), zip_path, error);
  }
  for (const std::string& name : names) {
    std::error_code ec;
    std::filesystem::remove(dir + "/" + name, ec);
    if (ec) {
      *error = "cannot remove " + dir + "/" + name + ": " + ec.message();
      return false;
    }
  }
  return true;
}

}  // namespace tern::gen
