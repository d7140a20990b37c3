// The GidsApi container calls: the cmapfile as records, writing a container key consistently
// (key file, cmapfile, key map, cardcf), and handing a container's key to an extension after
// the key-use decision (key_use.cpp). Personalization adds establishment keys the same way.
#include "applets/gids/gids_personalize.h"
#include "applets/gids/gids_session.h"
#include "softcard/errors.h"

namespace softcard::gids {

std::vector<ContainerRecord> containers(const ObjectStore& store) {
  const auto loc = lookup_file(store, "mscp", "cmapfile");
  if (!loc) return {};
  const auto data = get_do(store, loc->first, loc->second);
  if (!data) return {};
  return decode_cmapfile(*data);
}

namespace {
// Key file, cmapfile record, key map record and cardcf, written together.
void write_container(ObjectStore& store, std::size_t index, const EfRecord& ef, unsigned bits,
                     std::uint8_t algid, const ContainerKeyOptions& options) {
  if (index >= max_containers) throw CardError(Sw::incorrect_p1p2);
  const auto loc = lookup_file(store, "mscp", "cmapfile");
  if (!loc) throw CardError(Sw::conditions_not_satisfied);
  const auto cmap_bytes = get_do(store, loc->first, loc->second);
  if (!cmap_bytes) throw CardError(Sw::conditions_not_satisfied);
  if (options.guid.size() > 39) throw CardError(Sw::wrong_data);
  const auto kid = static_cast<std::uint8_t>(first_container_key + index);
  put_ef(store, ef);

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
  if (options.spec == KeySpec::key_exchange)
    rec.kx_key_bits = static_cast<std::uint16_t>(bits);
  else
    rec.sig_key_bits = static_cast<std::uint16_t>(bits);
  put_do(store, loc->first, loc->second, encode_cmapfile(records));

  // Key map (A000/DF20): 01 then 12-byte records, one per cmapfile record.
  Bytes keymap = get_do(store, keymap_ef, keymap_do).value_or(Bytes{0x01});
  if (keymap.empty()) keymap = {0x01};
  const std::size_t want = 1 + 12 * records.size();
  if (keymap.size() < want) keymap.resize(want, 0);
  std::uint8_t* k = keymap.data() + 1 + 12 * index;
  const Bytes rec_bytes = {
      0x01, 0x00,  0x00,
      0x00, algid, static_cast<std::uint8_t>(options.spec == KeySpec::key_exchange ? 0x9A : 0x9C),
      kid,  0xB0,  0xFF,
      0xFF, 0x00,  0x00};
  std::copy(rec_bytes.begin(), rec_bytes.end(), k);
  put_do(store, keymap_ef, keymap_do, keymap);

  bump_cardcf(store, true, true);
}

EfRecord key_file_record(std::uint8_t kid, Bytes fcp, SecretBytes pkcs8) {
  EfRecord ef;
  ef.fid = key_fid(kid);
  ef.type = ef_type_key;
  ef.lcs = lcs_operational;
  ef.fcp = std::move(fcp);
  ef.key_kind = KeyKind::asymmetric;
  ef.key = std::move(pkcs8);
  return ef;
}
}  // namespace

void create_container_key(GidsSession& s, CardContext& ctx, std::size_t index, const KeyPair& key,
                          const ContainerKeyOptions& options) {
  if (index >= max_containers) throw CardError(Sw::incorrect_p1p2);
  const auto algid = algid_for(key);
  if (!algid) throw CardError(Sw::wrong_data);
  const auto kid = static_cast<std::uint8_t>(first_container_key + index);
  const EfRecord ef =
      key_file_record(kid, key_file_fcp(kid, *algid, options.spec, options.pin_protected),
                      ctx.crypto().export_private(key));
  write_container(ctx.store(), index, ef, key.bits(), *algid, options);
  s.key_cache.erase(ef.fid);
  if (s.env && s.env->key_ref == kid) s.env.reset();
}

void add_establishment_key(ObjectStore& store, CryptoProvider& crypto, std::size_t index,
                           const KeyPair& key) {
  if (index >= max_containers) throw CardError(Sw::incorrect_p1p2);
  const auto algid = algid_for(key);
  if (!algid) throw CardError(Sw::wrong_data);
  const auto kid = static_cast<std::uint8_t>(first_container_key + index);
  const EfRecord ef =
      key_file_record(kid, establishment_key_file_fcp(kid, *algid), crypto.export_private(key));
  const std::string name = "softcard-establishment-" + std::to_string(index);
  ContainerKeyOptions options;
  options.guid.assign(name.begin(), name.end());
  write_container(store, index, ef, key.bits(), *algid, options);
}

namespace {
std::uint8_t container_kid(std::size_t index) {
  if (index >= max_containers) throw CardError(Sw::incorrect_p1p2);
  return static_cast<std::uint8_t>(first_container_key + index);
}
}  // namespace

const KeyPair& container_key_for(GidsSession& s, CardContext& ctx, std::size_t index,
                                 ContainerKeyUse use) {
  const EfRecord ef = usable_key_file(s, ctx.store(), container_kid(index));
  const KeyPair& key = private_key(s, ctx, ef);
  const auto algid = algid_for(key);
  if (!algid) throw CardError(Sw::wrong_data);
  // Every use an extension asks for is SKI key establishment: only an establishment key
  // (A6 CRT) serves it, whatever the padding (docs/ski.md §13).
  (void)use;
  check_key_usage(ef, KeyUsage::establish, *algid);
  return key;
}

PublicKey container_public_key(GidsSession& s, CardContext& ctx, std::size_t index) {
  const auto ef = find_ef(ctx.store(), key_fid(container_kid(index)));
  if (!ef || ef->key_kind != KeyKind::asymmetric) throw CardError(Sw::reference_not_found);
  return ctx.crypto().public_key(private_key(s, ctx, *ef));
}

}  // namespace softcard::gids
