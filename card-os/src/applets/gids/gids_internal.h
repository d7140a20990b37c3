#pragma once
// Inside the GIDS applet: persistent record formats, compact ACLs and the applet class whose
// handler families live in one file each (data_objects.cpp, files.cpp, pins.cpp,
// admin_auth.cpp, keys.cpp).
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "applets/gids/gids_api.h"
#include "security/pin.h"
#include "softcard/applet.h"
#include "softcard/crypto.h"

namespace softcard::gids {

inline constexpr std::uint16_t app_fid = 0x3FFF;
inline constexpr std::uint8_t ef_type_bertlv = 0x39;
inline constexpr std::uint8_t ef_type_key = 0x18;

// Well-known DOs (minidriver files) and where they live.
inline constexpr std::uint16_t masterfile_ef = 0xA000, masterfile_do = 0xDF1F;
inline constexpr std::uint16_t keymap_ef = 0xA000, keymap_do = 0xDF20;
inline constexpr std::uint16_t cardid_ef = 0xA012, cardid_do = 0xDF20;
inline constexpr std::uint16_t cardapps_ef = 0xA010, cardapps_do = 0xDF21;
inline constexpr std::uint16_t cardcf_ef = 0xA010, cardcf_do = 0xDF22;
inline constexpr std::uint16_t cmapfile_ef = 0xA010, cmapfile_do = 0xDF23;

// Application life cycle (ISO 7816-4 LCS byte values).
enum class AppState : std::uint8_t { creation = 0x01, operational = 0x05, terminated = 0x0C };
// File life cycle: created, then activated.
inline constexpr std::uint8_t lcs_creation = 0x01;
inline constexpr std::uint8_t lcs_operational = 0x05;

// Store keys (all under "gids/").
inline constexpr const char* app_key = "gids/app";
inline constexpr const char* pin_prefix = "gids/pin/";
std::string ef_key(std::uint16_t fid);
std::string ef_prefix();
std::string do_key(std::uint16_t ef, unsigned tag);
std::string do_prefix(std::uint16_t ef);

Bytes encode_app_state(AppState s);
AppState decode_app_state(ByteView b);

enum class KeyKind : std::uint8_t { none = 0, symmetric = 1, asymmetric = 2 };
enum class SymAlg : std::uint8_t { tdes = 0, aes = 1 };

// One EF: an ACL EF (type 39) or a key file (type 18) with its key.
struct EfRecord {
  std::uint16_t fid = 0;
  std::uint8_t type = ef_type_bertlv;
  std::uint8_t lcs = lcs_creation;
  Bytes fcp;  // as received by CREATE FILE
  KeyKind key_kind = KeyKind::none;
  SymAlg sym_alg = SymAlg::tdes;
  SecretBytes key;  // symmetric: raw key; asymmetric: PKCS#8 PrivateKeyInfo

  bool active() const { return lcs == lcs_operational; }
};
Bytes encode_ef(const EfRecord& ef);
EfRecord decode_ef(ByteView data);  // throws ImageError

// The compact-format security attribute (FCP tag 8C): access mode byte + one condition byte
// per operation bit, highest bit first.
struct CompactAcl {
  bool present = false;
  std::uint8_t am = 0;
  std::array<std::uint8_t, 7> sc{};  // index = bit number 0..6
  // The condition byte for an operation bit (0x01..0x40), nullopt when the AM omits it.
  std::optional<std::uint8_t> condition(std::uint8_t op_bit) const;
};
CompactAcl parse_compact_acl(ByteView fcp);  // throws CardError(6A80) on malformed 8C

// Operation bits.
inline constexpr std::uint8_t op_df_delete_child = 0x01, op_df_create_ef = 0x02;
inline constexpr std::uint8_t op_ef_read = 0x01, op_ef_update = 0x02, op_ef_activate = 0x10,
                              op_ef_terminate = 0x20, op_ef_delete = 0x40;
inline constexpr std::uint8_t op_key_read_public = 0x01, op_key_put = 0x02, op_key_mse = 0x04,
                              op_key_generate = 0x08;

// The application DF's FCP and ACL (fixed, as on the cards msclmd knows).
const Bytes& app_fcp();

// Algorithm identifiers (low nibble of the mechanism references in MSE).
std::optional<std::uint8_t> algid_for(const KeyPair& key);
struct AlgInfo {
  KeyType type = KeyType::rsa;
  unsigned rsa_bits = 0;
  Curve curve = Curve::p256;
};
std::optional<AlgInfo> alg_info(std::uint8_t algid);

// Master file (A000/DF1F) records: the wire format.
using wire::gids::encode_masterfile;
using wire::gids::MasterFileEntry;
std::vector<MasterFileEntry> decode_masterfile(ByteView data);  // throws CardError(6A80)
Bytes initial_masterfile();

class GidsApplet final : public Applet, public GidsApi {
 public:
  explicit GidsApplet(std::unique_ptr<GidsExtension> extension);
  ~GidsApplet() override;

  // Applet
  std::string_view name() const override { return "gids"; }
  const Bytes& aid() const override;
  Response select(const Command& cmd, CardContext& ctx) override;
  void select_implicitly(CardContext& ctx) override;
  Response process(const Command& cmd, CardContext& ctx) override;
  void deselect(CardContext& ctx) override;
  void clear_volatile() override;
  std::string describe(const ObjectStore& store) const override;

