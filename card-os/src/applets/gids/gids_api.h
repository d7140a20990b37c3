#pragma once
// The GIDS applet's public C++ API for other card-os modules (notably the secure key injection
// extension in applets/ski/). Everything here works inside the current APDU's store
// transaction: the Card commits or rolls back what these calls write together with the rest of
// the command, so an extension that throws CardError leaves the card unchanged.
//
// Stable interface: additions only.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "softcard/apdu.h"
#include "softcard/applet.h"
#include "softcard/bytes.h"
#include "softcard/crypto.h"
#include "softcard/status_word.h"
#include "softcard/store.h"
#include "softcard/wire/gids.h"

namespace softcard::gids {

inline constexpr std::uint8_t user_pin_reference = 0x80;
inline constexpr std::uint8_t puk_reference = 0x81;
inline constexpr std::uint8_t admin_key_reference = 0x80;  // key file B080
inline constexpr std::uint8_t first_container_key = 0x81;  // container i -> key ref 0x81 + i
inline constexpr std::size_t max_containers = 126;

// Minidriver key spec of a container key (cmapfile size field, keymap key type 9A/9C).
enum class KeySpec : std::uint8_t {
  key_exchange = 1,  // AT_KEYEXCHANGE: decipher + sign (wKeyExchangeKeySizeBits)
  signature = 2,     // AT_SIGNATURE: sign only (wSigKeySizeBits)
};

// One CONTAINER_MAP_RECORD (minidriver v7 §4.4, 86 bytes on the card): the wire format.
using wire::gids::container_record_size;
using wire::gids::ContainerRecord;
using wire::gids::encode_cmapfile;
// Throws CardError(6A80) when the length is not a multiple of 86.
std::vector<ContainerRecord> decode_cmapfile(ByteView data);

// Parameters of a container key written through the API.
struct ContainerKeyOptions {
  KeySpec spec = KeySpec::key_exchange;
  std::u16string guid;        // empty: a name is made up from the index
  bool pin_protected = true;  // key use bound to the user PIN (key file ACL 10), else free (00)
  bool make_default = false;  // set CONTAINER_MAP_DEFAULT_CONTAINER (and clear it elsewhere)
};

// What an extension does with a container's private key (key establishment, so only an
// establishment key serves any of them); the names follow the GIDS mechanism a host would set
// with MSE for the same operation.
enum class ContainerKeyUse : std::uint8_t {
  decipher_pkcs1,  // RSA PKCS#1 v1.5 decryption, mechanism 0x4n (CRT B8)
  decipher_oaep,   // RSA OAEP decryption, mechanism 0x8n (CRT B8)
  key_agreement,   // ECDH, mechanism 0x0n (CRT B8)
};

class GidsApi;

// Extension point: the GIDS applet hands every command with CLA 0x80..0x8F whose INS it does
// not implement itself to the installed extension (the jCardSim 80 B8 install no-op excepted).
class GidsExtension {
 public:
  virtual ~GidsExtension() = default;
  // Return std::nullopt when the command is not the extension's either (the applet answers
  // 6D00). Throw CardError to fail; the APDU's store writes are then rolled back.
  virtual std::optional<Response> process(const Command& cmd, CardContext& ctx, GidsApi& gids) = 0;
  // Power off / reset / deselect: forget session state.
  virtual void clear_volatile() = 0;
  // Adds what the extension keeps in the card image to the applet's inspection (public data
  // only, never key values).
  virtual void inspect(const ObjectStore& /*store*/, AppletInspection& /*out*/) const {}
};

// What an extension may do with the GIDS card. Implemented by the applet; the reference passed
// to GidsExtension::process is valid for that call only.
class GidsApi {
 public:
  virtual ~GidsApi() = default;
  // Crypto: use CardContext::crypto(), the card's one provider.

  // --- user PIN (0x80) and administrator -----------------------------------------------------
  // Same semantics and status words as VERIFY 00 20 00 80: Sw::ok, 63Cx, 6983. The retry counter
  // is committed before the comparison.
  virtual Sw verify_pin(CardContext& ctx, ByteView pin) = 0;
  virtual bool pin_verified() const = 0;
  // Forgets the user PIN's verification for this session (VERIFY 00 20 FF 80 semantics).
  virtual void deauthenticate_pin() = 0;
  // CHANGE REFERENCE DATA 00 24 00 80 semantics: Sw::ok, 63Cx, 6983; bad new length -> 6A80.
  virtual Sw change_pin(CardContext& ctx, ByteView old_pin, ByteView new_pin) = 0;
  // RESET RETRY COUNTER after admin authentication (00 2C 02 80): restores the counter and sets
  // new_pin if given. Throws CardError(6982) when the administrator is not authenticated.
  virtual void unblock_pin(CardContext& ctx, std::optional<ByteView> new_pin) = 0;
  virtual std::uint8_t pin_tries_left(const ObjectStore& store) const = 0;
  // Admin key 0x80 authenticated in this session (mutual or external authentication).
  virtual bool admin_authenticated() const = 0;
  // Z1 || Z2 of the last successful mutual authentication in this session (the key material the
  // GIDS protocol derives and that no public host uses), or nullopt.
  virtual std::optional<SecretBytes> admin_session_material() const = 0;

  // --- containers ----------------------------------------------------------------------------
  // The cmapfile (A010/DF23, through the master file) as records.
  virtual std::vector<ContainerRecord> containers(const ObjectStore& store) const = 0;
  // Writes key `key` as container `index` (key ref 0x81 + index, key file B0xx) and updates the
  // cmapfile record, the key map (A000/DF20) and the cardcf freshness counters consistently.
  // An existing key in that container is replaced. Throws CardError: 6A86 index out of range,
  // 6985 card not initialized (no master file / cmapfile), 6A80 unsupported key size.
  // Access is the caller's responsibility (e.g. require admin_authenticated() or pin_verified()).
  virtual void create_container_key(CardContext& ctx, std::size_t index, const KeyPair& key,
                                    const ContainerKeyOptions& options) = 0;
  // The private key of container `index` (key ref 0x81 + index) for SKI key establishment
  // (docs/gids.md, "Key use"; docs/ski.md §13): 6A86 index out of range; 6A88 no key file or no
  // private key; 6985 key file not activated; 6982 the key file's use condition (PIN) not met;
  // 6984 not an establishment key (its key file lists no A6 CRT), whatever `use` says. The
  // reference is valid until the next call into this API; never let the key leave the card.
  virtual const KeyPair& container_key_for(CardContext& ctx, std::size_t index,
                                           ContainerKeyUse use) = 0;
  // The public part of container `index` (6A86, 6A88 as above; a public part needs no condition).
  virtual PublicKey container_public_key(CardContext& ctx, std::size_t index) = 0;
};

}  // namespace softcard::gids
