#pragma once
// Building blocks of the SKI nodes: the CSF structures as byte strings, a session key shared by
// a no-card "server" CARD_DATA and the card-side "client" CARD_DATA, encrypting and processing.
#include <string>

#include "helpers.h"
#include "verify.h"

namespace softcard::mdtest {

Bytes key_data_blob(const Bytes& key);  // BCRYPT_KEY_DATA_BLOB_HEADER + key
Bytes authenticate_struct(DWORD flags, const Bytes& pin);
Bytes import_keypair_struct(BYTE index, DWORD spec, DWORD bits, const Bytes& key_blob);
Bytes change_pin_struct(const Bytes& old_pin, const Bytes& new_pin);

// Handles on both sides, destroyed with CardDestroyKey when the node ends.
struct SessionKeys {
  CARD_DATA* client = nullptr;
  CARD_DATA* server = nullptr;
  CARD_KEY_HANDLE on_client = 0, on_server = 0;
  ~SessionKeys();
};

// The server's half: MDImportSessionKey(KeyDataBlob, alg, key).
CARD_KEY_HANDLE server_import(Checker& check, CARD_DATA* server, const char16_t* alg,
                              const Bytes& key);
// RSA key establishment (docs/mdtest.md "SKI"): S1 wrapped under the container's public key
// with PKCS#1 ("pkcs1") or OAEP-SHA256 ("oaep"), imported on both sides; both get a random
// base IV and ChainingModeCBC.
void rsa_establish(Checker& check, SessionKeys& keys, BYTE container, const Bytes& public_blob,
                   const std::string& padding);
// The card's establishment key for RSA (`rsa`) or ECC establishment, from the configuration
// (ski.establishment), with the user authenticated; its public key as CardGetContainerInfo
// reports it. Skips the node when the configuration names none.
struct EstablishmentKey {
  BYTE index = 0;
  Bytes public_blob;
};
EstablishmentKey establishment_key(Checker& check, Env& env, CARD_DATA* cd, bool rsa);
// MDEncryptData on the server; exactly one blob, freed with one pfnCspFree (docs/ski.md D12).
Bytes server_encrypt(Checker& check, SessionKeys& keys, const char16_t* function,
                     const Bytes& plain);
// CardProcessEncryptedData on the client with one blob; `out` receives the answer, if any.
DWORD client_process(SessionKeys& keys, const char16_t* function, const Bytes& blob, Bytes* out);

}  // namespace softcard::mdtest
