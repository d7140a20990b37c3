#include "helpers.h"

#include <openssl/evp.h>

#include <cstring>
#include <memory>

namespace softcard::mdtest {

DWORD read_file(CARD_DATA* cd, const char* dir, const char* name, Bytes& out) {
  out.clear();
  if (!cd->pfnCardReadFile) return SCARD_E_UNSUPPORTED_FEATURE;
  std::string d = dir ? dir : "", n = name;
  PBYTE data = nullptr;
  DWORD cb = 0;
  const DWORD rc = cd->pfnCardReadFile(cd, dir ? d.data() : nullptr, n.data(), 0, &data, &cb);
  if (rc == 0 && data) out.assign(data, data + cb);
  if (data) cd->pfnCspFree(data);
  return rc;
}

DWORD get_property(CARD_DATA* cd, LPCWSTR prop, Bytes& out, DWORD flags) {
  out.clear();
  if (!cd->pfnCardGetProperty) return SCARD_E_UNSUPPORTED_FEATURE;
  DWORD len = 0;
  BYTE probe[1];
  DWORD rc = cd->pfnCardGetProperty(cd, prop, probe, 0, &len, flags);
  if (rc != 0 && rc != ERROR_INSUFFICIENT_BUFFER && rc != SCARD_E_INSUFFICIENT_BUFFER) return rc;
  out.resize(len ? len : 1);
  rc = cd->pfnCardGetProperty(cd, prop, out.data(), static_cast<DWORD>(out.size()), &len, flags);
  if (rc == 0) out.resize(len);
  return rc;
}

DWORD get_property_dword(CARD_DATA* cd, LPCWSTR prop, DWORD& out, DWORD flags) {
  if (!cd->pfnCardGetProperty) return SCARD_E_UNSUPPORTED_FEATURE;
  DWORD len = 0;
  out = 0;
  return cd->pfnCardGetProperty(cd, prop, reinterpret_cast<PBYTE>(&out), sizeof out, &len, flags);
}

Bytes pin_bytes(const std::string& pin) {
  return Bytes(pin.begin(), pin.end());
}

DWORD authenticate_user(CARD_DATA* cd, const Config& cfg) {
  Bytes pin = pin_bytes(cfg.user_pin);
  DWORD tries = 0;
  if (cd->dwVersion >= CARD_DATA_VERSION_SIX && cd->pfnCardAuthenticateEx)
    return cd->pfnCardAuthenticateEx(cd, ROLE_USER, 0, pin.data(), static_cast<DWORD>(pin.size()),
                                     nullptr, nullptr, &tries);
  std::u16string user = u"user";
  return cd->pfnCardAuthenticatePin(cd, user.data(), pin.data(), static_cast<DWORD>(pin.size()),
                                    &tries);
}

Bytes admin_response(const Config& cfg, const Bytes& challenge) {
  const auto& key = cfg.admin_key;
  const EVP_CIPHER* cipher = nullptr;
  if (key.algorithm == "3des") cipher = EVP_des_ede3_ecb();
  if (key.algorithm == "aes")
    cipher = key.value.size() == 16   ? EVP_aes_128_ecb()
             : key.value.size() == 24 ? EVP_aes_192_ecb()
                                      : EVP_aes_256_ecb();
  if (!cipher) return {};
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  Bytes out(challenge.size() + 32);
  int n = 0, m = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key.value.data(), nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &n, challenge.data(),
                        static_cast<int>(challenge.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &m) != 1)
    return {};
  out.resize(static_cast<std::size_t>(n + m));
  return out;
}

DWORD authenticate_admin(CARD_DATA* cd, const Config& cfg) {
  if (!cd->pfnCardGetChallengeEx || !cd->pfnCardAuthenticateEx) return SCARD_E_UNSUPPORTED_FEATURE;
  PBYTE challenge = nullptr;
  DWORD cb = 0;
  DWORD rc = cd->pfnCardGetChallengeEx(cd, ROLE_ADMIN, &challenge, &cb, 0);
  if (rc != 0) return rc;
  Bytes c(challenge, challenge + cb);
  cd->pfnCspFree(challenge);
  Bytes response = admin_response(cfg, c);
  if (response.empty()) return SCARD_E_INVALID_PARAMETER;
  DWORD tries = 0;
  return cd->pfnCardAuthenticateEx(cd, ROLE_ADMIN, 0, response.data(),
                                   static_cast<DWORD>(response.size()), nullptr, nullptr, &tries);
}

BYTE free_container(Checker& check, CARD_DATA* cd, BYTE from) {
  check.require(cd->pfnCardGetContainerInfo != nullptr,
                "CARD_DATA.pfnCardGetContainerInfo is NULL");
  for (unsigned i = from; i < 255; ++i) {
    CONTAINER_INFO info{};
    info.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
    const DWORD rc = cd->pfnCardGetContainerInfo(cd, static_cast<BYTE>(i), 0, &info);
    if (rc == SCARD_E_NO_KEY_CONTAINER) return static_cast<BYTE>(i);
    if (info.pbSigPublicKey) cd->pfnCspFree(info.pbSigPublicKey);
    if (info.pbKeyExPublicKey) cd->pfnCspFree(info.pbKeyExPublicKey);
    if (rc != 0)
      throw NodeFailure("CardGetContainerInfo(" + std::to_string(i) +
                            ") while looking for a free "
                            "container",
                        SCARD_E_NO_KEY_CONTAINER, rc);
  }
  throw NodeFailure("no free container index");
}

