#pragma once
// Host-side steps the fuzzer cannot do itself because they need a key the harness knows: an SKI
// session (shared key, or the card's published RSA or ECDH establishment key), blobs sealed under
// it (so mutations reach the secure-function parsers behind the MAC, docs/ski.md §8), and PIV
// management-key authentication. An input chunk starting with FE asks for one of them (see
// docs/fuzzing.md for the layout):
//   ski:          FE 00 a m [k [p [X...]]]
//                             new session with algorithm a % 5 + 1 (GCM when m is odd and the
//                             algorithm is AES), established by k % 3: 0 (or absent) GET SHARED KEY
//                             HANDLE with shared key 1; 1 VERIFY + IMPORT SESSION KEY, the key
//                             data blob wrapped with the RSA establishment key under padding
//                             p % 4 (PKCS#1, OAEP SHA-1, OAEP SHA-256, OAEP SHA-256 with a label);
//                             2 VERIFY + CONSTRUCT DH AGREEMENT with an ephemeral P-256 key, then
//                             DERIVE SESSION KEY. X, when present, replaces what the harness would
//                             wrap (k 1) or the ephemeral point (k 2), so mutations reach the
//                             card's parsers of both; a session then exists only when the card
//                             took X as a well-formed key data blob
//                 FE f P...   PROCESS ENCRYPTED DATA, function f, plaintext P sealed under the
//                             session (an AES-128 CBC session is made first when there is none)
//   piv, piv_plain: FE 00     GENERAL AUTHENTICATE with the 9B management key (3DES mutual auth)
// Every APDU a step sends goes through the same oracles as the fuzzer's own.
#include <functional>
#include <optional>

#include "fuzz_edges.h"
#include "fuzz_key_oracle.h"
#include "softcard/ski_codec.h"

namespace softcard::fuzz {

using Send = std::function<Bytes(const Bytes&)>;

inline std::uint16_t sw_of(const Bytes& r) {
  return r.size() < 2 ? 0 : std::uint16_t(r[r.size() - 2] << 8 | r.back());
}

// Sends `body` as one command, chained in 255-byte blocks (CLA | 10 on all but the last).
inline Bytes send_chained(const Send& send, std::uint8_t cla, std::uint8_t ins, std::uint8_t p1,
                          std::uint8_t p2, const Bytes& body) {
  std::size_t at = 0;
  Bytes r;
  do {
    const std::size_t n = std::min<std::size_t>(255, body.size() - at);
    const bool last = at + n == body.size();
    Bytes apdu = {std::uint8_t(last ? cla : cla | 0x10), ins, p1, p2, std::uint8_t(n)};
    apdu.insert(apdu.end(), body.begin() + std::ptrdiff_t(at),
                body.begin() + std::ptrdiff_t(at + n));
    if (last) apdu.push_back(0x00);
    r = send(apdu);
    at += n;
    if (!last && sw_of(r) != 0x9000) break;
  } while (at < body.size());
  return r;
}

inline Bytes ber_tlv(std::uint8_t tag, const Bytes& value) {
  Bytes out = {tag};
  if (value.size() >= 0x100)
    out.insert(out.end(), {0x82, std::uint8_t(value.size() >> 8), std::uint8_t(value.size())});
  else if (value.size() >= 0x80)
    out.insert(out.end(), {0x81, std::uint8_t(value.size())});
  else
    out.push_back(std::uint8_t(value.size()));
  append(out, value);
  return out;
}

// The public halves of the card's establishment keys (docs/ski.md §13), as the server knows them
// from provisioning: found by content, the one RSA and the one EC private key of the personalized
// SKI card.
struct EstablishmentKeys {
  std::optional<PublicKey> rsa;
  std::optional<EcPublic> ec;
};

inline EstablishmentKeys establishment_keys(const StoredObjects& objects, CryptoProvider& crypto) {
  EstablishmentKeys out;
  for (const auto& [name, value] : objects.values)
    for (const auto& [at, n] : PrivateKeyOracle::pkcs8_spans(value)) {
      const KeyPair key = crypto.import_private(ByteView(value).subspan(at, n));
      if (key.key_type() == KeyType::rsa && !out.rsa) out.rsa = crypto.public_key(key);
      if (key.key_type() == KeyType::ec && !out.ec) out.ec = crypto.ec_public(key);
    }
  return out;
}

class SkiHost {
 public:
  SkiHost(CryptoProvider& crypto, Rng& rng, const EstablishmentKeys& card_keys)
      : crypto_(crypto), rng_(rng), card_keys_(card_keys) {}

