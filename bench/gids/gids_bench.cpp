// RSA-2048 key generation and signing on the GIDS card (Card::transmit, in process) next to
// OpenSSL alone (EVP, same library, same machine, same run).
//   BM_OpenSsl_*           the floor: what the crypto costs by itself
//   BM_Card_*_Memory       Card::transmit, MemoryStore (APDU parsing, ACLs, records, crypto)
//   BM_Card_*_Sqlite       Card::transmit on a SQLite card image (keygen commits the key file)
//   BM_Card_MseSign_*      MSE SET + PSO as OpenSC sends them for every signature
// Wall-clock rates (UseRealTime). RSA key generation time varies a lot from key to key (prime
// search), so compare means over many iterations, not single runs.
#include <benchmark/benchmark.h>
#include <openssl/rsa.h>

#include "bench_support.h"

namespace softcard::bench {
namespace {

Bytes sha256_digest_info() {
  CryptoProvider c;
  return digest_info(HashAlg::sha256,
                     c.digest(HashAlg::sha256, view(std::string_view("benchmark"))));
}

// An initialized GIDS card (built-in profile "gids": user PIN 123456) with the user PIN verified
// and key file B081 (RSA-2048) created and activated.
struct GidsBenchCard : BenchCard {
  explicit GidsBenchCard(bool sqlite) : BenchCard(load_profile("gids"), sqlite) {
    must("00A4040009A0000003974254465900");
    must("0020008006313233343536");
    must(
        "00E000004962478201188302B0818C058F10101000A537B809800107830181950140B809800187830181950140"
        "B809800147830181950140B609800117830181950140B609800157830181950140");
    must("00440000");
  }
};

// Signing answers 256 bytes: the host asks with Le = 00 (256).
Bytes pso_sign_apdu(const Bytes& di) {
  Bytes apdu = {0x00, 0x2A, 0x9E, 0x9A, static_cast<std::uint8_t>(di.size())};
  append(apdu, di);
  apdu.push_back(0x00);
  return apdu;
}

void BM_OpenSsl_Rsa2048_Keygen(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(openssl_key("RSA"));
}

void BM_Card_Rsa2048_Keygen(benchmark::State& state, bool sqlite) {
  GidsBenchCard c(sqlite);
  const Bytes gen = from_hex("00470000 08 AC06800107830181 00");
  for (auto _ : state) {
    const Bytes r = c.tx(gen);
    if (!ok(r)) {
      state.SkipWithError("GENERATE failed");
      break;
    }
  }
}

void BM_OpenSsl_Rsa2048_Sign(benchmark::State& state) {
  const Pkey key = openssl_key("RSA");
  const Bytes di = sha256_digest_info();
  Bytes sig(256);
  for (auto _ : state) {
    PkeyCtx ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    std::size_t n = sig.size();
    if (EVP_PKEY_sign_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_sign(ctx.get(), sig.data(), &n, di.data(), di.size()) != 1) {
      state.SkipWithError("OpenSSL sign failed");
      break;
    }
    benchmark::DoNotOptimize(sig);
  }
}

void BM_Card_Rsa2048_Sign(benchmark::State& state, bool sqlite, bool with_mse) {
  GidsBenchCard c(sqlite);
  c.must("00470000 08 AC06800107830181 00");
  const Bytes mse = from_hex("002241B606800157840181");
  c.must("002241B606800157840181");
  const Bytes pso = pso_sign_apdu(sha256_digest_info());
  for (auto _ : state) {
    if (with_mse && !ok(c.tx(mse))) {
      state.SkipWithError("MSE failed");
      break;
    }
    const Bytes r = c.tx(pso);
    if (!ok(r) || r.size() != 258) {
      state.SkipWithError("PSO failed");
      break;
    }
  }
}

constexpr double keygen_min_time = 8.0;  // seconds: keygen times spread widely

BENCHMARK(BM_OpenSsl_Rsa2048_Keygen)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(keygen_min_time)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Card_Rsa2048_Keygen, Memory, false)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(keygen_min_time)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Card_Rsa2048_Keygen, Sqlite, true)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(keygen_min_time)
    ->UseRealTime();
BENCHMARK(BM_OpenSsl_Rsa2048_Sign)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Card_Rsa2048_Sign, Memory, false, false)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Card_Rsa2048_Sign, Sqlite, true, false)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Card_Rsa2048_Sign, MseSign_Memory, false, true)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
}  // namespace softcard::bench
