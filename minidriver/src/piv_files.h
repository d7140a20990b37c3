#pragma once
// The minidriver files of a PIV card, synthesized (docs/minidriver.md "PIV cards").
#include <string>
#include <vector>

#include "md.h"

namespace softcard::md::piv {

// 16 bytes: the CHUID's GUID, or (no GUID, or all zero) the first 16 bytes of SHA-256 of its
// FASC-N; SCARD_E_FILE_NOT_FOUND without a CHUID.
Bytes cardid(Context& ctx);
// CONTAINER_MAP_RECORDs for the containers the slots show (index = container index).
Bytes cmapfile(Context& ctx);
// A file by directory ("" is the root) and name; SCARD_E_DIR_NOT_FOUND / FILE_NOT_FOUND.
Bytes read_file(Context& ctx, const std::string& dir, const std::string& name);
// The file names of a directory; SCARD_E_DIR_NOT_FOUND.
std::vector<std::string> list_files(Context& ctx, const std::string& dir);

}  // namespace softcard::md::piv
