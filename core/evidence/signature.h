// Ed25519 signatures over byte strings (manifest.json), through OpenSSL's EVP
// interface. With the hasher, the only OpenSSL code in tern.
//
// Keys are PEM files as `openssl genpkey -algorithm ed25519` writes them
// (PKCS#8 private key) and `openssl pkey -pubout` derives (SubjectPublicKeyInfo
// public key). Public keys travel inside tern as 64 lower-case hex digits
// (the raw 32-byte key), signatures as 128 hex digits.
// Thread-compatible: a SigningKey is used by one thread at a time.
#ifndef TERN_CORE_EVIDENCE_SIGNATURE_H_
#define TERN_CORE_EVIDENCE_SIGNATURE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace tern {

class SigningKey {
 public:
  // Reads an Ed25519 private key (PEM). InvalidArgument naming `path` for a
  // file that is missing, not PEM, or another kind of key.
  static absl::StatusOr<std::unique_ptr<SigningKey>> Load(const std::string& path);
  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  // The raw public key, hex.
  const std::string& public_key_hex() const { return public_hex_; }
  // The signature of `message`, hex.
  absl::StatusOr<std::string> Sign(std::string_view message) const;

 private:
  struct Impl;
  explicit SigningKey(std::unique_ptr<Impl> impl, std::string public_hex);
  std::unique_ptr<Impl> impl_;
  std::string public_hex_;
};

// The raw public key (hex) of an Ed25519 key file: a public key PEM, or a
// private key PEM whose public half is derived. InvalidArgument naming `path`
// otherwise.
absl::StatusOr<std::string> LoadPublicKeyHex(const std::string& path);

// Whether `signature_hex` is a valid Ed25519 signature of `message` by the
// key `public_key_hex`. False (not an error) for malformed hex or a wrong
// key; an error only if OpenSSL cannot run the check.
absl::StatusOr<bool> VerifySignature(std::string_view public_key_hex, std::string_view message,
                                     std::string_view signature_hex);

}  // namespace tern

#endif  // TERN_CORE_EVIDENCE_SIGNATURE_H_