std::string hex(const Bytes& b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (BYTE x : b) {
    s += digits[x >> 4];
    s += digits[x & 15];
  }
  return s;
}

}  // namespace softcard::mdtest

namespace softcard::mdtest {

void need_writable_card(Checker& check, const Config& cfg) {
  if (cfg.read_only) check.skip("config: read-only card (no key generation, import or deletion)");
}

std::string spec_name(DWORD key_spec) {
  switch (key_spec) {
    case AT_KEYEXCHANGE:
      return "AT_KEYEXCHANGE";
    case AT_SIGNATURE:
      return "AT_SIGNATURE";
    case AT_ECDSA_P256:
      return "AT_ECDSA_P256";
    case AT_ECDSA_P384:
      return "AT_ECDSA_P384";
    case AT_ECDSA_P521:
      return "AT_ECDSA_P521";
    case AT_ECDHE_P256:
      return "AT_ECDHE_P256";
    case AT_ECDHE_P384:
      return "AT_ECDHE_P384";
    case AT_ECDHE_P521:
      return "AT_ECDHE_P521";
  }
  return "spec " + std::to_string(key_spec);
}

bool is_ecc_spec(DWORD key_spec) {
  return key_spec >= AT_ECDSA_P256 && key_spec <= AT_ECDHE_P521;
}

DWORD small_rsa(const Config& cfg) {
  DWORD best = 0;
  for (unsigned b : cfg.rsa_generate)
    if (!best || b < best) best = b;
  return best ? best : 2048;
}

DWORD container_public(CARD_DATA* cd, BYTE index, bool key_exchange, Bytes& out) {
  out.clear();
  CONTAINER_INFO info{};
  info.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
  const DWORD rc = cd->pfnCardGetContainerInfo(cd, index, 0, &info);
  if (rc == 0) {
    if (key_exchange && info.pbKeyExPublicKey)
      out.assign(info.pbKeyExPublicKey, info.pbKeyExPublicKey + info.cbKeyExPublicKey);
    if (!key_exchange && info.pbSigPublicKey)
      out.assign(info.pbSigPublicKey, info.pbSigPublicKey + info.cbSigPublicKey);
  }
  if (info.pbSigPublicKey) cd->pfnCspFree(info.pbSigPublicKey);
  if (info.pbKeyExPublicKey) cd->pfnCspFree(info.pbKeyExPublicKey);
  return rc;
}

TempContainer::TempContainer(Checker& check, Env& env, CARD_DATA* cd, DWORD spec, DWORD key_bits)
    : key_spec(spec), bits(key_bits), env_(env), cd_(cd) {
  const Config& cfg = env.config();
  if (cfg.read_only) {
    owned_ = false;
    const ProvisionedKey* found = nullptr;
    for (const auto& p : cfg.provisioned)
      if (p.spec == spec_name(key_spec) && (is_ecc_spec(key_spec) || p.bits == bits)) found = &p;
    if (!found)
      check.skip("config: read-only card without a provisioned " + spec_name(key_spec) +
                 (is_ecc_spec(key_spec) ? "" : " " + std::to_string(bits)) + " key");
    index = static_cast<BYTE>(found->index);
  }
  check.rc(0, authenticate_user(cd, cfg),
           owned_ ? "CardAuthenticateEx(user) before key generation" : "CardAuthenticateEx(user)");
  if (owned_) {
    index = free_container(check, cd);
    check.require(cd->pfnCardCreateContainer != nullptr, "pfnCardCreateContainer is NULL");
    const DWORD rc = cd->pfnCardCreateContainer(cd, index, CARD_CREATE_CONTAINER_KEY_GEN, key_spec,
                                                is_ecc_spec(key_spec) ? 0 : bits, nullptr);
    check.rc(0, rc, "CardCreateContainer(KEY_GEN, spec " + std::to_string(key_spec) + ")");
  }
  // ECC keys and AT_KEYEXCHANGE live in the key-exchange slot of CONTAINER_INFO, AT_SIGNATURE
  // in the signature slot.
  const bool kx = key_spec != AT_SIGNATURE && key_spec != AT_ECDSA_P256 &&
                  key_spec != AT_ECDSA_P384 && key_spec != AT_ECDSA_P521;
  check.rc(0, container_public(cd, index, kx, public_blob), "CardGetContainerInfo");
  if (public_blob.empty()) container_public(cd, index, !kx, public_blob);
  check.require(!public_blob.empty(), "CardGetContainerInfo returned no public key");
}

TempContainer::~TempContainer() {
  if (!owned_ || !cd_->pfnCardDeleteContainer) return;
  authenticate_user(cd_, env_.config());
  cd_->pfnCardDeleteContainer(cd_, index, 0);
}

}  // namespace softcard::mdtest
