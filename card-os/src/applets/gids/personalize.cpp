// Writes a GIDS card (blank or initialized) into an ObjectStore, the same state gids-tool
// --initialize leaves behind.
#include "applets/gids/gids_personalize.h"

#include "applets/gids/gids_internal.h"
#include "softcard/errors.h"

namespace softcard::gids {

namespace {
// CREATE FILE data of the six ACL EFs (MS inbox minidriver "ACL Creation"):
// 62 0C 82 01 39 83 02 <fid> 8C 03 03 <update> <read>.
Bytes acl_ef_fcp(std::uint16_t fid, std::uint8_t update, std::uint8_t read) {
  return {0x62,
          0x0C,
          0x82,
          0x01,
          0x39,
          0x83,
          0x02,
          static_cast<std::uint8_t>(fid >> 8),
          static_cast<std::uint8_t>(fid),
          0x8C,
          0x03,
          0x03,
          update,
          read};
}

Bytes admin_key_fcp(AdminKeyAlgorithm alg) {
  // MS "Create EF for Admin Key": MSE free, PUT KEY admin only, never readable; A4 CRT with the
  // cipher (02 = 3DES; 04 = AES, our choice).
  return {0x62, 0x1A,
          0x82, 0x01,
          0x18, 0x83,
          0x02, 0xB0,
          0x80, 0x8C,
          0x04, 0x87,
          0x00, 0x20,
          0xFF, 0xA5,
          0x0B, 0xA4,
          0x09, 0x80,
          0x01, static_cast<std::uint8_t>(alg == AdminKeyAlgorithm::aes ? 0x04 : 0x02),
          0x83, 0x01,
          0x80, 0x95,
          0x01, 0xC0};
}

void put_do(ObjectStore& store, std::uint16_t ef, unsigned tag, ByteView value) {
  Bytes rec{1};
  append(rec, value);
  store.put(do_key(ef, tag), std::move(rec));
}

void check_pin(const std::string& value, const char* field, unsigned min, unsigned max) {
  if (value.size() < min || value.size() > max)
    throw ProfileError(std::string("gids.") + field + ": must be " + std::to_string(min) + " to " +
                       std::to_string(max) + " characters");
  for (unsigned char c : value)
    if (c < 0x20 || c > 0x7E)
      throw ProfileError(std::string("gids.") + field + ": must be printable ASCII");
}
}  // namespace

void personalize_gids(ObjectStore& store, Rng& rng, const GidsPersonalization& p) {
  // Start from nothing of ours.
  for (const auto& key : store.keys("gids/")) store.erase(key);
  if (!p.initialized) {
    store.put(app_key, encode_app_state(AppState::creation));
    return;
  }
  if (p.pin_min_length < 4 || p.pin_min_length > 16)
    throw ProfileError("gids.pin_min_length: must be 4 to 16");
  if (p.pin_max_length < p.pin_min_length || p.pin_max_length > 16)
    throw ProfileError("gids.pin_max_length: must be pin_min_length to 16");
  if (p.pin_max_tries < 1 || p.pin_max_tries > 15)
    throw ProfileError("gids.pin_max_tries: must be 1 to 15");
  if (p.puk_max_tries < 1 || p.puk_max_tries > 15)
    throw ProfileError("gids.puk_max_tries: must be 1 to 15");
  check_pin(p.user_pin, "user_pin", p.pin_min_length, p.pin_max_length);
  if (p.puk) check_pin(*p.puk, "puk", 4, 16);
  const std::size_t n = p.admin_key.size();
  if (p.admin_key_algorithm == AdminKeyAlgorithm::tdes ? (n != 16 && n != 24)
                                                       : (n != 16 && n != 24 && n != 32))
    throw ProfileError(p.admin_key_algorithm == AdminKeyAlgorithm::tdes
                           ? "gids.admin_key: a 3DES admin key has 24 (or 16) bytes"
                           : "gids.admin_key: an AES admin key has 16, 24 or 32 bytes");
  if (!p.cardid.empty() && p.cardid.size() != 16)
    throw ProfileError("gids.cardid: must be 16 bytes");

  security::PinManager pins(pin_prefix);
  security::PinRecord pin;
  pin.reference = user_pin_reference;
  pin.min_length = p.pin_min_length;
  pin.max_length = p.pin_max_length;
  pin.max_tries = pin.tries_left = p.pin_max_tries;
  pin.value = SecretBytes(view(p.user_pin));
  if (p.puk) {
    pin.unblock_reference = puk_reference;
    security::PinRecord puk;
    puk.reference = puk_reference;
    puk.min_length = 4;
    puk.max_length = 16;
    puk.max_tries = puk.tries_left = p.puk_max_tries;
    puk.value = SecretBytes(view(*p.puk));
    pins.install(store, puk);
  }
  pins.install(store, pin);

  struct AclEf {
    std::uint16_t fid;
    std::uint8_t update, read;
  };
  for (const AclEf& a :
       {AclEf{0xA000, 0x30, 0x00}, AclEf{0xA010, 0x30, 0x00}, AclEf{0xA011, 0x30, 0xFF},
        AclEf{0xA012, 0x20, 0x00}, AclEf{0xA013, 0x30, 0x30}, AclEf{0xA014, 0x20, 0x20}}) {
    EfRecord ef;
    ef.fid = a.fid;
    ef.type = ef_type_bertlv;
    ef.lcs = lcs_operational;
    ef.fcp = acl_ef_fcp(a.fid, a.update, a.read);
    store.put(ef_key(ef.fid), encode_ef(ef));
  }
  EfRecord admin;
  admin.fid = 0xB080;
  admin.type = ef_type_key;
  admin.lcs = lcs_operational;
  admin.fcp = admin_key_fcp(p.admin_key_algorithm);
  admin.key_kind = KeyKind::symmetric;
  admin.sym_alg = p.admin_key_algorithm == AdminKeyAlgorithm::aes ? SymAlg::aes : SymAlg::tdes;
  admin.key = p.admin_key;
  store.put_secret(ef_key(admin.fid), encode_ef(admin));

  Bytes cardid = p.cardid;
  if (cardid.empty()) {
    cardid.resize(16);
    rng.fill(cardid);
  }
  put_do(store, masterfile_ef, masterfile_do, initial_masterfile());
  put_do(store, cardapps_ef, cardapps_do, Bytes{0x6D, 0x73, 0x63, 0x70, 0x00, 0x00, 0x00, 0x00});
  put_do(store, cardcf_ef, cardcf_do, Bytes(6, 0x00));
  put_do(store, cmapfile_ef, cmapfile_do, Bytes{});
  put_do(store, cardid_ef, cardid_do, cardid);
  store.put(app_key, encode_app_state(AppState::operational));
}

}  // namespace softcard::gids
