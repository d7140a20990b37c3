// KeyStore: private keys as secret PKCS#8 records; operations through the card's provider.
#include <stdexcept>

#include "kit/key_name.h"
#include "softcard/applet_kit.h"
#include "softcard/errors.h"

namespace softcard::kit {

namespace {

// What an applet answers for a crypto failure: the caller's data or key choice is bad (6A80);
// a backend failure stays an internal error (6F00 from the card OS).
template <class F>
auto card_errors(F&& f) {
  try {
    return f();
  } catch (const CryptoError& e) {
    if (e.code() == CryptoErrc::internal) throw;
    throw CardError(Sw::wrong_data);
  }
}

HashAlg hash_for(std::size_t size) {
  switch (size) {
    case 20:
      return HashAlg::sha1;
    case 32:
      return HashAlg::sha256;
    case 48:
      return HashAlg::sha384;
    case 64:
      return HashAlg::sha512;
    default:
      throw CardError(Sw::wrong_data);
  }
}

}  // namespace

struct KeyStore::Impl {
  explicit Impl(std::string p) : prefix(std::move(p)) {}
  std::string prefix;
  // Parsed keys by name, valid while the stored record still equals `der` (a rolled-back
  // generation or a rewrite invalidates it).
  struct Cached {
    Bytes der;
    const CryptoProvider* provider;  // a key is used with the provider that parsed it
    KeyPair key;
  };
  std::map<std::string, Cached, std::less<>> cache;

  std::string key_of(std::string_view name) const { return prefix + checked_key(name); }

  const KeyPair& load(CardContext& ctx, std::string_view name) {
    const std::string k = key_of(name);
    const Bytes* der = ctx.store().get(k);
    if (!der) throw CardError(Sw::reference_not_found);
    auto it = cache.find(name);
    if (it != cache.end() && it->second.der == *der && it->second.provider == &ctx.crypto())
      return it->second.key;
    KeyPair key = card_errors([&] { return ctx.crypto().import_private(*der, KeyCheck::stored); });
    cache.insert_or_assign(std::string(name), Cached{*der, &ctx.crypto(), std::move(key)});
    return cache.find(name)->second.key;
  }

  Bytes store_key(CardContext& ctx, std::string_view name, KeyPair key) {
    const SecretBytes der = ctx.crypto().export_private(key);
    Bytes plain(der.view().begin(), der.view().end());
    ctx.store().put_secret(key_of(name), std::move(plain));
    // Not cached: the key belongs to the provider that made it, which may be a SetupContext's
    // that is gone by the next command; the first use loads it through the card's provider.
    cache.erase(std::string(name));
    return ctx.crypto().public_key_der(key);
  }
};

KeyStore::KeyStore(std::string prefix) : impl_(std::make_unique<Impl>(std::move(prefix))) {}
KeyStore::~KeyStore() = default;

Bytes KeyStore::generate(CardContext& ctx, std::string_view name, const KeySpec& spec) {
  impl_->key_of(name);
  KeyPair key = card_errors([&] {
    return spec.type == KeyType::rsa ? ctx.crypto().generate_rsa(spec.rsa_bits)
                                     : ctx.crypto().generate_ec(spec.curve);
  });
  return impl_->store_key(ctx, name, std::move(key));
}

Bytes KeyStore::import_private(CardContext& ctx, std::string_view name, ByteView pkcs8) {
  impl_->key_of(name);
  KeyPair key = card_errors([&] { return ctx.crypto().import_private(pkcs8, KeyCheck::full); });
  return impl_->store_key(ctx, name, std::move(key));
}

bool KeyStore::has(const ObjectStore& store, std::string_view name) const {
  return store.contains(impl_->key_of(name));
}

void KeyStore::erase(ObjectStore& store, std::string_view name) {
  store.erase(impl_->key_of(name));
  impl_->cache.erase(std::string(name));
}

std::vector<std::string> KeyStore::names(const ObjectStore& store) const {
  std::vector<std::string> out;
  for (auto& k : store.keys(impl_->prefix)) out.push_back(k.substr(impl_->prefix.size()));
  return out;
}

Bytes KeyStore::public_der(CardContext& ctx, std::string_view name) {
  return ctx.crypto().public_key_der(impl_->load(ctx, name));
}

Bytes KeyStore::sign(CardContext& ctx, std::string_view name, SignScheme scheme, ByteView input) {
  const KeyPair& key = impl_->load(ctx, name);
  auto& c = ctx.crypto();
  return card_errors([&]() -> Bytes {
    switch (scheme) {
      case SignScheme::rsa_pkcs1:
        return c.rsa_sign_pkcs1_v15(key, input);
      case SignScheme::rsa_pss:
        return c.rsa_sign_pss(key, hash_for(input.size()), input);
      case SignScheme::rsa_raw: {
        const SecretBytes out = c.rsa_raw(key, input);
        return Bytes(out.view().begin(), out.view().end());
      }
      case SignScheme::ecdsa:
        return c.ecdsa_sign(key, input);
      case SignScheme::ecdsa_der:
        return c.ecdsa_sign_der(key, input);
    }
    throw CardError(Sw::wrong_data);
  });
}

SecretBytes KeyStore::decrypt(CardContext& ctx, std::string_view name, ByteView ciphertext,
                              const RsaPadding& padding) {
  const KeyPair& key = impl_->load(ctx, name);
  return card_errors([&] { return ctx.crypto().rsa_decrypt(key, ciphertext, padding); });
}

SecretBytes KeyStore::ecdh(CardContext& ctx, std::string_view name, ByteView peer_point) {
  const KeyPair& key = impl_->load(ctx, name);
  return card_errors([&] { return ctx.crypto().ecdh(key, peer_point); });
}

SecretBytes KeyStore::export_private(CardContext& ctx, std::string_view name) {
  const Bytes* der = ctx.store().get(impl_->key_of(name));
  if (!der) throw CardError(Sw::reference_not_found);
  return SecretBytes(view(*der));
}

}  // namespace softcard::kit
