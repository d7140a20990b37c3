// Minidriver files over the GIDS master file: read, write, enumerate, file info.
#include "gids_commands.h"
#include "piv_files.h"

using namespace softcard;
using namespace softcard::md;

extern "C" {

DWORD WINAPI MdCardReadFile(PCARD_DATA pCardData, LPSTR dir, LPSTR name, DWORD dwFlags,
                            PBYTE* ppbData, PDWORD pcbData) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    if (!name || !*name || !ppbData || !pcbData) fail(SCARD_E_INVALID_PARAMETER);
    if (dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    if (ctx.edge == Edge::piv) {
      const Bytes v = piv::read_file(ctx, file_name(dir, true), file_name(name, false));
      *ppbData = csp_copy(pCardData, v);
      *pcbData = static_cast<DWORD>(v.size());
      return;
    }
    CardFile f = lookup_file(ctx, dir, name);
    auto v = get_do(ctx, f.ef, f.tag);
    if (!v) fail(SCARD_E_FILE_NOT_FOUND);
    *ppbData = csp_copy(pCardData, *v);
    *pcbData = static_cast<DWORD>(v->size());
  });
}

DWORD WINAPI MdCardWriteFile(PCARD_DATA pCardData, LPSTR dir, LPSTR name, DWORD dwFlags,
                             PBYTE pbData, DWORD cbData) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!name || !*name || (!pbData && cbData)) fail(SCARD_E_INVALID_PARAMETER);
    if (dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    CardFile f = lookup_file(ctx, dir, name);
    put_do(ctx, f.ef, f.tag, ByteView{pbData, cbData});
  });
}

DWORD WINAPI MdCardEnumFiles(PCARD_DATA pCardData, LPSTR dir, LPSTR* pmszFileNames,
                             LPDWORD pdwcbFileName, DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    if (!pmszFileNames || !pdwcbFileName || dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    const std::string d = file_name(dir, true);
    Bytes out;
    bool dir_seen = d.empty();
    if (ctx.edge == Edge::piv) {
      for (const auto& n : piv::list_files(ctx, d)) {
        out.insert(out.end(), n.begin(), n.end());
        out.push_back(0);
      }
      dir_seen = true;
    }
    for (const auto& f : ctx.edge == Edge::piv ? std::vector<CardFile>{} : masterfile(ctx)) {
      if (f.dir != d) continue;
      if (f.name.empty()) {
        dir_seen = true;
        continue;
      }
      out.insert(out.end(), f.name.begin(), f.name.end());
      out.push_back(0);
    }
    if (!dir_seen) fail(SCARD_E_DIR_NOT_FOUND);
    out.push_back(0);
    *pmszFileNames = reinterpret_cast<LPSTR>(csp_copy(pCardData, out));
    *pdwcbFileName = static_cast<DWORD>(out.size());
  });
}

DWORD WINAPI MdCardGetFileInfo(PCARD_DATA pCardData, LPSTR dir, LPSTR name, PCARD_FILE_INFO pInfo) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false, true);
    if (!name || !*name || !pInfo) fail(SCARD_E_INVALID_PARAMETER);
    if (pInfo->dwVersion > CARD_FILE_INFO_CURRENT_VERSION) fail(ERROR_REVISION_MISMATCH);
    if (ctx.edge == Edge::piv) {
      const std::string n = file_name(name, false);
      const Bytes v = piv::read_file(ctx, file_name(dir, true), n);
      pInfo->dwVersion = CARD_FILE_INFO_CURRENT_VERSION;
      pInfo->cbFileSize = static_cast<DWORD>(v.size());
      // The conditions of the minidriver specification's file table (writes are refused
      // anyway: the card is read-only to this library).
      pInfo->AccessCondition =
          n == "cardid" || n == "cardapps" ? EveryoneReadAdminWriteAc : EveryoneReadUserWriteAc;
      return;
    }
    CardFile f = lookup_file(ctx, dir, name);
    auto v = get_do(ctx, f.ef, f.tag);
    pInfo->dwVersion = CARD_FILE_INFO_CURRENT_VERSION;
    pInfo->cbFileSize = v ? static_cast<DWORD>(v->size()) : 0;
    switch (f.ef) {
      case 0xA010:
        pInfo->AccessCondition = EveryoneReadUserWriteAc;
        break;
      case 0xA011:
        pInfo->AccessCondition = UserWriteExecuteAc;
        break;
      case 0xA012:
        pInfo->AccessCondition = EveryoneReadAdminWriteAc;
        break;
      case 0xA013:
        pInfo->AccessCondition = UserReadWriteAc;
        break;
      case 0xA014:
        pInfo->AccessCondition = AdminReadWriteAc;
        break;
      default:
        pInfo->AccessCondition = UnknownAc;
        break;
    }
  });
}

}  // extern "C"
