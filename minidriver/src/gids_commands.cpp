#include "gids_commands.h"

#include "softcard/wire/tlv.h"

namespace softcard::md {

Command gids_command(std::uint8_t cla, std::uint8_t ins, std::uint8_t p1, std::uint8_t p2,
                     Bytes data, std::optional<std::uint32_t> ne) {
  Command c;
  c.cla = cla, c.ins = ins, c.p1 = p1, c.p2 = p2, c.data = std::move(data), c.ne = ne;
  return c;
}

std::optional<Bytes> get_do(Context& ctx, std::uint16_t ef, std::uint16_t dobj) {
  Response r = ctx.card().transmit(
      gids_command(0x00, 0xCB, std::uint8_t(ef >> 8), std::uint8_t(ef),
                   {0x5C, 0x02, std::uint8_t(dobj >> 8), std::uint8_t(dobj)}, 256));
  if (r.sw == Sw::file_not_found || r.sw == Sw::reference_not_found) return std::nullopt;
  if (r.sw != Sw::ok) fail(map_sw(r.sw));
  if (r.data.empty()) return Bytes{};
  const ByteView v = wire::find_tlv(r.data, dobj).value_or(ByteView{});
  return Bytes(v.begin(), v.end());
}

void put_do(Context& ctx, std::uint16_t ef, std::uint16_t dobj, ByteView value) {
  ctx.card().exchange(
      gids_command(0x00, 0xDB, std::uint8_t(ef >> 8), std::uint8_t(ef), wire::tlv(dobj, value)));
}

std::vector<CardFile> masterfile(Context& ctx) {
  const auto mf = get_do(ctx, ef_mf, do_mf);
  auto entries = mf ? wire::gids::decode_masterfile(*mf) : std::nullopt;
  if (!entries) fail(SCARD_E_FILE_NOT_FOUND);
  return std::move(*entries);
}

std::string file_name(LPSTR s, bool may_be_empty) {
  std::string out = s ? s : "";
  // Names are compared exactly (M11); the card's records hold at most 8 characters.
  if (out.size() > max_name_len || (out.empty() && !may_be_empty)) fail(SCARD_E_INVALID_PARAMETER);
  return out;
}

CardFile lookup_file(Context& ctx, LPSTR dir, LPSTR name) {
  const std::string d = file_name(dir, true), n = file_name(name, false);
  bool dir_seen = d.empty();
  for (const auto& f : masterfile(ctx)) {
    if (f.dir == d && f.name.empty()) dir_seen = true;
    if (f.dir == d && f.name == n && !n.empty()) return f;
  }
  fail(dir_seen ? SCARD_E_FILE_NOT_FOUND : SCARD_E_DIR_NOT_FOUND);
}

void bump_cardcf(Context& ctx, bool containers) {
  // CARD_CACHE_FILE_FORMAT: bVersion, bPinsFreshness, wContainersFreshness, wFilesFreshness.
  Bytes cf = get_do(ctx, ef_ru, do_cardcf).value_or(Bytes(6, 0));
  if (cf.size() < 6) cf.resize(6, 0);
  const std::size_t at = containers ? 2 : 4;
  const auto v = static_cast<std::uint16_t>(wire::get_u16le(cf, at) + 1);
  cf[at] = std::uint8_t(v), cf[at + 1] = std::uint8_t(v >> 8);
  put_do(ctx, ef_ru, do_cardcf, cf);
}

Bytes read_cmap(Context& ctx) {
  return get_do(ctx, ef_ru, do_cmap).value_or(Bytes{});
}

wire::gids::ContainerRecord container_at(ByteView cmap, std::size_t idx) {
  return wire::gids::container_record_at(cmap, idx).value_or(wire::gids::ContainerRecord{});
}

std::uint8_t algid_for_bits(unsigned bits) {
  const auto id = wire::gids::algid_for({wire::gids::is_ec_bits(bits), bits});
  if (!id) fail(SCARD_E_INVALID_PARAMETER);
  return *id;
}

void verify_user_pin(Context& ctx, ByteView pin, PDWORD attempts) {
  Response r =
      ctx.card().transmit(gids_command(0x00, 0x20, 0x00, 0x80, Bytes(pin.begin(), pin.end())));
  check_pin_answer(r.sw, attempts);
}

void check_pin_answer(Sw sw, PDWORD attempts) {
  if ((value(sw) & 0xFFF0) == 0x63C0) {
    if (attempts) *attempts = value(sw) & 0x0F;
    fail(SCARD_W_WRONG_CHV);
  }
  if (sw == Sw::auth_method_blocked) {
    if (attempts) *attempts = 0;
    fail(SCARD_W_CHV_BLOCKED);
  }
  if (sw != Sw::ok) fail(map_sw(sw));
}

void mse(Context& ctx, std::uint8_t tmpl, std::uint8_t mech, std::uint8_t kid) {
  ctx.card().exchange(gids_command(0x00, 0x22, 0x41, tmpl, {0x80, 0x01, mech, 0x84, 0x01, kid}));
}

}  // namespace softcard::md
