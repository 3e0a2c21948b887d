// Ed25519 signing and verification with the PEM test keys in fixtures/keys.
#include "core/evidence/signature.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tern {
namespace {

std::string Key(const std::string& name) {
  return std::string(TERN_FIXTURES_DIR) + "/keys/" + name;
}

TEST(SignatureTest, SignsAndVerifiesWithTheMatchingPublicKey) {
  absl::StatusOr<std::unique_ptr<SigningKey>> key = SigningKey::Load(Key("signer.pem"));
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<std::string> sig = (*key)->Sign("manifest bytes");
  ASSERT_TRUE(sig.ok()) << sig.status();
  EXPECT_EQ(sig->size(), 128u);
  // The public half from the .pub.pem and derived from the private key agree.
  absl::StatusOr<std::string> pub = LoadPublicKeyHex(Key("signer.pub.pem"));
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_EQ(*pub, (*key)->public_key_hex());
  EXPECT_EQ(*LoadPublicKeyHex(Key("signer.pem")), *pub);
  EXPECT_TRUE(*VerifySignature(*pub, "manifest bytes", *sig));
  // One byte changed, another key, a damaged signature: all fail.
  EXPECT_FALSE(*VerifySignature(*pub, "manifest bytez", *sig));
  EXPECT_FALSE(*VerifySignature(*LoadPublicKeyHex(Key("other.pub.pem")), "manifest bytes", *sig));
  std::string bad = *sig;
  bad[0] = bad[0] == '0' ? '1' : '0';
  EXPECT_FALSE(*VerifySignature(*pub, "manifest bytes", bad));
  EXPECT_FALSE(*VerifySignature(*pub, "manifest bytes", "not hex"));
}

TEST(SignatureTest, RejectsKeysThatAreNotEd25519OrMissing) {
  EXPECT_EQ(SigningKey::Load(Key("rsa.pem")).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(SigningKey::Load(Key("rsa.pem")).status().message()),
              ::testing::HasSubstr("not an Ed25519 key"));
  EXPECT_EQ(SigningKey::Load(Key("nope.pem")).status().code(), absl::StatusCode::kInvalidArgument);
  // A public key is not a signing key.
  EXPECT_FALSE(SigningKey::Load(Key("signer.pub.pem")).ok());
  EXPECT_FALSE(LoadPublicKeyHex(Key("README.md")).ok());
}

}  // namespace
}  // namespace tern
