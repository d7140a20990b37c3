// ski.client.*: the card side of SKI, each flow paired with the no-card server half.
#include <openssl/kdf.h>

#include <algorithm>

#include "errors.h"
#include "nodes.h"
#include "ski_support.h"

namespace softcard::mdtest {

void register_ski_client_nodes(Registry& r);

namespace {

// Card session + the RSA establishment key K1 + server session, keys established.
struct Flow {
  std::unique_ptr<CardSession> card;
  std::unique_ptr<Session> server;
  EstablishmentKey k1;
  SessionKeys keys;
};

std::unique_ptr<Flow> rsa_flow(Env& env, Checker& check, const std::string& padding = "pkcs1") {
  if (!env.config().ski) check.skip("config: no SKI");
  if (!Config::has(env.config().ski_import, std::string("rsa")))
    check.skip("config: no RSA key establishment");
  auto f = std::make_unique<Flow>();
  f->card = env.open(0);
  f->server = env.open_no_card();
  f->k1 = establishment_key(check, env, f->card->cd(), true);
  f->keys.client = f->card->cd();
  f->keys.server = f->server->cd();
  rsa_establish(check, f->keys, f->k1.index, f->k1.public_blob, padding);
  return f;
}

void flow_case(Registry& r, const std::string& name, const std::string& what,
               std::function<void(Env&, Checker&, Flow&)> body) {
  r.add("ski.client." + name, what, [body](Env& env, Checker& check) {
    auto f = rsa_flow(env, check);
    body(env, check, *f);
  });
}

// ECC key establishment as docs/ski.md §7.3 defines it (vendor protocol "softcard").
Bytes hkdf_sha256(const Bytes& ikm, const std::string& info, std::size_t len) {
  Bytes out(len);
  EVP_PKEY_CTX* c = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr);
  EVP_PKEY_derive_init(c);
  EVP_PKEY_CTX_set_hkdf_md(c, EVP_sha256());
  EVP_PKEY_CTX_set1_hkdf_key(c, ikm.data(), static_cast<int>(ikm.size()));
  EVP_PKEY_CTX_add1_hkdf_info(c, reinterpret_cast<const unsigned char*>(info.data()),
                              static_cast<int>(info.size()));
  std::size_t n = len;
  EVP_PKEY_derive(c, out.data(), &n);
  EVP_PKEY_CTX_free(c);
  return out;
}

}  // namespace

