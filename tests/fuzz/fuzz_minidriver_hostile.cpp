// The host library against a hostile card: the minidriver through
// SoftcardAcquireContextWithTransport, where every response may come from the fuzzer. Each
// transmit takes one control byte: below 0x80 the real in-memory card answers (so the library
// gets deep into its flows), otherwise the next fuzzed chunk is the response. Then the calls a CSP
// makes run in turn; every buffer the library hands out is read in full (ASan checks its bounds)
// and freed with the CSP's allocator. SOFTCARD_FUZZ_MD_CARD picks the card and so the library's
// path: "gids" (fuzz_minidriver_hostile) or "piv" (fuzz_minidriver_piv_hostile: a YubiKey-
// personality PIV card with keys and certificates, fuzz_piv_setup.h, and every entry point the
// library's PIV path implements). SOFTCARD_FUZZ_RECORD=FILE in the environment: the real card
// answers everything and FILE receives an input that replays its answers as fuzzed chunks (a
// seed whose responses the fuzzer mutates); with SOFTCARD_FUZZ_RECORD_NO_METADATA also set, GET
// METADATA (F7) is recorded as 6D00, a plain PIV card's answer, so the library takes the
// certificate path for its containers.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "fuzz_edges.h"
#include "softcard_minidriver.h"

using namespace softcard;

namespace {

LPVOID WINAPI fuzz_alloc(SIZE_T n) {
  return std::calloc(1, n);
}
LPVOID WINAPI fuzz_realloc(LPVOID p, SIZE_T n) {
  return std::realloc(p, n);
}
void WINAPI fuzz_free(LPVOID p) {
  std::free(p);
}

struct Hostile {
  fuzz::Splitter* in;
  Card* card;
  Bytes* record = nullptr;  // record mode: the seed being written
  bool no_metadata = false;
};

// A control byte and a fuzzed chunk holding `r` (the Splitter's layout).
void record_answer(Bytes& seed, const Bytes& r) {
  seed.push_back(0x80);
  if (r.size() < 0xFF) {
    seed.push_back(std::uint8_t(r.size()));
  } else {
    seed.insert(seed.end(), {0xFF, std::uint8_t(r.size() >> 8), std::uint8_t(r.size())});
  }
  append(seed, r);
}

DWORD hostile_transmit(void* ctx, const BYTE* cmd, DWORD n, BYTE* resp, DWORD* rlen) {
  auto& h = *static_cast<Hostile*>(ctx);
  Bytes r;
  if (h.record) {
    r = h.no_metadata && n >= 2 && cmd[1] == 0xF7 ? Bytes{0x6D, 0x00}
                                                  : h.card->transmit(ByteView{cmd, n});
    record_answer(*h.record, r);
  } else {
    if (h.in->done()) return SCARD_E_NO_SMARTCARD;  // the card went away
    const bool genuine = h.in->byte() < 0x80;
    r = genuine ? h.card->transmit(ByteView{cmd, n}) : h.in->chunk();
  }
  if (r.size() > *rlen) return SCARD_E_INSUFFICIENT_BUFFER;
  if (!r.empty()) std::memcpy(resp, r.data(), r.size());
  *rlen = static_cast<DWORD>(r.size());
  return 0;
}

volatile std::uint8_t sink;
void touch(const void* p, std::size_t n) {
  const auto* b = static_cast<const std::uint8_t*>(p);
  std::uint8_t x = 0;
  for (std::size_t i = 0; i < n; ++i) x ^= b[i];
  sink = x;
}

struct World {
  bool piv = std::string(SOFTCARD_FUZZ_MD_CARD) == "piv";
  AppletRegistry registry = builtin_applets();
  StoredObjects objects =
      piv ? fuzz::with_md_piv_keys(fuzz::personalized_objects(fuzz::piv_profile(true)), registry,
                                   from_hex(fuzz::admin_key_hex))
          : fuzz::personalized_objects(load_profile("gids"));
  fuzz::ReusedCard card{objects, registry};
  Bytes peer_blob = ecdh_peer_blob();  // BCRYPT_ECCKEY_BLOB (ECDH P-256 public) of a fixed key

