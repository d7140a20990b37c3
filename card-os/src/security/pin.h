#pragma once
// PINs (reference data) with retry counters, and the volatile security state of one applet.
//
// Persistent records live in the ObjectStore under a key prefix chosen by the owning applet
// ("iso/pin/", "gids/pin/", ...), so applets never see each other's PINs. One object per PIN:
// key = prefix + two lower-case hex digits of the reference, value = versioned record (pin.cpp).
//
// Outcome convention for the operations below:
//  - verification outcomes are RETURNED as a status word: Sw::ok, sw_retries(n) (63Cx),
//    Sw::auth_method_blocked (6983);
//  - everything else is THROWN as CardError: unknown reference -> 6A88, PIN length outside
//    min/max -> 6A80 (no try is consumed), missing authorization -> 6982.
// Every comparison first decrements the retry counter and makes it durable with
// CardContext::persist_now() (that record alone), then compares in constant time; success restores
// the counter (that write is committed with the rest of the APDU).
#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "softcard/applet.h"
#include "softcard/bytes.h"
#include "softcard/crypto.h"
#include "softcard/inspection.h"
#include "softcard/status_word.h"
#include "softcard/store.h"

namespace softcard::security {

// Which PIN references are verified, and whether the applet's administrator is authenticated.
// Volatile: the owning applet keeps one and calls clear() from Applet::clear_volatile().
class SecurityState {
 public:
  bool verified(std::uint8_t reference) const { return verified_.test(reference); }
  void set_verified(std::uint8_t reference, bool on = true) { verified_.set(reference, on); }
  // Administrator authenticated (GIDS: card admin key mutual auth; ISO: a PIN with grants_admin).
  bool admin() const { return admin_; }
  void set_admin(bool on = true) { admin_ = on; }
  void clear() {
    verified_.reset();
    admin_ = false;
  }

 private:
  std::bitset<256> verified_;
  bool admin_ = false;
};

// What the image keeps of a PIN: a salted scrypt verifier, never the PIN (docs/card-image.md,
// "PIN records"). Checking a candidate costs one scrypt at the record's own cost.
struct PinVerifier {
  std::uint8_t length = 0;  // of the unpadded PIN: CHANGE REFERENCE DATA splits old || new by it
  ScryptCost cost;
  std::array<std::uint8_t, 16> salt{};
  std::array<std::uint8_t, 32> hash{};
};

// The cost given to every new verifier: scrypt N = 2^14, r = 8, p = 1 (16 MiB). It lives in a
// translation unit of its own (pin_kdf_cost.cpp) so that unit tests can link a cheaper one
// (tests/support/fast_pin_kdf.cpp); nothing else can lower it.
ScryptCost pin_kdf_cost();
// A verifier for `pin` with a fresh random salt (OpenSSL's DRBG, not the card's Rng: a salt
// must be unique, also on test cards with a fixed Rng).
PinVerifier make_pin_verifier(ByteView pin, const ScryptCost& cost);
// Whether `candidate` is the PIN behind `verifier`; the hashes are compared in constant time.
bool pin_matches(const PinVerifier& verifier, ByteView candidate);

// A PIN (or PUK: a PUK is just a PIN that another PIN names as its unblock_reference).
struct PinRecord {
  std::uint8_t reference = 0x81;  // P2 of VERIFY
  std::uint8_t min_length = 4;
  std::uint8_t max_length = 8;  // 1..127
  std::uint8_t max_tries = 3;   // retry limit, 1..15
  std::uint8_t tries_left = 3;  // 0 = blocked
  // Host pads to max_length with this byte; trailing pad bytes are stripped before the length
  // check and the comparison.
  std::optional<std::uint8_t> pad_byte;
  // PIN (normally a PUK) whose value authorizes RESET RETRY COUNTER for this PIN.
  std::optional<std::uint8_t> unblock_reference;
  // Verifying this PIN also authenticates the administrator (SecurityState::admin()).
  bool grants_admin = false;
  // A value to set with install() (unpadded): turned into `verifier` and never stored. Empty in
  // a record read back.
  SecretBytes value;
  // The stored form: made by install() from `value`, or kept from a record read back.
  std::optional<PinVerifier> verifier;

