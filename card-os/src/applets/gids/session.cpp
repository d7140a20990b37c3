// The GIDS session and the helpers the handler families share: life cycle, access checks,
// EF and DO records, the private key cache.
#include "applets/gids/gids_session.h"
#include "security/access.h"
#include "softcard/errors.h"
#include "softcard/wire/tlv.h"

namespace softcard::gids {

void GidsSession::reset() {
  security.clear();
  env.reset();
  auth_key.reset();
  challenge.reset();
  session_material.reset();
  current_ef.reset();
}

void GidsSession::forget_key(std::uint16_t fid) {
  key_cache.erase(fid);
  if (env && key_fid(env->key_ref) == fid) env.reset();
}

std::uint16_t key_fid(std::uint8_t kid) {
  return static_cast<std::uint16_t>(0xB000 | kid);
}

AppState app_state(const ObjectStore& store) {
  const Bytes* b = store.get(app_key);
  if (!b) return AppState::creation;
  return decode_app_state(*b);
}

void check_condition(const GidsSession& s, const ObjectStore& store, std::uint8_t c) {
  // The card is being personalized: access conditions do not apply yet.
  if (app_state(store) == AppState::creation) return;
  // User authentication is the user PIN, external authentication the admin key; SE 2 means
  // "contactless only", which a virtual (contact) card never is.
  static const security::CompactScheme scheme{user_pin_reference, true, 0x02};
  security::require(security::compact_condition(c, scheme), s.security);
}

void check_app(const GidsSession& s, const ObjectStore& store, std::uint8_t op) {
  if (auto c = compact_acl_of(app_fcp()).condition(op)) check_condition(s, store, *c);
}

void check_ef(const GidsSession& s, const ObjectStore& store, const EfRecord& ef, std::uint8_t op) {
  if (!ef.active()) {
    // A created file waits for its activation; only that (and deleting it) is possible. The
    // activate/delete bits (10, 40) mean the same for key files, whose own bits are 01..08.
    if (op != op_ef_activate && op != op_ef_delete) throw CardError(Sw::conditions_not_satisfied);
    return;
  }
  if (auto c = compact_acl_of(ef.fcp).condition(op)) {
    check_condition(s, store, *c);
    return;
  }
  // Deleting a file whose ACL says nothing about it takes the DF's "delete child" right.
  if (op == op_ef_delete) check_app(s, store, op_df_delete_child);
}

std::optional<EfRecord> find_ef(const ObjectStore& store, std::uint16_t fid) {
  const Bytes* b = store.get(ef_key(fid));
  if (!b) return std::nullopt;
  return decode_ef(*b);
}

EfRecord get_ef(const ObjectStore& store, std::uint16_t fid) {
  auto ef = find_ef(store, fid);
  if (!ef) throw CardError(Sw::file_not_found);
  return std::move(*ef);
}

void put_ef(ObjectStore& store, const EfRecord& ef) {
  // A key file's record holds its key: secret (encrypted at rest when the image has a key).
  if (ef.key_kind != KeyKind::none)
    store.put_secret(ef_key(ef.fid), encode_ef(ef));
  else
    store.put(ef_key(ef.fid), encode_ef(ef));
}

const KeyPair& private_key(GidsSession& s, CardContext& ctx, const EfRecord& ef) {
  if (ef.key_kind != KeyKind::asymmetric) throw CardError(Sw::reference_not_found);
  auto it = s.key_cache.find(ef.fid);
  if (it != s.key_cache.end() && it->second.pkcs8.size() == ef.key.size() &&
      constant_time_equal(it->second.pkcs8.view(), ef.key.view()))
    return *it->second.key;
  GidsSession::CachedKey entry;
  entry.pkcs8 = ef.key;
  // The key was fully checked when it entered the card; reading it back needs no primality test.
  entry.key =
      std::make_unique<KeyPair>(ctx.crypto().import_private(ef.key.view(), KeyCheck::stored));
  auto& slot = s.key_cache[ef.fid];
  slot = std::move(entry);
  return *slot.key;
}

std::optional<Bytes> get_do(const ObjectStore& store, std::uint16_t ef, unsigned tag) {
  const Bytes* b = store.get(do_key(ef, tag));
  if (!b) return std::nullopt;
  if (b->empty() || (*b)[0] != 1) throw ImageError("gids: malformed DO record");
  return Bytes(b->begin() + 1, b->end());
}

void put_do(ObjectStore& store, std::uint16_t ef, unsigned tag, ByteView value) {
  Bytes rec{1};
  append(rec, value);
  store.put(do_key(ef, tag), std::move(rec));
}

Bytes public_key_template(CryptoProvider& crypto, const KeyPair& key) {
  Bytes inner;
  if (key.key_type() == KeyType::rsa) {
    const RsaPublic pub = crypto.rsa_public(key);
    wire::put_tlv(inner, 0x81, pub.n);
    wire::put_tlv(inner, 0x82, pub.e);
  } else {
    const EcPublic pub = crypto.ec_public(key);
    wire::put_tlv(inner, 0x86, pub.point);
  }
  Bytes out;
  wire::put_tlv(out, 0x7F49, inner);
  return out;
}

void bump_cardcf(ObjectStore& store, bool containers, bool files) {
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

std::optional<std::pair<std::uint16_t, std::uint16_t>> lookup_file(const ObjectStore& store,
                                                                   const std::string& dir,
                                                                   const std::string& name) {
  auto mf = get_do(store, masterfile_ef, masterfile_do);
  if (!mf) return std::nullopt;
  for (const auto& e : decode_masterfile(*mf))
    if (e.dir == dir && e.name == name) return std::make_pair(e.ef, e.tag);
  return std::nullopt;
}

}  // namespace softcard::gids
