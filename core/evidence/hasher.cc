#include "core/evidence/hasher.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "absl/strings/str_cat.h"

namespace tern {
namespace {

struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;

// One running digest. A context that OpenSSL refused to set up (out of
// memory, or a provider configuration that disables MD5/SHA-1) yields an
// empty hex string instead of a wrong one: custody then shows the digest as
// missing, which `tern verify` treats as a mismatch, rather than a value no
// one can reproduce.
class Digest {
 public:
  explicit Digest(const EVP_MD* md) : ctx_(EVP_MD_CTX_new()) {
    ok_ = ctx_ != nullptr && md != nullptr && EVP_DigestInit_ex(ctx_.get(), md, nullptr) == 1;
  }

  void Update(std::string_view bytes) {
    if (ok_) ok_ = EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) == 1;
  }

  std::string FinishHex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!ok_ || EVP_DigestFinal_ex(ctx_.get(), md, &len) != 1) return "";
    ok_ = false;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex(2 * len, '0');
    for (unsigned int i = 0; i < len; ++i) {
      hex[2 * i] = kHex[md[i] >> 4];
      hex[2 * i + 1] = kHex[md[i] & 0x0f];
    }
    return hex;
  }

 private:
  EvpMdCtxPtr ctx_;
  bool ok_ = false;
};

}  // namespace

struct MultiHasher::Impl {
  Digest sha256{EVP_sha256()};
  Digest sha1{EVP_sha1()};
  Digest md5{EVP_md5()};
  uint64_t size = 0;
};

MultiHasher::MultiHasher() : impl_(std::make_unique<Impl>()) {}
MultiHasher::~MultiHasher() = default;

void MultiHasher::Update(std::string_view bytes) {
  if (bytes.empty()) return;
  impl_->sha256.Update(bytes);
  impl_->sha1.Update(bytes);
  impl_->md5.Update(bytes);
  impl_->size += bytes.size();
}

Digests MultiHasher::Finish() {
  Digests d;
  d.sha256 = impl_->sha256.FinishHex();
  d.sha1 = impl_->sha1.FinishHex();
  d.md5 = impl_->md5.FinishHex();
  d.size = impl_->size;
  return d;
}

absl::StatusOr<size_t> HashingStream::Read(char* buf, size_t n) {
  if (finished_) return absl::FailedPreconditionError("HashingStream read after Finish");
  absl::StatusOr<size_t> got = inner_->Read(buf, n);
  if (got.ok() && *got > 0) hasher_.Update(std::string_view(buf, *got));
  return got;
}

absl::StatusOr<Digests> HashingStream::DrainAndFinish() {
  if (!finished_) {
    std::vector<char> buf(64 * 1024);
    while (true) {
      absl::StatusOr<size_t> got = Read(buf.data(), buf.size());
      if (!got.ok()) return got.status();
      if (*got == 0) break;
    }
  }
  return Finish();
}

Digests HashingStream::Finish() {
  if (!finished_) {
    digests_ = hasher_.Finish();
    finished_ = true;
  }
  return digests_;
}

std::string Sha256Hex(std::string_view bytes) {
  Digest sha256(EVP_sha256());
  sha256.Update(bytes);
  return sha256.FinishHex();
}

absl::StatusOr<Digests> HashFile(const std::string& path) {
  // O_NONBLOCK only so that a FIFO planted where a file used to be cannot
  // hang `tern verify`; it has no effect on reads of a regular file.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", path));
  struct FdCloser {
    int fd;
    ~FdCloser() { close(fd); }
  } closer{fd};

  struct stat st;
  if (fstat(fd, &st) != 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot stat ", path));
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is not a regular file"));
  }

  constexpr size_t kChunk = 1 << 20;
  std::vector<char> buf(kChunk);
  MultiHasher hasher;
  while (true) {
    const ssize_t got = read(fd, buf.data(), buf.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot read ", path));
    }
    if (got == 0) break;
    hasher.Update(std::string_view(buf.data(), static_cast<size_t>(got)));
  }
  return hasher.Finish();
}

}  // namespace tern
