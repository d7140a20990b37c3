#pragma once
// Building blocks for applets implemented outside card-os (Python through softcard._core, or any
// other foreign front-end), so such an applet gets the same guarantees as a built-in one without
// reaching into card-os internals:
//  - ScopedStore: the card's transactional store restricted to the applet's key prefix (every
//    write joins the current command's transaction: it commits with a success status word and
//    rolls back with any other status or an exception);
//  - PinSet: PIN objects of the card OS's own PIN implementation (retry counter persisted
//    before the constant-time comparison, salted scrypt verifiers, never a stored PIN);
//  - KeyStore: key pairs generated or imported on the card, private keys kept as secret records
//    of the store (encrypted at rest under an image key), used through the card's
//    CryptoProvider.
//
// An external applet is installed with Card::install() after make_card()/open_card() and
// before the card's first command; it is not listed in the image (keys::applets), so the image
// opens without it. docs/python.md describes the Python side built on this.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "softcard/applet.h"
#include "softcard/bytes.h"
#include "softcard/crypto.h"
#include "softcard/inspection.h"
#include "softcard/status_word.h"
#include "softcard/store.h"

namespace softcard::kit {

// The key prefix an external applet named `name` owns: "ext/<name>/". Names are 1..64
// characters of [A-Za-z0-9_.-]; anything else throws std::invalid_argument.
std::string applet_prefix(std::string_view name);

// The store seen through a prefix: keys given and returned are relative to it. Relative keys are
// 1..200 bytes of printable ASCII (0x21..0x7E); others throw std::invalid_argument.
class ScopedStore {
 public:
  ScopedStore(ObjectStore& store, std::string prefix);
  const Bytes* get(std::string_view key) const;
  bool contains(std::string_view key) const { return get(key) != nullptr; }
  void put(std::string_view key, Bytes value);
  // A secret record: encrypted at rest when the image has a key (docs/card-image.md).
  void put_secret(std::string_view key, Bytes value);
  void erase(std::string_view key);
  bool is_secret(std::string_view key) const;
  // Relative keys starting with `prefix` (relative too), sorted.
  std::vector<std::string> keys(std::string_view prefix = {}) const;
  const std::string& prefix() const { return prefix_; }

 private:
  std::string full(std::string_view key) const;
  ObjectStore* store_;
  std::string prefix_;
};

struct PinPolicy {
  std::uint8_t reference = 0x81;
  std::uint8_t min_length = 4;
  std::uint8_t max_length = 8;  // 1..127
  std::uint8_t max_tries = 3;   // 1..15
  // The host pads to max_length with this byte; trailing pad bytes are stripped before checks.
  std::optional<std::uint8_t> pad_byte;
  // The PIN (a PUK) whose value unblocks this one (PinSet::unblock).
  std::optional<std::uint8_t> unblock_reference;
};

struct PinState {
  std::uint8_t reference = 0;
  std::uint8_t min_length = 0, max_length = 0, max_tries = 0, tries_left = 0;
  bool verified = false;
  bool blocked() const { return tries_left == 0; }
};

// PINs of one applet, records under `prefix` (e.g. applet_prefix(name) + "pin/"), plus which
// of them are verified in this session (volatile: clear() from Applet::clear_volatile()).
// Status words follow the card OS's PIN convention (docs/iso-applet.md): verification outcomes
// are returned (9000, 63Cx, 6983); an unknown reference throws CardError(6A88), a PIN length
// outside min..max throws CardError(6A80) without consuming a try, a failed durable write of the
// counter throws CardError(6581) before any comparison.
class PinSet {
 public:
  explicit PinSet(std::string prefix);
  ~PinSet();
  PinSet(const PinSet&) = delete;
  PinSet& operator=(const PinSet&) = delete;