  void step(const Send& send, const Bytes& chunk) {
    if (chunk[1] == 0x00) {
      auto at = [&](std::size_t i) { return chunk.size() > i ? chunk[i] : std::uint8_t(0); };
      const ByteView custom = chunk.size() > 6 ? ByteView(chunk).subspan(6) : ByteView{};
      establish(send, at(2), at(3) & 1, at(4) % 3, at(5), custom);
      return;
    }
    if (!session_) establish(send, 0, false, 0, 0, {});
    if (!session_) return;
    Bytes nonce(ski::nonce_length);
    rng_.fill(nonce);
    const ByteView plaintext = ByteView(chunk).subspan(2);
    const Bytes blob =
        ski::seal(crypto_, session_->key, chunk[1], ski::Direction::to_card, nonce, plaintext);
    Bytes body = {0x84, 0x01, session_->ref};
    append(body, ber_tlv(0x87, blob));
    send_chained(send, 0x80, 0x62, chunk[1], 0x00, body);
  }

 private:
  struct Session {
    std::uint8_t ref = 0;
    ski::SessionKey key;
  };
  struct Established {
    std::uint8_t ref = 0;
    SecretBytes key;
  };

  void establish(const Send& send, std::uint8_t alg_choice, bool gcm, std::uint8_t mode,
                 std::uint8_t padding, ByteView custom) {
    session_.reset();
    const auto alg = static_cast<ski::Alg>(alg_choice % 5 + 1);
    send(from_hex("00A4040009A0000003974254465900"));  // SKI sessions end on SELECT anyway
    std::optional<Established> e;
    try {
      e = mode == 0   ? by_shared_key(send, alg)
          : mode == 1 ? by_rsa(send, alg, padding, custom)
                      : by_ecdh(send, alg, custom);
    } catch (const CryptoError&) {
      return;  // X too long to wrap, or no point: nothing was sent for it
    }
    if (!e) return;
    Session s{e->ref, ski::make_session_key(crypto_, alg, e->key.view())};
    if (gcm && alg != ski::Alg::tdes && alg != ski::Alg::tdes112) {
      if (sw_of(send(Bytes{0x80, 0x5C, 0x01, s.ref, 0x01, 0x02})) != 0x9000) return;
      s.key.mode = ski::Mode::gcm;
      s.key.iv = Bytes(12, 0);
      Bytes set_iv = {0x80, 0x5C, 0x02, s.ref, 0x0C};
      append(set_iv, s.key.iv);
      if (sw_of(send(set_iv)) != 0x9000) return;
    }
    session_ = std::move(s);
  }

  std::optional<Established> by_shared_key(const Send& send, ski::Alg alg) {
    Bytes ns(16);
    rng_.fill(ns);
    Bytes apdu = {
        0x80, 0x54, 0, 0, 23, 0x87, 21, 'S', 'H', 1, shared_key_number, std::uint8_t(alg)};
    append(apdu, ns);
    apdu.push_back(0);
    const Bytes r = send(apdu);
    if (sw_of(r) != 0x9000 || r.size() != 2 + 5 + 45) return std::nullopt;
    const ByteView hello = ByteView(r).subspan(5, 45);
    return Established{r[2], ski::derive_shared(crypto_, from_hex(shared_key_hex),
                                                shared_key_number, alg, ns, hello.subspan(21, 16))};
  }

  // Establishment needs the user PIN (docs/ski.md D18).
  static bool verify_pin(const Send& send) {
    return sw_of(send(from_hex("0020008006313233343536"))) == 0x9000;
  }

