// The minidriver file system of a PIV card, synthesized from its objects (docs/minidriver.md
// "PIV cards"): cardid, cardcf, cardapps, mscp/cmapfile and the container certificates.
#include <algorithm>
#include <cctype>

#include "gids_commands.h"
#include "piv_card.h"
#include "piv_files.h"

namespace softcard::md::piv {

namespace {

// The cardapps of a card with the one application mscp: one 8-byte name, NUL padded.
const Bytes cardapps = {'m', 's', 'c', 'p', 0, 0, 0, 0};
// A read-only card's cache file: nothing ever changes through this library (CP_CARD_CACHE_MODE
// says NO_CACHE, so the base CSP does not trust it across changes made by other tools).
const Bytes cardcf = {0, 0, 0, 0, 0, 0};

// The index NN of a certificate file "kxcNN" / "kscNN"; nullopt for another name.
std::optional<std::size_t> cert_index(const std::string& name, bool& key_exchange) {
  if (name.size() != 5 || (name.compare(0, 3, "kxc") != 0 && name.compare(0, 3, "ksc") != 0))
    return std::nullopt;
  if (!std::isdigit(static_cast<unsigned char>(name[3])) ||
      !std::isdigit(static_cast<unsigned char>(name[4])))
    return std::nullopt;
  key_exchange = name[1] == 'x';
  return static_cast<std::size_t>((name[3] - '0') * 10 + (name[4] - '0'));
}

std::string cert_name(std::size_t idx, bool key_exchange) {
  std::string n = key_exchange ? "kxc" : "ksc";
  n.push_back(static_cast<char>('0' + idx / 10));
  n.push_back(static_cast<char>('0' + idx % 10));
  return n;
}

}  // namespace

Bytes cardid(Context& ctx) {
  const auto chuid = get_object(ctx, 0x5FC102);
  if (!chuid) fail(SCARD_E_FILE_NOT_FOUND);
  const auto guid = wire::find_tlv(*chuid, 0x34);
  if (guid && guid->size() == 16 &&
      std::any_of(guid->begin(), guid->end(), [](std::uint8_t b) { return b != 0; }))
    return Bytes(guid->begin(), guid->end());
  // A CHUID without a GUID: the FASC-N names the credential.
  const auto fascn = wire::find_tlv(*chuid, 0x30);
  if (!fascn || fascn->empty()) fail(SCARD_E_FILE_NOT_FOUND);
  Bytes id = ctx.crypto.digest(HashAlg::sha256, *fascn);
  id.resize(16);
  return id;
}

Bytes cmapfile(Context& ctx) {
  const Bytes id = cardid(ctx);
  Bytes cmap;
  bool has_default = false;
  for (std::size_t idx = 0; idx < container_count; ++idx) {
    const auto key = container_key(ctx, idx);
    if (!key) continue;
    // A name stable across insertions: derived from the card's id and the slot.
    Bytes seed = id;
    seed.push_back(*slot_of(idx));
    wire::gids::ContainerRecord rec;
    rec.guid =
        wire::gids::container_guid(ByteView(ctx.crypto.digest(HashAlg::sha256, seed)).first(16));
    rec.flags = wire::gids::ContainerRecord::flag_valid |
                (has_default ? 0 : wire::gids::ContainerRecord::flag_default);
    has_default = true;
    (key->key_exchange ? rec.kx_key_bits : rec.sig_key_bits) =
        static_cast<std::uint16_t>(key->bits);
    wire::gids::put_container_record(cmap, idx, rec);
  }
  return cmap;
}

Bytes read_file(Context& ctx, const std::string& dir, const std::string& name) {
  if (dir.empty()) {
    if (name == "cardid") return cardid(ctx);
    if (name == "cardcf") return cardcf;
    if (name == "cardapps") return cardapps;
    fail(SCARD_E_FILE_NOT_FOUND);
  }
  if (dir != "mscp") fail(SCARD_E_DIR_NOT_FOUND);
  if (name == "cmapfile") return cmapfile(ctx);
  bool kx = false;
  const auto idx = cert_index(name, kx);
  if (!idx || *idx >= container_count) fail(SCARD_E_FILE_NOT_FOUND);
  // The file exists when the container does and has that role.
  const auto key = container_key(ctx, *idx);
  if (!key || key->key_exchange != kx) fail(SCARD_E_FILE_NOT_FOUND);
  auto cert = certificate(ctx, *slot_of(*idx));
  if (!cert) fail(SCARD_E_FILE_NOT_FOUND);
  return std::move(*cert);
}

std::vector<std::string> list_files(Context& ctx, const std::string& dir) {
  if (dir.empty()) return {"cardid", "cardcf", "cardapps"};
  if (dir != "mscp") fail(SCARD_E_DIR_NOT_FOUND);
  std::vector<std::string> out = {"cmapfile"};
  for (std::size_t idx = 0; idx < container_count; ++idx) {
    const auto key = container_key(ctx, idx);
    if (key && certificate(ctx, *slot_of(idx))) out.push_back(cert_name(idx, key->key_exchange));
  }
  return out;
}

}  // namespace softcard::md::piv
