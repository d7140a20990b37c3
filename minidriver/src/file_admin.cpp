// Creating and deleting minidriver files and directories: a file is a data object in the EF
// whose ACL matches its access condition (docs/gids.md, A010-A014) plus a master file record;
// a directory is a master file record with an empty name.
#include <algorithm>

#include "gids_commands.h"

using namespace softcard;
using namespace softcard::md;

namespace {

// The EF holding files of an access condition; SCARD_E_INVALID_PARAMETER for InvalidAc and
// UnknownAc (a new file must say who may read and write it).
std::uint16_t ef_for(CARD_FILE_ACCESS_CONDITION ac) {
  switch (ac) {
    case EveryoneReadUserWriteAc:
      return 0xA010;
    case UserWriteExecuteAc:
      return 0xA011;
    case EveryoneReadAdminWriteAc:
      return 0xA012;
    case UserReadWriteAc:
      return 0xA013;
    case AdminReadWriteAc:
      return 0xA014;
    default:
      fail(SCARD_E_INVALID_PARAMETER);
  }
}

// The first data object tag that neither a record nor a DO of `ef` uses (file DOs start above
// the fixed GIDS ones; a DO left behind by an interrupted deletion is skipped, not adopted).
std::uint16_t free_tag(Context& ctx, const std::vector<CardFile>& mf, std::uint16_t ef) {
  for (std::uint16_t tag = 0xDF24; tag < 0xDFFF; ++tag)
    if (std::none_of(mf.begin(), mf.end(), [tag](const CardFile& f) { return f.tag == tag; }) &&
        !get_do(ctx, ef, tag))
      return tag;
  fail(SCARD_E_WRITE_TOO_MANY);
}

bool dir_exists(const std::vector<CardFile>& mf, const std::string& dir) {
  return dir.empty() || std::any_of(mf.begin(), mf.end(), [&](const CardFile& f) {
           return f.dir == dir && f.name.empty();
         });
}

void write_masterfile(Context& ctx, const std::vector<CardFile>& mf) {
  put_do(ctx, ef_mf, do_mf, wire::gids::encode_masterfile(mf));
}

// An empty PUT DATA empties a DO with data and removes an empty one (docs/gids.md): one PUT for
// an empty DO, two for one with data (a second PUT on a removed DO would create it again).
void remove_do(Context& ctx, std::uint16_t ef, std::uint16_t tag) {
  const auto value = get_do(ctx, ef, tag);
  if (!value) return;
  if (!value->empty()) put_do(ctx, ef, tag, {});
  put_do(ctx, ef, tag, {});
}

}  // namespace

extern "C" {

DWORD WINAPI MdCardCreateFile(PCARD_DATA pCardData, LPSTR dir, LPSTR name,
                              DWORD cbInitialCreationSize, CARD_FILE_ACCESS_CONDITION ac) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    (void)cbInitialCreationSize;  // a hint: data objects grow with what is written
    const std::string d = file_name(dir, true), n = file_name(name, false);
    const std::uint16_t ef = ef_for(ac);
    std::vector<CardFile> mf = masterfile(ctx);
    if (!dir_exists(mf, d)) fail(SCARD_E_DIR_NOT_FOUND);
    // A root file may not take a directory's name either.
    if (std::any_of(mf.begin(), mf.end(),
                    [&](const CardFile& f) { return f.dir == d && f.name == n; }) ||
        (d.empty() && dir_exists(mf, n)))
      fail(ERROR_FILE_EXISTS);
    CardFile f;
    f.dir = d, f.name = n, f.ef = ef, f.tag = free_tag(ctx, mf, ef);
    // The data object first: a refused write (the role may not) leaves the master file alone.
    put_do(ctx, f.ef, f.tag, {});
    mf.push_back(f);
    try {
      write_masterfile(ctx, mf);
    } catch (...) {
      try {
        remove_do(ctx, f.ef, f.tag);
      } catch (...) {
      }
      throw;
    }
    bump_cardcf(ctx, false);
  });
}

DWORD WINAPI MdCardDeleteFile(PCARD_DATA pCardData, LPSTR dir, LPSTR name, DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    const CardFile f = lookup_file(ctx, dir, name);
    std::vector<CardFile> mf = masterfile(ctx);
    std::erase_if(mf, [&](const CardFile& e) { return e.dir == f.dir && e.name == f.name; });
    // The record first: a file the role may not delete stays whole.
    write_masterfile(ctx, mf);
    remove_do(ctx, f.ef, f.tag);
    bump_cardcf(ctx, false);
  });
}

DWORD WINAPI MdCardCreateDirectory(PCARD_DATA pCardData, LPSTR dir,
                                   CARD_DIRECTORY_ACCESS_CONDITION ac) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    const std::string d = file_name(dir, false);
    if (ac != UserCreateDeleteDirAc && ac != AdminCreateDeleteDirAc)
      fail(SCARD_E_INVALID_PARAMETER);
    std::vector<CardFile> mf = masterfile(ctx);
    if (std::any_of(mf.begin(), mf.end(),
                    [&](const CardFile& f) { return f.dir.empty() && f.name == d; }) ||
        dir_exists(mf, d))
      fail(ERROR_FILE_EXISTS);
    CardFile entry;
    entry.dir = d;
    mf.push_back(entry);
    write_masterfile(ctx, mf);
    bump_cardcf(ctx, false);
  });
}

DWORD WINAPI MdCardDeleteDirectory(PCARD_DATA pCardData, LPSTR dir) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    const std::string d = file_name(dir, false);
    std::vector<CardFile> mf = masterfile(ctx);
    if (!dir_exists(mf, d)) fail(SCARD_E_DIR_NOT_FOUND);
    if (std::any_of(mf.begin(), mf.end(),
                    [&](const CardFile& f) { return f.dir == d && !f.name.empty(); }))
      fail(ERROR_DIR_NOT_EMPTY);
    std::erase_if(mf, [&](const CardFile& f) { return f.dir == d && f.name.empty(); });
    write_masterfile(ctx, mf);
    bump_cardcf(ctx, false);
  });
}

}  // extern "C"