  static Bytes ecdh_peer_blob() {
    CryptoProvider host;
    const KeyPair peer = host.import_ec_private(Curve::p256, Bytes(32, 0x42));
    const EcPublic pub = host.ec_public(peer);
    Bytes blob = {'E', 'C', 'K', '1', 32, 0, 0, 0};  // BCRYPT_ECDH_PUBLIC_P256_MAGIC, cbKey
    blob.insert(blob.end(), pub.point.begin() + 1, pub.point.end());
    return blob;
  }
};

void exercise(CARD_DATA& cd) {
  char16_t user[] = u"user";
  BYTE pin[] = {'1', '2', '3', '4', '5', '6'};
  DWORD left = 0;
  cd.pfnCardAuthenticatePin(&cd, user, pin, sizeof pin, &left);
  for (const char16_t* prop :
       {CP_CARD_GUID, CP_CARD_SERIAL_NO, CP_CARD_FREE_SPACE, CP_CARD_CAPABILITIES, CP_CARD_KEYSIZES,
        CP_CARD_READ_ONLY, CP_CARD_CACHE_MODE, CP_CARD_LIST_PINS, CP_CARD_PIN_INFO}) {
    BYTE buf[512];
    DWORD len = 0;
    if (cd.pfnCardGetProperty(&cd, reinterpret_cast<LPCWSTR>(prop), buf, sizeof buf, &len, 0) ==
        0) {
      if (len > sizeof buf) fuzz::oracle_failed("property longer than the buffer it was given");
      touch(buf, len);
    }
  }
  char root[] = "";
  char mscp[] = "mscp";
  char cardid[] = "cardid", cardcf[] = "cardcf", cmapfile[] = "cmapfile";
  for (auto [dir, file] :
       {std::pair{root, cardid}, std::pair{root, cardcf}, std::pair{mscp, cmapfile}}) {
    PBYTE data = nullptr;
    DWORD len = 0;
    if (cd.pfnCardReadFile(&cd, dir[0] ? dir : nullptr, file, 0, &data, &len) == 0 && data) {
      touch(data, len);
      fuzz_free(data);
    }
    CARD_FILE_INFO info{};
    info.dwVersion = CARD_FILE_INFO_CURRENT_VERSION;
    cd.pfnCardGetFileInfo(&cd, dir[0] ? dir : nullptr, file, &info);
  }
  LPSTR names = nullptr;
  DWORD names_len = 0;
  if (cd.pfnCardEnumFiles(&cd, mscp, &names, &names_len, 0) == 0 && names) {
    touch(names, names_len);
    fuzz_free(names);
  }
  CARD_FREE_SPACE_INFO space{};
  space.dwVersion = CARD_FREE_SPACE_INFO_CURRENT_VERSION;
  cd.pfnCardQueryFreeSpace(&cd, 0, &space);
  for (BYTE idx = 0; idx < 3; ++idx) {
    CONTAINER_INFO ci{};
    ci.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
    if (cd.pfnCardGetContainerInfo(&cd, idx, 0, &ci) == 0) {
      if (ci.pbSigPublicKey) touch(ci.pbSigPublicKey, ci.cbSigPublicKey);
      if (ci.pbKeyExPublicKey) touch(ci.pbKeyExPublicKey, ci.cbKeyExPublicKey);
      fuzz_free(ci.pbSigPublicKey);
      fuzz_free(ci.pbKeyExPublicKey);
    }
  }
  PBYTE challenge = nullptr;
  DWORD challenge_len = 0;
  if (cd.pfnCardGetChallenge(&cd, &challenge, &challenge_len) == 0 && challenge) {
    touch(challenge, challenge_len);
    fuzz_free(challenge);
  }
}

// What a CSP does with a PIV card beyond exercise(): the other properties, files and containers
// of docs/minidriver.md "PIV cards", signatures (RSA PKCS#1 and PSS, ECDSA P-256 and P-384), RSA
// deciphering (PKCS#1, OAEP, raw), ECDH (agreement, derived bytes, destroy) and the PIN calls.
void exercise_piv(CARD_DATA& cd, const Bytes& peer_blob) {
  BYTE pin[] = {'1', '2', '3', '4', '5', '6'};
  DWORD left = 0;
  for (auto [prop, flags] : {std::pair{CP_CARD_AUTHENTICATED_STATE, DWORD(0)},
                             std::pair{CP_KEY_IMPORT_SUPPORT, DWORD(0)},
                             std::pair{CP_SUPPORTS_WIN_X509_ENROLLMENT, DWORD(0)},
                             std::pair{CP_CARD_KEYSIZES, DWORD(AT_ECDSA_P384)},
                             std::pair{CP_CARD_PIN_INFO, DWORD(ROLE_USER)},
                             std::pair{CP_CARD_PIN_STRENGTH_VERIFY, DWORD(ROLE_USER)},
                             std::pair{CP_ENUM_ALGORITHMS, DWORD(0)}}) {
    BYTE buf[512] = {PIN_INFO_CURRENT_VERSION};  // PIN_INFO is versioned by its caller
    DWORD len = 0;
    if (cd.pfnCardGetProperty(&cd, reinterpret_cast<LPCWSTR>(prop), buf, sizeof buf, &len, flags) ==
        0) {
      if (len > sizeof buf) fuzz::oracle_failed("property longer than the buffer it was given");
      touch(buf, len);
    }
  }
  char mscp[] = "mscp", cardapps[] = "cardapps", kxc00[] = "kxc00", ksc03[] = "ksc03";
  for (auto [dir, file] : {std::pair{static_cast<char*>(nullptr), cardapps}, std::pair{mscp, kxc00},
                           std::pair{mscp, ksc03}}) {
    PBYTE data = nullptr;
    DWORD len = 0;
    if (cd.pfnCardReadFile(&cd, dir, file, 0, &data, &len) == 0 && data) {
      touch(data, len);
      fuzz_free(data);
    }
    CARD_FILE_INFO info{};
    info.dwVersion = CARD_FILE_INFO_CURRENT_VERSION;
    cd.pfnCardGetFileInfo(&cd, dir, file, &info);
  }
  LPSTR names = nullptr;
  DWORD names_len = 0;
  if (cd.pfnCardEnumFiles(&cd, nullptr, &names, &names_len, 0) == 0 && names) {
    touch(names, names_len);
    fuzz_free(names);
  }
  for (DWORD spec : {DWORD(AT_KEYEXCHANGE), DWORD(AT_ECDSA_P256), DWORD(AT_ECDHE_P384)}) {
    CARD_KEY_SIZES sizes{};
    sizes.dwVersion = CARD_KEY_SIZES_CURRENT_VERSION;
    cd.pfnCardQueryKeySizes(&cd, spec, 0, &sizes);
  }
  CARD_CAPABILITIES caps{};
  caps.dwVersion = CARD_CAPABILITIES_CURRENT_VERSION;
  cd.pfnCardQueryCapabilities(&cd, &caps);
  for (BYTE idx = 3; idx < 5; ++idx) {
    CONTAINER_INFO ci{};
    ci.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
    if (cd.pfnCardGetContainerInfo(&cd, idx, 0, &ci) == 0) {
      if (ci.pbSigPublicKey) touch(ci.pbSigPublicKey, ci.cbSigPublicKey);
      if (ci.pbKeyExPublicKey) touch(ci.pbKeyExPublicKey, ci.cbKeyExPublicKey);
      fuzz_free(ci.pbSigPublicKey);
      fuzz_free(ci.pbKeyExPublicKey);
    }
  }
  for (BYTE idx = 0; idx < 4; ++idx)
    for (const char16_t* prop : {CCP_PIN_IDENTIFIER, CCP_ASSOCIATED_ECDH_KEY}) {
      BYTE buf[8];
      DWORD len = 0;
      if (cd.pfnCardGetContainerProperty(&cd, idx, reinterpret_cast<LPCWSTR>(prop), buf, sizeof buf,
                                         &len, 0) == 0) {
        if (len > sizeof buf) fuzz::oracle_failed("container property longer than its buffer");
        touch(buf, len);
      }
    }

  // Signatures: 9A RSA (PKCS#1, PSS), 9C P-256 (PIN always: a fresh VERIFY first), 9E P-384.
  BYTE hash[48];
  std::memset(hash, 0x5A, sizeof hash);
  BCRYPT_PSS_PADDING_INFO pss{u"SHA256", 32};
  struct Sign {
    BYTE idx;
    DWORD spec, alg, hash_len;
    bool pss;
  };
  for (const Sign& s : {Sign{0, AT_KEYEXCHANGE, CALG_SHA_256, 32, false},
                        Sign{0, AT_KEYEXCHANGE, CALG_SHA_256, 32, true},
                        Sign{1, AT_ECDSA_P256, CALG_SHA_256, 32, false},
                        Sign{3, AT_ECDSA_P384, CALG_SHA_384, 48, false}}) {
    if (s.idx == 1)
      cd.pfnCardAuthenticateEx(&cd, ROLE_USER, 0, pin, sizeof pin, nullptr, nullptr, &left);
    CARD_SIGNING_INFO si{};
    si.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
    si.bContainerIndex = s.idx;
    si.dwKeySpec = s.spec;
    si.aiHashAlg = s.alg;
    si.pbData = hash, si.cbData = s.hash_len;
    if (s.pss) {
      si.dwSigningFlags = CARD_PADDING_INFO_PRESENT;
      si.dwPaddingType = CARD_PADDING_PSS;
      si.pPaddingInfo = &pss;
    }
    if (cd.pfnCardSignData(&cd, &si) == 0 && si.pbSignedData) {
      touch(si.pbSignedData, si.cbSignedData);
      fuzz_free(si.pbSignedData);
    }
  }

  // Deciphering with 9A (RSA-1024): a block that is no PKCS#1 block, OAEP, then raw.
  UCHAR label[] = {0x4C};
  BCRYPT_OAEP_PADDING_INFO oaep{u"SHA256", label, 1};
  for (DWORD padding :
       {DWORD(CARD_PADDING_PKCS1), DWORD(CARD_PADDING_OAEP), DWORD(CARD_PADDING_NONE)}) {
    BYTE block[128];
    std::memset(block, 0x11, sizeof block);
    block[sizeof block - 1] = 0x00;  // little-endian: the most significant byte is last
    CARD_RSA_DECRYPT_INFO di{};
    di.dwVersion = CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION;
    di.bContainerIndex = 0;
    di.dwKeySpec = AT_KEYEXCHANGE;
    di.pbData = block, di.cbData = sizeof block;
    di.dwPaddingType = padding;
    di.pPaddingInfo = padding == CARD_PADDING_OAEP ? &oaep : nullptr;
    if (cd.pfnCardRSADecrypt(&cd, &di) == 0) {
      if (di.cbData > sizeof block) fuzz::oracle_failed("deciphered data longer than its buffer");
      touch(di.pbData, di.cbData);
    }
  }

  // ECDH with 9D: the agreement, derived bytes, a key handle (SKI's: refused on PIV), destroy.
  Bytes peer = peer_blob;
  CARD_DH_AGREEMENT_INFO ai{};
  ai.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION;
  ai.bContainerIndex = 2;
  ai.pbPublicKey = peer.data(), ai.dwPublicKey = DWORD(peer.size());
  if (cd.pfnCardConstructDHAgreement(&cd, &ai) == 0) {
    char16_t hash_kdf[] = u"HASH", hkdf[] = u"HKDF", aes[] = u"AES";
    CARD_DERIVE_KEY dk{};
    dk.dwVersion = CARD_DERIVE_KEY_CURRENT_VERSION;
    dk.pwszKDF = reinterpret_cast<LPWSTR>(hash_kdf);
    dk.bSecretAgreementIndex = ai.bSecretAgreementIndex;
    if (cd.pfnCardDeriveKey(&cd, &dk) == 0 && dk.pbDerivedKey) {
      touch(dk.pbDerivedKey, dk.cbDerivedKey);
      fuzz_free(dk.pbDerivedKey);
    }
    CARD_DERIVE_KEY handle{};
    handle.dwVersion = CARD_DERIVE_KEY_CURRENT_VERSION;
    handle.dwFlags = CARD_RETURN_KEY_HANDLE;
    handle.pwszKDF = reinterpret_cast<LPWSTR>(hkdf);
    handle.pwszAlgId = reinterpret_cast<LPWSTR>(aes);
    handle.dwKeyLen = 128;
    handle.bSecretAgreementIndex = ai.bSecretAgreementIndex;
    cd.pfnCardDeriveKey(&cd, &handle);
    cd.pfnCardDestroyDHAgreement(&cd, ai.bSecretAgreementIndex, 0);
  }

  // The PIN: change to the same value (v7 and v5 forms), log out both ways.
  char16_t context_string[] = u"fuzz";
  cd.pfnCardSetProperty(&cd, reinterpret_cast<LPCWSTR>(CP_PIN_CONTEXT_STRING),
                        reinterpret_cast<PBYTE>(context_string), sizeof context_string, 0);
  cd.pfnCardChangeAuthenticatorEx(&cd, PIN_CHANGE_FLAG_CHANGEPIN, ROLE_USER, pin, sizeof pin,
                                  ROLE_USER, pin, sizeof pin, 0, &left);
  char16_t user_id[] = u"user";
  cd.pfnCardChangeAuthenticator(&cd, reinterpret_cast<LPWSTR>(user_id), pin, sizeof pin, pin,
                                sizeof pin, 0, CARD_AUTHENTICATE_PIN_PIN, &left);
  cd.pfnCardDeauthenticateEx(&cd, CREATE_PIN_SET(ROLE_USER), 0);
  char16_t user[] = u"user";
  cd.pfnCardDeauthenticate(&cd, reinterpret_cast<LPWSTR>(user), 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World w;
  Card& card = w.card.fresh();
  card.power_on();
  fuzz::Splitter in(data, size);
  Hostile hostile{&in, &card};
  Bytes seed;
  const char* record = std::getenv("SOFTCARD_FUZZ_RECORD");
  if (record) {
    hostile.record = &seed;
    hostile.no_metadata = std::getenv("SOFTCARD_FUZZ_RECORD_NO_METADATA") != nullptr;
  }
  Bytes atr = card.atr();
  char16_t name[9] = u"softcard";
  CARD_DATA cd;
  std::memset(&cd, 0, sizeof cd);
  cd.dwVersion = CARD_DATA_CURRENT_VERSION;
  cd.pfnCspAlloc = fuzz_alloc;
  cd.pfnCspReAlloc = fuzz_realloc;
  cd.pfnCspFree = fuzz_free;
  cd.pbAtr = atr.data();
  cd.cbAtr = static_cast<DWORD>(atr.size());
  cd.pwszCardName = reinterpret_cast<LPWSTR>(name);
  if (SoftcardAcquireContextWithTransport(&cd, 0, hostile_transmit, &hostile) == 0) {
    exercise(cd);
    if (w.piv) exercise_piv(cd, w.peer_blob);
    cd.pfnCardDeleteContext(&cd);
  }
  if (record)
    std::ofstream(record, std::ios::binary)
        .write(reinterpret_cast<const char*>(seed.data()), std::streamsize(seed.size()));
  return 0;
}
