#pragma once
// Host-side steps the fuzzer cannot do itself because they need a key the harness knows: an SKI
// session with the shared key, blobs sealed under it (so mutations reach the secure-function
// parsers behind the MAC, docs/ski.md §8), and PIV management-key authentication. An input chunk
// starting with FE asks for one of them (see docs/fuzzing.md for the layout):
//   ski:          FE 00 a m   new session: SELECT GIDS, GET SHARED KEY HANDLE (shared key 1) with
//                             algorithm a % 5 + 1, GCM when m is odd and the algorithm is AES
//                 FE f P...   PROCESS ENCRYPTED DATA, function f, plaintext P sealed under the
//                             session (an AES-128 CBC session is made first when there is none)
//   piv, piv_plain: FE 00     GENERAL AUTHENTICATE with the 9B management key (3DES mutual auth)
// Every APDU a step sends goes through the same oracles as the fuzzer's own.
#include <functional>
#include <optional>

#include "fuzz_edges.h"
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

class SkiHost {
 public:
  SkiHost(CryptoProvider& crypto, Rng& rng) : crypto_(crypto), rng_(rng) {}

  void step(const Send& send, const Bytes& chunk) {
    if (chunk[1] == 0x00) {
      establish(send, chunk.size() > 2 ? chunk[2] : 0, chunk.size() > 3 && (chunk[3] & 1));
      return;
    }
    if (!session_) establish(send, 0, false);
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

  void establish(const Send& send, std::uint8_t alg_choice, bool gcm) {
    session_.reset();
    const auto alg = static_cast<ski::Alg>(alg_choice % 5 + 1);
    send(from_hex("00A4040009A0000003974254465900"));  // SKI sessions end on SELECT anyway
    Bytes ns(16);
    rng_.fill(ns);
    Bytes apdu = {
        0x80, 0x54, 0, 0, 23, 0x87, 21, 'S', 'H', 1, shared_key_number, std::uint8_t(alg)};
    append(apdu, ns);
    apdu.push_back(0);
    const Bytes r = send(apdu);
    if (sw_of(r) != 0x9000 || r.size() != 2 + 5 + 45) return;
    const ByteView hello = ByteView(r).subspan(5, 45);
    const SecretBytes sk = ski::derive_shared(crypto_, from_hex(shared_key_hex), shared_key_number,
                                              alg, ns, hello.subspan(21, 16));
    Session s{r[2], ski::make_session_key(crypto_, alg, sk.view())};
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

  CryptoProvider& crypto_;
  Rng& rng_;
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
