// Test-only: a cheap scrypt cost for new PIN verifiers, so that unit tests that verify PINs
// hundreds of times stay fast. Linked into unit tests only (softcard_add_unit_test); it replaces
// card-os/src/security/pin_kdf_cost.cpp at link time. Production programs never link it.
#include "softcard/crypto.h"

namespace softcard::security {

ScryptCost pin_kdf_cost();  // declared in card-os/src/security/pin.h

ScryptCost pin_kdf_cost() {
  return ScryptCost{4, 1, 1};
}

}  // namespace softcard::security
