#pragma once
// The GIDS commands behind the ordinary minidriver functions (shared/reference/gids.md): data
// objects through GET/PUT DATA, the master file, the cmapfile and key map, VERIFY, MSE. Record
// layouts are wire::gids's; this file only moves them to and from the card.
#include <vector>

#include "md.h"
#include "softcard/wire/gids.h"

namespace softcard::md {

inline constexpr std::uint16_t ef_mf = 0xA000, ef_ru = 0xA010, do_mf = 0xDF1F, do_keymap = 0xDF20,
                               do_cardcf = 0xDF22, do_cmap = 0xDF23;
inline constexpr std::size_t max_containers = 126;

Command gids_command(std::uint8_t cla, std::uint8_t ins, std::uint8_t p1, std::uint8_t p2,
                     Bytes data = {}, std::optional<std::uint32_t> ne = std::nullopt);

// Key reference and key file of container `idx` (key file B0 <81 + idx>).
inline std::uint8_t container_key_ref(std::size_t idx) {
  return static_cast<std::uint8_t>(0x81 + idx);
}

// GET DATA of one DO: nullopt when the card has no such file or DO.
std::optional<Bytes> get_do(Context& ctx, std::uint16_t ef, std::uint16_t dobj);
void put_do(Context& ctx, std::uint16_t ef, std::uint16_t dobj, ByteView value);

// The master file's entries; SCARD_E_FILE_NOT_FOUND when it is missing or malformed.
std::vector<CardFile> masterfile(Context& ctx);
// A file by directory and name (exact); SCARD_E_DIR_NOT_FOUND / FILE_NOT_FOUND.
CardFile lookup_file(Context& ctx, LPSTR dir, LPSTR name);
inline constexpr std::size_t max_name_len = 8;
// A directory or file name as given; SCARD_E_INVALID_PARAMETER when longer than 8 characters
// (or empty unless may_be_empty: the root directory is NULL or "").
std::string file_name(LPSTR s, bool may_be_empty);

// Bumps the containers (or files) freshness counter in cardcf.
void bump_cardcf(Context& ctx, bool containers);

Bytes read_cmap(Context& ctx);
// Record `idx` of the cmapfile, an empty (invalid) record when the file is shorter.
wire::gids::ContainerRecord container_at(ByteView cmap, std::size_t idx);
// The GIDS algorithm id of an RSA modulus or EC curve size; SCARD_E_INVALID_PARAMETER otherwise.
std::uint8_t algid_for_bits(unsigned bits);

// The answer of a PIN command: 63Cx and 6983 become SCARD_W_WRONG_CHV / SCARD_W_CHV_BLOCKED with
// the tries left in *attempts, any other error map_sw(); 9000 returns.
void check_pin_answer(Sw sw, PDWORD attempts);
// VERIFY the user PIN; wrong PIN and blocked PIN become SCARD_W_WRONG_CHV / SCARD_W_CHV_BLOCKED
// with the tries left in *attempts.
void verify_user_pin(Context& ctx, ByteView pin, PDWORD attempts);
// MANAGE SECURITY ENVIRONMENT SET for template B6 (sign) or B8 (decipher).
void mse(Context& ctx, std::uint8_t tmpl, std::uint8_t mech, std::uint8_t kid);

}  // namespace softcard::md
