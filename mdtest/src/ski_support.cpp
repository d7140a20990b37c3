#include "ski_support.h"

namespace softcard::mdtest {

namespace {

void put32(Bytes& b, DWORD v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<BYTE>(v >> (8 * i)));
}

}  // namespace

Bytes key_data_blob(const Bytes& key) {
  Bytes b;
  put32(b, BCRYPT_KEY_DATA_BLOB_MAGIC);
  put32(b, BCRYPT_KEY_DATA_BLOB_VERSION1);
  put32(b, static_cast<DWORD>(key.size()));
  b.insert(b.end(), key.begin(), key.end());
  return b;
}

Bytes authenticate_struct(DWORD flags, const Bytes& pin) {
  Bytes b;
  put32(b, CARD_AUTHENTICATE_CURRENT_VERSION);
  put32(b, flags);
  put32(b, ROLE_USER);
  put32(b, static_cast<DWORD>(pin.size()));
  b.insert(b.end(), pin.begin(), pin.end());
  return b;
}

Bytes import_keypair_struct(BYTE index, DWORD spec, DWORD bits, const Bytes& key_blob) {
  Bytes b;
  put32(b, CARD_IMPORT_KEYPAIR_CURRENT_VERSION);
  b.push_back(index);
  b.insert(b.end(), 3, 0);
  put32(b, ROLE_USER);
  put32(b, spec);
  put32(b, bits);
  put32(b, static_cast<DWORD>(key_blob.size()));
  b.insert(b.end(), key_blob.begin(), key_blob.end());
  return b;
}

Bytes change_pin_struct(const Bytes& old_pin, const Bytes& new_pin) {
  Bytes b;
  put32(b, CARD_CHANGE_AUTHENTICATOR_CURRENT_VERSION);
  put32(b, PIN_CHANGE_FLAG_CHANGEPIN);
  put32(b, ROLE_USER);
  put32(b, static_cast<DWORD>(old_pin.size()));
  put32(b, ROLE_USER);
  put32(b, static_cast<DWORD>(new_pin.size()));
  put32(b, 0);
  b.insert(b.end(), old_pin.begin(), old_pin.end());
  b.insert(b.end(), new_pin.begin(), new_pin.end());
  return b;
}

SessionKeys::~SessionKeys() {
  if (on_client && client && client->pfnCardDestroyKey)
    client->pfnCardDestroyKey(client, on_client);
  if (on_server && server && server->pfnCardDestroyKey)
    server->pfnCardDestroyKey(server, on_server);
}

CARD_KEY_HANDLE server_import(Checker& check, CARD_DATA* server, const char16_t* alg,
                              const Bytes& key) {
  check.require(server->pfnMDImportSessionKey != nullptr, "pfnMDImportSessionKey is NULL");
  Bytes blob = key_data_blob(key);
  CARD_KEY_HANDLE h = 0;
  check.rc(0,
           server->pfnMDImportSessionKey(server, BCRYPT_KEY_DATA_BLOB, alg, &h, blob.data(),
                                         static_cast<DWORD>(blob.size())),
           "MDImportSessionKey");
  check.require(h != 0, "MDImportSessionKey returned handle 0");
  return h;
}

void rsa_establish(Checker& check, SessionKeys& keys, BYTE container, const Bytes& public_blob,
                   const std::string& padding) {
  const Bytes s1 = verify::random_bytes(32);
  const Bytes blob = key_data_blob(s1);
  auto k1 = verify::from_capi_public(public_blob);
  check.require(k1 != nullptr, "container public key is not a PUBLICKEYBLOB");
  Bytes wrapped = verify::rsa_encrypt(k1.get(), blob, padding, "sha256");
  BCRYPT_OAEP_PADDING_INFO oaep{u"SHA256", nullptr, 0};
  CARD_DATA* c = keys.client;
  check.require(c->pfnCardImportSessionKey != nullptr, "pfnCardImportSessionKey is NULL");
  check.rc(0,
           c->pfnCardImportSessionKey(c, container, padding == "oaep" ? &oaep : nullptr,
                                      BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM, &keys.on_client,
                                      wrapped.data(), static_cast<DWORD>(wrapped.size()),
                                      padding == "oaep" ? CARD_PADDING_OAEP : CARD_PADDING_PKCS1),
           "CardImportSessionKey(" + padding + ")");
  keys.on_server = server_import(check, keys.server, CARD_AES_ALGORITHM, s1);
  Bytes iv = verify::random_bytes(16);
  std::u16string mode = CARD_CHAIN_MODE_CBC;
  for (auto [cd, h] : {std::pair{keys.client, keys.on_client}, {keys.server, keys.on_server}}) {
    check.rc(
        0,
        cd->pfnCardSetKeyProperty(cd, h, CKP_CHAINING_MODE, reinterpret_cast<PBYTE>(mode.data()),
                                  static_cast<DWORD>((mode.size() + 1) * 2), 0),
        "CardSetKeyProperty(ChainingMode)");
    check.rc(0,
             cd->pfnCardSetKeyProperty(cd, h, CKP_INITIALIZATION_VECTOR, iv.data(),
                                       static_cast<DWORD>(iv.size()), 0),
             "CardSetKeyProperty(IV)");
  }
}

Bytes server_encrypt(Checker& check, SessionKeys& keys, const char16_t* function,
                     const Bytes& plain) {
  CARD_DATA* s = keys.server;
  Bytes in = plain;
  PCARD_ENCRYPTED_DATA enc = nullptr;
  DWORD count = 0;
  check.rc(0,
           s->pfnMDEncryptData(s, keys.on_server, function, in.data(),
                               static_cast<DWORD>(in.size()), 0, &enc, &count),
           "MDEncryptData");
  check.require(enc != nullptr && count == 1, "MDEncryptData did not return exactly one blob");
  Bytes blob(enc[0].pbEncryptedData, enc[0].pbEncryptedData + enc[0].cbEncryptedData);
  s->pfnCspFree(enc);
  check.require(!blob.empty(), "empty blob");
  return blob;
}

DWORD client_process(SessionKeys& keys, const char16_t* function, const Bytes& blob, Bytes* out) {
  CARD_DATA* c = keys.client;
  Bytes copy = blob;
  CARD_ENCRYPTED_DATA data{copy.data(), static_cast<DWORD>(copy.size())};
  Bytes buffer(256);
  DWORD len = 0;
  const DWORD rc = c->pfnCardProcessEncryptedData(
      c, keys.on_client, function, &data, 1, out ? buffer.data() : nullptr,
      out ? static_cast<DWORD>(buffer.size()) : 0, out ? &len : nullptr, 0);
  if (out) out->assign(buffer.begin(), buffer.begin() + std::min<std::size_t>(len, buffer.size()));
  return rc;
}

EstablishmentKey establishment_key(Checker& check, Env& env, CARD_DATA* cd, bool rsa) {
  const int index = rsa ? env.config().ski_establishment_rsa : env.config().ski_establishment_ecc;
  if (index < 0)
    check.skip(std::string("config: no ") + (rsa ? "RSA" : "ECC") +
               " establishment key (ski.establishment)");
  // Establishment needs the user PIN, as key generation for a fresh container did.
  check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx(user)");
  EstablishmentKey k;
  k.index = static_cast<BYTE>(index);
  check.rc(0, container_public(cd, k.index, true, k.public_blob),
           "CardGetContainerInfo(establishment key " + std::to_string(index) + ")");
  check.require(!k.public_blob.empty(), "the establishment container holds no key-exchange key");
  return k;
}

}  // namespace softcard::mdtest
