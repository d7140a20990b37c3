#pragma once
// Small wrappers nodes share: calls that allocate through the CSP allocator, property reads,
// logging in, finding a free container.
#include <cstdint>
#include <string>
#include <vector>

#include "cardmod.h"
#include "config.h"
#include "env.h"
#include "registry.h"

namespace softcard::mdtest {

using Bytes = std::vector<BYTE>;

// A writable UTF-16 copy (several cardmod.h parameters are LPWSTR, not LPCWSTR).
struct WStr {
  explicit WStr(const char16_t* s) : text(s) {}
  LPWSTR get() { return text.data(); }
  std::u16string text;
};

// Fails the node when the entry point is NULL in the table; skips it when the configuration
// says the card does not implement `function`.
template <class F>
F need(Checker& check, const Config& cfg, F fn, const char* function) {
  if (!cfg.implements(function))
    check.skip(std::string("config: ") + function + " not implemented");
  check.require(fn != nullptr, std::string("CARD_DATA.pfn") + function + " is NULL");
  return fn;
}

DWORD read_file(CARD_DATA* cd, const char* dir, const char* name, Bytes& out);
DWORD get_property(CARD_DATA* cd, LPCWSTR prop, Bytes& out, DWORD flags = 0);
DWORD get_property_dword(CARD_DATA* cd, LPCWSTR prop, DWORD& out, DWORD flags = 0);

Bytes pin_bytes(const std::string& pin);
// CardAuthenticateEx(ROLE_USER) (or CardAuthenticatePin("user") below v6) with the config's PIN.
DWORD authenticate_user(CARD_DATA* cd, const Config& cfg);
// The ROLE_ADMIN challenge-response: the challenge encrypted with the admin key (3DES or AES,
// ECB, no padding); docs/mdtest.md "Admin authentication".
Bytes admin_response(const Config& cfg, const Bytes& challenge);
// CardGetChallengeEx(ROLE_ADMIN) + CardAuthenticateEx(ROLE_ADMIN, response).
DWORD authenticate_admin(CARD_DATA* cd, const Config& cfg);

// The lowest container index without a container (CardGetContainerInfo answers
// SCARD_E_NO_KEY_CONTAINER), at or after `from`; fails the node when none below 255.
BYTE free_container(Checker& check, CARD_DATA* cd, BYTE from = 0);

std::string hex(const Bytes& b);

}  // namespace softcard::mdtest

namespace softcard::mdtest {

// A container the node creates (on-card key generation) and deletes again when it ends; on a
// read-only card (config read_only) the provisioned key of that spec and size instead, left as
// it is (the node skips when the config names none).
class TempContainer {
 public:
  // Authenticates the user, takes the first free index, generates; fails the node on error.
  TempContainer(Checker& check, Env& env, CARD_DATA* cd, DWORD key_spec, DWORD bits);
  ~TempContainer();
  TempContainer(const TempContainer&) = delete;
  TempContainer& operator=(const TempContainer&) = delete;

  BYTE index = 0;
  DWORD key_spec = 0, bits = 0;
  Bytes public_blob;  // PUBLICKEYBLOB or BCRYPT_ECCKEY_BLOB from CardGetContainerInfo

 private:
  Env& env_;
  CARD_DATA* cd_;
  bool owned_ = true;  // generated here: deleted at the end
};

// Skips the node on a read-only card: it is about making or deleting containers.
void need_writable_card(Checker& check, const Config& cfg);

// The cardmod.h name of a key spec ("AT_ECDSA_P256"), as the config's keys.provisioned names it.
std::string spec_name(DWORD key_spec);

bool is_ecc_spec(DWORD key_spec);
// The smallest configured RSA size (fast key generation for nodes that just need a key).
DWORD small_rsa(const Config& cfg);
// The public key of a container (CardGetContainerInfo), key-exchange or signature slot.
DWORD container_public(CARD_DATA* cd, BYTE index, bool key_exchange, Bytes& out);

}  // namespace softcard::mdtest