  bool blocked() const { return tries_left == 0; }
};

// Public view of a PIN for `inspect`, GET DATA and tests: never the value.
struct PinInfo {
  std::uint8_t reference = 0;
  std::uint8_t min_length = 0;
  std::uint8_t max_length = 0;
  std::uint8_t max_tries = 0;
  std::uint8_t tries_left = 0;
  bool verified = false;
  bool blocked() const { return tries_left == 0; }
};

// Record encoding (exposed for tests and `softcard inspect`): encode needs the verifier; decode
// throws ImageError.
Bytes encode_pin_record(const PinRecord& pin);
PinRecord decode_pin_record(ByteView data);
// What Applet::inspect shows of a PIN: its counters and limits, never the verifier.
InspectedPin inspect_pin(const PinRecord& pin, std::string label);

class PinManager {
 public:
  // prefix: e.g. "iso/pin/"; the manager only ever reads and writes keys under it.
  explicit PinManager(std::string key_prefix);
  const std::string& prefix() const { return prefix_; }
  std::string key(std::uint8_t reference) const;

  // --- personalization / inspection ---------------------------------------------------
  // Writes a PIN record (validated: lengths, tries, value length; throws ProfileError). A record
  // with a `value` gets a new verifier; one without keeps its `verifier` (metadata changes).
  void install(ObjectStore& store, const PinRecord& pin) const;
  std::optional<PinRecord> find(const ObjectStore& store, std::uint8_t reference) const;
  std::vector<std::uint8_t> references(const ObjectStore& store) const;
  // Throws CardError(6A88) when the reference is unknown.
  PinInfo info(const ObjectStore& store, const SecurityState& state, std::uint8_t reference) const;

  // --- VERIFY (INS 20) -----------------------------------------------------------------
  // With data: Sw::ok (and state updated), sw_retries(left) or Sw::auth_method_blocked.
  Sw verify(CardContext& ctx, SecurityState& state, std::uint8_t reference, ByteView pin) const;
  // Without data (Lc absent): Sw::ok if verified in this session, 6983 if blocked, else 63Cx.
  // Never consumes a try.
  Sw status(const ObjectStore& store, const SecurityState& state, std::uint8_t reference) const;
  // VERIFY P1=FF: forget the verification (throws 6A88 for an unknown reference).
  void deauthenticate(const ObjectStore& store, SecurityState& state, std::uint8_t reference) const;

  // --- CHANGE REFERENCE DATA (INS 24) --------------------------------------------------
  // How many leading bytes of "old || new" are the old value (P1=00): max_length when the PIN
  // is padded, else the current value's length. Throws 6A88.
  std::size_t current_length(const ObjectStore& store, std::uint8_t reference) const;
  // P1=00: checks `old_pin` (consuming a try like VERIFY), then sets `new_pin`.
  // Returns Sw::ok, 63Cx or 6983; a new value of bad length throws 6A80 before any try is used.
  Sw change(CardContext& ctx, SecurityState& state, std::uint8_t reference, ByteView old_pin,
            ByteView new_pin) const;
  // P1=01: sets `new_pin` without the old value; requires the PIN verified in this session
  // (else 6982), blocked -> 6983.
  void change_verified(CardContext& ctx, const SecurityState& state, std::uint8_t reference,
                       ByteView new_pin) const;

  // --- RESET RETRY COUNTER (INS 2C) ----------------------------------------------------
  // Length of the unblock PIN's value inside the command data (see current_length).
  // Throws 6A88 if the PIN has no unblock_reference.
  std::size_t unblock_length(const ObjectStore& store, std::uint8_t reference) const;
  // P1=00/01: checks `puk` against the PIN's unblock_reference (consuming a PUK try), then
  // restores the PIN's counter and, if given, sets its new value.
  // Returns Sw::ok, or the PUK's 63Cx / 6983.
  Sw unblock(CardContext& ctx, SecurityState& state, std::uint8_t reference, ByteView puk,
             std::optional<ByteView> new_pin) const;
  // P1=02/03: the administrator (state.admin()) restores the counter and optionally sets a new
  // value; 6982 when not authorized.
  void reset_by_admin(CardContext& ctx, const SecurityState& state, std::uint8_t reference,
                      std::optional<ByteView> new_pin) const;

 private:
  PinRecord load(const ObjectStore& store, std::uint8_t reference) const;  // throws 6A88
  void save(ObjectStore& store, const PinRecord& pin) const;
  Sw check(CardContext& ctx, PinRecord& pin, ByteView candidate) const;
  std::string prefix_;
};

}  // namespace softcard::security
