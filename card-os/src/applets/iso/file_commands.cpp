// File commands of the ISO applet: SELECT, READ/UPDATE BINARY, CREATE/DELETE FILE,
// ACTIVATE/DEACTIVATE FILE, TERMINATE DF/EF. P1/P2 are interpreted here and nowhere else;
// the file tree below knows only paths.
#include <algorithm>

#include "applets/iso/iso_session.h"
#include "softcard/errors.h"

namespace softcard::iso {
namespace {

using fs::FileHeader;
using fs::Operation;
using fs::Path;

bool starts_with(const Path& path, const Path& prefix) {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

Path parent_of(const Path& p) {
  return Path(p.begin(), p.end() - 1);
}

// Path made of FIDs in `data` below `start`; every intermediate file must be a DF.
Path walk(const IsoSession& s, const ObjectStore& store, Path start, ByteView data) {
  if (data.empty() || data.size() % 2) throw CardError(Sw::lc_inconsistent_with_p1p2);
  for (std::size_t i = 0; i < data.size(); i += 2) {
    const auto fid = static_cast<std::uint16_t>(get_u16be(data, i));
    if (i == 0 && fid == 0x3FFF) continue;  // "current DF" as first element of a relative path
    if (s.tree.type(store, start) != fs::FileType::df) throw CardError(Sw::file_not_found);
    start.push_back(fid);
  }
  return start;
}

Path path_from_mf(const IsoSession& s, const ObjectStore& store, ByteView data) {
  // The path from the MF omits 3F00; accept it when a host includes it anyway.
  if (data.size() >= 2 && get_u16be(data, 0) == fs::mf_fid) data = data.subspan(2);
  if (data.empty()) return {fs::mf_fid};
  return walk(s, store, {fs::mf_fid}, data);
}

// SELECT P1=00: the MF, the current DF, a child of it, its parent, or a sibling DF/EF.
std::optional<Path> by_fid(const IsoSession& s, const ObjectStore& store, std::uint16_t fid) {
  if (fid == fs::mf_fid) return Path{fs::mf_fid};
  const Path& df = s.current_df;
  if (fid == df.back()) return df;
  Path child = df;
  child.push_back(fid);
  if (s.tree.type(store, child)) return child;
  if (df.size() > 1) {
    Path parent = parent_of(df);
    if (fid == parent.back()) return parent;
    parent.push_back(fid);
    if (s.tree.type(store, parent)) return parent;
  }
  return std::nullopt;
}

// Target of DELETE / ACTIVATE / DEACTIVATE / TERMINATE: P1 00 (current file, or the child FID
// in the data), 08 (path from MF), 09 (path from the current DF).
Path target_file(const IsoSession& s, const ObjectStore& store, const Command& cmd) {
  if (cmd.p2 != 0) throw CardError(Sw::incorrect_p1p2);
  Path p;
  switch (cmd.p1) {
    case 0x00:
      if (cmd.data.empty()) {
        p = s.current_file();
      } else if (cmd.data.size() == 2) {
        const auto fid = static_cast<std::uint16_t>(get_u16be(cmd.data, 0));
        if (fid == fs::mf_fid) {
          p = {fs::mf_fid};
        } else {
          p = s.current_df;
          p.push_back(fid);
        }
      } else {
        throw CardError(Sw::lc_inconsistent_with_p1p2);
      }
      break;
    case 0x08:
      p = path_from_mf(s, store, cmd.data);
      break;
    case 0x09:
      p = walk(s, store, s.current_df, cmd.data);
      break;
    default:
      throw CardError(Sw::incorrect_p1p2);
  }
  if (!s.tree.type(store, p)) throw CardError(Sw::file_not_found);
  return p;
}

// Offset of READ/UPDATE BINARY; short EF identifiers (P1 b8=1) are not supported: no file
// has one, so the referenced file is not found.
std::size_t binary_offset(const Command& cmd) {
  if (cmd.p1 & 0x80) throw CardError(Sw::file_not_found);
  return cmd.p1p2() & 0x7FFF;
}

const Path& current_ef(const IsoSession& s) {
  if (!s.current_ef) throw CardError(Sw::command_not_allowed);  // no current EF
  return *s.current_ef;
}

}  // namespace

Response selection_answer(const Command& cmd, const FileHeader& file) {
  Response r;
  switch (cmd.p2 & 0x0C) {
    case 0x00:
      r.data = fs::encode_fci(file);
      break;
    case 0x04:
      r.data = fs::encode_fcp(file);
      break;
    case 0x0C:
      break;
    default:
      throw CardError(Sw::incorrect_p1p2);  // FMD is not supported
  }
  if (file.life_cycle == LifeCycle::deactivated) r.sw = Sw::warning_file_deactivated;
  if (file.life_cycle == LifeCycle::terminated) r.sw = make_sw(0x62, 0x85);
  return r;
}

Response select_file(IsoSession& s, const Command& cmd, CardContext& ctx) {
  const ObjectStore& store = ctx.store();
  if ((cmd.p2 & 0xF0) != 0 || (cmd.p2 & 0x0C) == 0x08) throw CardError(Sw::incorrect_p1p2);
  const std::uint8_t occurrence = cmd.p2 & 0x03;
  if (occurrence != 0 && !(cmd.p1 == 0x04 && occurrence == 0x02))
    throw CardError(Sw::incorrect_p1p2);
  const ByteView data(cmd.data);
  const auto fid = [&]() -> std::uint16_t {
    if (data.size() != 2) throw CardError(Sw::lc_inconsistent_with_p1p2);
    return static_cast<std::uint16_t>(get_u16be(data, 0));
  };

  std::optional<Path> target;
  switch (cmd.p1) {
    case 0x00:
      target = data.empty() ? Path{fs::mf_fid} : by_fid(s, store, fid());
      break;
    case 0x01:
    case 0x02: {  // child DF / EF of the current DF
      Path p = s.current_df;
      p.push_back(fid());
      if (const auto t = s.tree.type(store, p); t && (*t == fs::FileType::df) == (cmd.p1 == 0x01))
        target = p;
      break;
    }
    case 0x03:
      if (!data.empty()) throw CardError(Sw::lc_inconsistent_with_p1p2);
      if (s.current_df.size() > 1) target = parent_of(s.current_df);
      break;
    case 0x04: {
      if (data.empty()) {
        target = Path{fs::mf_fid};
        break;
      }
      const auto matches = s.tree.find_df_name(store, data);
      if (matches.empty()) break;
      if (occurrence == 0x02) {  // next occurrence after the current DF
        auto it = std::find(matches.begin(), matches.end(), s.current_df);
        if (it != matches.end() && ++it != matches.end()) target = *it;
      } else {
        target = matches.front();
      }
      break;
    }
    case 0x08:
      target = path_from_mf(s, store, data);
      break;
    case 0x09:
      target = walk(s, store, s.current_df, data);
      break;
    default:
      throw CardError(Sw::incorrect_p1p2);
  }
  if (!target) throw CardError(Sw::file_not_found);
  const FileHeader header = s.tree.get_effective(store, *target);  // 6A82 when absent
  Response r = selection_answer(cmd, header);  // may throw: selection stays unchanged
  s.select(*target, header);
  return r;
}

Response read_binary(IsoSession& s, const Command& cmd, CardContext& ctx) {
  const std::size_t offset = binary_offset(cmd);
  if (!cmd.data.empty() || !cmd.ne) throw CardError(Sw::wrong_length);
  const Path& ef = current_ef(s);
  fs::check_access(s.tree.get_effective(ctx.store(), ef), Operation::read, s.security);
  const std::size_t ne = *cmd.ne;
  Response r(s.tree.read(ctx.store(), ef, offset, ne));
  // Le = 00 (or 0000) means "up to the end of the file": no warning when it ends sooner.
  const bool up_to_end = ne == (cmd.extended ? 65536u : 256u);
  if (r.data.size() < ne && !up_to_end) r.sw = Sw::warning_eof;
  return r;
}

Response update_binary(IsoSession& s, const Command& cmd, CardContext& ctx) {
  const std::size_t offset = binary_offset(cmd);
  if (cmd.data.empty()) throw CardError(Sw::wrong_length);
  const Path& ef = current_ef(s);
  fs::check_access(s.tree.get_effective(ctx.store(), ef), Operation::update, s.security);
  s.tree.write(ctx.store(), ef, offset, cmd.data);
  return Sw::ok;
}

Response create_file(IsoSession& s, const Command& cmd, CardContext& ctx) {
  if (cmd.p1 != 0 || cmd.p2 != 0) throw CardError(Sw::incorrect_p1p2);
  if (cmd.data.empty()) throw CardError(Sw::wrong_length);
  fs::check_access(s.tree.get_effective(ctx.store(), s.current_df), Operation::create, s.security);
  const FileHeader header = fs::parse_fcp(cmd.data);
  const Path path = s.tree.create(ctx.store(), s.current_df, header);
  s.select(path, header);  // ISO 7816-9: the new file becomes the current file
  return Sw::ok;
}

Response delete_file(IsoSession& s, const Command& cmd, CardContext& ctx) {
  const Path p = target_file(s, ctx.store(), cmd);
  fs::check_access(s.tree.get_effective(ctx.store(), p), Operation::delete_file, s.security);
  if (p.size() == 1) throw CardError(Sw::conditions_not_satisfied);  // the MF stays
  s.tree.remove(ctx.store(), p);
  if (starts_with(s.current_df, p) || (s.current_ef && starts_with(*s.current_ef, p))) {
    s.current_df = parent_of(p);
    s.current_ef.reset();
  }
  return Sw::ok;
}

Response activate_file(IsoSession& s, const Command& cmd, CardContext& ctx) {
  const Path p = target_file(s, ctx.store(), cmd);
  fs::check_access(s.tree.get_effective(ctx.store(), p), Operation::activate, s.security);
  s.tree.set_life_cycle(ctx.store(), p, LifeCycle::operational);
  return Sw::ok;
}

Response deactivate_file(IsoSession& s, const Command& cmd, CardContext& ctx) {
  const Path p = target_file(s, ctx.store(), cmd);
  fs::check_access(s.tree.get_effective(ctx.store(), p), Operation::deactivate, s.security);
  s.tree.set_life_cycle(ctx.store(), p, LifeCycle::deactivated);
  return Sw::ok;
}

namespace {
Response terminate(IsoSession& s, const Command& cmd, CardContext& ctx, bool df) {
  const Path p = target_file(s, ctx.store(), cmd);
  const FileHeader h = s.tree.get_effective(ctx.store(), p);
  if (h.is_df() != df) throw CardError(Sw::incompatible_file_structure);
  fs::check_access(h, Operation::terminate, s.security);
  s.tree.set_life_cycle(ctx.store(), p, LifeCycle::terminated);
  return Sw::ok;
}
}  // namespace

Response terminate_df(IsoSession& s, const Command& cmd, CardContext& ctx) {
  return terminate(s, cmd, ctx, true);
}

Response terminate_ef(IsoSession& s, const Command& cmd, CardContext& ctx) {
  return terminate(s, cmd, ctx, false);
}

Response terminate_card_usage(IsoSession& s, const Command& cmd, CardContext& ctx) {
  if (cmd.p1 != 0 || cmd.p2 != 0) throw CardError(Sw::incorrect_p1p2);
  if (!cmd.data.empty()) throw CardError(Sw::wrong_length);
  fs::check_access(s.tree.get_effective(ctx.store(), {fs::mf_fid}), Operation::terminate,
                   s.security);
  ctx.store().put(keys::life_cycle, {static_cast<std::uint8_t>(LifeCycle::terminated)});
  return Sw::ok;
}

}  // namespace softcard::iso
