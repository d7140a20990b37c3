// Container keys: MANAGE SECURITY ENVIRONMENT (22), GENERATE ASYMMETRIC KEY PAIR (47),
// PERFORM SECURITY OPERATION (2A) sign / decipher / ECDH. Whether a key may be used at all is
// decided in key_use.cpp.
#include "applets/gids/gids_session.h"
#include "softcard/errors.h"
#include "softcard/wire/tlv.h"

namespace softcard::gids {

namespace {
const wire::Tlv* find(const std::vector<wire::Tlv>& tlvs, unsigned tag) {
  for (const auto& t : tlvs)
    if (t.tag == tag) return &t;
  return nullptr;
}

}  // namespace

Response manage_security_environment(GidsSession& s, const Command& cmd, CardContext& ctx) {
  if (cmd.p1 == 0xF3) {  // RESTORE: the (only) default environment
    s.env.reset();
    return Sw::ok;
  }
  if (cmd.p2 == 0xA4 && (cmd.p1 == 0xC1 || cmd.p1 == 0x81 || cmd.p1 == 0x41))
    return mse_authentication(s, cmd, ctx);
  if (cmd.p1 != 0x41 || (cmd.p2 != 0xB6 && cmd.p2 != 0xB8)) return Sw::incorrect_p1p2;
  // 80 01 mechanism, 84 01 key reference
  const auto tlvs = wire::parse_tlvs(cmd.data);
  if (!tlvs) throw CardError(Sw::wrong_data);
  const wire::Tlv* mech = find(*tlvs, 0x80);
  const wire::Tlv* ref = find(*tlvs, 0x84);
  if (!ref) ref = find(*tlvs, 0x83);
  if (!mech || mech->value.size() != 1 || !ref || ref->value.size() != 1)
    throw CardError(Sw::wrong_data);
  const std::uint8_t kid = ref->value[0];
  const std::uint8_t m = mech->value[0];
  s.env.reset();
  const EfRecord ef = usable_key_file(s, ctx.store(), kid);
  const KeyPair& key = private_key(s, ctx, ef);
  const auto algid = algid_for(key);
  if (!algid || (m & 0x0F) != *algid) throw CardError(Sw::wrong_data);
  const bool sign = cmd.p2 == 0xB6;
  const std::uint8_t high = m & 0xF0;
  if (key.key_type() == KeyType::rsa) {
    const bool known =
        sign ? (high == 0x10 || high == 0x50) : (high == 0x00 || high == 0x40 || high == 0x80);
    if (!known) throw CardError(Sw::wrong_data);
  } else {
    // EC: ECDSA over a host hash (B6) or ECDH (B8); the high nibble carries no padding. 4x is
    // the decipher nibble hosts use for any key exchange key, so it means ECDH too.
    const bool ecdh_4x = !sign && high == 0x40;
    if (high != 0x00 && high != 0x10 && high != 0x50 && !ecdh_4x) throw CardError(Sw::wrong_data);
  }
  check_key_usage(ef, sign ? KeyUsage::sign : KeyUsage::decipher, m);
  s.env = GidsSession::SecurityEnv{sign, m, kid};
  return Sw::ok;
}

Response generate_key_pair(GidsSession& s, const Command& cmd, CardContext& ctx) {
  ObjectStore& store = ctx.store();
  if (cmd.p1p2() != 0x0000) return Sw::incorrect_p1p2;
  // AC { 80 01 algid, 83 01 kid }
  const auto top = wire::parse_tlvs(cmd.data);
  if (!top || top->size() != 1 || (*top)[0].tag != 0xAC) throw CardError(Sw::wrong_data);
  const auto items = wire::parse_tlvs((*top)[0].value);
  if (!items) throw CardError(Sw::wrong_data);
  const wire::Tlv* alg = find(*items, 0x80);
  const wire::Tlv* kid = find(*items, 0x83);
  if (!alg || alg->value.size() != 1 || !kid || kid->value.size() != 1)
    throw CardError(Sw::wrong_data);
  const auto info = alg_info(alg->value[0]);
  if (!info) throw CardError(Sw::wrong_data);
  EfRecord ef = get_ef(store, key_fid(kid->value[0]));
  if (ef.type != ef_type_key) throw CardError(Sw::incompatible_file_structure);
  check_ef(s, store, ef, op_key_generate);
  KeyPair key = info->type == KeyType::rsa ? ctx.crypto().generate_rsa(info->rsa_bits)
                                           : ctx.crypto().generate_ec(info->curve);
  Response r = public_key_template(ctx.crypto(), key);
  ef.key_kind = KeyKind::asymmetric;
  ef.key = ctx.crypto().export_private(key);
  put_ef(store, ef);
  GidsSession::CachedKey entry;
  entry.pkcs8 = ef.key;
  entry.key = std::make_unique<KeyPair>(std::move(key));
  s.key_cache[ef.fid] = std::move(entry);
  if (s.env && s.env->key_ref == kid->value[0]) s.env.reset();
  return r;
}

Response perform_security_operation(GidsSession& s, const Command& cmd, CardContext& ctx) {
  const bool sign = cmd.p1 == 0x9E && cmd.p2 == 0x9A;
  const bool decipher = cmd.p1 == 0x80 && cmd.p2 == 0x86;
  if (!sign && !decipher) return Sw::incorrect_p1p2;
  if (!s.env || s.env->sign != sign) throw CardError(Sw::conditions_not_satisfied);
  if (cmd.data.empty()) throw CardError(Sw::wrong_length);
  // The PIN may have been logged out since MSE: the key use is decided again.
  const EfRecord ef = usable_key_file(s, ctx.store(), s.env->key_ref);
  check_key_usage(ef, sign ? KeyUsage::sign : KeyUsage::decipher, s.env->mechanism);
  const KeyPair& key = private_key(s, ctx, ef);
  const std::uint8_t high = s.env->mechanism & 0xF0;
  ByteView data(cmd.data);
  try {
    if (key.key_type() == KeyType::ec) {
      if (sign) return ctx.crypto().ecdsa_sign(key, data);
      // ECDH: the peer's uncompressed point, optionally inside 7C { 85 point }.
      Bytes point(data.begin(), data.end());
      if (auto t = wire::parse_tlvs(data); t && t->size() == 1 && (*t)[0].tag == 0x7C) {
        auto inner = wire::parse_tlvs((*t)[0].value);
        const wire::Tlv* p = inner ? find(*inner, 0x85) : nullptr;
        if (!p) throw CardError(Sw::wrong_data);
        point.assign(p->value.begin(), p->value.end());
      }
      const SecretBytes z = ctx.crypto().ecdh(key, point);
      return Bytes(z.view().begin(), z.view().end());
    }
    const std::size_t k = key.size_bytes();
    if (sign) {
      if (high == 0x10 && data.size() == k) {
        const SecretBytes raw = ctx.crypto().rsa_raw(key, data);
        return Bytes(raw.view().begin(), raw.view().end());
      }
      if (data.size() > k - 11) throw CardError(Sw::wrong_length);
      return ctx.crypto().rsa_sign_pkcs1_v15(key, data);
    }
    // A padding-indicator byte 00 in front of the cryptogram is tolerated (ISO form).
    if (data.size() == k + 1 && data[0] == 0x00) data = data.subspan(1);
    if (data.size() != k) throw CardError(Sw::wrong_length);
    RsaPadding padding = high == 0x00   ? RsaPadding::raw()
                         : high == 0x80 ? RsaPadding::oaep()
                                        : RsaPadding::pkcs1_v15();
    const SecretBytes plain = ctx.crypto().rsa_decrypt(key, data, padding);
    return Bytes(plain.view().begin(), plain.view().end());
  } catch (const CryptoError& e) {
    // Bad padding and out-of-range inputs are the host's data; one status for all of them.
    if (e.code() == CryptoErrc::internal) throw;
    throw CardError(Sw::wrong_data);
  }
}

}  // namespace softcard::gids
