#include <algorithm>

#include "security/pin.h"

namespace softcard::security {

namespace {
// One provider per derivation: scrypt's own cost (tens of milliseconds) dwarfs setting it up,
// and PinManager stays a cheap value type that applets make where they need one.
SecretBytes derive(ByteView pin, ByteView salt, const ScryptCost& cost) {
  CryptoProvider crypto;
  return crypto.scrypt(pin, salt, cost, 32);
}
}  // namespace

PinVerifier make_pin_verifier(ByteView pin, const ScryptCost& cost) {
  PinVerifier v;
  v.length = static_cast<std::uint8_t>(pin.size());
  v.cost = cost;
  CryptoProvider crypto;
  crypto.random(v.salt);
  const SecretBytes hash = crypto.scrypt(pin, v.salt, cost, v.hash.size());
  std::copy_n(hash.data(), v.hash.size(), v.hash.begin());
  return v;
}

bool pin_matches(const PinVerifier& verifier, ByteView candidate) {
  const SecretBytes hash = derive(candidate, verifier.salt, verifier.cost);
  return constant_time_equal(hash.view(), verifier.hash);
}

}  // namespace softcard::security