void register_ski_client_nodes(Registry& r) {
  for (const char* padding : {"pkcs1", "oaep"})
    r.add(std::string("ski.client.import_keypair_") + padding,
          std::string("RSA key establishment (") + padding +
              "), CSF_IMPORT_KEYPAIR of an RSA-2048 key: the container holds exactly that key",
          [padding](Env& env, Checker& check) {
            auto f = rsa_flow(env, check, padding);
            CARD_DATA* cd = f->card->cd();
            auto k2 = verify::rsa_generate(2048);
            const BYTE idx = free_container(check, cd);
            Bytes plain = import_keypair_struct(idx, AT_KEYEXCHANGE, 2048,
                                                verify::capi_private_blob(k2.get(), false));
            const Bytes blob = server_encrypt(check, f->keys, CSF_IMPORT_KEYPAIR, plain);
            std::fill(plain.begin(), plain.end(), 0);
            const DWORD rc = client_process(f->keys, CSF_IMPORT_KEYPAIR, blob, nullptr);
            Bytes pub;
            const DWORD info = container_public(cd, idx, true, pub);
            if (info == 0) {
              authenticate_user(cd, env.config());
              cd->pfnCardDeleteContainer(cd, idx, 0);
            }
            check.rc(0, rc, "CardProcessEncryptedData(CSF_IMPORT_KEYPAIR)");
            check.rc(0, info, "CardGetContainerInfo of the injected container");
            auto card_pub = verify::from_capi_public(pub);
            check.require(card_pub && EVP_PKEY_eq(card_pub.get(), k2.get()) == 1,
                          "the injected container does not hold the server's key");
          });
  flow_case(
      r, "authenticate", "CSF_AUTHENTICATE with the right PIN -> 0, the user is authenticated",
      [](Env& env, Checker& check, Flow& f) {
        CARD_DATA* cd = f.card->cd();
        cd->pfnCardDeauthenticateEx(cd, CREATE_PIN_SET(ROLE_USER), 0);
        const Bytes blob = server_encrypt(check, f.keys, CSF_AUTHENTICATE,
                                          authenticate_struct(0, pin_bytes(env.config().user_pin)));
        Bytes out;
        check.rc(0, client_process(f.keys, CSF_AUTHENTICATE, blob, &out),
                 "CardProcessEncryptedData(CSF_AUTHENTICATE)");
        DWORD s = 0;
        check.rc(0, get_property_dword(cd, CP_CARD_AUTHENTICATED_STATE, s), "state");
        check.require(IS_PIN_SET(s, ROLE_USER), "user not authenticated");
        check.require(out.size() >= 12 && out[0] == 7, "no CARD_AUTHENTICATE_RESPONSE v7");
      });
  flow_case(r, "authenticate_wrong_pin",
            "CSF_AUTHENTICATE with a wrong PIN -> SCARD_W_WRONG_CHV, response says max_tries - 1",
            [](Env& env, Checker& check, Flow& f) {
              Bytes bad = pin_bytes(env.config().user_pin);
              bad.back() ^= 1;
              const Bytes blob =
                  server_encrypt(check, f.keys, CSF_AUTHENTICATE, authenticate_struct(0, bad));
              Bytes out;
              const DWORD rc = client_process(f.keys, CSF_AUTHENTICATE, blob, &out);
              check.rc(0, authenticate_user(f.card->cd(), env.config()),
                       "the right PIN afterwards");
              check.rc(SCARD_W_WRONG_CHV, rc, "CardProcessEncryptedData(wrong PIN)");
              check.require(out.size() >= 12 && out[8] == env.config().pin_max_tries - 1,
                            "cAttemptsRemaining in the response");
            });
  flow_case(r, "change_pin", "CSF_CHANGE_AUTHENTICATOR(CHANGEPIN): the new PIN verifies; restored",
            [](Env& env, Checker& check, Flow& f) {
              CARD_DATA* cd = f.card->cd();
              Bytes old_pin = pin_bytes(env.config().user_pin), new_pin = old_pin;
              new_pin.back() = new_pin.back() == '9' ? '8' : '9';
              const Bytes blob = server_encrypt(check, f.keys, CSF_CHANGE_AUTHENTICATOR,
                                                change_pin_struct(old_pin, new_pin));
              Bytes out;
              const DWORD rc = client_process(f.keys, CSF_CHANGE_AUTHENTICATOR, blob, &out);
              DWORD tries = 0;
              const DWORD with_new = cd->pfnCardAuthenticateEx(cd, ROLE_USER, 0, new_pin.data(),
                                                               static_cast<DWORD>(new_pin.size()),
                                                               nullptr, nullptr, &tries);
              if (rc == 0)
                cd->pfnCardChangeAuthenticatorEx(cd, PIN_CHANGE_FLAG_CHANGEPIN, ROLE_USER,
                                                 new_pin.data(), static_cast<DWORD>(new_pin.size()),
                                                 ROLE_USER, old_pin.data(),
                                                 static_cast<DWORD>(old_pin.size()), 0, &tries);
              check.rc(0, rc, "CardProcessEncryptedData(CSF_CHANGE_AUTHENTICATOR)");
              check.rc(0, with_new, "CardAuthenticateEx(new PIN)");
              check.rc(0, authenticate_user(cd, env.config()), "the old PIN again after restoring");
            });
  flow_case(r, "replay", "the same blob processed twice: the second -> SCARD_W_SECURITY_VIOLATION",
            [](Env& env, Checker& check, Flow& f) {
              const Bytes blob =
                  server_encrypt(check, f.keys, CSF_AUTHENTICATE,
                                 authenticate_struct(0, pin_bytes(env.config().user_pin)));
              check.rc(0, client_process(f.keys, CSF_AUTHENTICATE, blob, nullptr), "first");
              check.rc(SCARD_W_SECURITY_VIOLATION,
                       client_process(f.keys, CSF_AUTHENTICATE, blob, nullptr), "replayed blob");
            });
  flow_case(r, "tampered", "a blob with its last byte flipped -> NTE_BAD_DATA",
            [](Env& env, Checker& check, Flow& f) {
              Bytes blob = server_encrypt(check, f.keys, CSF_AUTHENTICATE,
                                          authenticate_struct(0, pin_bytes(env.config().user_pin)));
              blob.back() ^= 0x01;
              check.rc(NTE_BAD_DATA, client_process(f.keys, CSF_AUTHENTICATE, blob, nullptr),
                       "tampered blob");
            });
  flow_case(r, "wrong_function",
            "an AUTHENTICATE blob processed as CSF_IMPORT_KEYPAIR -> "
            "SCARD_E_INVALID_PARAMETER",
            [](Env& env, Checker& check, Flow& f) {
              const Bytes blob =
                  server_encrypt(check, f.keys, CSF_AUTHENTICATE,
                                 authenticate_struct(0, pin_bytes(env.config().user_pin)));
              check.rc(SCARD_E_INVALID_PARAMETER,
                       client_process(f.keys, CSF_IMPORT_KEYPAIR, blob, nullptr), "wrong function");
            });
  flow_case(r, "two_blobs",
            "CardProcessEncryptedData with cEncryptedData 2 -> SCARD_E_INVALID_PARAMETER",
            [](Env& env, Checker& check, Flow& f) {
              Bytes blob = server_encrypt(check, f.keys, CSF_AUTHENTICATE,
                                          authenticate_struct(0, pin_bytes(env.config().user_pin)));
              CARD_ENCRYPTED_DATA two[2] = {{blob.data(), static_cast<DWORD>(blob.size())},
                                            {blob.data(), static_cast<DWORD>(blob.size())}};
              CARD_DATA* cd = f.card->cd();
              check.rc(SCARD_E_INVALID_PARAMETER,
                       cd->pfnCardProcessEncryptedData(cd, f.keys.on_client, CSF_AUTHENTICATE, two,
                                                       2, nullptr, 0, nullptr, 0),
                       "two blobs");
            });
  flow_case(r, "key_properties",
            "card-side handle: CardGetKeyProperty reads back the mode and IV set on it; an unknown "
            "mode -> SCARD_E_INVALID_PARAMETER",
            [](Env&, Checker& check, Flow& f) {
              CARD_DATA* cd = f.card->cd();
              const Bytes iv = verify::random_bytes(16);
              Bytes copy = iv;
              check.rc(0,
                       cd->pfnCardSetKeyProperty(cd, f.keys.on_client, CKP_INITIALIZATION_VECTOR,
                                                 copy.data(), 16, 0),
                       "CardSetKeyProperty(IV)");
              Bytes out(64);
              DWORD len = 0;
              check.rc(0,
                       cd->pfnCardGetKeyProperty(cd, f.keys.on_client, CKP_INITIALIZATION_VECTOR,
                                                 out.data(), 64, &len, 0),
                       "CardGetKeyProperty(IV)");
              check.require(Bytes(out.begin(), out.begin() + len) == iv, "IV read back differs");
              check.rc(0,
                       cd->pfnCardGetKeyProperty(cd, f.keys.on_client, CKP_CHAINING_MODE,
                                                 out.data(), 64, &len, 0),
                       "CardGetKeyProperty(ChainingMode)");
              const std::u16string cbc = CARD_CHAIN_MODE_CBC;
              check.require(len == (cbc.size() + 1) * 2 &&
                                std::equal(cbc.begin(), cbc.end(),
                                           reinterpret_cast<const char16_t*>(out.data())),
                            "mode is not ChainingModeCBC");
              std::u16string bad = u"ChainingModeXYZ";
              check.rc(SCARD_E_INVALID_PARAMETER,
                       cd->pfnCardSetKeyProperty(cd, f.keys.on_client, CKP_CHAINING_MODE,
                                                 reinterpret_cast<PBYTE>(bad.data()),
                                                 static_cast<DWORD>((bad.size() + 1) * 2), 0),
                       "CardSetKeyProperty(unknown mode)");
            });
  flow_case(
      r, "malformed_structure",
      "a CARD_AUTHENTICATE with dwVersion 6 -> SCARD_E_INVALID_PARAMETER, from MDEncryptData "
      "(the server may check) or else from CardProcessEncryptedData (the card must)",
      [](Env& env, Checker& check, Flow& f) {
        Bytes p = authenticate_struct(0, pin_bytes(env.config().user_pin));
        p[0] = 6;
        CARD_DATA* s = f.keys.server;
        PCARD_ENCRYPTED_DATA enc = nullptr;
        DWORD count = 0;
        const DWORD rc = s->pfnMDEncryptData(s, f.keys.on_server, CSF_AUTHENTICATE, p.data(),
                                             static_cast<DWORD>(p.size()), 0, &enc, &count);
        if (rc != 0) {
          check.rc(SCARD_E_INVALID_PARAMETER, rc, "MDEncryptData(CARD_AUTHENTICATE v6)");
          return;
        }
        check.require(enc != nullptr && count == 1, "MDEncryptData did not return one blob");
        const Bytes blob(enc[0].pbEncryptedData, enc[0].pbEncryptedData + enc[0].cbEncryptedData);
        s->pfnCspFree(enc);
        check.rc(SCARD_E_INVALID_PARAMETER, client_process(f.keys, CSF_AUTHENTICATE, blob, nullptr),
                 "CardProcessEncryptedData(CARD_AUTHENTICATE v6)");
      });
  flow_case(r, "destroyed_handle", "a blob for a destroyed client handle -> SCARD_E_INVALID_HANDLE",
            [](Env& env, Checker& check, Flow& f) {
              const Bytes blob =
                  server_encrypt(check, f.keys, CSF_AUTHENTICATE,
                                 authenticate_struct(0, pin_bytes(env.config().user_pin)));
              CARD_DATA* cd = f.card->cd();
              check.rc(0, cd->pfnCardDestroyKey(cd, f.keys.on_client), "CardDestroyKey(client)");
              const DWORD rc = client_process(f.keys, CSF_AUTHENTICATE, blob, nullptr);
              f.keys.on_client = 0;
              check.rc(SCARD_E_INVALID_HANDLE, rc, "CardProcessEncryptedData after CardDestroyKey");
            });

  auto import_neg = [&r](const std::string& name, const std::string& what, DWORD expected,
                         DWORD spec, bool authenticate,
                         std::function<DWORD(CARD_DATA*, BYTE, Bytes&)> call) {
    r.add("ski.client.import_session_key_" + name,
          "CardImportSessionKey " + what + " -> " + error_name(expected),
          [=](Env& env, Checker& check) {
            if (!env.config().ski) check.skip("config: no SKI");
            auto cs = env.open(0);
            CARD_DATA* cd = cs->cd();
            // spec 0: the RSA establishment key; otherwise a fresh ordinary container.
            std::unique_ptr<TempContainer> temp;
            EstablishmentKey k;
            if (spec == 0) {
              k = establishment_key(check, env, cd, true);
            } else {
              temp = std::make_unique<TempContainer>(check, env, cd, spec,
                                                     spec == AT_KEYEXCHANGE ? 2048 : 0);
              k.index = temp->index;
              k.public_blob = temp->public_blob;
            }
            if (!authenticate) cd->pfnCardDeauthenticateEx(cd, CREATE_PIN_SET(ROLE_USER), 0);
            Bytes wrapped;
            if (auto key = verify::from_capi_public(k.public_blob))
              wrapped =
                  verify::rsa_encrypt(key.get(), key_data_blob(verify::random_bytes(32)), "pkcs1");
            else
              wrapped = verify::random_bytes(256);
            check.rc(expected, call(cd, k.index, wrapped), "CardImportSessionKey(" + what + ")");
          });
  };
  auto plain_import = [](DWORD flags) {
    return [flags](CARD_DATA* cd, BYTE idx, Bytes& w) {
      CARD_KEY_HANDLE h = 0;
      const DWORD rc =
          cd->pfnCardImportSessionKey(cd, idx, nullptr, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM,
                                      &h, w.data(), static_cast<DWORD>(w.size()), flags);
      if (rc == 0) cd->pfnCardDestroyKey(cd, h);
      return rc;
    };
  };
  import_neg("ecc_container", "into an ECDH container (RSA only)", SCARD_E_INVALID_PARAMETER,
             AT_ECDHE_P256, true, plain_import(CARD_PADDING_PKCS1));
  import_neg("ordinary_container",
             "into an ordinary key-exchange container (no establishment key, docs/ski.md §13)",
             SCARD_E_INVALID_PARAMETER, AT_KEYEXCHANGE, true, plain_import(CARD_PADDING_PKCS1));
  import_neg("bad_flags", "with dwFlags 0x80", SCARD_E_INVALID_PARAMETER, 0, true,
             plain_import(0x80));
  import_neg("anonymous", "without the user PIN", SCARD_W_SECURITY_VIOLATION, 0, false,
             plain_import(CARD_PADDING_PKCS1));
  import_neg("tampered", "of a ciphertext with a flipped byte", NTE_BAD_DATA, 0, true,
             [](CARD_DATA* cd, BYTE idx, Bytes& w) {
               w[w.size() / 2] ^= 0x10;
               CARD_KEY_HANDLE h = 0;
               return cd->pfnCardImportSessionKey(cd, idx, nullptr, BCRYPT_KEY_DATA_BLOB,
                                                  CARD_AES_ALGORITHM, &h, w.data(),
                                                  static_cast<DWORD>(w.size()), CARD_PADDING_PKCS1);
             });
  import_neg("null_handle", "with phKey NULL", SCARD_E_INVALID_PARAMETER, 0, true,
             [](CARD_DATA* cd, BYTE idx, Bytes& w) {
               return cd->pfnCardImportSessionKey(cd, idx, nullptr, BCRYPT_KEY_DATA_BLOB,
                                                  CARD_AES_ALGORITHM, nullptr, w.data(),
                                                  static_cast<DWORD>(w.size()), CARD_PADDING_PKCS1);
             });
  import_neg("bad_blob_type", "with blob type L\"OpaqueKeyBlob\"", SCARD_E_INVALID_PARAMETER, 0,
             true, [](CARD_DATA* cd, BYTE idx, Bytes& w) {
               CARD_KEY_HANDLE h = 0;
               return cd->pfnCardImportSessionKey(cd, idx, nullptr, u"OpaqueKeyBlob",
                                                  CARD_AES_ALGORITHM, &h, w.data(),
                                                  static_cast<DWORD>(w.size()), CARD_PADDING_PKCS1);
             });

  r.add("ski.client.ecc_derived_key",
        "ECC key establishment (docs/ski.md §7.3): CardConstructDHAgreement + CardDeriveKey("
        "CARD_RETURN_KEY_HANDLE, HKDF) shares a key with the server; CSF_AUTHENTICATE works",
        [](Env& env, Checker& check) {
          const auto& c = env.config();
          if (!c.ski || !Config::has(c.ski_import, std::string("ecc")))
            check.skip("config: no ECC SKI");
          if (c.ski_protocol != "softcard") check.skip("config: ski.protocol is not \"softcard\"");
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          auto server = env.open_no_card();
          const EstablishmentKey k = establishment_key(check, env, cd, false);
          auto card_pub = verify::from_bcrypt_ecc_public(k.public_blob);
          auto host = verify::ecdh_with(card_pub.get());
          CARD_DH_AGREEMENT_INFO info{};
          info.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION;
          info.bContainerIndex = k.index;
          info.dwPublicKey = static_cast<DWORD>(host.public_blob.size());
          info.pbPublicKey = host.public_blob.data();
          check.rc(0, cd->pfnCardConstructDHAgreement(cd, &info), "CardConstructDHAgreement");
          std::u16string kdf = BCRYPT_KDF_HKDF, alg = CARD_AES_ALGORITHM;
          CARD_DERIVE_KEY d{};
          d.dwVersion = CARD_DERIVE_KEY_CURRENT_VERSION;
          d.dwFlags = CARD_RETURN_KEY_HANDLE;
          d.pwszKDF = kdf.data();
          d.bSecretAgreementIndex = info.bSecretAgreementIndex;
          d.pwszAlgId = alg.data();
          d.dwKeyLen = 256;
          check.rc(0, cd->pfnCardDeriveKey(cd, &d), "CardDeriveKey(CARD_RETURN_KEY_HANDLE)");
          SessionKeys keys;
          keys.client = cd;
          keys.server = server->cd();
          keys.on_client = d.hKey;
          // info = "softcard-ski-v1 ecdh" || alg id; AES-256 is algorithm id 03 (docs/ski.md §3).
          const Bytes sk256 =
              hkdf_sha256(host.secret, std::string("softcard-ski-v1 ecdh") + '\x03', 32);
          keys.on_server = server_import(check, keys.server, CARD_AES_ALGORITHM, sk256);
          cd->pfnCardDeauthenticateEx(cd, CREATE_PIN_SET(ROLE_USER), 0);
          const Bytes blob = server_encrypt(check, keys, CSF_AUTHENTICATE,
                                            authenticate_struct(0, pin_bytes(c.user_pin)));
          check.rc(0, client_process(keys, CSF_AUTHENTICATE, blob, nullptr),
                   "CardProcessEncryptedData with the derived key");
        });

  // docs/ski.md §7.2 (protocol "softcard"): server request -> server hello -> card hello.
  auto shared = [&r](const std::string& name, const std::string& what,
                     std::function<void(Env&, Checker&, CARD_DATA * client, CARD_DATA * server,
                                        const Bytes& request)>
                         body) {
    r.add("ski.shared." + name, what, [body](Env& env, Checker& check) {
      const auto& c = env.config();
      if (!c.ski || !Config::has(c.ski_import, std::string("shared")))
        check.skip("config: no shared-key SKI");
      if (c.ski_protocol != "softcard") check.skip("config: ski.protocol is not \"softcard\"");
      if (c.ski_shared_number < 0) check.skip("config: no ski.shared_key");
      auto cs = env.open(0);
      auto server = env.open_no_card();
      Bytes request = {0x53, 0x52, 0x01, static_cast<BYTE>(c.ski_shared_number), 0x03, 0x20};
      request.insert(request.end(), c.ski_shared_key.begin(), c.ski_shared_key.end());
      body(env, check, cs->cd(), server->cd(), request);
    });
  };
  auto handshake = [](CARD_DATA* cd, Bytes in, Bytes& out, CARD_KEY_HANDLE& h) {
    PBYTE o = nullptr;
    DWORD cb = 0;
    const DWORD rc =
        cd->pfnCardGetSharedKeyHandle(cd, in.data(), static_cast<DWORD>(in.size()), &o, &cb, &h);
    out.assign(o, o + (o ? cb : 0));
    if (o) cd->pfnCspFree(o);
    return rc;
  };
  shared(
      "handshake",
      "CardGetSharedKeyHandle: server request -> server hello -> card hello -> the server's "
      "pending handle becomes usable; CSF_AUTHENTICATE works with the shared session key",
      [handshake](Env& env, Checker& check, CARD_DATA* client, CARD_DATA* server,
                  const Bytes& request) {
        SessionKeys keys;
        keys.client = client;
        keys.server = server;
        Bytes server_hello, card_hello, last;
        check.rc(0, handshake(server, request, server_hello, keys.on_server),
                 "CardGetSharedKeyHandle(server request)");
        check.require(server_hello.size() == 21, "server hello is not 21 bytes");
        check.rc(0, handshake(client, server_hello, card_hello, keys.on_client),
                 "CardGetSharedKeyHandle(server hello) on the card");
        check.require(card_hello.size() == 45, "card hello is not 45 bytes");
        CARD_KEY_HANDLE confirmed = 0;
        check.rc(0, handshake(server, card_hello, last, confirmed),
                 "CardGetSharedKeyHandle(card hello) on the server");
        check.require(confirmed == keys.on_server, "the confirmed handle is not the pending one");
        client->pfnCardDeauthenticateEx(client, CREATE_PIN_SET(ROLE_USER), 0);
        const Bytes blob = server_encrypt(check, keys, CSF_AUTHENTICATE,
                                          authenticate_struct(0, pin_bytes(env.config().user_pin)));
        check.rc(0, client_process(keys, CSF_AUTHENTICATE, blob, nullptr),
                 "CardProcessEncryptedData with the shared session key");
      });
  shared("pending_handle",
         "a server handle whose card hello has not come back cannot encrypt -> "
         "SCARD_E_INVALID_HANDLE",
         [handshake](Env&, Checker& check, CARD_DATA*, CARD_DATA* server, const Bytes& request) {
           SessionKeys keys;
           keys.server = server;
           Bytes hello;
           check.rc(0, handshake(server, request, hello, keys.on_server), "CardGetSharedKeyHandle");
           Bytes p = authenticate_struct(0, Bytes{'1'});
           PCARD_ENCRYPTED_DATA e = nullptr;
           DWORD n = 0;
           const DWORD rc =
               server->pfnMDEncryptData(server, keys.on_server, CSF_AUTHENTICATE, p.data(),
                                        static_cast<DWORD>(p.size()), 0, &e, &n);
           if (e) server->pfnCspFree(e);
           check.rc(SCARD_E_INVALID_HANDLE, rc, "MDEncryptData with a pending handle");
         });
  shared("unknown_card_hello",
         "a card hello that answers no pending server hello -> SCARD_E_INVALID_PARAMETER",
         [handshake](Env&, Checker& check, CARD_DATA*, CARD_DATA* server, const Bytes& request) {
           SessionKeys keys;
           keys.server = server;
           Bytes hello, out;
           check.rc(0, handshake(server, request, hello, keys.on_server), "CardGetSharedKeyHandle");
           Bytes fake = {0x43, 0x48, 0x01, request[3], 0x03};
           const Bytes rnd = verify::random_bytes(40);
           fake.insert(fake.end(), rnd.begin(), rnd.end());
           CARD_KEY_HANDLE h = 0;
           check.rc(SCARD_E_INVALID_PARAMETER, handshake(server, fake, out, h),
                    "CardGetSharedKeyHandle(unknown card hello)");
         });
  r.add("ski.shared.null_handle",
        "CardGetSharedKeyHandle with phKey NULL -> SCARD_E_INVALID_PARAMETER",
        [](Env& env, Checker& check) {
          if (!env.config().ski) check.skip("config: no SKI");
          auto server = env.open_no_card();
          CARD_DATA* cd = server->cd();
          Bytes in(38, 0);
          PBYTE o = nullptr;
          DWORD cb = 0;
          const DWORD rc = cd->pfnCardGetSharedKeyHandle(cd, in.data(), 38, &o, &cb, nullptr);
          if (o) cd->pfnCspFree(o);
          check.rc(SCARD_E_INVALID_PARAMETER, rc, "CardGetSharedKeyHandle(phKey NULL)");
        });
}

}  // namespace softcard::mdtest
