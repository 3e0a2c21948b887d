// Micro-benchmarks of custody hashing: MultiHasher (SHA-256 + SHA-1 + MD5 of
// every byte, the issue 2 custody contract) against each digest alone; SHA-256
// alone is what `openssl dgst -sha256`, the benchmark's floor, computes.
#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "benchmark/benchmark.h"
#include "core/evidence/hasher.h"

namespace tern::bench {
namespace {

// Bytes per Update(): the read size of the evidence walker's streams.
std::string Buffer(benchmark::State& state) {
  std::string buf(static_cast<size_t>(state.range(0)), 'x');
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<char>('a' + i * 7 % 26);
  return buf;
}

void BM_MultiHasher(benchmark::State& state) {
  const std::string buf = Buffer(state);
  MultiHasher hasher;
  for (auto _ : state) hasher.Update(buf);
  benchmark::DoNotOptimize(hasher.Finish().sha256.data());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * buf.size()));
}
BENCHMARK(BM_MultiHasher)->Arg(64 << 10)->Arg(1 << 20);

void Evp(benchmark::State& state, const EVP_MD* md) {
  const std::string buf = Buffer(state);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, md, nullptr);
  for (auto _ : state) EVP_DigestUpdate(ctx, buf.data(), buf.size());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, out, &len);
  EVP_MD_CTX_free(ctx);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * buf.size()));
}

void BM_Sha256Only(benchmark::State& state) { Evp(state, EVP_sha256()); }
BENCHMARK(BM_Sha256Only)->Arg(64 << 10)->Arg(1 << 20);
void BM_Sha1Only(benchmark::State& state) { Evp(state, EVP_sha1()); }
BENCHMARK(BM_Sha1Only)->Arg(1 << 20);
void BM_Md5Only(benchmark::State& state) { Evp(state, EVP_md5()); }
BENCHMARK(BM_Md5Only)->Arg(1 << 20);

}  // namespace
}  // namespace tern::bench
