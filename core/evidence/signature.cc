#include "core/evidence/signature.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace tern {
namespace {

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

constexpr size_t kKeyBytes = 32;
constexpr size_t kSignatureBytes = 64;

std::string Hex(const unsigned char* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0xf]);
  }
  return out;
}

std::optional<std::vector<unsigned char>> Unhex(std::string_view hex, size_t bytes) {
  if (hex.size() != bytes * 2) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<unsigned char> out(bytes);
  for (size_t i = 0; i < bytes; ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return out;
}

absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return absl::InvalidArgumentError(absl::StrCat("cannot read key ", path));
  std::string text;
  char buf[4096];
  size_t n;
  // A PEM key is a few hundred bytes; anything far larger is not one.
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0 && text.size() < (1 << 16)) {
    text.append(buf, n);
  }
  std::fclose(f);
  return text;
}

enum class KeyKind { kPrivate, kPublic };

// Parses `pem` as the given kind; null if it is not one.
PkeyPtr ParsePem(const std::string& pem, KeyKind kind) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return nullptr;
  EVP_PKEY* key = kind == KeyKind::kPrivate
                      ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                      : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  return PkeyPtr(key);
}

absl::StatusOr<std::string> RawPublicHex(EVP_PKEY* key, const std::string& path) {
  if (EVP_PKEY_id(key) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not an Ed25519 key"));
  }
  unsigned char raw[kKeyBytes];
  size_t len = sizeof(raw);
  if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1 || len != kKeyBytes) {
    return absl::InternalError(absl::StrCat("cannot read the public key of ", path));
  }
  return Hex(raw, len);
}

}  // namespace

struct SigningKey::Impl {
  PkeyPtr key;
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl, std::string public_hex)
    : impl_(std::move(impl)), public_hex_(std::move(public_hex)) {}
SigningKey::~SigningKey() = default;

absl::StatusOr<std::unique_ptr<SigningKey>> SigningKey::Load(const std::string& path) {
  absl::StatusOr<std::string> pem = ReadKeyFile(path);
  if (!pem.ok()) return pem.status();
  auto impl = std::make_unique<Impl>();
  impl->key = ParsePem(*pem, KeyKind::kPrivate);
  if (impl->key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(path,
                     " is not a PEM private key (make one with: openssl genpkey "
                     "-algorithm ed25519 -out key.pem)"));
  }
  absl::StatusOr<std::string> public_hex = RawPublicHex(impl->key.get(), path);
  if (!public_hex.ok()) return public_hex.status();
  return std::unique_ptr<SigningKey>(new SigningKey(std::move(impl), *std::move(public_hex)));
}

absl::StatusOr<std::string> SigningKey::Sign(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned char sig[kSignatureBytes];
  size_t len = sizeof(sig);
  // Ed25519 is a one-shot scheme: no digest, the whole message at once.
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      len != kSignatureBytes) {
    return absl::InternalError("OpenSSL could not sign the manifest");
  }
  return Hex(sig, len);
}

absl::StatusOr<std::string> LoadPublicKeyHex(const std::string& path) {
  absl::StatusOr<std::string> pem = ReadKeyFile(path);
  if (!pem.ok()) return pem.status();
  PkeyPtr key = ParsePem(*pem, KeyKind::kPublic);
  if (key == nullptr) key = ParsePem(*pem, KeyKind::kPrivate);
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a PEM public or private key"));
  }
  return RawPublicHex(key.get(), path);
}

absl::StatusOr<bool> VerifySignature(std::string_view public_key_hex, std::string_view message,
                                     std::string_view signature_hex) {
  const std::optional<std::vector<unsigned char>> raw = Unhex(public_key_hex, kKeyBytes);
  const std::optional<std::vector<unsigned char>> sig = Unhex(signature_hex, kSignatureBytes);
  if (!raw.has_value() || !sig.has_value()) return false;
  PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw->data(), raw->size()));
  if (key == nullptr) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
    return absl::InternalError("OpenSSL could not set up signature verification");
  }
  return EVP_DigestVerify(ctx.get(), sig->data(), sig->size(),
                          reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

}  // namespace tern
