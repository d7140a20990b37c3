// Applet::validate for the ISO applet: every file and PIN record under iso/ is decoded when the
// image is opened, so a damaged one is an error naming it before the card serves anything.
#include "applets/iso/iso_applet.h"
#include "fs/file_tree.h"
#include "security/pin.h"
#include "softcard/errors.h"

namespace softcard::iso {

void validate_records(const ObjectStore& store) {
  const security::PinManager pins(pin_prefix);
  for (const auto& key : store.keys("iso/")) {
    try {
      if (key.starts_with(fs_prefix)) {
        fs::decode_file_record(*store.get(key));
      } else if (key.starts_with(pin_prefix)) {
        const auto pin = security::decode_pin_record(*store.get(key));
        if (pins.key(pin.reference) != key)
          throw ImageError("PIN reference does not match the key");
      }
    } catch (const ImageError& e) {
      throw ImageError("record " + key + ": " + e.what());
    }
  }
}

}  // namespace softcard::iso
