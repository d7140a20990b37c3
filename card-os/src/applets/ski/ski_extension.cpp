#include "applets/ski/ski_extension.h"

#include <array>
#include <cstdio>
#include <optional>

#include "applets/ski/ski_codec.h"
#include "softcard/errors.h"
#include "softcard/wire/gids.h"
#include "softcard/wire/key_blobs.h"
#include "softcard/wire/tlv.h"

namespace softcard::ski {
namespace {

constexpr std::uint32_t at_keyexchange = 1, at_signature = 2;
constexpr std::uint32_t flag_generate_session_pin = 0x10000000, flag_session_pin = 0x20000000,
                        flag_silent = 0x40;
constexpr std::uint32_t pin_change_unblock = 1, pin_change_changepin = 2;
constexpr std::uint32_t role_user = 1, role_admin = 2;

[[noreturn]] void reject(Sw sw) {
  throw CardError(sw);
}
[[noreturn]] void reject(std::uint16_t sw) {
  throw CardError(static_cast<Sw>(sw));
}

std::string shared_key_name(std::uint8_t number) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "ski/shared/%02x", number);
  return buf;
}

// The value of `tag` in an SKI template; a template that does not parse is wrong data.
std::optional<ByteView> tlv(ByteView data, std::uint8_t tag) {
  const auto tlvs = wire::parse_tlvs(data);
  if (!tlvs) reject(Sw::wrong_data);
  if (const wire::Tlv* t = wire::find_tlv(*tlvs, tag)) return t->value;
  return std::nullopt;
}

ByteView need(ByteView data, std::uint8_t tag) {
  auto v = tlv(data, tag);
  if (!v) reject(Sw::wrong_data);
  return *v;
}

using wire::put_tlv;

std::u16string random_guid(Rng& rng) {
  std::array<std::uint8_t, 16> r{};
  rng.fill(r);
  return wire::gids::container_guid(r);
}

// The GIDS applet implements both GidsApi and Applet; its own VERIFY 00 20 FF 80 resets the user
// PIN's verified state (ISO 7816-4 P1=FF), which the extension API does not offer directly.
void forget_user_pin(gids::GidsApi& gids, CardContext& ctx) {
  auto* applet = dynamic_cast<Applet*>(&gids);
  if (applet == nullptr) throw CardError(Sw::unknown);
  Command logout;
  logout.ins = 0x20;
  logout.p1 = 0xFF;
  logout.p2 = gids::user_pin_reference;
  if (applet->process(logout, ctx).sw != Sw::ok) throw CardError(Sw::unknown);
}

Sw reject_sw(Reject r) {
  switch (r) {
    case Reject::malformed:
      return Sw::wrong_data;
    case Reject::wrong_function:
      return Sw::incorrect_p1p2;
    case Reject::wrong_handle:
      return Sw::reference_not_found;
    case Reject::wrong_iv:
      return Sw::reference_data_not_usable;
    case Reject::tampered:
      return static_cast<Sw>(0x6988);
    case Reject::replayed:
      return Sw::conditions_not_satisfied;
  }
  return Sw::unknown;
}

class SkiExtension final : public gids::GidsExtension {
 public:
  std::optional<Response> process(const Command& cmd, CardContext& ctx,
                                  gids::GidsApi& gids) override {
    if (cmd.cla != 0x80) return std::nullopt;
    switch (cmd.ins) {
      case 0x50:
        return capabilities(cmd);
      case 0x52:
        return import_session_key(cmd, ctx, gids);
      case 0x54:
        return shared_key(cmd, ctx, gids);
      case 0x56:
        return construct_dh(cmd, ctx, gids);
      case 0x58:
        return derive(cmd, gids);
      case 0x5A:
        return destroy_dh(cmd);
      case 0x5C:
        return set_property(cmd);
      case 0x5E:
        return get_property(cmd);
      case 0x60:
        return destroy_key(cmd);
      case 0x62:
        return process_encrypted(cmd, ctx, gids);
      default:
        return std::nullopt;
    }
  }

  void clear_volatile() override {
    for (auto& s : slots_) s.reset();
    for (auto& a : agreements_) a.reset();
    session_pin_.reset();
    real_pin_.reset();
  }

