#pragma once
// What the GIDS applet's handler families share: the volatile session (security status,
// environments, challenges, current EF), the key cache, and the helpers every family uses
// (life cycle, access checks, EF and DO records). One handler family per source file; the
// dispatch table keyed by INS is in gids_applet.cpp.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "applets/gids/gids_internal.h"
#include "security/pin.h"
#include "softcard/apdu.h"
#include "softcard/applet.h"

namespace softcard::gids {

struct GidsSession {
  security::PinManager pins{pin_prefix};
  security::SecurityState security;
  struct SecurityEnv {
    bool sign = true;  // B6 sign, else B8 decipher / key agreement
    std::uint8_t mechanism = 0;
    std::uint8_t key_ref = 0;
  };
  std::optional<SecurityEnv> env;
  std::optional<std::uint8_t> auth_key;  // MSE A4: admin key reference for GENERAL AUTHENTICATE
  struct Challenge {
    bool mutual = false;
    SecretBytes card_random;  // R2 (mutual) or the external-authentication challenge
    SecretBytes host_random;  // R1 (mutual)
  };
  std::optional<Challenge> challenge;
  std::optional<SecretBytes> session_material;
  std::optional<std::uint16_t> current_ef;  // set by SELECT / CREATE FILE; nullopt = the DF
  // Parsed private keys, keyed by key file FID, valid while the stored PKCS#8 is unchanged (not
  // volatile state: it survives reset()).
  struct CachedKey {
    SecretBytes pkcs8;
    std::unique_ptr<KeyPair> key;
  };
  std::map<std::uint16_t, CachedKey> key_cache;

  // Power off, reset, (de)selection: nothing verified, no environment, no challenge.
  void reset();
  // Forgets a key file's environment and cached key (it was replaced or deleted).
  void forget_key(std::uint16_t fid);
};

using Handler = Response (*)(GidsSession&, const Command&, CardContext&);

// --- shared helpers (session.cpp) --------------------------------------------------------------
AppState app_state(const ObjectStore& store);
// Throws 6982 unless the compact condition byte is satisfied (always in creation state).
void check_condition(const GidsSession& s, const ObjectStore& store, std::uint8_t condition);
// Life cycle + ACL of an EF for one operation; 6985 for a file not yet activated (except
// activation and deletion).
void check_ef(const GidsSession& s, const ObjectStore& store, const EfRecord& ef, std::uint8_t op);
void check_app(const GidsSession& s, const ObjectStore& store, std::uint8_t op);
std::optional<EfRecord> find_ef(const ObjectStore& store, std::uint16_t fid);
EfRecord get_ef(const ObjectStore& store, std::uint16_t fid);  // 6A82
void put_ef(ObjectStore& store, const EfRecord& ef);
std::optional<Bytes> get_do(const ObjectStore& store, std::uint16_t ef, unsigned tag);
void put_do(ObjectStore& store, std::uint16_t ef, unsigned tag, ByteView value);
void bump_cardcf(ObjectStore& store, bool containers, bool files);
std::optional<std::pair<std::uint16_t, std::uint16_t>> lookup_file(const ObjectStore& store,
                                                                   const std::string& dir,
                                                                   const std::string& name);
// The private key in an asymmetric key file (6A88 otherwise), parsed once and cached.
const KeyPair& private_key(GidsSession& s, CardContext& ctx, const EfRecord& ef);
Bytes public_key_template(CryptoProvider& crypto, const KeyPair& key);
std::uint16_t key_fid(std::uint8_t kid);

// --- the key-use decision (key_use.cpp) ---------------------------------------------------------
// Which CRT of a key file's FCP a use belongs to: B6 (digital signature), B8 (confidentiality:
// decipher and key agreement) or A6 (SKI key establishment, docs/ski.md §13).
enum class KeyUsage : std::uint8_t { sign, decipher, establish };
inline constexpr unsigned establishment_crt = 0xA6;
// The key file of key `kid` if it may be used now: it exists and is a key file (else 6A88), is
// activated (else 6985), its compact ACL's "use" condition (bit 04, MSE) holds (else 6982), and
// it holds a private key (else 6A88).
EfRecord usable_key_file(const GidsSession& s, const ObjectStore& store, std::uint8_t kid);
// The key usage rule: a key file listing an A6 CRT (an establishment key) allows establishment
// only, every other key file refuses it; otherwise, when the key file's FCP lists CRTs of the
// use's type, `mechanism` must be one of them, and a key file listing signature CRTs (B6) only is
// no decipher/key-agreement key. Throws 6984. A key file without CRTs allows every mechanism that
// fits the key, establishment excepted.
void check_key_usage(const EfRecord& ef, KeyUsage usage, std::uint8_t mechanism);
bool is_establishment_key_file(const EfRecord& ef);
// The FCP the card writes for a container key it creates itself.
Bytes key_file_fcp(std::uint8_t kid, std::uint8_t algid, KeySpec spec, bool pin);
// The FCP of an establishment key the card generates at personalization (docs/ski.md §13).
Bytes establishment_key_file_fcp(std::uint8_t kid, std::uint8_t algid);

// --- containers (containers.cpp), behind GidsApi ------------------------------------------------
std::vector<ContainerRecord> containers(const ObjectStore& store);
// Applet::inspect (inspect.cpp): EFs, data objects and the container map.
void inspect_records(const ObjectStore& store, AppletInspection& out);
void create_container_key(GidsSession& s, CardContext& ctx, std::size_t index, const KeyPair& key,
                          const ContainerKeyOptions& options);
const KeyPair& container_key_for(GidsSession& s, CardContext& ctx, std::size_t index,
                                 ContainerKeyUse use);
PublicKey container_public_key(GidsSession& s, CardContext& ctx, std::size_t index);

// --- handlers, one family per file -------------------------------------------------------------
// data_objects.cpp
Response get_data(GidsSession&, const Command&, CardContext&);
Response put_data(GidsSession&, const Command&, CardContext&);
// files.cpp
Response select_file(GidsSession&, const Command&, CardContext&);
Response create_file(GidsSession&, const Command&, CardContext&);
Response activate_file(GidsSession&, const Command&, CardContext&);
Response delete_file(GidsSession&, const Command&, CardContext&);
Response terminate_df(GidsSession&, const Command&, CardContext&);
// pins.cpp
Response verify(GidsSession&, const Command&, CardContext&);
Response change_reference_data(GidsSession&, const Command&, CardContext&);
Response reset_retry_counter(GidsSession&, const Command&, CardContext&);
// admin_auth.cpp
Response general_authenticate(GidsSession&, const Command&, CardContext&);
Response mse_authentication(GidsSession&, const Command&, CardContext&);
// keys.cpp
Response manage_security_environment(GidsSession&, const Command&, CardContext&);
Response generate_key_pair(GidsSession&, const Command&, CardContext&);
Response perform_security_operation(GidsSession&, const Command&, CardContext&);

}  // namespace softcard::gids
