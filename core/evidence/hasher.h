// Streaming SHA-256 + SHA-1 + MD5 for chain of custody. With signature.h
// (Ed25519), the only OpenSSL user.
//
// SHA-256 is the custody hash; SHA-1 and MD5 are for older case-management
// systems. Thread-compatible: one hasher per stream.
#ifndef TERN_CORE_EVIDENCE_HASHER_H_
#define TERN_CORE_EVIDENCE_HASHER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/evidence/byte_stream.h"

namespace tern {

struct Digests {
  std::string sha256;  // lower-case hex
  std::string sha1;
  std::string md5;
  uint64_t size = 0;
};

class MultiHasher {
 public:
  MultiHasher();
  ~MultiHasher();
  MultiHasher(const MultiHasher&) = delete;
  MultiHasher& operator=(const MultiHasher&) = delete;

  void Update(std::string_view bytes);
  // REQUIRES: called once. Returns the digests of everything passed to Update.
  Digests Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A stream that hashes every byte read through it from `inner` (not owned).
class HashingStream : public ByteStream {
 public:
  explicit HashingStream(ByteStream* inner) : inner_(inner) {}
  // After Finish()/DrainAndFinish() succeeded, returns FailedPrecondition.
  absl::StatusOr<size_t> Read(char* buf, size_t n) override;
  // Reads and hashes whatever the consumer left unread, then finishes.
  // On a read error returns it; Finish() then gives the digests of the bytes
  // read before the error.
  absl::StatusOr<Digests> DrainAndFinish();
  // Finishes without reading further: the digests cover the bytes read so
  // far. May be called more than once; later calls return the same digests.
  Digests Finish();

 private:
  ByteStream* inner_;
  MultiHasher hasher_;
  bool finished_ = false;
  Digests digests_;
};

// SHA-256 of `bytes`, lower-case hex: for ids and fingerprints made of
// hashes, which need none of MultiHasher's custody digests ("" if OpenSSL
// refused, as for MultiHasher).
std::string Sha256Hex(std::string_view bytes);

// SHA-256 of a whole file, read in chunks (for `tern verify`).
absl::StatusOr<Digests> HashFile(const std::string& path);

}  // namespace tern

#endif  // TERN_CORE_EVIDENCE_HASHER_H_
