// Container keys: MANAGE SECURITY ENVIRONMENT (22), GENERATE ASYMMETRIC KEY PAIR (47),
// PERFORM SECURITY OPERATION (2A) sign / decipher / ECDH, and the GidsApi container calls.
#include "applets/gids/gids_internal.h"
#include "softcard/errors.h"
#include "softcard/wire/tlv.h"

namespace softcard::gids {

namespace {
std::uint16_t key_fid(std::uint8_t kid) {
  return static_cast<std::uint16_t>(0xB000 | kid);
}

// Mechanisms the key file's FCP lists in CRTs of type `crt_tag` (B6 sign, B8 decipher).
// nullopt: the FCP carries no CRT of that type (then anything matching the key goes).
std::optional<std::vector<std::uint8_t>> listed_mechanisms(const Bytes& fcp, unsigned crt_tag) {
  const auto crts = wire::gids::fcp_crts(fcp);
  if (!crts) return std::nullopt;
  std::vector<std::uint8_t> out;
  bool any = false;
  for (const auto& crt : *crts) {
    if (crt.tag != crt_tag) continue;
    any = true;
    if (crt.mechanism) out.push_back(*crt.mechanism);
  }
  if (!any) return std::nullopt;
  return out;
}

Bytes key_file_fcp(std::uint8_t kid, std::uint8_t algid, KeySpec spec, bool pin) {
  return wire::gids::encode_key_file_fcp({kid, algid, spec == KeySpec::key_exchange, pin});
}
}  // namespace

Response GidsApplet::manage_security_environment(const Command& cmd, CardContext& ctx) {
  if (cmd.p1 == 0xF3) {  // RESTORE: the (only) default environment
    env_.reset();
    return Sw::ok;
  }
  if (cmd.p2 == 0xA4 && (cmd.p1 == 0xC1 || cmd.p1 == 0x81 || cmd.p1 == 0x41))
    return mse_authentication(cmd, ctx);
  if (cmd.p1 != 0x41 || (cmd.p2 != 0xB6 && cmd.p2 != 0xB8)) return Sw::incorrect_p1p2;
  // 80 01 mechanism, 84 01 key reference
  const auto tlvs = wire::parse_tlvs(cmd.data);
  if (!tlvs) throw CardError(Sw::wrong_data);
  const wire::Tlv* mech = wire::find_tlv(*tlvs, 0x80);
  const wire::Tlv* ref = wire::find_tlv(*tlvs, 0x84);
  if (!ref) ref = wire::find_tlv(*tlvs, 0x83);
  if (!mech || mech->value.size() != 1 || !ref || ref->value.size() != 1)
    throw CardError(Sw::wrong_data);
  const std::uint8_t kid = ref->value[0];
  const std::uint8_t m = mech->value[0];
  env_.reset();
  const auto ef = find_ef(ctx.store(), key_fid(kid));
  if (!ef || ef->type != ef_type_key) throw CardError(Sw::reference_not_found);
  check_ef(ctx.store(), *ef, op_key_mse);
  if (ef->key_kind != KeyKind::asymmetric) throw CardError(Sw::reference_not_found);
  const KeyPair& key = private_key(*ef);
  const auto algid = algid_for(key);
  if (!algid || (m & 0x0F) != *algid) throw CardError(Sw::wrong_data);
  const bool sign = cmd.p2 == 0xB6;
  const std::uint8_t high = m & 0xF0;
  if (key.key_type() == KeyType::rsa) {
    const bool known =
        sign ? (high == 0x10 || high == 0x50) : (high == 0x00 || high == 0x40 || high == 0x80);
    if (!known) throw CardError(Sw::wrong_data);
  } else {
    // EC: ECDSA over a host hash (B6) or ECDH (B8); the high nibble carries no padding.
    if (high != 0x00 && high != 0x10 && high != 0x50) throw CardError(Sw::wrong_data);
  }
  if (auto listed = listed_mechanisms(ef->fcp, sign ? 0xB6 : 0xB8)) {
    bool found = false;
    for (auto l : *listed) found = found || l == m;
    if (!found) throw CardError(Sw::reference_data_not_usable);
  } else if (!sign && listed_mechanisms(ef->fcp, 0xB6)) {
    // A signature-only key file (no B8 CRT) is no decipher key.
    throw CardError(Sw::reference_data_not_usable);
  }
  env_ = SecurityEnv{sign, m, kid};
  return Sw::ok;
}

Response GidsApplet::generate_key_pair(const Command& cmd, CardContext& ctx) {
  ObjectStore& store = ctx.store();
  if (cmd.p1p2() != 0x0000) return Sw::incorrect_p1p2;
  // AC { 80 01 algid, 83 01 kid }
  const auto top = wire::parse_tlvs(cmd.data);
  if (!top || top->size() != 1 || (*top)[0].tag != 0xAC) throw CardError(Sw::wrong_data);
  const auto items = wire::parse_tlvs((*top)[0].value);
  if (!items) throw CardError(Sw::wrong_data);
  const wire::Tlv* alg = wire::find_tlv(*items, 0x80);
  const wire::Tlv* kid = wire::find_tlv(*items, 0x83);
  if (!alg || alg->value.size() != 1 || !kid || kid->value.size() != 1)
    throw CardError(Sw::wrong_data);
  const auto info = alg_info(alg->value[0]);
  if (!info) throw CardError(Sw::wrong_data);
  EfRecord ef = get_ef(store, key_fid(kid->value[0]));
  if (ef.type != ef_type_key) throw CardError(Sw::incompatible_file_structure);
  check_ef(store, ef, op_key_generate);
  KeyPair key = info->type == KeyType::rsa ? crypto_.generate_rsa(info->rsa_bits)
                                           : crypto_.generate_ec(info->curve);
  Response r = public_key_template(key);
  ef.key_kind = KeyKind::asymmetric;
  ef.key = crypto_.export_private(key);
  put_ef(store, ef);
  CachedKey entry;
  entry.pkcs8 = ef.key;
  entry.key = std::make_unique<KeyPair>(std::move(key));
  key_cache_[ef.fid] = std::move(entry);
  if (env_ && env_->key_ref == kid->value[0]) env_.reset();
  return r;
}

Response GidsApplet::perform_security_operation(const Command& cmd, CardContext& ctx) {
  const bool sign = cmd.p1 == 0x9E && cmd.p2 == 0x9A;
  const bool decipher = cmd.p1 == 0x80 && cmd.p2 == 0x86;
  if (!sign && !decipher) return Sw::incorrect_p1p2;
  if (!env_ || env_->sign != sign) throw CardError(Sw::conditions_not_satisfied);
  if (cmd.data.empty()) throw CardError(Sw::wrong_length);
  const auto ef = find_ef(ctx.store(), key_fid(env_->key_ref));
  if (!ef || ef->key_kind != KeyKind::asymmetric) throw CardError(Sw::reference_not_found);
  // The PIN may have been logged out since MSE: the key's condition is checked again.
  check_ef(ctx.store(), *ef, op_key_mse);
  const KeyPair& key = private_key(*ef);
  const std::uint8_t high = env_->mechanism & 0xF0;
  ByteView data(cmd.data);
  try {
    if (key.key_type() == KeyType::ec) {
      if (sign) return crypto_.ecdsa_sign(key, data);
      // ECDH: the peer's uncompressed point, optionally inside 7C { 85 point }.
      Bytes point(data.begin(), data.end());
      if (auto t = wire::parse_tlvs(data); t && t->size() == 1 && (*t)[0].tag == 0x7C) {
        auto inner = wire::parse_tlvs((*t)[0].value);
        const wire::Tlv* p = inner ? wire::find_tlv(*inner, 0x85) : nullptr;
        if (!p) throw CardError(Sw::wrong_data);
        point.assign(p->value.begin(), p->value.end());
      }
      const SecretBytes z = crypto_.ecdh(key, point);
      return Bytes(z.view().begin(), z.view().end());
    }
    const std::size_t k = key.size_bytes();
    if (sign) {
      if (high == 0x10 && data.size() == k) {
        const SecretBytes s = crypto_.rsa_raw(key, data);
        return Bytes(s.view().begin(), s.view().end());
      }
      if (data.size() > k - 11) throw CardError(Sw::wrong_length);
      return crypto_.rsa_sign_pkcs1_v15(key, data);
    }
    // A padding-indicator byte 00 in front of the cryptogram is tolerated (ISO form).
    if (data.size() == k + 1 && data[0] == 0x00) data = data.subspan(1);
    if (data.size() != k) throw CardError(Sw::wrong_length);
    RsaPadding padding = high == 0x00   ? RsaPadding::raw()
                         : high == 0x80 ? RsaPadding::oaep()
                                        : RsaPadding::pkcs1_v15();
    const SecretBytes plain = crypto_.rsa_decrypt(key, data, padding);
    return Bytes(plain.view().begin(), plain.view().end());
  } catch (const CryptoError& e) {
    // Bad padding and out-of-range inputs are the host's data; one status for all of them.
    if (e.code() == CryptoErrc::internal) throw;
    throw CardError(Sw::wrong_data);
  }
}

// --- GidsApi: containers --------------------------------------------------------------------

std::vector<ContainerRecord> GidsApplet::containers(const ObjectStore& store) const {
  const auto loc = lookup_file(store, "mscp", "cmapfile");
  if (!loc) return {};
  const auto data = get_do(store, loc->first, loc->second);
  if (!data) return {};
  return decode_cmapfile(*data);
}

void GidsApplet::create_container_key(CardContext& ctx, std::size_t index, const KeyPair& key,
                                      const ContainerKeyOptions& options) {
  ObjectStore& store = ctx.store();
  if (index >= max_containers) throw CardError(Sw::incorrect_p1p2);
  const auto loc = lookup_file(store, "mscp", "cmapfile");
  if (!loc) throw CardError(Sw::conditions_not_satisfied);
  const auto cmap_bytes = get_do(store, loc->first, loc->second);
  if (!cmap_bytes) throw CardError(Sw::conditions_not_satisfied);
  const auto algid = algid_for(key);
  if (!algid) throw CardError(Sw::wrong_data);
  if (options.guid.size() > 39) throw CardError(Sw::wrong_data);
  const auto kid = static_cast<std::uint8_t>(first_container_key + index);

  // Key file.
  EfRecord ef;
  ef.fid = key_fid(kid);
  ef.type = ef_type_key;
  ef.lcs = lcs_operational;
  ef.fcp = key_file_fcp(kid, *algid, options.spec, options.pin_protected);
  ef.key_kind = KeyKind::asymmetric;
  ef.key = crypto_.export_private(key);
  put_ef(store, ef);
  key_cache_.erase(ef.fid);
  if (env_ && env_->key_ref == kid) env_.reset();

  // cmapfile.
  auto records = decode_cmapfile(*cmap_bytes);
  if (records.size() <= index) records.resize(index + 1);
  ContainerRecord& rec = records[index];
  rec = ContainerRecord{};
  if (!options.guid.empty()) {
    rec.guid = options.guid;
  } else {
    const std::string name = "softcard-container-" + std::to_string(index);
    rec.guid.assign(name.begin(), name.end());
  }
  rec.flags = ContainerRecord::flag_valid;
  if (options.make_default) {
    for (auto& r : records) r.flags &= static_cast<std::uint8_t>(~ContainerRecord::flag_default);
    rec.flags |= ContainerRecord::flag_default;
  }
  const auto bits = static_cast<std::uint16_t>(key.bits());
  if (options.spec == KeySpec::key_exchange)
    rec.kx_key_bits = bits;
  else
    rec.sig_key_bits = bits;
  put_do(store, loc->first, loc->second, encode_cmapfile(records));

  // Key map (A000/DF20): one record per cmapfile record.
  Bytes keymap = get_do(store, keymap_ef, keymap_do).value_or(Bytes{});
  wire::gids::ensure_keymap(keymap, records.size());
  wire::gids::put_keymap_record(keymap, index,
                                {*algid, options.spec == KeySpec::key_exchange, kid});
  put_do(store, keymap_ef, keymap_do, keymap);

  bump_cardcf(store, true, true);
}

KeyPair GidsApplet::container_key(const ObjectStore& store, std::size_t index) {
  if (index >= max_containers) throw CardError(Sw::incorrect_p1p2);
  const auto ef = find_ef(store, key_fid(static_cast<std::uint8_t>(first_container_key + index)));
  if (!ef || ef->key_kind != KeyKind::asymmetric) throw CardError(Sw::reference_not_found);
  return crypto_.import_private(ef->key.view(), KeyCheck::stored);  // checked when stored
}

PublicKey GidsApplet::container_public_key(const ObjectStore& store, std::size_t index) {
  const KeyPair key = container_key(store, index);
  return crypto_.public_key(key);
}

}  // namespace softcard::gids
