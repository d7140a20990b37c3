#include "applets/ski/ski_codec.h"

#include <string>

namespace softcard::ski {
namespace {

Bytes label(std::string_view text, std::initializer_list<std::uint8_t> tail = {}) {
  Bytes out(text.begin(), text.end());
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

struct Subkeys {
  SecretBytes enc;
  SecretBytes mac;
};

Subkeys derive_subkeys(CryptoProvider& crypto, Alg alg, Mode mode, ByteView key) {
  const Bytes info = label("softcard-ski-v1 keys", {std::uint8_t(alg), std::uint8_t(mode)});
  SecretBytes kb = crypto.hkdf_sha256({}, key, info, key.size() + 32);
  Subkeys s{SecretBytes(kb.view().subspan(0, key.size())),
            SecretBytes(kb.view().subspan(key.size(), 32))};
  return s;
}

Bytes blob_iv(CryptoProvider& crypto, ByteView mac_key, ByteView header, std::size_t n) {
  Bytes msg = label("IV");
  append(msg, header);
  Bytes h = crypto.hmac_sha256(mac_key, msg);
  h.resize(n);
  return h;
}

Bytes cbc_tag(CryptoProvider& crypto, ByteView mac_key, ByteView header, ByteView ct) {
  Bytes msg = label("MAC");
  append(msg, header);
  append(msg, ct);
  Bytes h = crypto.hmac_sha256(mac_key, msg);
  h.resize(tag_length);
  return h;
}

}  // namespace

std::optional<Alg> alg_from_id(std::uint8_t id) {
  if (id >= 1 && id <= 5) return static_cast<Alg>(id);
  return std::nullopt;
}

std::size_t key_length(Alg alg) {
  switch (alg) {
    case Alg::aes128:
      return 16;
    case Alg::aes192:
      return 24;
    case Alg::aes256:
      return 32;
    case Alg::tdes:
      return 24;
    case Alg::tdes112:
      return 16;
  }
  return 0;
}

std::size_t block_length(Alg alg) {
  return block_alg(alg) == BlockAlg::aes ? 16 : 8;
}

BlockAlg block_alg(Alg alg) {
  return (alg == Alg::tdes || alg == Alg::tdes112) ? BlockAlg::tdes : BlockAlg::aes;
}

std::optional<Alg> alg_from_name(std::u16string_view name, std::size_t key_len) {
  if (name == u"AES") {
    if (key_len == 16) return Alg::aes128;
    if (key_len == 24) return Alg::aes192;
    if (key_len == 32) return Alg::aes256;
    return std::nullopt;
  }
  if (name == u"3DES" && key_len == 24) return Alg::tdes;
  if (name == u"3DES_112" && key_len == 16) return Alg::tdes112;
  return std::nullopt;
}

std::optional<Mode> mode_from_id(std::uint8_t id) {
  if (id == 1) return Mode::cbc;
  if (id == 2) return Mode::gcm;
  return std::nullopt;
}

bool mode_allowed(Alg alg, Mode mode) {
  return mode == Mode::cbc || block_alg(alg) == BlockAlg::aes;
}

std::size_t iv_length(Alg alg, Mode mode) {
  return mode == Mode::gcm ? 12 : block_length(alg);
}

Bytes compute_key_id(CryptoProvider& crypto, Alg alg, ByteView key) {
  SecretBytes id = crypto.hkdf_sha256({}, key, label("softcard-ski-v1 key-id", {std::uint8_t(alg)}),
                                      key_id_length);
  return Bytes(id.view().begin(), id.view().end());
}

SessionKey make_session_key(CryptoProvider& crypto, Alg alg, ByteView key) {
  SessionKey k;
  k.alg = alg;
  k.key = SecretBytes(key);
  k.id = compute_key_id(crypto, alg, key);
  k.mode = Mode::cbc;
  k.iv = Bytes(iv_length(alg, Mode::cbc), 0);
  return k;
}

const char* describe(Reject r) {
  switch (r) {
    case Reject::malformed:
      return "malformed blob";
    case Reject::wrong_function:
      return "blob is for another secure function";
    case Reject::wrong_handle:
      return "blob is bound to another session key";
    case Reject::wrong_iv:
      return "IV or chaining mode differs from the key's properties";
    case Reject::tampered:
      return "blob authentication failed";
    case Reject::replayed:
      return "blob already consumed (sequence number not fresh)";
  }
  return "?";
}

Bytes seal(CryptoProvider& crypto, SessionKey& key, std::uint8_t function, Direction dir,
           ByteView nonce, ByteView plaintext) {
  if (nonce.size() != nonce_length) throw CryptoError(CryptoErrc::invalid_argument, "nonce length");
  if (!mode_allowed(key.alg, key.mode) || key.iv.size() != iv_length(key.alg, key.mode))
    throw CryptoError(CryptoErrc::invalid_argument, "mode or IV does not fit the algorithm");
  if (key.next_out_seq == 0) throw CryptoError(CryptoErrc::invalid_argument, "sequence exhausted");
  Bytes h = {0x53,
             0x4B,
             0x01,
             function,
             std::uint8_t(dir),
             std::uint8_t(key.alg),
             std::uint8_t(key.mode),
             std::uint8_t(key.iv.size())};
  append(h, key.id);
  const std::uint32_t seq = key.next_out_seq;
  for (int i = 3; i >= 0; --i) h.push_back(static_cast<std::uint8_t>(seq >> (8 * i)));
  append(h, nonce);
  append(h, key.iv);
  Subkeys sk = derive_subkeys(crypto, key.alg, key.mode, key.key.view());
  Bytes out = h;
  if (key.mode == Mode::gcm) {
    Bytes iv = blob_iv(crypto, sk.mac.view(), h, 12);
    GcmSealed s = crypto.aes_gcm_encrypt(sk.enc.view(), iv, h, plaintext);
    append(out, s.ciphertext);
    append(out, s.tag);
  } else {
    Bytes iv = blob_iv(crypto, sk.mac.view(), h, block_length(key.alg));
    Bytes ct = crypto.encrypt({block_alg(key.alg), BlockMode::cbc, BlockPadding::pkcs7},
                              sk.enc.view(), iv, plaintext);
    append(out, ct);
    append(out, cbc_tag(crypto, sk.mac.view(), h, ct));
  }
  key.next_out_seq = seq + 1;
  return out;
}

std::variant<Opened, Reject> open(CryptoProvider& crypto, const SessionKey& key,
                                  std::uint8_t function, Direction dir, ByteView blob) {
  // 1. structure
  if (blob.size() < header_fixed) return Reject::malformed;
  if (blob[0] != 0x53 || blob[1] != 0x4B || blob[2] != 0x01) return Reject::malformed;
  if (blob[4] != std::uint8_t(dir)) return Reject::malformed;
  auto alg = alg_from_id(blob[5]);
  auto mode = mode_from_id(blob[6]);
  if (!alg || !mode || !mode_allowed(*alg, *mode)) return Reject::malformed;
  const std::size_t n = blob[7];
  if (n != iv_length(*alg, *mode)) return Reject::malformed;
  const std::size_t hlen = header_fixed + n;
  if (blob.size() < hlen + tag_length) return Reject::malformed;
  const std::size_t ctlen = blob.size() - hlen - tag_length;
  if (*mode == Mode::cbc && (ctlen == 0 || ctlen % block_length(*alg) != 0))
    return Reject::malformed;
  // 2. function
  if (blob[3] != function) return Reject::wrong_function;
  // 3. key binding
  ByteView h = blob.subspan(0, hlen);
  if (*alg != key.alg || !constant_time_equal(h.subspan(8, key_id_length), key.id))
    return Reject::wrong_handle;
  // 4. properties
  if (*mode != key.mode || !constant_time_equal(h.subspan(header_fixed, n), key.iv))
    return Reject::wrong_iv;
  // 5. authenticity
  const std::uint32_t seq =
      std::uint32_t(h[16]) << 24 | std::uint32_t(h[17]) << 16 | std::uint32_t(h[18]) << 8 | h[19];
  ByteView ct = blob.subspan(hlen, ctlen);
  ByteView tag = blob.subspan(hlen + ctlen, tag_length);
  Subkeys sk = derive_subkeys(crypto, key.alg, key.mode, key.key.view());
  Opened o;
  o.seq = seq;
  if (*mode == Mode::gcm) {
    Bytes iv = blob_iv(crypto, sk.mac.view(), h, 12);
    try {
      o.plaintext = crypto.aes_gcm_decrypt(sk.enc.view(), iv, h, ct, tag);
    } catch (const CryptoError&) {
      return Reject::tampered;
    }
  } else {
    if (!constant_time_equal(cbc_tag(crypto, sk.mac.view(), h, ct), tag)) return Reject::tampered;
  }
  // 6. freshness
  if (seq <= key.last_in_seq) return Reject::replayed;
  if (*mode == Mode::cbc) {
    Bytes iv = blob_iv(crypto, sk.mac.view(), h, block_length(key.alg));
    try {
      o.plaintext = crypto.decrypt({block_alg(key.alg), BlockMode::cbc, BlockPadding::pkcs7},
                                   sk.enc.view(), iv, ct);
    } catch (const CryptoError&) {
      return Reject::malformed;  // authentic but badly padded: the sender is broken
    }
  }
  return o;
}

Bytes key_data_blob(ByteView key) {
  Bytes out;
  put_u32le(out, key_data_blob_magic);
  put_u32le(out, 1);
  put_u32le(out, static_cast<std::uint32_t>(key.size()));
  append(out, key);
  return out;
}

std::optional<SecretBytes> parse_key_data_blob(ByteView blob) {
  if (blob.size() < 12) return std::nullopt;
  if (get_u32le(blob, 0) != key_data_blob_magic || get_u32le(blob, 4) != 1) return std::nullopt;
  if (get_u32le(blob, 8) != blob.size() - 12) return std::nullopt;
  return SecretBytes(blob.subspan(12));
}

SecretBytes derive_shared(CryptoProvider& crypto, ByteView shared_key, std::uint8_t number, Alg alg,
                          ByteView ns, ByteView nc) {
  Bytes salt(ns.begin(), ns.end());
  append(salt, nc);
  return crypto.hkdf_sha256(salt, shared_key,
                            label("softcard-ski-v1 shared", {number, std::uint8_t(alg)}),
                            key_length(alg));
}

SecretBytes derive_ecdh(CryptoProvider& crypto, ByteView z, Alg alg) {
  return crypto.hkdf_sha256({}, z, label("softcard-ski-v1 ecdh", {std::uint8_t(alg)}),
                            key_length(alg));
}

}  // namespace softcard::ski
