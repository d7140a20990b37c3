#include "softcard/wire/endian.h"
#include "softcard/wire/ski.h"
#include "softcard/wire/tlv.h"

namespace softcard::wire::ski {

namespace {
std::uint32_t size32(ByteView v) {
  return static_cast<std::uint32_t>(v.size());
}
}  // namespace

Bytes encode_import_keypair(const ImportKeypair& s) {
  Bytes out;
  put_u32le(out, struct_version);
  out.push_back(s.container_index);
  out.push_back(0), out.push_back(0), out.push_back(0);
  put_u32le(out, s.pin_id);
  put_u32le(out, s.key_spec);
  put_u32le(out, s.key_bits);
  put_u32le(out, size32(s.key_blob));
  append(out, s.key_blob);
  return out;
}

Bytes encode_authenticate(const Authenticate& s) {
  Bytes out;
  put_u32le(out, struct_version);
  put_u32le(out, s.flags);
  put_u32le(out, s.pin_id);
  put_u32le(out, size32(s.pin));
  append(out, s.pin);
  return out;
}

Bytes encode_change_authenticator(const ChangeAuthenticator& s) {
  Bytes out;
  put_u32le(out, struct_version);
  put_u32le(out, s.flags);
  put_u32le(out, s.auth_pin_id);
  put_u32le(out, size32(s.auth));
  put_u32le(out, s.target_pin_id);
  put_u32le(out, size32(s.target));
  put_u32le(out, s.retry_count);
  append(out, s.auth);
  append(out, s.target);
  return out;
}

std::optional<ImportKeypair> decode_import_keypair(ByteView p) {
  if (p.size() < 24 || get_u32le(p, 0) != struct_version || get_u32le(p, 20) != p.size() - 24)
    return std::nullopt;
  return ImportKeypair{p[4], get_u32le(p, 8), get_u32le(p, 12), get_u32le(p, 16), p.subspan(24)};
}

std::optional<Authenticate> decode_authenticate(ByteView p) {
  if (p.size() < 16 || get_u32le(p, 0) != struct_version || get_u32le(p, 12) != p.size() - 16)
    return std::nullopt;
  return Authenticate{get_u32le(p, 4), get_u32le(p, 8), p.subspan(16)};
}

std::optional<ChangeAuthenticator> decode_change_authenticator(ByteView p) {
  if (p.size() < 28 || get_u32le(p, 0) != struct_version) return std::nullopt;
  const std::uint32_t cb_auth = get_u32le(p, 12), cb_target = get_u32le(p, 20);
  if (std::uint64_t(cb_auth) + cb_target != p.size() - 28) return std::nullopt;
  ChangeAuthenticator s;
  s.flags = get_u32le(p, 4);
  s.auth_pin_id = get_u32le(p, 8);
  s.target_pin_id = get_u32le(p, 16);
  s.retry_count = get_u32le(p, 24);
  s.auth = p.subspan(28, cb_auth);
  s.target = p.subspan(28 + cb_auth, cb_target);
  return s;
}

bool well_formed(std::uint8_t function, ByteView p) {
  switch (function) {
    case csf::import_keypair:
      return decode_import_keypair(p).has_value();
    case csf::authenticate:
      return decode_authenticate(p).has_value();
    case csf::change_authenticator:
      return decode_change_authenticator(p).has_value();
  }
  return false;
}

Bytes encode_authenticate_response(const AuthenticateResponse& r) {
  Bytes out;
  put_u32le(out, struct_version);
  put_u32le(out, size32(r.session_pin_blob));
  put_u32le(out, r.attempts_remaining);
  append(out, r.session_pin_blob);
  return out;
}

Bytes encode_change_authenticator_response(const ChangeAuthenticatorResponse& r) {
  Bytes out;
  put_u32le(out, struct_version);
  put_u32le(out, r.attempts_remaining);
  return out;
}

std::optional<AuthenticateResponse> decode_authenticate_response(ByteView r) {
  if (r.size() < 12 || get_u32le(r, 0) != struct_version || get_u32le(r, 4) != r.size() - 12)
    return std::nullopt;
  return AuthenticateResponse{get_u32le(r, 8), r.subspan(12)};
}

std::optional<ChangeAuthenticatorResponse> decode_change_authenticator_response(ByteView r) {
  if (r.size() != 8 || get_u32le(r, 0) != struct_version) return std::nullopt;
  return ChangeAuthenticatorResponse{get_u32le(r, 4)};
}

Bytes encode_capabilities(const Capabilities& c) {
  Bytes out;
  const std::uint8_t fields[] = {c.import_support, c.algs, c.paddings, c.modes,
                                 c.slots,          c.free, c.curves,   c.version};
  for (std::uint8_t i = 0; i < 8; ++i) put_tlv(out, 0x80u + i, Bytes{fields[i]});
  return out;
}

Capabilities decode_capabilities(ByteView data) {
  Capabilities c;
  const auto tlvs = parse_tlvs(data);
  auto byte = [&](std::uint32_t tag) -> std::uint8_t {
    if (!tlvs) return 0;
    const Tlv* t = find_tlv(*tlvs, tag);
    return (t && t->value.size() == 1) ? t->value[0] : 0;
  };
  c.import_support = byte(0x80), c.algs = byte(0x81), c.paddings = byte(0x82), c.modes = byte(0x83),
  c.slots = byte(0x84), c.free = byte(0x85), c.curves = byte(0x86), c.version = byte(0x87);
  return c;
}

}  // namespace softcard::wire::ski
