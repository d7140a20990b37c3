// PIV GENERAL AUTHENTICATE on the card (Card::transmit, in process) next to OpenSSL alone (EVP,
// same library, same machine, same run):
//   BM_OpenSsl_*        the floor: what the crypto costs by itself
//   BM_Card_*_Memory    Card::transmit, MemoryStore (APDU parsing, TLV, policies, crypto)
//   BM_Card_*_Sqlite    the same on a SQLite card image (a key use writes nothing)
// Wall-clock rates (UseRealTime).
#include <benchmark/benchmark.h>
#include <openssl/rsa.h>

#include "bench_support.h"
#include "softcard/wire/tlv.h"

namespace softcard::bench {
namespace {

// A YubiKey-personality card, PIN verified, with P-256 keys in 9A and 9D and RSA-2048 in 9E.
struct PivBenchCard : BenchCard {
  CryptoProvider host;

  explicit PivBenchCard(bool sqlite)
      : BenchCard(
            parse_profile("piv-bench", R"({"softcard_profile":1,"applets":["piv"],)"
                                       R"("piv":{},"yubikey":{"attestation_key":"eccp256"}})"),
            sqlite) {
    must("00A4040005A000000308");
    authenticate();
    must("0047009A05AC0380011100");
    must("0047009D05AC0380011100");
    must("0047009E05AC0380010700");
    must("0020008008313233343536FFFF");
  }

  void authenticate() {
    const CipherSpec spec{BlockAlg::tdes, BlockMode::ecb, BlockPadding::none};
    const Bytes key = from_hex("010203040506070801020304050607080102030405060708");
    const Bytes r = tx(from_hex("0087039B047C02800000"));
    const auto w = wire::find_tlv(*wire::find_tlv(r, 0x7C), 0x80);
    const SecretBytes witness = host.decrypt(spec, key, {}, *w);
    Bytes inner = wire::tlv(0x80, witness.view());
    append(inner, wire::tlv(0x81, Bytes(8, 0x42)));
    Bytes apdu = {0x00, 0x87, 0x03, 0x9B, static_cast<std::uint8_t>(inner.size() + 2)};
    append(apdu, wire::tlv(0x7C, inner));
    apdu.push_back(0x00);
    if (!ok(tx(apdu))) throw std::runtime_error("management key authentication failed");
  }
};

// 00 87 <alg> <slot> 7C { 82 00, <tag> <input> } 00
Bytes general_authenticate(std::uint8_t alg, std::uint8_t slot, std::uint32_t tag,
                           const Bytes& input) {
  Bytes inner = {0x82, 0x00};
  append(inner, wire::tlv(tag, input));
  const Bytes body = wire::tlv(0x7C, inner);
  Bytes apdu = {0x00, 0x87, alg, slot};
  if (body.size() > 255) {
    apdu.push_back(0x00);
    put_u16be(apdu, static_cast<std::uint16_t>(body.size()));
    append(apdu, body);
    append(apdu, Bytes{0x00, 0x00});
  } else {
    apdu.push_back(static_cast<std::uint8_t>(body.size()));
    append(apdu, body);
    apdu.push_back(0x00);
  }
  return apdu;
}

void BM_OpenSsl_P256_Sign(benchmark::State& state) {
  const Pkey key = openssl_key("EC");
  const Bytes hash(32, 0x5A);
  Bytes sig(80);
  for (auto _ : state) {
    PkeyCtx ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    std::size_t n = sig.size();
    if (EVP_PKEY_sign_init(ctx.get()) != 1 ||
        EVP_PKEY_sign(ctx.get(), sig.data(), &n, hash.data(), hash.size()) != 1) {
      state.SkipWithError("OpenSSL sign failed");
      break;
    }
    benchmark::DoNotOptimize(sig);
  }
}

void BM_OpenSsl_P256_Ecdh(benchmark::State& state) {
  const Pkey key = openssl_key("EC");
  const Pkey peer = openssl_key("EC");
  Bytes secret(32);
  for (auto _ : state) {
    PkeyCtx ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    std::size_t n = secret.size();
    if (EVP_PKEY_derive_init(ctx.get()) != 1 ||
        EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1 ||
        EVP_PKEY_derive(ctx.get(), secret.data(), &n) != 1) {
      state.SkipWithError("OpenSSL derive failed");
      break;
    }
    benchmark::DoNotOptimize(secret);
  }
}

void BM_OpenSsl_Rsa2048_Raw(benchmark::State& state) {
  const Pkey key = openssl_key("RSA");
  Bytes block(256, 0x11);
  block[0] = 0x00;
  Bytes out(256);
  for (auto _ : state) {
    PkeyCtx ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
    std::size_t n = out.size();
    if (EVP_PKEY_sign_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1 ||
        EVP_PKEY_sign(ctx.get(), out.data(), &n, block.data(), block.size()) != 1) {
      state.SkipWithError("OpenSSL raw RSA failed");
      break;
    }
    benchmark::DoNotOptimize(out);
  }
}

void BM_Card(benchmark::State& state, bool sqlite, int what) {
  PivBenchCard c(sqlite);
  Bytes apdu;
  if (what == 0) apdu = general_authenticate(0x11, 0x9A, 0x81, Bytes(32, 0x5A));
  if (what == 1) {
    const KeyPair peer = c.host.generate_ec(Curve::p256);
    apdu = general_authenticate(0x11, 0x9D, 0x85, c.host.ec_public(peer).point);
  }
  if (what == 2) {
    Bytes block(256, 0x11);
    block[0] = 0x00;
    apdu = general_authenticate(0x07, 0x9E, 0x81, block);
  }
  for (auto _ : state) {
    if (!ok(c.tx(apdu))) {
      state.SkipWithError("GENERAL AUTHENTICATE failed");
      break;
    }
  }
}

BENCHMARK(BM_OpenSsl_P256_Sign)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Card, P256_Sign_Memory, false, 0)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Card, P256_Sign_Sqlite, true, 0)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_OpenSsl_P256_Ecdh)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Card, P256_Ecdh_Memory, false, 1)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Card, P256_Ecdh_Sqlite, true, 1)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_OpenSsl_Rsa2048_Raw)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Card, Rsa2048_Raw_Memory, false, 2)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
}  // namespace softcard::bench
