// PIV GENERAL AUTHENTICATE on the card (Card::transmit, in process) next to OpenSSL alone (EVP,
// same library, same machine, same run):
//   BM_OpenSsl_*        the floor: what the crypto costs by itself
//   BM_Card_*_Memory    Card::transmit, MemoryStore (APDU parsing, TLV, policies, crypto)
//   BM_Card_*_Sqlite    the same on a SQLite card image (a key use writes nothing)
// Wall-clock rates (UseRealTime).
#include <benchmark/benchmark.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

#include "softcard/card.h"
#include "softcard/crypto.h"
#include "softcard/personalize.h"
#include "softcard/wire/tlv.h"

namespace softcard {
namespace {

namespace fsys = std::filesystem;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

Pkey openssl_key(bool ec) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, ec ? "EC" : "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) throw std::runtime_error("keygen init");
  if (ec && EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256") != 1) throw std::runtime_error("curve");
  if (!ec && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 2048) != 1)
    throw std::runtime_error("bits");
  if (EVP_PKEY_keygen(ctx.get(), &key) != 1) throw std::runtime_error("OpenSSL keygen failed");
  return Pkey(key);
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fsys::temp_directory_path() / "softcard-piv-bench-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fsys::remove_all(dir_, ec);
  }
  fsys::path path() const { return dir_ / "card.img"; }

 private:
  fsys::path dir_;
};

// A YubiKey-personality card, PIN verified, with P-256 keys in 9A and 9D and RSA-2048 in 9E.
struct BenchCard {
  OpenSslRng rng;
  CryptoProvider host;
  std::unique_ptr<TempDir> dir;
  std::unique_ptr<Card> card;
  Bytes point_9d;

  explicit BenchCard(bool sqlite) {
    std::unique_ptr<CardStore> store;
    if (sqlite) {
      dir = std::make_unique<TempDir>();
      store = SqliteStore::create(dir->path());
    } else {
      store = std::make_unique<MemoryStore>();
    }
    CardOptions o;
    o.rng = &rng;
    card = make_card(
        parse_profile("piv-bench", R"({"softcard_profile":1,"applets":["piv"],)"
                                   R"("piv":{},"yubikey":{"attestation_key":"eccp256"}})"),
        std::move(store), std::move(o));
    card->power_on();
    must("00A4040005A000000308");
    authenticate();
    must("0047009A05AC0380011100");
    const Bytes g = tx(from_hex("0047009D05AC0380011100"));
    const auto point = wire::find_tlv(*wire::find_tlv(g, 0x7F49), 0x86);
    if (!point) throw std::runtime_error("GENERATE 9D gave no point");
    point_9d = Bytes(point->begin(), point->end());
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

  // One exchange as a host makes it: 61xx answers are collected with GET RESPONSE.
  Bytes tx(ByteView apdu) {
    Bytes r = card->transmit(apdu);
    Bytes data;
    while (r.size() >= 2 && r[r.size() - 2] == 0x61) {
      data.insert(data.end(), r.begin(), r.end() - 2);
      const Bytes get_response = {0x00, 0xC0, 0x00, 0x00, r.back()};
      r = card->transmit(get_response);
    }
    if (!data.empty()) r.insert(r.begin(), data.begin(), data.end());
    return r;
  }
  static bool ok(const Bytes& r) {
    return r.size() >= 2 && r[r.size() - 2] == 0x90 && r.back() == 0x00;
  }
  void must(std::string_view hex) {
    if (!ok(tx(from_hex(hex)))) throw std::runtime_error("setup APDU failed: " + std::string(hex));
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
  const Pkey key = openssl_key(true);
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
  const Pkey key = openssl_key(true);
  const Pkey peer = openssl_key(true);
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
  const Pkey key = openssl_key(false);
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
  BenchCard c(sqlite);
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
    if (!BenchCard::ok(c.tx(apdu))) {
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
}  // namespace softcard