  // Creates or replaces the PIN (value unpadded). Bad limits or a value of bad length throw
  // ProfileError.
  void install(ObjectStore& store, const PinPolicy& policy, ByteView value) const;
  bool has(const ObjectStore& store, std::uint8_t reference) const;
  std::vector<std::uint8_t> references(const ObjectStore& store) const;
  // The retry counter is decremented and flushed to disk before the comparison.
  Sw verify(CardContext& ctx, std::uint8_t reference, ByteView pin);
  // 9000 when verified in this session, 6983 when blocked, else 63Cx; never consumes a try.
  Sw status(const ObjectStore& store, std::uint8_t reference) const;
  bool verified(std::uint8_t reference) const;
  void deauthenticate(const ObjectStore& store, std::uint8_t reference);
  // Checks `old_pin` like verify(), then sets `new_pin` (6A80 for a bad new length, before any
  // try is consumed).
  Sw change(CardContext& ctx, std::uint8_t reference, ByteView old_pin, ByteView new_pin);
  // Checks `puk` against the PIN's unblock_reference (a PUK try), then restores the counter and
  // sets `new_pin` when given. 6A88 when the PIN has no unblock reference.
  Sw unblock(CardContext& ctx, std::uint8_t reference, ByteView puk,
             std::optional<ByteView> new_pin);
  PinState state(const ObjectStore& store, std::uint8_t reference) const;
  void clear();
  // For Applet::inspect: counters and limits, never the verifier.
  std::vector<InspectedPin> inspect(const ObjectStore& store) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What to generate: an RSA key of `rsa_bits` or an EC key on `curve`.
struct KeySpec {
  KeyType type = KeyType::ec;
  unsigned rsa_bits = 2048;
  Curve curve = Curve::p256;
};

enum class SignScheme {
  rsa_pkcs1,  // input: a DigestInfo (digest_info()); the card pads
  rsa_pss,    // input: a hash of 20/32/48/64 bytes (SHA-1/256/384/512), salt = hash length
  rsa_raw,    // input: modulus-sized block, the host padded it
  ecdsa,      // input: a hash; output raw r||s
  ecdsa_der,  // input: a hash; output DER Ecdsa-Sig-Value
};

// Key pairs of one applet, each a secret record (PKCS#8) under `prefix` + name. Names follow
// ScopedStore's rule. A missing key throws CardError(6A88); a key of the wrong type for the
// operation or bad input throws CardError(6A80) (a bad padding: 6A80 too, and nothing else is
// said). Private keys never leave through this class except by export_private().
class KeyStore {
 public:
  explicit KeyStore(std::string prefix);
  ~KeyStore();
  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;

  // Generates and stores the key (replacing one of that name); returns its SubjectPublicKeyInfo.
  Bytes generate(CardContext& ctx, std::string_view name, const KeySpec& spec);
  // Stores a PKCS#8 private key given by the applet (fully checked); returns its SPKI.
  Bytes import_private(CardContext& ctx, std::string_view name, ByteView pkcs8);
  bool has(const ObjectStore& store, std::string_view name) const;
  void erase(ObjectStore& store, std::string_view name);
  std::vector<std::string> names(const ObjectStore& store) const;
  Bytes public_der(CardContext& ctx, std::string_view name);
  Bytes sign(CardContext& ctx, std::string_view name, SignScheme scheme, ByteView input);
  SecretBytes decrypt(CardContext& ctx, std::string_view name, ByteView ciphertext,
                      const RsaPadding& padding);
  // ECDH: the shared x-coordinate with `peer_point` (uncompressed, on the key's curve).
  SecretBytes ecdh(CardContext& ctx, std::string_view name, ByteView peer_point);
  // The PKCS#8 private key, for an applet that chooses to hand it out.
  SecretBytes export_private(CardContext& ctx, std::string_view name);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A CardContext outside any command, for an external applet's personalization when it is
// installed: writes stay pending in the store's transaction until the caller commits (or rolls
// back) it; persist_now commits that one record durably, as during a command.
class SetupContext final : public CardContext {
 public:
  SetupContext(ObjectStore& store, Rng& rng, LogSink log = {});
  ~SetupContext() override;
  ObjectStore& store() override { return *store_; }
  Rng& rng() override { return *rng_; }
  CryptoProvider& crypto() override;
  void persist_now(std::string_view key) override;
  void log(LogLevel level, std::string_view message) override;

 private:
  ObjectStore* store_;
  Rng* rng_;
  LogSink log_;
  std::unique_ptr<CryptoProvider> crypto_;
};

}  // namespace softcard::kit
