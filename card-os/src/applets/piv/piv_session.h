#pragma once
// What the PIV applet's handler families share: the volatile session (PIN and management-key
// status, the pending 9B witness or challenge), the parsed-key cache, and the helpers every
// family uses. One handler family per source file; the dispatch table keyed by INS is in
// piv_applet.cpp.
#include <map>
#include <memory>
#include <optional>

#include "applets/piv/piv_model.h"
#include "security/pin.h"
#include "softcard/apdu.h"
#include "softcard/applet.h"
#include "softcard/crypto.h"
#include "softcard/wire/tlv.h"

namespace softcard::piv {

struct PivSession {
  security::PinManager pins{pin_prefix};
  // verified(0x80): PIN verified; admin(): management key 9B authenticated.
  security::SecurityState security;
  // A VERIFY succeeded and no PIN-always key has been used since (docs/piv.md, "PIN always").
  bool pin_fresh = false;
  struct Pending {
    bool witness = false;  // true: mutual step 1 (80 00); false: challenge (81 00)
    std::uint8_t algorithm = 0;
    SecretBytes value;  // the plain witness or challenge
  };
  std::optional<Pending> pending;
  // Parsed private keys by slot, valid while the stored PKCS#8 is unchanged.
  struct CachedKey {
    SecretBytes pkcs8;
    std::unique_ptr<KeyPair> key;
  };
  std::map<std::uint8_t, CachedKey> key_cache;

  void reset() {
    security.clear();
    pin_fresh = false;
    pending.reset();
  }
};

using Handler = Response (*)(PivSession&, const Command&, CardContext&);

// --- shared helpers (session.cpp) ---------------------------------------------------------------
// The YubiKey personality; throws CardError(6D00) on a plain PIV card or below `major.minor`.
Device require_device(const ObjectStore& store, std::uint8_t major = 0, std::uint8_t minor = 0);
// Whether the card generates / imports keys of algorithm `a` (firmware-dependent).
bool asymmetric_supported(const ObjectStore& store, std::uint8_t a);
bool mgmt_algorithm_supported(const ObjectStore& store, std::uint8_t a);
void require_admin(const PivSession& s);  // 6982
// Parses data objects; 6A80 when malformed.
std::vector<wire::Tlv> parse_or_6a80(ByteView data);
// The private key of a slot, parsed once and cached (6A80 when the slot is empty).
const KeyPair& slot_private_key(PivSession& s, CardContext& ctx, std::uint8_t slot,
                                const SlotKey& rec);
// Writes a slot's key (origin, policies resolved) and forgets the cached one.
void store_slot_key(PivSession& s, CardContext& ctx, std::uint8_t slot, const KeyPair& key,
                    std::uint8_t algorithm, PinPolicy pin, TouchPolicy touch, Origin origin);
// The public key as GENERATE answers it: 7F49 { 81 n, 82 e } or 7F49 { 86 point }; and the
// inner part alone (GET METADATA tag 04).
Bytes public_key_inner(CryptoProvider& crypto, const KeyPair& key);
Bytes public_key_template(CryptoProvider& crypto, const KeyPair& key);
// The algorithm id of a key (RSA by bits, EC by curve); 0 when PIV has none for it.
std::uint8_t algorithm_of(const KeyPair& key);
// Resolves and checks the AA / AB policy bytes of GENERATE and IMPORT (6A80).
PinPolicy resolve_pin_policy(std::uint8_t slot, std::optional<std::uint8_t> v);
TouchPolicy resolve_touch_policy(std::optional<std::uint8_t> v);
// The simulated touch: granted, or 6985 when the profile makes it time out.
void require_touch(const ObjectStore& store);
// Writes PIN 0x80 and PUK 0x81 with their values and tries (PUK unblocks the PIN).
void install_pins(ObjectStore& store, std::string_view pin, std::uint8_t pin_tries,
                  std::string_view puk, std::uint8_t puk_tries);

// Applet::validate (validate.cpp): throws ImageError("record KEY: problem") for a bad record.
void validate_records(const ObjectStore& store);

// --- handlers, one family per file -------------------------------------------------------------
// objects.cpp
Response get_data(PivSession&, const Command&, CardContext&);
Response put_data(PivSession&, const Command&, CardContext&);
// pins.cpp
Response verify(PivSession&, const Command&, CardContext&);
Response change_reference_data(PivSession&, const Command&, CardContext&);
Response reset_retry_counter(PivSession&, const Command&, CardContext&);
Response set_pin_retries(PivSession&, const Command&, CardContext&);
// general_authenticate.cpp (dispatches 9B to mgmt_auth.cpp)
Response general_authenticate(PivSession&, const Command&, CardContext&);
Response mgmt_authenticate(PivSession&, const Command&, CardContext&,
                           const std::vector<wire::Tlv>& items);
Response set_management_key(PivSession&, const Command&, CardContext&);
// keygen.cpp
Response generate_key_pair(PivSession&, const Command&, CardContext&);
Response import_key(PivSession&, const Command&, CardContext&);
// yubikey.cpp
Response get_version(PivSession&, const Command&, CardContext&);
Response get_serial(PivSession&, const Command&, CardContext&);
Response get_metadata(PivSession&, const Command&, CardContext&);
Response reset_applet(PivSession&, const Command&, CardContext&);
// attest.cpp
Response attest(PivSession&, const Command&, CardContext&);

}  // namespace softcard::piv
