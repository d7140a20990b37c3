#include "softcard/ski_codec.h"

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

BlockAlg block_alg(Alg alg) {
  return wire::ski::is_aes(alg) ? BlockAlg::aes : BlockAlg::tdes;
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

Bytes seal(CryptoProvider& crypto, SessionKey& key, std::uint8_t function, Direction dir,
           ByteView nonce, ByteView plaintext) {
  if (nonce.size() != nonce_length) throw CryptoError(CryptoErrc::invalid_argument, "nonce length");
  if (!mode_allowed(key.alg, key.mode) || key.iv.size() != iv_length(key.alg, key.mode))
    throw CryptoError(CryptoErrc::invalid_argument, "mode or IV does not fit the algorithm");
  if (key.next_out_seq == 0) throw CryptoError(CryptoErrc::invalid_argument, "sequence exhausted");
  const std::uint32_t seq = key.next_out_seq;
  const Bytes h =
      wire::ski::encode_blob_header({function, dir, key.alg, key.mode, key.id, seq, nonce, key.iv});
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
  auto split = wire::ski::split_blob(blob, dir);
  if (auto* r = std::get_if<Reject>(&split)) return *r;
  const wire::ski::BlobParts& parts = std::get<wire::ski::BlobParts>(split);
  const wire::ski::BlobHeader& hdr = parts.header;
  // 2. function
  if (hdr.function != function) return Reject::wrong_function;
  // 3. key binding
  if (hdr.alg != key.alg || !constant_time_equal(hdr.key_id, key.id)) return Reject::wrong_handle;
  // 4. properties
  if (hdr.mode != key.mode || !constant_time_equal(hdr.iv, key.iv)) return Reject::wrong_iv;
  // 5. authenticity
  const std::uint32_t seq = hdr.seq;
  ByteView h = parts.header_bytes, ct = parts.ciphertext, tag = parts.tag;
  Subkeys sk = derive_subkeys(crypto, key.alg, key.mode, key.key.view());
  Opened o;
  o.seq = seq;
  if (hdr.mode == Mode::gcm) {
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
  if (hdr.mode == Mode::cbc) {
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

std::optional<SecretBytes> parse_key_data_blob(ByteView blob) {
  const auto key = wire::ski::key_data_blob_key(blob);
  if (!key) return std::nullopt;
  return SecretBytes(*key);
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