  // GidsApi
  CryptoProvider& crypto() override { return crypto_; }
  Sw verify_pin(CardContext& ctx, ByteView pin) override;
  bool pin_verified() const override { return state_.verified(user_pin_reference); }
  void deauthenticate_pin() override { state_.set_verified(user_pin_reference, false); }
  Sw change_pin(CardContext& ctx, ByteView old_pin, ByteView new_pin) override;
  void unblock_pin(CardContext& ctx, std::optional<ByteView> new_pin) override;
  std::uint8_t pin_tries_left(const ObjectStore& store) const override;
  bool admin_authenticated() const override { return state_.admin(); }
  std::optional<SecretBytes> admin_session_material() const override { return session_material_; }
  std::vector<ContainerRecord> containers(const ObjectStore& store) const override;
  void create_container_key(CardContext& ctx, std::size_t index, const KeyPair& key,
                            const ContainerKeyOptions& options) override;
  KeyPair container_key(const ObjectStore& store, std::size_t index) override;
  PublicKey container_public_key(const ObjectStore& store, std::size_t index) override;

 private:
  // gids_applet.cpp: shared helpers
  Response dispatch(const Command& cmd, CardContext& ctx);
  AppState app_state(const ObjectStore& store) const;
  // Throws 6982 unless the compact condition byte is satisfied (always in creation state).
  void check_condition(const ObjectStore& store, std::uint8_t condition) const;
  // Life cycle + ACL of an EF for one operation; 6985 for a file not yet activated (except
  // activation and deletion).
  void check_ef(const ObjectStore& store, const EfRecord& ef, std::uint8_t op) const;
  void check_app(const ObjectStore& store, std::uint8_t op) const;
  std::optional<EfRecord> find_ef(const ObjectStore& store, std::uint16_t fid) const;
  EfRecord get_ef(const ObjectStore& store, std::uint16_t fid) const;  // 6A82
  void put_ef(ObjectStore& store, const EfRecord& ef) const;
  const KeyPair& private_key(const EfRecord& ef);
  std::optional<Bytes> get_do(const ObjectStore& store, std::uint16_t ef, unsigned tag) const;
  void put_do(ObjectStore& store, std::uint16_t ef, unsigned tag, ByteView value) const;
  Bytes public_key_template(const KeyPair& key);
  void bump_cardcf(ObjectStore& store, bool containers, bool files) const;
  std::optional<std::pair<std::uint16_t, std::uint16_t>> lookup_file(const ObjectStore& store,
                                                                     const std::string& dir,
                                                                     const std::string& name) const;

  // data_objects.cpp
  Response get_data(const Command& cmd, CardContext& ctx);
  Response put_data(const Command& cmd, CardContext& ctx);
  Response pin_status_do(const ObjectStore& store, unsigned tag) const;
  Response read_public_key(const Command& cmd, CardContext& ctx);
  Response import_key(ByteView data, CardContext& ctx);

  // files.cpp
  Response select_file(const Command& cmd, CardContext& ctx);
  Response create_file(const Command& cmd, CardContext& ctx);
  Response activate_file(const Command& cmd, CardContext& ctx);
  Response delete_file(const Command& cmd, CardContext& ctx);
  Response terminate_df(const Command& cmd, CardContext& ctx);

  // pins.cpp
  Response verify(const Command& cmd, CardContext& ctx);
  Response change_reference_data(const Command& cmd, CardContext& ctx);
  Response reset_retry_counter(const Command& cmd, CardContext& ctx);

  // admin_auth.cpp
  Response general_authenticate(const Command& cmd, CardContext& ctx);
  Response mse_authentication(const Command& cmd, CardContext& ctx);

  // keys.cpp
  Response manage_security_environment(const Command& cmd, CardContext& ctx);
  Response generate_key_pair(const Command& cmd, CardContext& ctx);
  Response perform_security_operation(const Command& cmd, CardContext& ctx);

  CryptoProvider crypto_;
  security::PinManager pins_{pin_prefix};
  std::unique_ptr<GidsExtension> extension_;

  // Volatile state (cleared on reset and deselect).
  security::SecurityState state_;
  struct SecurityEnv {
    bool sign = true;  // B6 sign, else B8 decipher / key agreement
    std::uint8_t mechanism = 0;
    std::uint8_t key_ref = 0;
  };
  std::optional<SecurityEnv> env_;
  std::optional<std::uint8_t> auth_key_;  // MSE A4: admin key reference for GENERAL AUTHENTICATE
  struct Challenge {
    bool mutual = false;
    SecretBytes card_random;  // R2 (mutual) or the external-authentication challenge
    SecretBytes host_random;  // R1 (mutual)
  };
  std::optional<Challenge> challenge_;
  std::optional<SecretBytes> session_material_;
  std::optional<std::uint16_t> current_ef_;  // set by SELECT / CREATE FILE; nullopt = the DF
  // Parsed private keys, keyed by key file FID, valid while the stored PKCS#8 is unchanged.
  struct CachedKey {
    SecretBytes pkcs8;
    std::unique_ptr<KeyPair> key;
  };
  std::map<std::uint16_t, CachedKey> key_cache_;
};

}  // namespace softcard::gids
