// Applet::validate for PIV: every record under piv/ and the YubiKey device record are decoded
// when the image is opened, so a damaged one is an error naming it before the card serves
// anything, never a 6F00 at the command that first reads it.
#include "applets/piv/piv_session.h"
#include "softcard/errors.h"

namespace softcard::piv {

namespace {
void check(const ObjectStore& store, const std::string& key, CryptoProvider& crypto) {
  const Bytes& value = *store.get(key);
  if (key == mgmt_key) {
    decode_mgmt(value);
  } else if (key.starts_with(pin_prefix)) {
    const auto pin = security::decode_pin_record(value);
    if (pin.reference != pin_ref && pin.reference != puk_ref)
      throw ImageError("not the PIN or the PUK");
    if (security::PinManager(pin_prefix).key(pin.reference) != key)
      throw ImageError("PIN reference does not match the key");
  } else if (key.starts_with(key_prefix)) {
    const SlotKey k = decode_slot(value);
    if (slot_key(static_cast<std::uint8_t>(std::stoul(key.substr(8), nullptr, 16))) != key)
      throw ImageError("not a slot");
    try {
      const KeyPair pair = crypto.import_private(k.pkcs8.view(), KeyCheck::stored);
      if (algorithm_of(pair) != k.algorithm) throw ImageError("key does not match its algorithm");
    } catch (const CryptoError&) {
      throw ImageError("private key does not load");
    }
  } else if (key.starts_with(object_prefix)) {
    if (value.empty() || value.size() > 3063) throw ImageError("object of an impossible size");
  } else {
    throw ImageError("not a PIV record");
  }
}
}  // namespace

void validate_records(const ObjectStore& store) {
  CryptoProvider crypto;
  auto guarded = [&](const std::string& key, auto&& body) {
    try {
      body();
    } catch (const ImageError& e) {
      throw ImageError("record " + key + ": " + e.what());
    } catch (const std::invalid_argument&) {
      throw ImageError("record " + key + ": malformed key name");
    }
  };
  for (const auto& key : store.keys("piv/")) guarded(key, [&] { check(store, key, crypto); });
  if (store.contains(device_key))
    guarded(device_key, [&] { decode_device(*store.get(device_key)); });
}

}  // namespace softcard::piv
