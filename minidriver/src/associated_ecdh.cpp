#include "associated_ecdh.h"

namespace softcard::md {

namespace {

char dir_name[] = "mscp", file[] = "ecdhmap";

// Records of two bytes: ECDSA container index, ECDH container index.
Bytes read_map(PCARD_DATA cd) {
  PBYTE data = nullptr;
  DWORD len = 0;
  const DWORD rc = MdCardReadFile(cd, dir_name, file, 0, &data, &len);
  if (rc == SCARD_E_FILE_NOT_FOUND) return {};
  if (rc) fail(rc);
  Bytes out(data, data + len);
  cd->pfnCspFree(data);
  if (out.size() % 2) out.pop_back();
  return out;
}

bool holds(const wire::gids::ContainerRecord& c, bool ecdh) {
  const unsigned bits = ecdh ? c.kx_key_bits : c.sig_key_bits;
  return c.valid() && bits && wire::gids::is_ec_bits(bits);
}

}  // namespace

std::uint8_t associated_ecdh_key(Context& ctx, PCARD_DATA pCardData, std::uint8_t idx) {
  const Bytes cmap = read_cmap(ctx);
  if (!container_at(cmap, idx).valid()) fail(SCARD_E_NO_KEY_CONTAINER);
  const Bytes map = read_map(pCardData);
  for (std::size_t i = 0; i + 1 < map.size(); i += 2)
    if (map[i] == idx && holds(container_at(cmap, map[i + 1]), true)) return map[i + 1];
  fail(SCARD_E_NO_KEY_CONTAINER);
}

void set_associated_ecdh_key(Context& ctx, PCARD_DATA pCardData, std::uint8_t idx,
                             std::uint8_t ecdh) {
  const Bytes cmap = read_cmap(ctx);
  if (!container_at(cmap, idx).valid()) fail(SCARD_E_NO_KEY_CONTAINER);
  if (!holds(container_at(cmap, idx), false) || !holds(container_at(cmap, ecdh), true))
    fail(SCARD_E_INVALID_PARAMETER);
  Bytes map = read_map(pCardData), updated;
  for (std::size_t i = 0; i + 1 < map.size(); i += 2)
    if (map[i] != idx) updated.insert(updated.end(), {map[i], map[i + 1]});
  updated.insert(updated.end(), {idx, ecdh});
  DWORD rc = MdCardWriteFile(pCardData, dir_name, file, 0, updated.data(),
                             static_cast<DWORD>(updated.size()));
  if (rc == SCARD_E_FILE_NOT_FOUND) {
    // The cmapfile's access condition: everyone reads, the user writes.
    rc = MdCardCreateFile(pCardData, dir_name, file, 0, EveryoneReadUserWriteAc);
    if (!rc)
      rc = MdCardWriteFile(pCardData, dir_name, file, 0, updated.data(),
                           static_cast<DWORD>(updated.size()));
  }
  if (rc) fail(rc);
}

}  // namespace softcard::md
