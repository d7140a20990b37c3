// Alone in its translation unit on purpose: unit tests link tests/support/fast_pin_kdf.cpp,
// which defines the same function with a cheap cost, and the linker then never pulls this one
// from the library. Production programs always get this definition.
#include "security/pin.h"

namespace softcard::security {

ScryptCost pin_kdf_cost() {
  // RFC 7914 scrypt with N = 2^14, r = 8, p = 1: 16 MiB and tens of milliseconds per VERIFY
  // (docs/card-image.md gives the figure measured here).
  return ScryptCost{14, 8, 1};
}

}  // namespace softcard::security
