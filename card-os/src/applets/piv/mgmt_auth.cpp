// The management key 9B: GENERAL AUTHENTICATE witness / challenge (mutual and single, 3DES or
// AES in ECB over one block, as SP 800-73-4 and the Yubico hosts do it) and Yubico's SET
// MANAGEMENT KEY (FF).
#include "applets/piv/piv_session.h"
#include "softcard/errors.h"

namespace softcard::piv {

namespace {
CipherSpec spec_of(std::uint8_t algorithm) {
  return {algorithm == alg::tdes ? BlockAlg::tdes : BlockAlg::aes, BlockMode::ecb,
          BlockPadding::none};
}

Bytes encrypt_block(CardContext& ctx, const MgmtKey& k, ByteView block) {
  return ctx.crypto().encrypt(spec_of(k.algorithm), k.key.view(), {}, block);
}

Bytes dynamic_auth(std::uint32_t tag, ByteView value) {
  return wire::tlv(0x7C, wire::tlv(tag, value));
}
}  // namespace

Response mgmt_authenticate(PivSession& s, const Command& cmd, CardContext& ctx,
                           const std::vector<wire::Tlv>& items) {
  const MgmtKey key = load_mgmt(ctx.store());
  // P1 names the key's algorithm; 00 is "the 9B key" (3DES in SP 800-73-4, and what OpenSC
  // sends when it asks for random bytes).
  if (cmd.p1 != key.algorithm && cmd.p1 != alg::tdes_legacy) return Sw::wrong_data;
  const std::size_t block = block_size(spec_of(key.algorithm).alg);
  const wire::Tlv* witness = wire::find_tlv(items, 0x80);
  const wire::Tlv* challenge = wire::find_tlv(items, 0x81);
  const wire::Tlv* response = wire::find_tlv(items, 0x82);
  auto pending = std::move(s.pending);
  s.pending.reset();

  if (items.size() == 1 && witness && witness->value.empty()) {
    // Mutual, step 1: the card's witness, encrypted.
    s.security.set_admin(false);
    PivSession::Pending p{true, key.algorithm, SecretBytes(block)};
    ctx.rng().fill(p.value.span());
    Bytes out = dynamic_auth(0x80, encrypt_block(ctx, key, p.value.view()));
    s.pending = std::move(p);
    return out;
  }
  if (items.size() == 1 && challenge && challenge->value.empty()) {
    // Single (card-to-host challenge), step 1; also the host's source of random bytes.
    s.security.set_admin(false);
    PivSession::Pending p{false, key.algorithm, SecretBytes(block)};
    ctx.rng().fill(p.value.span());
    Bytes out = dynamic_auth(0x81, p.value.view());
    s.pending = std::move(p);
    return out;
  }
  if (items.size() == 2 && witness && challenge) {
    // Mutual, step 2: the decrypted witness proves the host; the card answers the host's
    // challenge encrypted.
    if (!pending || !pending->witness) return Sw::conditions_not_satisfied;
    if (challenge->value.size() != block) return Sw::wrong_data;
    if (!constant_time_equal(witness->value, pending->value.view()))
      return Sw::security_not_satisfied;
    if (key.touch) require_touch(ctx.store());
    s.security.set_admin(true);
    return dynamic_auth(0x82, encrypt_block(ctx, key, challenge->value));
  }
  if (items.size() == 1 && response) {
    // Single, step 2: the host's encryption of the card's challenge.
    if (!pending || pending->witness) return Sw::conditions_not_satisfied;
    const Bytes expected = encrypt_block(ctx, key, pending->value.view());
    if (!constant_time_equal(response->value, expected)) return Sw::security_not_satisfied;
    if (key.touch) require_touch(ctx.store());
    s.security.set_admin(true);
    return Sw::ok;
  }
  return Sw::wrong_data;
}

Response set_management_key(PivSession& s, const Command& cmd, CardContext& ctx) {
  require_device(ctx.store());
  if (cmd.p1 != 0xFF || (cmd.p2 != 0xFF && cmd.p2 != 0xFE)) return Sw::incorrect_p1p2;
  require_admin(s);
  // <alg> 9B <length> <key>
  const ByteView d(cmd.data);
  if (d.size() < 3 || d[1] != mgmt_ref) return Sw::wrong_data;
  const std::uint8_t a = d[0];
  if (!mgmt_algorithm_supported(ctx.store(), a)) return Sw::wrong_data;
  if (d[2] != sym_key_size(a) || d.size() != 3u + d[2]) return Sw::wrong_data;
  MgmtKey k;
  k.algorithm = a;
  k.touch = cmd.p2 == 0xFE;
  k.key = SecretBytes(d.subspan(3));
  ctx.store().put_secret(mgmt_key, encode_mgmt(k));
  return Sw::ok;
}

}  // namespace softcard::piv
