#include <stdexcept>

#include "softcard/wire/endian.h"
#include "softcard/wire/ski.h"

namespace softcard::wire::ski {

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

bool is_aes(Alg alg) {
  return alg != Alg::tdes && alg != Alg::tdes112;
}

std::size_t block_length(Alg alg) {
  return is_aes(alg) ? 16 : 8;
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
  return mode == Mode::cbc || is_aes(alg);
}

std::size_t iv_length(Alg alg, Mode mode) {
  return mode == Mode::gcm ? 12 : block_length(alg);
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

namespace {
void need_length(ByteView v, std::size_t n, const char* what) {
  if (v.size() != n) throw std::invalid_argument(what);
}
}  // namespace

Bytes encode_blob_header(const BlobHeader& h) {
  need_length(h.key_id, key_id_length, "SKI key_id length");
  need_length(h.nonce, nonce_length, "SKI nonce length");
  need_length(h.iv, iv_length(h.alg, h.mode), "SKI base IV length");
  Bytes out = {0x53,
               0x4B,
               0x01,
               h.function,
               static_cast<std::uint8_t>(h.direction),
               static_cast<std::uint8_t>(h.alg),
               static_cast<std::uint8_t>(h.mode),
               static_cast<std::uint8_t>(h.iv.size())};
  append(out, h.key_id);
  put_u32be(out, h.seq);
  append(out, h.nonce);
  append(out, h.iv);
  return out;
}

std::variant<BlobParts, Reject> split_blob(ByteView blob, Direction dir) {
  if (blob.size() < header_fixed) return Reject::malformed;
  if (blob[0] != 0x53 || blob[1] != 0x4B || blob[2] != 0x01) return Reject::malformed;
  if (blob[4] != static_cast<std::uint8_t>(dir)) return Reject::malformed;
  const auto alg = alg_from_id(blob[5]);
  const auto mode = mode_from_id(blob[6]);
  if (!alg || !mode || !mode_allowed(*alg, *mode)) return Reject::malformed;
  const std::size_t n = blob[7];
  if (n != iv_length(*alg, *mode)) return Reject::malformed;
  const std::size_t hlen = header_fixed + n;
  if (blob.size() < hlen + tag_length) return Reject::malformed;
  const std::size_t ctlen = blob.size() - hlen - tag_length;
  if (*mode == Mode::cbc && (ctlen == 0 || ctlen % block_length(*alg) != 0))
    return Reject::malformed;
  BlobParts p;
  p.header.function = blob[3];
  p.header.direction = dir;
  p.header.alg = *alg;
  p.header.mode = *mode;
  p.header.key_id = blob.subspan(8, key_id_length);
  p.header.seq = get_u32be(blob, 16);
  p.header.nonce = blob.subspan(20, nonce_length);
  p.header.iv = blob.subspan(header_fixed, n);
  p.header_bytes = blob.subspan(0, hlen);
  p.ciphertext = blob.subspan(hlen, ctlen);
  p.tag = blob.subspan(hlen + ctlen, tag_length);
  return p;
}

Bytes key_data_blob(ByteView key) {
  Bytes out;
  put_u32le(out, key_data_blob_magic);
  put_u32le(out, 1);
  put_u32le(out, static_cast<std::uint32_t>(key.size()));
  append(out, key);
  return out;
}

std::optional<ByteView> key_data_blob_key(ByteView blob) {
  if (blob.size() < 12) return std::nullopt;
  if (get_u32le(blob, 0) != key_data_blob_magic || get_u32le(blob, 4) != 1) return std::nullopt;
  if (get_u32le(blob, 8) != blob.size() - 12) return std::nullopt;
  return blob.subspan(12);
}

namespace {
Bytes hello_head(char a, char b, std::uint8_t number, Alg alg) {
  return {static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b), 0x01, number,
          static_cast<std::uint8_t>(alg)};
}
std::optional<Alg> hello_alg(ByteView m, char a, char b, std::size_t size) {
  if (m.size() != size || m[0] != static_cast<std::uint8_t>(a) ||
      m[1] != static_cast<std::uint8_t>(b) || m[2] != 0x01)
    return std::nullopt;
  return alg_from_id(m[4]);
}
}  // namespace

Bytes encode_shared_request(const SharedRequest& m) {
  need_length(m.shared_key, shared_key_length, "SKI shared key length");
  Bytes out = hello_head('S', 'R', m.number, m.alg);
  out.push_back(static_cast<std::uint8_t>(shared_key_length));
  append(out, m.shared_key);
  return out;
}

Bytes encode_server_hello(const ServerHello& m) {
  need_length(m.ns, shared_nonce_length, "SKI NS length");
  Bytes out = hello_head('S', 'H', m.number, m.alg);
  append(out, m.ns);
  return out;
}

Bytes encode_card_hello(const CardHello& m) {
  need_length(m.ns, shared_nonce_length, "SKI NS length");
  need_length(m.nc, shared_nonce_length, "SKI NC length");
  need_length(m.key_id, key_id_length, "SKI key_id length");
  Bytes out = hello_head('C', 'H', m.number, m.alg);
  append(out, m.ns);
  append(out, m.nc);
  append(out, m.key_id);
  return out;
}

std::optional<SharedRequest> decode_shared_request(ByteView m) {
  auto alg = hello_alg(m, 'S', 'R', shared_request_size);
  if (!alg || m[5] != shared_key_length) return std::nullopt;
  return SharedRequest{m[3], *alg, m.subspan(6, shared_key_length)};
}

std::optional<ServerHello> decode_server_hello(ByteView m) {
  auto alg = hello_alg(m, 'S', 'H', server_hello_size);
  if (!alg) return std::nullopt;
  return ServerHello{m[3], *alg, m.subspan(5, shared_nonce_length)};
}

std::optional<CardHello> decode_card_hello(ByteView m) {
  auto alg = hello_alg(m, 'C', 'H', card_hello_size);
  if (!alg) return std::nullopt;
  return CardHello{m[3], *alg, m.subspan(5, shared_nonce_length),
                   m.subspan(21, shared_nonce_length), m.subspan(37, key_id_length)};
}

}  // namespace softcard::wire::ski
