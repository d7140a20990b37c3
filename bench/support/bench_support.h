#pragma once
// What every in-process card benchmark needs: a temporary image directory, a card made from a
// profile on a memory or SQLite store, an exchange that collects 61xx answers as a host does,
// and OpenSSL keys for the "OpenSSL alone" baselines measured in the same run.
#include <openssl/evp.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "softcard/card.h"
#include "softcard/crypto.h"
#include "softcard/personalize.h"
#include "softcard/store.h"

namespace softcard::bench {

namespace fsys = std::filesystem;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

// A fresh key made by OpenSSL alone: "RSA" with `rsa_bits`, or "EC" on `curve`.
inline Pkey openssl_key(std::string_view type, int rsa_bits = 2048, const char* curve = "P-256") {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, std::string(type).c_str(), nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) throw std::runtime_error("keygen init");
  if (type == "EC" && EVP_PKEY_CTX_set_group_name(ctx.get(), curve) != 1)
    throw std::runtime_error("curve");
  if (type == "RSA" && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), rsa_bits) != 1)
    throw std::runtime_error("bits");
  if (EVP_PKEY_keygen(ctx.get(), &key) != 1) throw std::runtime_error("OpenSSL keygen failed");
  return Pkey(key);
}

// A directory under $TMPDIR removed with everything in it when this goes.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fsys::temp_directory_path() / "softcard-bench-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fsys::remove_all(dir_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  fsys::path image() const { return dir_ / "card.img"; }

 private:
  fsys::path dir_;
};

inline bool ok(const Bytes& r) {
  return r.size() >= 2 && r[r.size() - 2] == 0x90 && r.back() == 0x00;
}

// A powered card made from `profile` through the card factory, on a MemoryStore or on a SQLite
// image in a temporary directory.
class BenchCard {
 public:
  BenchCard(const Profile& profile, bool sqlite) {
    std::unique_ptr<CardStore> store;
    if (sqlite) {
      dir_ = std::make_unique<TempDir>();
      store = SqliteStore::create(dir_->image());
    } else {
      store = std::make_unique<MemoryStore>();
    }
    CardOptions o;
    o.rng = &rng_;
    card_ = make_card(profile, std::move(store), std::move(o));
    card_->power_on();
  }

  Card& card() { return *card_; }

  // One exchange as a host makes it: 61xx answers are collected with GET RESPONSE.
  Bytes tx(ByteView apdu) {
    Bytes r = card_->transmit(apdu);
    Bytes data;
    while (r.size() >= 2 && r[r.size() - 2] == 0x61) {
      data.insert(data.end(), r.begin(), r.end() - 2);
      const Bytes get_response = {0x00, 0xC0, 0x00, 0x00, r.back()};
      r = card_->transmit(get_response);
    }
    if (!data.empty()) r.insert(r.begin(), data.begin(), data.end());
    return r;
  }
  // A setup step: anything but 9000 stops the benchmark binary with the APDU named.
  Bytes must(ByteView apdu) {
    Bytes r = tx(apdu);
    if (!ok(r)) throw std::runtime_error("setup APDU failed: " + to_hex(apdu));
    return r;
  }
  Bytes must(std::string_view hex) { return must(from_hex(hex)); }

 private:
  OpenSslRng rng_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<Card> card_;
};

}  // namespace softcard::bench