  // §7.1: the key data blob (or X) wrapped with the RSA establishment key.
  std::optional<Established> by_rsa(const Send& send, ski::Alg alg, std::uint8_t padding,
                                    ByteView custom) {
    if (!card_keys_.rsa || !verify_pin(send)) return std::nullopt;
    Bytes key(ski::key_length(alg));
    rng_.fill(key);
    const Bytes blob =
        custom.empty() ? ski::key_data_blob(key) : Bytes(custom.begin(), custom.end());
    const Bytes label = padding % 4 == 3 ? Bytes{0x4C, 0x42} : Bytes{};
    const RsaPadding host_padding = padding % 4 == 0   ? RsaPadding::pkcs1_v15()
                                    : padding % 4 == 1 ? RsaPadding::oaep(HashAlg::sha1)
                                                       : RsaPadding::oaep(HashAlg::sha256, label);
    const std::uint8_t id = padding % 4 == 0   ? ski::padding_id::pkcs1
                            : padding % 4 == 1 ? ski::padding_id::oaep_sha1
                                               : ski::padding_id::oaep_sha256;
    Bytes body = {0x80, 0x01, std::uint8_t(alg), 0x81, 0x01, id};
    if (!label.empty()) append(body, ber_tlv(0x82, label));
    append(body, ber_tlv(0x87, crypto_.rsa_encrypt(*card_keys_.rsa, blob, host_padding)));
    const Bytes r = send_chained(send, 0x80, 0x52, rsa_establishment_container, 0x00, body);
    if (sw_of(r) != 0x9000 || r.size() != 5 || r[0] != 0x84) return std::nullopt;
    if (custom.empty()) return Established{r[2], SecretBytes(key)};
    auto taken = ski::parse_key_data_blob(custom);
    if (!taken) return std::nullopt;
    return Established{r[2], std::move(*taken)};
  }

  // §7.3: an ephemeral P-256 key (from the harness's stream, so a finding replays) agreed with
  // the ECDH establishment key, then DERIVE SESSION KEY; X replaces the point.
  std::optional<Established> by_ecdh(const Send& send, ski::Alg alg, ByteView custom) {
    if (!card_keys_.ec || !verify_pin(send)) return std::nullopt;
    Bytes d(32);
    rng_.fill(d);
    d[0] &= 0x7F;  // below the group order
    const KeyPair eph = crypto_.import_ec_private(Curve::p256, d);
    const Bytes point =
        custom.empty() ? crypto_.ec_public(eph).point : Bytes(custom.begin(), custom.end());
    const Bytes r =
        send_chained(send, 0x80, 0x56, ecdh_establishment_container, 0x00, ber_tlv(0x86, point));
    if (sw_of(r) != 0x9000 || r.size() != 5 || r[0] != 0x85) return std::nullopt;
    const Bytes d2 = send(Bytes{0x80, 0x58, r[2], 0x01, 0x03, 0x80, 0x01, std::uint8_t(alg), 0x00});
    if (sw_of(d2) != 0x9000 || d2.size() != 5 || d2[0] != 0x84 || !custom.empty())
      return std::nullopt;
    const SecretBytes z = crypto_.ecdh(eph, card_keys_.ec->point);
    return Established{d2[2], ski::derive_ecdh(crypto_, z.view(), alg)};
  }

  CryptoProvider& crypto_;
  Rng& rng_;
  const EstablishmentKeys& card_keys_;
  std::optional<Session> session_;
};

// yubico-piv-tool's mutual authentication with the 9B key (3DES).
inline void piv_management_auth(const Send& send, CryptoProvider& crypto, Rng& rng) {
  const Bytes r = send(from_hex("0087039B047C02800000"));
  // 7C 0A 80 08 <encrypted witness> 90 00
  if (sw_of(r) != 0x9000 || r.size() != 14 || r[0] != 0x7C || r[2] != 0x80 || r[3] != 8) return;
  const CipherSpec spec{BlockAlg::tdes, BlockMode::ecb, BlockPadding::none};
  const Bytes key = from_hex(admin_key_hex);
  const SecretBytes witness = crypto.decrypt(spec, key, {}, ByteView(r).subspan(4, 8));
  Bytes challenge(8);
  rng.fill(challenge);
  Bytes apdu = {0x00, 0x87, 0x03, 0x9B, 22, 0x7C, 20, 0x80, 8};
  append(apdu, witness.view());
  apdu.insert(apdu.end(), {0x81, 8});
  append(apdu, challenge);
  apdu.push_back(0);
  send(apdu);
}

}  // namespace softcard::fuzz
