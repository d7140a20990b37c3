// RSA-2048 key generation and signing, and ECDSA P-256 signing: softcard's CryptoProvider vs
// the equivalent direct OpenSSL 3 EVP calls (default library context). Each pair does the same
// work per iteration (fresh EVP_PKEY_CTX per operation, PKCS#1 v1.5 padding over a DigestInfo),
// so the ratio shows the cost of our layer.
//
//   crypto_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>

#include "bench_support.h"
#include "softcard/crypto.h"

namespace {

using softcard::Bytes;
using softcard::CryptoProvider;
using softcard::HashAlg;

using softcard::bench::Pkey;
using softcard::bench::PkeyCtx;

void ensure(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(what);
}

Pkey openssl_rsa_keygen(int bits) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  ensure(ctx && EVP_PKEY_keygen_init(ctx.get()) == 1, "keygen init");
  ensure(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) == 1, "bits");
  EVP_PKEY* key = nullptr;
  ensure(EVP_PKEY_generate(ctx.get(), &key) == 1, "generate");
  return Pkey(key);
}

Pkey openssl_ec_keygen() {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  ensure(ctx && EVP_PKEY_keygen_init(ctx.get()) == 1, "keygen init");
  ensure(EVP_PKEY_CTX_set_group_name(ctx.get(), "prime256v1") == 1, "group");
  EVP_PKEY* key = nullptr;
  ensure(EVP_PKEY_generate(ctx.get(), &key) == 1, "generate");
  return Pkey(key);
}

Bytes sample_digest_info() {
  CryptoProvider crypto;
  return softcard::digest_info(
      HashAlg::sha256, crypto.digest(HashAlg::sha256, softcard::view(std::string_view("bench"))));
}

// --- RSA-2048 key generation (slow and variable: fixed iteration count) -----------------------

void BM_RsaKeygen2048_Softcard(benchmark::State& state) {
  CryptoProvider crypto;
  for (auto _ : state) {
    auto key = crypto.generate_rsa(2048);
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK(BM_RsaKeygen2048_Softcard)->Unit(benchmark::kMillisecond)->Iterations(40);

void BM_RsaKeygen2048_OpenSsl(benchmark::State& state) {
  for (auto _ : state) {
    Pkey key = openssl_rsa_keygen(2048);
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK(BM_RsaKeygen2048_OpenSsl)->Unit(benchmark::kMillisecond)->Iterations(40);

// --- RSA-2048 PKCS#1 v1.5 signature over a DigestInfo ------------------------------------------

void BM_RsaSign2048_Softcard(benchmark::State& state) {
  CryptoProvider crypto;
  const auto key = crypto.generate_rsa(2048);
  const Bytes di = sample_digest_info();
  for (auto _ : state) {
    Bytes sig = crypto.rsa_sign_pkcs1_v15(key, di);
    benchmark::DoNotOptimize(sig);
  }
}
BENCHMARK(BM_RsaSign2048_Softcard)->Unit(benchmark::kMicrosecond);

void BM_RsaSign2048_OpenSsl(benchmark::State& state) {
  const Pkey key = openssl_rsa_keygen(2048);
  const Bytes di = sample_digest_info();
  Bytes sig(256);
  for (auto _ : state) {
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    ensure(ctx && EVP_PKEY_sign_init(ctx.get()) == 1, "sign init");
    ensure(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1, "padding");
    std::size_t len = sig.size();
    ensure(EVP_PKEY_sign(ctx.get(), sig.data(), &len, di.data(), di.size()) == 1, "sign");
    benchmark::DoNotOptimize(sig.data());
  }
}
BENCHMARK(BM_RsaSign2048_OpenSsl)->Unit(benchmark::kMicrosecond);

// --- ECDSA P-256 ---------------------------------------------------------------------------------

void BM_EcdsaSignP256_Softcard(benchmark::State& state) {
  CryptoProvider crypto;
  const auto key = crypto.generate_ec(softcard::Curve::p256);
  const Bytes h(32, 0x42);
  for (auto _ : state) {
    Bytes sig = crypto.ecdsa_sign_der(key, h);
    benchmark::DoNotOptimize(sig);
  }
}
BENCHMARK(BM_EcdsaSignP256_Softcard)->Unit(benchmark::kMicrosecond);

void BM_EcdsaSignP256_OpenSsl(benchmark::State& state) {
  const Pkey key = openssl_ec_keygen();
  const Bytes h(32, 0x42);
  for (auto _ : state) {
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    ensure(ctx && EVP_PKEY_sign_init(ctx.get()) == 1, "sign init");
    std::size_t len = 0;
    ensure(EVP_PKEY_sign(ctx.get(), nullptr, &len, h.data(), h.size()) == 1, "size");
    Bytes sig(len);
    ensure(EVP_PKEY_sign(ctx.get(), sig.data(), &len, h.data(), h.size()) == 1, "sign");
    benchmark::DoNotOptimize(sig);
  }
}
BENCHMARK(BM_EcdsaSignP256_OpenSsl)->Unit(benchmark::kMicrosecond);

}  // namespace

// --- Costs of our own layer that have no direct OpenSSL counterpart ------------------------------

// Loading a key from the card image: PKCS#8 decode plus the full consistency check.
void BM_ImportPrivate_Softcard(benchmark::State& state) {
  CryptoProvider crypto;
  const auto key = crypto.generate_rsa(static_cast<unsigned>(state.range(0)));
  const softcard::SecretBytes p8 = crypto.export_private(key);
  for (auto _ : state) {
    auto back = crypto.import_private(p8.view());
    benchmark::DoNotOptimize(back);
  }
}
BENCHMARK(BM_ImportPrivate_Softcard)->Arg(2048)->Arg(4096)->Unit(benchmark::kMillisecond);

// The same with KeyCheck::stored (keys read back from the card's own image).
void BM_ImportStored_Softcard(benchmark::State& state) {
  CryptoProvider crypto;
  const auto key = crypto.generate_rsa(static_cast<unsigned>(state.range(0)));
  const softcard::SecretBytes p8 = crypto.export_private(key);
  for (auto _ : state) {
    auto back = crypto.import_private(p8.view(), softcard::KeyCheck::stored);
    benchmark::DoNotOptimize(back);
  }
}
BENCHMARK(BM_ImportStored_Softcard)->Arg(2048)->Arg(4096)->Unit(benchmark::kMillisecond);

void BM_ProviderConstruction(benchmark::State& state) {
  for (auto _ : state) {
    CryptoProvider crypto;
    benchmark::DoNotOptimize(crypto);
  }
}
BENCHMARK(BM_ProviderConstruction)->Unit(benchmark::kMicrosecond);