 private:
  std::array<std::optional<SessionKey>, session_slots> slots_;
  std::array<std::optional<SecretBytes>, dh_slots> agreements_;
  std::optional<SecretBytes> session_pin_, real_pin_;

  std::size_t free_slots() const {
    std::size_t n = 0;
    for (const auto& s : slots_) n += !s;
    return n;
  }

  std::uint8_t store_key(SessionKey key) {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (!slots_[i]) {
        slots_[i] = std::move(key);
        return static_cast<std::uint8_t>(first_session_ref + i);
      }
    }
    reject(Sw::not_enough_memory);
  }

  SessionKey& slot(std::uint8_t ref) {
    if (ref < first_session_ref || ref >= first_session_ref + session_slots)
      reject(Sw::reference_not_found);
    auto& s = slots_[ref - first_session_ref];
    if (!s) reject(Sw::reference_not_found);
    return *s;
  }

  static Response key_ref_answer(std::uint8_t ref) {
    Bytes out;
    put_tlv(out, 0x84, Bytes{ref});
    return Response(out);
  }

  Response capabilities(const Command& cmd) {
    if (cmd.p1p2() != 0) reject(Sw::incorrect_p1p2);
    wire::ski::Capabilities caps{
        0x0F, 0x1F, 0x0F, 0x03, std::uint8_t(session_slots), std::uint8_t(free_slots()),
        0x07, 0x01};
    const Bytes out = wire::ski::encode_capabilities(caps);
    return Response(out);
  }

  Response import_session_key(const Command& cmd, CardContext& ctx, gids::GidsApi& gids) {
    if (cmd.p2 != 0) reject(Sw::incorrect_p1p2);
    auto alg_req = need(cmd.data, 0x80);
    auto pad = need(cmd.data, 0x81);
    auto label = tlv(cmd.data, 0x82);
    auto ct = need(cmd.data, 0x87);
    if (alg_req.size() != 1 || !alg_from_id(alg_req[0]) || pad.size() != 1) reject(Sw::wrong_data);
    RsaPadding padding;
    switch (pad[0]) {
      case padding_id::pkcs1:
        padding = RsaPadding::pkcs1_v15();
        break;
      case padding_id::oaep_sha1:
        padding = RsaPadding::oaep(HashAlg::sha1);
        break;
      case padding_id::oaep_sha256:
        padding = RsaPadding::oaep(HashAlg::sha256);
        break;
      default:
        reject(Sw::function_not_supported);
    }
    if (label) {
      if (padding.mode != RsaPaddingMode::oaep) reject(Sw::wrong_data);
      padding.label.assign(label->begin(), label->end());
    }
    if (!gids.pin_verified()) reject(Sw::security_not_satisfied);
    if (free_slots() == 0) reject(Sw::not_enough_memory);
    KeyPair key = gids.container_key(ctx.store(), cmd.p1);
    if (key.key_type() != KeyType::rsa) reject(Sw::function_not_supported);
    if (ct.size() != key.size_bytes()) reject(static_cast<std::uint16_t>(0x6988));
    SecretBytes plain;
    try {
      plain = gids.crypto().rsa_decrypt(key, ct, padding);
    } catch (const CryptoError&) {
      reject(static_cast<std::uint16_t>(0x6988));  // one answer for every unwrap failure
    }
    auto sk = parse_key_data_blob(plain.view());
    if (!sk) reject(static_cast<std::uint16_t>(0x6988));
    std::optional<Alg> alg;
    const Alg requested = static_cast<Alg>(alg_req[0]);
    if (block_alg(requested) == BlockAlg::aes)
      alg = alg_from_name(u"AES", sk->size());
    else if (key_length(requested) == sk->size())
      alg = requested;
    if (!alg) reject(Sw::wrong_data);
    return key_ref_answer(store_key(make_session_key(gids.crypto(), *alg, sk->view())));
  }

  Response shared_key(const Command& cmd, CardContext& ctx, gids::GidsApi& gids) {
    if (cmd.p1p2() != 0) reject(Sw::incorrect_p1p2);
    const auto hello = wire::ski::decode_server_hello(need(cmd.data, 0x87));
    if (!hello) reject(Sw::wrong_data);
    const Bytes* ks = ctx.store().get(shared_key_name(hello->number));
    if (!ks || ks->size() != 32) reject(Sw::reference_not_found);
    if (free_slots() == 0) reject(Sw::not_enough_memory);
    std::array<std::uint8_t, shared_nonce_length> nc{};
    ctx.rng().fill(nc);
    SecretBytes sk = derive_shared(gids.crypto(), *ks, hello->number, hello->alg, hello->ns, nc);
    SessionKey key = make_session_key(gids.crypto(), hello->alg, sk.view());
    const Bytes card_hello =
        wire::ski::encode_card_hello({hello->number, hello->alg, hello->ns, nc, key.id});
    const std::uint8_t ref = store_key(std::move(key));
    Bytes out;
    put_tlv(out, 0x84, Bytes{ref});
    put_tlv(out, 0x87, card_hello);
    return Response(out);
  }

  Response construct_dh(const Command& cmd, CardContext& ctx, gids::GidsApi& gids) {
    if (cmd.p2 != 0) reject(Sw::incorrect_p1p2);
    auto point = need(cmd.data, 0x86);
    if (!gids.pin_verified()) reject(Sw::security_not_satisfied);
    std::size_t free = dh_slots;
    for (std::size_t i = 0; i < dh_slots; ++i)
      if (!agreements_[i]) {
        free = i;
        break;
      }
    if (free == dh_slots) reject(Sw::not_enough_memory);
    KeyPair key = gids.container_key(ctx.store(), cmd.p1);
    if (key.key_type() != KeyType::ec) reject(Sw::function_not_supported);
    try {
      agreements_[free] = gids.crypto().ecdh(key, point);
    } catch (const CryptoError&) {
      reject(Sw::wrong_data);
    }
    Bytes out;
    put_tlv(out, 0x85, Bytes{std::uint8_t(free)});
    return Response(out);
  }

  Response derive(const Command& cmd, gids::GidsApi& gids) {
    if (cmd.p2 != 0x01) reject(Sw::incorrect_p1p2);  // only "return a key handle"
    if (cmd.p1 >= dh_slots || !agreements_[cmd.p1]) reject(Sw::reference_not_found);
    auto a = need(cmd.data, 0x80);
    if (a.size() != 1 || !alg_from_id(a[0])) reject(Sw::wrong_data);
    if (free_slots() == 0) reject(Sw::not_enough_memory);
    SecretBytes sk =
        derive_ecdh(gids.crypto(), agreements_[cmd.p1]->view(), static_cast<Alg>(a[0]));
    agreements_[cmd.p1].reset();  // consumed: one agreement, one session key
    return key_ref_answer(
        store_key(make_session_key(gids.crypto(), static_cast<Alg>(a[0]), sk.view())));
  }

  Response destroy_dh(const Command& cmd) {
    if (cmd.p1 >= dh_slots || !agreements_[cmd.p1]) reject(Sw::reference_not_found);
    agreements_[cmd.p1].reset();
    return Response(Sw::ok);
  }

  Response set_property(const Command& cmd) {
    SessionKey& k = slot(cmd.p2);
    if (cmd.p1 == 0x01) {
      auto m = cmd.data.size() == 1 ? mode_from_id(cmd.data[0]) : std::nullopt;
      if (!m || !mode_allowed(k.alg, *m)) reject(Sw::wrong_data);
      k.mode = *m;
    } else if (cmd.p1 == 0x02) {
      const std::size_t n = cmd.data.size();
      const bool ok = n == block_length(k.alg) || (n == 12 && block_alg(k.alg) == BlockAlg::aes);
      if (!ok) reject(Sw::wrong_data);
      k.iv = cmd.data;
    } else {
      reject(Sw::incorrect_p1p2);
    }
    return Response(Sw::ok);
  }

  Response get_property(const Command& cmd) {
    SessionKey& k = slot(cmd.p2);
    switch (cmd.p1) {
      case 0x01:
        return Response(Bytes{std::uint8_t(k.mode)});
      case 0x02:
        return Response(k.iv);
      case 0x03:
        return Response(Bytes{std::uint8_t(block_length(k.alg))});
      case 0x04:
        return Response(Bytes{std::uint8_t(k.alg)});
      default:
        reject(Sw::incorrect_p1p2);
    }
  }

  Response destroy_key(const Command& cmd) {
    slot(cmd.p2);
    slots_[cmd.p2 - first_session_ref].reset();
    return Response(Sw::ok);
  }

  Response process_encrypted(const Command& cmd, CardContext& ctx, gids::GidsApi& gids) {
    const std::uint8_t f = cmd.p1;
    if (f != csf::import_keypair && f != csf::authenticate && f != csf::change_authenticator)
      reject(Sw::function_not_supported);
    if (cmd.p2 != 0) reject(Sw::incorrect_p1p2);
    auto ref = need(cmd.data, 0x84);
    auto blob = need(cmd.data, 0x87);
    if (ref.size() != 1) reject(Sw::wrong_data);
    SessionKey& key = slot(ref[0]);
    auto opened = open(gids.crypto(), key, f, Direction::to_card, blob);
    if (auto* r = std::get_if<Reject>(&opened)) reject(reject_sw(*r));
    Opened& o = std::get<Opened>(opened);
    key.last_in_seq = o.seq;  // consumed from here on, whatever the function answers
    ByteView p = o.plaintext.view();
    switch (f) {
      case csf::import_keypair:
        return import_keypair(p, ctx, gids);
      case csf::authenticate:
        return authenticate(p, ctx, gids, key);
      default:
        return change_authenticator(p, ctx, gids);
    }
  }

  Response import_keypair(ByteView p, CardContext& ctx, gids::GidsApi& gids) {
    const auto s = wire::ski::decode_import_keypair(p);
    if (!s) reject(Sw::wrong_data);
    const std::size_t index = s->container_index;
    const std::uint32_t pin_id = s->pin_id, spec = s->key_spec, bits = s->key_bits;
    ByteView blob = s->key_blob;
    if (pin_id != role_user) reject(Sw::wrong_data);
    if (index >= gids::max_containers) reject(Sw::wrong_data);
    if (!gids.pin_verified()) reject(Sw::security_not_satisfied);
    auto containers = gids.containers(ctx.store());
    if (index < containers.size() && containers[index].valid()) reject(Sw::file_exists);
    bool has_default = false;
    for (const auto& c : containers)
      has_default |= (c.flags & gids::ContainerRecord::flag_default) != 0;
    CryptoProvider& crypto = gids.crypto();
    std::optional<KeyPair> key;
    gids::ContainerKeyOptions opts;
    try {
      if (spec == at_keyexchange || spec == at_signature) {
        key = rsa_from_privatekeyblob(crypto, blob, bits);
        opts.spec = spec == at_keyexchange ? gids::KeySpec::key_exchange : gids::KeySpec::signature;
      } else if (spec >= 3 && spec <= 8) {
        key = ec_from_blob(crypto, blob, spec, bits);
        opts.spec = spec >= 6 ? gids::KeySpec::key_exchange : gids::KeySpec::signature;
      } else {
        reject(Sw::wrong_data);
      }
    } catch (const CryptoError& e) {
      reject(e.code() == CryptoErrc::unsupported ? Sw::function_not_supported : Sw::wrong_data);
    }
    opts.guid = random_guid(ctx.rng());
    opts.pin_protected = true;
    opts.make_default = !has_default;
    gids.create_container_key(ctx, index, *key, opts);
    return Response(Sw::ok);
  }

  static KeyPair rsa_from_privatekeyblob(CryptoProvider& crypto, ByteView b, std::uint32_t bits) {
    if (bits < 1024 || bits > 4096 || bits % 1024) reject(Sw::function_not_supported);
    const auto parsed = wire::decode_privatekeyblob(b);
    if (!parsed || parsed->key.bits != bits) reject(Sw::wrong_data);
    const wire::RsaParts& w = parsed->key;
    RsaPrivateComponents c;
    c.n = w.n;
    c.e = w.e;
    c.p = SecretBytes(w.p), c.q = SecretBytes(w.q), c.dp = SecretBytes(w.dp),
    c.dq = SecretBytes(w.dq), c.qinv = SecretBytes(w.qinv), c.d = SecretBytes(w.d);
    KeyPair k = crypto.import_rsa_components(c);
    if (k.bits() != bits) reject(Sw::wrong_data);
    return k;
  }

  static KeyPair ec_from_blob(CryptoProvider& crypto, ByteView b, std::uint32_t spec,
                              std::uint32_t bits) {
    static const Curve curves[] = {Curve::p256, Curve::p384, Curve::p521};
    const Curve curve = curves[(spec - 3) % 3];
    const bool ecdh = spec >= 6;
    if (bits != curve_bits(curve)) reject(Sw::wrong_data);
    const auto blob = wire::decode_bcrypt_ecckey_blob(b);
    if (!blob || !blob->has_private || blob->ecdh != ecdh || blob->curve_bits != bits)
      reject(Sw::wrong_data);
    KeyPair k = crypto.import_ec_private(curve, blob->d);
    const Bytes point = crypto.ec_public(k).point;
    Bytes expected = {0x04};
    append(expected, blob->x);
    append(expected, blob->y);
    if (point != expected) reject(Sw::wrong_data);
    return k;
  }

  Response authenticate(ByteView p, CardContext& ctx, gids::GidsApi& gids, SessionKey& key) {
    const auto s = wire::ski::decode_authenticate(p);
    if (!s) reject(Sw::wrong_data);
    const std::uint32_t flags = s->flags & ~flag_silent;
    if (s->pin_id != role_user) reject(Sw::wrong_data);
    if (flags != 0 && flags != flag_generate_session_pin && flags != flag_session_pin)
      reject(Sw::wrong_data);
    ByteView pin = s->pin;
    if (flags == flag_session_pin) {
      if (!session_pin_ || !constant_time_equal(pin, session_pin_->view()))
        reject(Sw::security_not_satisfied);
      const Sw sw = gids.verify_pin(ctx, real_pin_->view());
      if (sw != Sw::ok) reject(sw);
      return Response(
          wire::ski::encode_authenticate_response({gids.pin_tries_left(ctx.store()), {}}));
    }
    const Sw sw = gids.verify_pin(ctx, pin);
    if (sw != Sw::ok) reject(sw);
    Bytes session_blob;
    if (flags == flag_generate_session_pin) {
      SecretBytes token(16);
      ctx.rng().fill(token.span());
      std::array<std::uint8_t, nonce_length> nonce{};
      ctx.rng().fill(nonce);
      session_blob =
          seal(gids.crypto(), key, csf::session_pin, Direction::to_server, nonce, token.view());
      session_pin_ = std::move(token);
      real_pin_ = SecretBytes(pin);
      forget_user_pin(gids, ctx);  // a generated session PIN does not leave the PIN verified
    }
    return Response(
        wire::ski::encode_authenticate_response({gids.pin_tries_left(ctx.store()), session_blob}));
  }

  Response change_authenticator(ByteView p, CardContext& ctx, gids::GidsApi& gids) {
    const auto s = wire::ski::decode_change_authenticator(p);
    if (!s || s->retry_count != 0 || s->target_pin_id != role_user) reject(Sw::wrong_data);
    const std::uint32_t flags = s->flags, auth_id = s->auth_pin_id;
    ByteView auth = s->auth, fresh = s->target;
    if (flags == pin_change_changepin) {
      if (auth_id != role_user) reject(Sw::wrong_data);
      const Sw sw = gids.change_pin(ctx, auth, fresh);
      if (sw != Sw::ok) reject(sw);
    } else if (flags == pin_change_unblock) {
      // The administrator authenticates with GIDS mutual authentication beforehand (docs/ski.md
      // D20).
      if (auth_id != role_admin || !auth.empty()) reject(Sw::wrong_data);
      if (!gids.admin_authenticated()) reject(Sw::security_not_satisfied);
      gids.unblock_pin(ctx, fresh);
    } else {
      reject(Sw::wrong_data);
    }
    return Response(
        wire::ski::encode_change_authenticator_response({gids.pin_tries_left(ctx.store())}));
  }
};

}  // namespace

std::unique_ptr<gids::GidsExtension> make_ski_extension() {
  return std::make_unique<SkiExtension>();
}

void provision_shared_key(ObjectStore& store, std::uint8_t number, ByteView key) {
  if (key.size() != 32) throw ProfileError("SKI shared key must be 32 bytes");
  store.put(shared_key_name(number), Bytes(key.begin(), key.end()));
}

}  // namespace softcard::ski
