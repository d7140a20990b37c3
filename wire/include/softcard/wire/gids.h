#pragma once
// GIDS card records as the minidriver sees them (docs/gids.md, minidriver v7 §4.4): the
// cmapfile, the key map, the master file, the key-file FCP and the algorithm identifiers. The
// card and the host library both read and write these through the functions here.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "softcard/wire/bytes.h"

namespace softcard::wire::gids {

// --- algorithm identifiers (low nibble of GIDS mechanism references) ---------------------------
namespace algid {
inline constexpr std::uint8_t rsa1024 = 0x06, rsa2048 = 0x07, rsa3072 = 0x08, rsa4096 = 0x09;
inline constexpr std::uint8_t ec_p256 = 0x0C, ec_p384 = 0x0D, ec_p521 = 0x0E;
}  // namespace algid

struct KeyAlg {
  bool ec = false;
  unsigned bits = 0;  // RSA modulus bits, or the curve size 256 / 384 / 521
  bool operator==(const KeyAlg&) const = default;
};
// nullopt for sizes GIDS does not number (and for P-192/P-224, ids 0A/0B, which softcard does
// not offer).
std::optional<std::uint8_t> algid_for(KeyAlg alg);
std::optional<KeyAlg> key_alg(std::uint8_t algid);
inline bool is_ec_bits(unsigned bits) {
  return bits == 256 || bits == 384 || bits == 521;
}

// --- cmapfile: CONTAINER_MAP_RECORD, 86 bytes --------------------------------------------------
// wszGuid[40] (UTF-16LE, NUL-terminated) | bFlags | bReserved | wSigKeySizeBits (le16) |
// wKeyExchangeKeySizeBits (le16)
inline constexpr std::size_t container_record_size = 86;
struct ContainerRecord {
  static constexpr std::uint8_t flag_valid = 0x01;    // CONTAINER_MAP_VALID_CONTAINER
  static constexpr std::uint8_t flag_default = 0x02;  // CONTAINER_MAP_DEFAULT_CONTAINER
  std::u16string guid;  // container name; at most 39 code units are written
  std::uint8_t flags = 0;
  std::uint16_t sig_key_bits = 0;
  std::uint16_t kx_key_bits = 0;
  bool valid() const { return (flags & flag_valid) != 0; }
  bool operator==(const ContainerRecord&) const = default;
};
Bytes encode_container_record(const ContainerRecord& r);  // 86 bytes
// The GUID is read up to its NUL (or all 40 code units); bytes after it are ignored.
ContainerRecord decode_container_record(ByteView record86);
Bytes encode_cmapfile(const std::vector<ContainerRecord>& records);
// nullopt when the length is not a multiple of 86.
std::optional<std::vector<ContainerRecord>> decode_cmapfile(ByteView data);
// Record `index` of a cmapfile image, nullopt when the file is shorter than that.
std::optional<ContainerRecord> container_record_at(ByteView cmapfile, std::size_t index);
// Writes record `index`, growing the file with zero (empty) records as needed.
void put_container_record(Bytes& cmapfile, std::size_t index, const ContainerRecord& r);
// Zeroes record `index` if the file has it.
void clear_container_record(Bytes& cmapfile, std::size_t index);
// A container name as Windows makes them, "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" (38 units),
// from 16 random bytes.
std::u16string container_guid(ByteView random16);

// --- key map (A000/DF20): version byte 01, then one 12-byte record per container ---------------
// 01 00 00 00 | algid | key type (9A key exchange, 9C signature) | key ref | B0 | FF FF | 00 00
inline constexpr std::uint8_t keymap_version = 0x01;
inline constexpr std::size_t keymap_record_size = 12;
struct KeyMapRecord {
  std::uint8_t algid = 0;
  bool key_exchange = true;
  std::uint8_t key_ref = 0;  // key file B0<key_ref>
};
Bytes encode_keymap_record(const KeyMapRecord& r);
// Makes `keymap` a key map of at least `records` records (a version byte first when empty).
void ensure_keymap(Bytes& keymap, std::size_t records);
void put_keymap_record(Bytes& keymap, std::size_t index, const KeyMapRecord& r);
// Zeroes record `index` if the key map has it.
void clear_keymap_record(Bytes& keymap, std::size_t index);

// --- master file (A000/DF1F): version byte 01, then 28-byte records ----------------------------
// dir[9] | name[9] (NUL-padded ASCII, at most 8 characters) | 00 00 | DO tag (le32) | EF (le32)
inline constexpr std::size_t masterfile_record_size = 28;
struct MasterFileEntry {
  std::string dir;   // "" for the root, "mscp" for the minidriver directory
  std::string name;  // "" for a directory entry
  std::uint16_t tag = 0;
  std::uint16_t ef = 0;
  bool operator==(const MasterFileEntry&) const = default;
};
Bytes encode_masterfile(const std::vector<MasterFileEntry>& entries);
// nullopt unless the first byte is 01 and the rest is whole records.
std::optional<std::vector<MasterFileEntry>> decode_masterfile(ByteView data);

// --- key file FCP (CREATE FILE data for key file B0<kid>) --------------------------------------
// 62 { 82 01 18 | 83 02 B0 kid | 8C 05 8F c c c 00 | A5 { CRTs } }, c = 10 (user PIN) or 00.
// CRTs (each 80 01 mech, 83 01 kid, 95 01 40): key exchange keys B8 with algid, 80|algid,
// 40|algid (decipher raw / OAEP / PKCS#1); every key B6 with 10|algid and 50|algid (sign).
struct KeyFileFcp {
  std::uint8_t kid = 0;
  std::uint8_t algid = 0;
  bool key_exchange = true;
  bool pin_protected = true;
};
Bytes encode_key_file_fcp(const KeyFileFcp& f);
// One control reference template of an FCP's A5: its tag (A4, B6, B8) and the mechanism of its
// 80 01 xx, when present.
struct Crt {
  std::uint32_t tag = 0;
  std::optional<std::uint8_t> mechanism;
};
// The CRTs of an FCP (62 { ... A5 { CRT... } }); nullopt when it has no A5 or does not parse.
// A CRT whose own contents do not parse is listed without a mechanism.
std::optional<std::vector<Crt>> fcp_crts(ByteView fcp);

}  // namespace softcard::wire::gids
