// SELECT (by FID), CREATE FILE, ACTIVATE FILE, DELETE FILE, TERMINATE DF and the application
// life cycle (creation -> operational -> terminated).
#include "applets/gids/gids_session.h"
#include "softcard/errors.h"
#include "softcard/wire/tlv.h"

namespace softcard::gids {

namespace {
std::optional<std::uint16_t> fid_from(ByteView data) {
  if (data.empty()) return std::nullopt;
  if (data.size() != 2) throw CardError(Sw::wrong_data);
  return static_cast<std::uint16_t>(get_u16be(data, 0));
}
}  // namespace

Response select_file(GidsSession& s, const Command& cmd, CardContext& ctx) {
  // SELECT by DF name reaches the applet only for names that are not ours (the Card routes
  // our AID itself): the PIV probe, the PnP AID, other drivers' AIDs.
  if (cmd.p1 == 0x04) return Sw::file_not_found;
  if (cmd.p1 != 0x00 && cmd.p1 != 0x02 && cmd.p1 != 0x08) return Sw::incorrect_p1p2;
  const bool want_fcp = cmd.p2 == 0x00 || cmd.p2 == 0x04;
  const bool want_fmd = cmd.p2 == 0x08;
  if (!want_fcp && !want_fmd && cmd.p2 != 0x0C) return Sw::incorrect_p1p2;
  std::optional<std::uint16_t> fid;
  if (cmd.p1 == 0x08) {
    // Path from the MF: 3FFF [B0xx]
    if (cmd.data.size() == 2)
      fid = static_cast<std::uint16_t>(get_u16be(cmd.data, 0));
    else if (cmd.data.size() == 4 && get_u16be(cmd.data, 0) == app_fid)
      fid = static_cast<std::uint16_t>(get_u16be(cmd.data, 2));
    else
      throw CardError(Sw::file_not_found);
  } else {
    fid = fid_from(cmd.data);
  }
  if (!fid || *fid == app_fid) {
    s.current_ef.reset();
    if (want_fmd) {
      // DF FMD of the inbox-minidriver page: PIN usage policy 5F2F = 60 (user PIN for all),
      // 7F65 { 80 00 }.
      return Bytes{0x64, 0x09, 0x5F, 0x2F, 0x01, 0x60, 0x7F, 0x65, 0x02, 0x80, 0x00};
    }
    if (!want_fcp) return Sw::ok;
    return app_fcp();
  }
  const auto ef = find_ef(ctx.store(), *fid);
  if (!ef) return Sw::file_not_found;
  s.current_ef = *fid;
  if (want_fmd) return Sw::incorrect_p1p2;  // EFs have no FMD
  if (!want_fcp) return Sw::ok;
  return ef->fcp;
}

Response create_file(GidsSession& s, const Command& cmd, CardContext& ctx) {
  ObjectStore& store = ctx.store();
  if (cmd.p1p2() != 0x0000) return Sw::incorrect_p1p2;
  check_app(s, store, op_df_create_ef);
  const auto top = wire::parse_tlvs(cmd.data);
  if (!top || top->size() != 1 || (*top)[0].tag != 0x62) throw CardError(Sw::wrong_data);
  const auto items = wire::parse_tlvs((*top)[0].value);
  if (!items) throw CardError(Sw::wrong_data);
  std::optional<std::uint8_t> type;
  std::optional<std::uint16_t> fid;
  for (const auto& t : *items) {
    if (t.tag == 0x82) {
      if (t.value.empty()) throw CardError(Sw::wrong_data);
      type = t.value[0];
    } else if (t.tag == 0x83) {
      if (t.value.size() != 2) throw CardError(Sw::wrong_data);
      fid = static_cast<std::uint16_t>(get_u16be(t.value, 0));
    }
  }
  if (!type || !fid) throw CardError(Sw::wrong_data);
  if (*type != ef_type_bertlv && *type != ef_type_key) throw CardError(Sw::wrong_data);
  if (*fid == app_fid || *fid == 0x3F00 || *fid == 0x0000 || *fid == 0xFFFF || *fid == 0x2F01)
    throw CardError(Sw::file_exists);
  if (*type == ef_type_key && (*fid & 0xFF00) != 0xB000) throw CardError(Sw::wrong_data);
  compact_acl_of(cmd.data);  // validates the 8C attribute
  if (find_ef(store, *fid)) throw CardError(Sw::file_exists);
  EfRecord ef;
  ef.fid = *fid;
  ef.type = *type;
  ef.lcs = lcs_creation;
  ef.fcp = cmd.data;
  put_ef(store, ef);
  s.key_cache.erase(ef.fid);
  s.current_ef = ef.fid;
  return Sw::ok;
}

Response activate_file(GidsSession& s, const Command& cmd, CardContext& ctx) {
  ObjectStore& store = ctx.store();
  if (cmd.p1p2() != 0x0000) return Sw::incorrect_p1p2;
  std::optional<std::uint16_t> fid = fid_from(cmd.data);
  if (!fid) fid = s.current_ef;
  if (!fid || *fid == app_fid) {
    // The application: creation -> operational. It needs its user PIN first.
    const AppState st = app_state(store);
    if (st == AppState::operational) return Sw::ok;
    if (!s.pins.find(store, user_pin_reference)) throw CardError(Sw::conditions_not_satisfied);
    store.put(app_key, encode_app_state(AppState::operational));
    s.security.clear();
    return Sw::ok;
  }
  EfRecord ef = get_ef(store, *fid);
  check_ef(s, store, ef, op_ef_activate);
  ef.lcs = lcs_operational;
  put_ef(store, ef);
  s.current_ef = ef.fid;
  return Sw::ok;
}

Response delete_file(GidsSession& s, const Command& cmd, CardContext& ctx) {
  ObjectStore& store = ctx.store();
  if (cmd.p1p2() != 0x0000) return Sw::incorrect_p1p2;
  std::optional<std::uint16_t> fid = fid_from(cmd.data);
  if (!fid) fid = s.current_ef;
  if (!fid || *fid == app_fid) return Sw::command_not_allowed;  // the DF: TERMINATE DF instead
  const EfRecord ef = get_ef(store, *fid);
  check_ef(s, store, ef, op_ef_delete);
  store.erase(ef_key(ef.fid));
  if (ef.type == ef_type_bertlv)
    for (const auto& key : store.keys(do_prefix(ef.fid))) store.erase(key);
  s.forget_key(ef.fid);
  s.current_ef.reset();
  return Sw::ok;
}

Response terminate_df(GidsSession& s, const Command& cmd, CardContext& ctx) {
  ObjectStore& store = ctx.store();
  if (cmd.p1p2() != 0x0000) return Sw::incorrect_p1p2;
  if (auto fid = fid_from(cmd.data); fid && *fid != app_fid) return Sw::file_not_found;
  // Not in the DF's compact ACL: terminating the card is the administrator's decision.
  if (app_state(store) == AppState::operational && !s.security.admin())
    throw CardError(Sw::security_not_satisfied);
  store.put(app_key, encode_app_state(AppState::terminated));
  s.security.clear();
  s.env.reset();
  return Sw::ok;
}

}  // namespace softcard::gids
