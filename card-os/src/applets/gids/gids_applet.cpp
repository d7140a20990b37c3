// The GIDS applet: selection, dispatch by INS to the handler families, and the helpers they
// share (life cycle, compact ACLs, EF and DO records, key cache).
#include "applets/gids/gids_applet.h"

#include <sstream>

#include "applets/gids/gids_internal.h"
#include "softcard/errors.h"
#include "softcard/wire/tlv.h"

namespace softcard {

const Bytes& gids_aid() {
  static const Bytes aid = {0xA0, 0x00, 0x00, 0x03, 0x97, 0x42, 0x54, 0x46, 0x59, 0x02, 0x01};
  return aid;
}

std::unique_ptr<Applet> make_gids_applet(std::unique_ptr<gids::GidsExtension> extension) {
  return std::make_unique<gids::GidsApplet>(std::move(extension));
}

namespace gids {

GidsApplet::GidsApplet(std::unique_ptr<GidsExtension> extension)
    : extension_(std::move(extension)) {}
GidsApplet::~GidsApplet() = default;

const Bytes& GidsApplet::aid() const {
  return gids_aid();
}

namespace {
// FCI hosts check (OpenSC reads the 4F version byte; Windows 10 needs the 61 template; 73/40
// announces the short "external" challenge-response).
Bytes select_fci() {
  Bytes fci = {0x61, 0x12, 0x4F, 0x0B};
  append(fci, gids_aid());
  append(fci, Bytes{0x73, 0x03, 0x40, 0x01, 0xC0});
  return fci;
}
constexpr Sw sw_terminated = make_sw(0x62, 0x85);
}  // namespace

Response GidsApplet::select(const Command& cmd, CardContext& ctx) {
  // A fresh selection starts a fresh session: nothing verified, no environment.
  clear_volatile();
  if (cmd.p2 != 0x00 && cmd.p2 != 0x0C && cmd.p2 != 0x04) return Sw::incorrect_p1p2;
  const bool terminated = app_state(ctx.store()) == AppState::terminated;
  Response r;
  if (cmd.p2 != 0x0C) r.data = select_fci();
  r.sw = terminated ? sw_terminated : Sw::ok;
  return r;
}

void GidsApplet::select_implicitly(CardContext&) {
  clear_volatile();
}

void GidsApplet::deselect(CardContext&) {
  clear_volatile();
}

void GidsApplet::clear_volatile() {
  state_.clear();
  env_.reset();
  auth_key_.reset();
  challenge_.reset();
  session_material_.reset();
  current_ef_.reset();
  if (extension_) extension_->clear_volatile();
}

Response GidsApplet::process(const Command& cmd, CardContext& ctx) {
  return dispatch(cmd, ctx);
}

Response GidsApplet::dispatch(const Command& cmd, CardContext& ctx) {
  if (!cmd.interindustry()) {
    // jCardSim's "install applet" (OpenSC's CI scripts send it first): nothing to install here.
    if (cmd.cla == 0x80 && cmd.ins == 0xB8) return Sw::ok;
    if (extension_ && (cmd.cla & 0xF0) == 0x80) {
      if (auto r = extension_->process(cmd, ctx, *this)) return *r;
      return Sw::ins_not_supported;
    }
    return Sw::cla_not_supported;
  }
  if (app_state(ctx.store()) == AppState::terminated && cmd.ins != 0xA4)
    return Sw::conditions_not_satisfied;
  switch (cmd.ins) {
    case 0xA4:
      return select_file(cmd, ctx);
    case 0xCB:
      return get_data(cmd, ctx);
    case 0xCA:
      return Sw::reference_not_found;  // no simple-TLV DOs (e.g. PnP 7F68)
    case 0xDB:
      return put_data(cmd, ctx);
    case 0xE0:
      return create_file(cmd, ctx);
    case 0x44:
      return activate_file(cmd, ctx);
    case 0xE4:
      return delete_file(cmd, ctx);
    case 0xE6:
      return terminate_df(cmd, ctx);
    case 0x20:
      return verify(cmd, ctx);
    case 0x24:
      return change_reference_data(cmd, ctx);
    case 0x2C:
      return reset_retry_counter(cmd, ctx);
    case 0x22:
      return manage_security_environment(cmd, ctx);
    case 0x2A:
      return perform_security_operation(cmd, ctx);
    case 0x87:
      return general_authenticate(cmd, ctx);
    case 0x47:
      return generate_key_pair(cmd, ctx);
    default:
      return Sw::ins_not_supported;
  }
}

AppState GidsApplet::app_state(const ObjectStore& store) const {
  const Bytes* b = store.get(app_key);
  if (!b) return AppState::creation;
  return decode_app_state(*b);
}

void GidsApplet::check_condition(const ObjectStore& store, std::uint8_t c) const {
  // The card is being personalized: access conditions do not apply yet.
  if (app_state(store) == AppState::creation) return;
  if (c == 0x00) return;
  if (c == 0xFF) throw CardError(Sw::security_not_satisfied);
  // Low nibble 1 = contact only, 2 = contactless only: a virtual card is a contact card.
  if ((c & 0x0F) == 0x02) throw CardError(Sw::security_not_satisfied);
  const std::uint8_t auth = c & 0xF0;
  const bool pin = state_.verified(user_pin_reference);
  const bool admin = state_.admin();
  if (auth == 0x90) {
    if (pin) return;
    throw CardError(Sw::security_not_satisfied);
  }
  if (auth == 0xA0) {
    if (admin) return;
    throw CardError(Sw::security_not_satisfied);
  }
  if ((auth & 0x10) && pin) return;
  if ((auth & 0x20) && admin) return;
  throw CardError(Sw::security_not_satisfied);
}

void GidsApplet::check_app(const ObjectStore& store, std::uint8_t op) const {
  const CompactAcl acl = parse_compact_acl(app_fcp());
  if (auto c = acl.condition(op)) check_condition(store, *c);
}

void GidsApplet::check_ef(const ObjectStore& store, const EfRecord& ef, std::uint8_t op) const {
  if (!ef.active()) {
    // A created file waits for its activation; only that (and deleting it) is possible. The
    // activate/delete bits (10, 40) mean the same for key files, whose own bits are 01..08.
    if (op != op_ef_activate && op != op_ef_delete) throw CardError(Sw::conditions_not_satisfied);
    return;
  }
  const CompactAcl acl = parse_compact_acl(ef.fcp);
  if (auto c = acl.condition(op)) {
    check_condition(store, *c);
    return;
  }
  // Deleting a file whose ACL says nothing about it takes the DF's "delete child" right.
  if (op == op_ef_delete) check_app(store, op_df_delete_child);
}

std::optional<EfRecord> GidsApplet::find_ef(const ObjectStore& store, std::uint16_t fid) const {
  const Bytes* b = store.get(ef_key(fid));
  if (!b) return std::nullopt;
  return decode_ef(*b);
}

EfRecord GidsApplet::get_ef(const ObjectStore& store, std::uint16_t fid) const {
  auto ef = find_ef(store, fid);
  if (!ef) throw CardError(Sw::file_not_found);
  return std::move(*ef);
}

void GidsApplet::put_ef(ObjectStore& store, const EfRecord& ef) const {
  store.put(ef_key(ef.fid), encode_ef(ef));
}

const KeyPair& GidsApplet::private_key(const EfRecord& ef) {
  if (ef.key_kind != KeyKind::asymmetric) throw CardError(Sw::reference_not_found);
  auto it = key_cache_.find(ef.fid);
  if (it != key_cache_.end() && it->second.pkcs8.size() == ef.key.size() &&
      constant_time_equal(it->second.pkcs8.view(), ef.key.view()))
    return *it->second.key;
  CachedKey entry;
  entry.pkcs8 = ef.key;
  // The key was fully checked when it entered the card; reading it back needs no primality test.
  entry.key = std::make_unique<KeyPair>(crypto_.import_private(ef.key.view(), KeyCheck::stored));
  auto& slot = key_cache_[ef.fid];
  slot = std::move(entry);
  return *slot.key;
}

std::optional<Bytes> GidsApplet::get_do(const ObjectStore& store, std::uint16_t ef,
                                        unsigned tag) const {
  const Bytes* b = store.get(do_key(ef, tag));
  if (!b) return std::nullopt;
  if (b->empty() || (*b)[0] != 1) throw ImageError("gids: malformed DO record");
  return Bytes(b->begin() + 1, b->end());
}

void GidsApplet::put_do(ObjectStore& store, std::uint16_t ef, unsigned tag, ByteView value) const {
  Bytes rec{1};
  append(rec, value);
  store.put(do_key(ef, tag), std::move(rec));
}

Bytes GidsApplet::public_key_template(const KeyPair& key) {
  Bytes inner;
  if (key.key_type() == KeyType::rsa) {
    const RsaPublic pub = crypto_.rsa_public(key);
    wire::put_tlv(inner, 0x81, pub.n);
    wire::put_tlv(inner, 0x82, pub.e);
  } else {
    const EcPublic pub = crypto_.ec_public(key);
    wire::put_tlv(inner, 0x86, pub.point);
  }
  Bytes out;
  wire::put_tlv(out, 0x7F49, inner);
  return out;
}

void GidsApplet::bump_cardcf(ObjectStore& store, bool containers, bool files) const {
  auto cf = get_do(store, cardcf_ef, cardcf_do);
  if (!cf) return;
  if (cf->size() < 6) cf->resize(6, 0);
  auto bump = [&](std::size_t at) {
    unsigned v = (*cf)[at] | (unsigned((*cf)[at + 1]) << 8);
    ++v;
    (*cf)[at] = static_cast<std::uint8_t>(v);
    (*cf)[at + 1] = static_cast<std::uint8_t>(v >> 8);
  };
  if (containers) bump(2);
  if (files) bump(4);
  put_do(store, cardcf_ef, cardcf_do, *cf);
}

std::optional<std::pair<std::uint16_t, std::uint16_t>> GidsApplet::lookup_file(
    const ObjectStore& store, const std::string& dir, const std::string& name) const {
  auto mf = get_do(store, masterfile_ef, masterfile_do);
  if (!mf) return std::nullopt;
  for (const auto& e : decode_masterfile(*mf))
    if (e.dir == dir && e.name == name) return std::make_pair(e.ef, e.tag);
  return std::nullopt;
}

std::string GidsApplet::describe(const ObjectStore& store) const {
  std::ostringstream out;
  const AppState st = app_state(store);
  out << "GIDS applet, life cycle "
      << (st == AppState::creation      ? "creation (blank)"
          : st == AppState::operational ? "operational"
                                        : "terminated")
      << "\n";
  for (std::uint8_t ref : pins_.references(store)) {
    const auto pin = pins_.find(store, ref);
    if (!pin) continue;
    char line[96];
    std::snprintf(line, sizeof line, "  %s 0x%02X: %u of %u tries left, length %u..%u\n",
                  ref == user_pin_reference ? "user PIN" : "PUK", ref, pin->tries_left,
                  pin->max_tries, pin->min_length, pin->max_length);
    out << line;
  }
  for (const auto& key : store.keys(ef_prefix())) {
    const EfRecord ef = decode_ef(*store.get(key));
    char line[128];
    const char* kind = ef.type == ef_type_bertlv ? "BER-TLV EF" : "key file";
    std::snprintf(line, sizeof line, "  EF %04X %s%s", ef.fid, kind,
                  ef.active() ? "" : " (not activated)");
    out << line;
    if (ef.key_kind == KeyKind::symmetric)
      out << (ef.sym_alg == SymAlg::aes ? ", AES admin key" : ", 3DES admin key");
    if (ef.key_kind == KeyKind::asymmetric) out << ", private key";
    out << "\n";
    if (ef.type == ef_type_bertlv) {
      for (const auto& dk : store.keys(do_prefix(ef.fid))) {
        const Bytes* v = store.get(dk);
        out << "    DO " << dk.substr(dk.size() - 4) << ": " << (v ? v->size() - 1 : 0)
            << " bytes\n";
      }
    }
  }
  try {
    const auto recs = containers(store);
    for (std::size_t i = 0; i < recs.size(); ++i) {
      if (!recs[i].valid()) continue;
      out << "  container " << i << ": " << (recs[i].kx_key_bits ? "key exchange " : "signature ")
          << (recs[i].kx_key_bits ? recs[i].kx_key_bits : recs[i].sig_key_bits) << " bits"
          << ((recs[i].flags & ContainerRecord::flag_default) ? " (default)" : "") << "\n";
    }
  } catch (const std::exception&) {
    out << "  cmapfile unreadable\n";
  }
  return out.str();
}

}  // namespace gids
}  // namespace softcard
