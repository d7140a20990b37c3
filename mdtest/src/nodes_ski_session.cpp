// ski.session.*: the session PIN round trip. The card returns the session PIN sealed for the
// server (CARD_AUTHENTICATE_RESPONSE); the server opens it with CardProcessEncryptedData in
// no-card mode and sends it back inside a CSF_AUTHENTICATE(SESSION_PIN).
#include "nodes.h"
#include "ski_support.h"

namespace softcard::mdtest {

void register_ski_session_nodes(Registry& r);

namespace {

struct SessionFlow {
  std::unique_ptr<CardSession> card;
  std::unique_ptr<Session> server;
  EstablishmentKey k1;
  SessionKeys keys;
};

std::unique_ptr<SessionFlow> establish(Env& env, Checker& check) {
  if (!env.config().ski || !Config::has(env.config().ski_import, std::string("rsa")))
    check.skip("config: no RSA key establishment");
  auto f = std::make_unique<SessionFlow>();
  f->card = env.open(0);
  f->server = env.open_no_card();
  f->k1 = establishment_key(check, env, f->card->cd(), true);
  f->keys.client = f->card->cd();
  f->keys.server = f->server->cd();
  rsa_establish(check, f->keys, f->k1.index, f->k1.public_blob, "pkcs1");
  return f;
}

// CSF_AUTHENTICATE(GENERATE_SESSION_PIN); returns the sealed session PIN (the bytes after the
// 12-byte CARD_AUTHENTICATE_RESPONSE header).
Bytes generate(Env& env, Checker& check, SessionFlow& f) {
  const Bytes blob = server_encrypt(check, f.keys, CSF_AUTHENTICATE,
                                    authenticate_struct(CARD_AUTHENTICATE_GENERATE_SESSION_PIN,
                                                        pin_bytes(env.config().user_pin)));
  Bytes out;
  check.rc(0, client_process(f.keys, CSF_AUTHENTICATE, blob, &out),
           "CardProcessEncryptedData(CSF_AUTHENTICATE, GENERATE_SESSION_PIN)");
  check.require(out.size() > 12 && out[0] == 7,
                "no CARD_AUTHENTICATE_RESPONSE v7 with a session PIN");
  return Bytes(out.begin() + 12, out.end());
}

DWORD server_open(SessionFlow& f, const Bytes& sealed, Bytes& pin) {
  CARD_DATA* s = f.keys.server;
  Bytes copy = sealed;
  CARD_ENCRYPTED_DATA data{copy.data(), static_cast<DWORD>(copy.size())};
  Bytes out(64);
  DWORD len = 0;
  const DWORD rc =
      s->pfnCardProcessEncryptedData(s, f.keys.on_server, CSF_AUTHENTICATE, &data, 1, out.data(),
                                     static_cast<DWORD>(out.size()), &len, 0);
  pin.assign(out.begin(), out.begin() + std::min<std::size_t>(len, out.size()));
  return rc;
}

}  // namespace

void register_ski_session_nodes(Registry& r) {
  r.add("ski.session.round_trip",
        "CSF_AUTHENTICATE(GENERATE_SESSION_PIN) -> sealed session PIN; the server opens it with "
        "CardProcessEncryptedData in no-card mode; CSF_AUTHENTICATE(SESSION_PIN) logs the user in",
        [](Env& env, Checker& check) {
          auto f = establish(env, check);
          CARD_DATA* cd = f->card->cd();
          const Bytes sealed = generate(env, check, *f);
          Bytes pin;
          check.rc(0, server_open(*f, sealed, pin), "CardProcessEncryptedData (no-card mode)");
          check.require(!pin.empty(), "empty session PIN");
          cd->pfnCardDeauthenticateEx(cd, CREATE_PIN_SET(ROLE_USER), 0);
          const Bytes blob =
              server_encrypt(check, f->keys, CSF_AUTHENTICATE,
                             authenticate_struct(CARD_AUTHENTICATE_SESSION_PIN, pin));
          check.rc(0, client_process(f->keys, CSF_AUTHENTICATE, blob, nullptr),
                   "CardProcessEncryptedData(CSF_AUTHENTICATE, SESSION_PIN)");
          DWORD s = 0;
          check.rc(0, get_property_dword(cd, CP_CARD_AUTHENTICATED_STATE, s), "state");
          check.require(IS_PIN_SET(s, ROLE_USER), "the session PIN did not authenticate the user");
        });
  r.add("ski.session.tampered",
        "the server opening a sealed session PIN with a flipped byte -> NTE_BAD_DATA",
        [](Env& env, Checker& check) {
          auto f = establish(env, check);
          Bytes sealed = generate(env, check, *f);
          sealed.back() ^= 0x01;
          Bytes pin;
          check.rc(NTE_BAD_DATA, server_open(*f, sealed, pin),
                   "CardProcessEncryptedData (no-card mode, tampered)");
        });
}

}  // namespace softcard::mdtest
