#pragma once
// Inside the GIDS applet: persistent record formats (model.cpp) and the well-known file and
// operation numbers. The session and the command handlers are in gids_session.h.
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "applets/gids/gids_api.h"
#include "security/compact_acl.h"
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
// Applet::validate (validate.cpp): decodes every record under gids/ and ski/; throws
// ImageError("record KEY: problem").
void validate_records(const ObjectStore& store);
EfRecord decode_ef(ByteView data);  // throws ImageError

// The compact security attribute (8C) of an FCP as stored (62 L {...}); am = 0 when the FCP has
// none. Throws CardError(6A80) when the FCP or its 8C is malformed. The parser itself is the
// security module's (security/compact_acl.h).
security::CompactAcl compact_acl_of(ByteView fcp);

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

}  // namespace softcard::gids
