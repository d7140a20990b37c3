// The scenario of `softcard demo`: minidriver v7 Secure Key Injection, CA key archival (the 31
// steps of Microsoft's SKI page), then with --all the shared-symmetric, ECC, CSF_AUTHENTICATE and
// CSF_CHANGE_AUTHENTICATOR flows. C = client, S = server, card = what the card did.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "demo_client.h"
#include "softcard/crypto.h"
#include "softcard/wire/gids.h"
#include "softcard/wire/ski.h"
#include "softcard_minidriver.h"

namespace softcard::cli::demo {

namespace {
const Bytes user_pin = {'1', '2', '3', '4', '5', '6'};
const Bytes new_user_pin = {'2', '4', '6', '8', '1', '3', '5', '7'};
char16_t user_name[] = u"user";
}  // namespace

int DemoClient::scenario(const Bytes& shared) {
  connect();
  start_server(shared);
  check_key_import_support();  // steps 3-4
  login();
  const Bytes k1 = read_k1();  // step 5: K1 was generated on the card at provisioning
  show_capabilities();
  const CARD_KEY_HANDLE hs1 = establish_s1(k1);  // steps 15-23
  k1_refuses_plain_decipher();
  const std::string k2_path = (dir_ / "k2-public.der").string();
  inject_k2(hs1, k2_path);  // steps 24-30
  prove_k2(k2_path);
  check(cd_.pfnCardDestroyKey(&cd_, hs1), "CardDestroyKey");
  say("C", "CardDestroyKey(S1): the card slot is wiped");
  if (all_) {
    shared_key_and_session_pin();
    ecc_and_change_pin();
  }
  disconnect();
  opensc_lists_the_keys();
  summary();
  return 0;
}

void DemoClient::connect() {
  DWORD atr_len = sizeof atr_;
  char reader[256];
  check(SoftcardConnect(nullptr, &hctx_, &hcard_, atr_, &atr_len, reader, sizeof reader),
        "SoftcardConnect");
  SoftcardPrepareCardData(&cd_);
  static char16_t name[] = u"softcard GIDS";
  cd_.pbAtr = atr_, cd_.cbAtr = atr_len, cd_.pwszCardName = name, cd_.hSCardCtx = hctx_,
  cd_.hScard = hcard_;
  check(CardAcquireContext(&cd_, 0), "CardAcquireContext");
  say("C", "CardAcquireContext over PC/SC: CARD_DATA v" + std::to_string(cd_.dwVersion) + ", ATR " +
               to_hex(ByteView{atr_, atr_len}));
}

void DemoClient::start_server(const Bytes& shared) {
  server_ = std::make_unique<ServerProcess>();
  server_->ask("shared-key " + to_hex(shared));
  for (const Bytes& spki : establishment_keys_) server_->ask("trust " + to_hex(spki));
  say("S", "server started as a separate process (pid " + std::to_string(server_->pid()) +
               "): CardAcquireContext(CARD_SECURE_KEY_INJECTION_NO_CARD_MODE), no card, no reader");
  say("S", "trusts the " + std::to_string(establishment_keys_.size()) +
               " establishment keys the card factory published (generated on the card, usable "
               "for key establishment only)");
}

void DemoClient::check_key_import_support() {
  const DWORD support = timed("CardGetProperty(CP_KEY_IMPORT_SUPPORT)", [&] {
    return get_dword_property(CP_KEY_IMPORT_SUPPORT, 0, "CardGetProperty(CP_KEY_IMPORT_SUPPORT)");
  });
  say("C", "CardGetProperty(CP_KEY_IMPORT_SUPPORT) = " + hexrc(support) +
               " (PLAIN_TEXT|RSA_KEYEST|ECC_KEYEST|SHARED_SYMMETRIC)");
  if (!(support & CARD_KEY_IMPORT_RSA_KEYEST))
    throw DemoFailure("card does not offer RSA key establishment");
}

void DemoClient::verify_pin(const Bytes& pin, const std::string& what) {
  Bytes copy = pin;
  DWORD left = 0;
  check(cd_.pfnCardAuthenticatePin(&cd_, user_name, copy.data(), DWORD(copy.size()), &left), what);
}

void DemoClient::login() {
  verify_pin(user_pin, "CardAuthenticatePin");
  say("C", "CardAuthenticatePin(\"user\"): PIN verified");
}

Bytes DemoClient::read_k1() {
  Bytes k1 = container_public(0);
  say("C", "CardGetContainerInfo(0): K1 public key, PUBLICKEYBLOB of " + std::to_string(k1.size()) +
               " bytes (the card's RSA-2048 establishment key)");
  return k1;
}

void DemoClient::show_capabilities() {
  BYTE buf[512];
  DWORD len = 0;
  check(cd_.pfnCardGetProperty(&cd_, CP_ENUM_ALGORITHMS, buf, sizeof buf, &len,
                               CARD_CIPHER_OPERATION),
        "CP_ENUM_ALGORITHMS");
  std::string algs;
  for (const char16_t* p = (const char16_t*)buf; *p; p += std::char_traits<char16_t>::length(p) + 1)
    algs += (algs.empty() ? "" : ",") + std::string(p, p + std::char_traits<char16_t>::length(p));
  const DWORD pads =
      get_dword_property(CP_PADDING_SCHEMES, CARD_ASYMMETRIC_OPERATION, "CP_PADDING_SCHEMES");
  say("C", "capabilities: CP_ENUM_ALGORITHMS(cipher) = " + algs +
               "; CP_PADDING_SCHEMES(asymmetric) = " + hexrc(pads) +
               " (PKCS1|OAEP); CP_CHAINING_MODES = CBC,GCM");
}

CARD_KEY_HANDLE DemoClient::establish_s1(const Bytes& k1) {
  const CARD_KEY_HANDLE hs1 = timed("S1: server wrap + client CardImportSessionKey", [&] {
    auto wrapped = server_->ask("rsa " + to_hex(k1));
    say("S",
        "K1 is a published establishment key; generated S1 (AES-256), encrypted it under K1 "
        "with RSA-OAEP(SHA-256); MDImportSessionKey(KeyDataBlob, AES)");
    Bytes ct = from_hex(wrapped[1]);
    wrapped_s1_ = ct;
    BCRYPT_OAEP_PADDING_INFO oaep{u"SHA256", nullptr, 0};
    CARD_KEY_HANDLE h = 0;
    check(cd_.pfnCardImportSessionKey(&cd_, 0, &oaep, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM, &h,
                                      ct.data(), DWORD(ct.size()), CARD_PADDING_OAEP),
          "CardImportSessionKey");
    return h;
  });
  say("card",
      "CardImportSessionKey(container 0, OAEP-SHA256): card unwrapped S1 into a volatile slot; "
      "client holds only handle " +
          std::to_string(hs1));
  return hs1;
}

void DemoClient::inject_k2(CARD_KEY_HANDLE hs1, const std::string& k2_path) {
  auto blob = server_->ask("archive 1 " + k2_path);
  timings_.emplace_back("K2 RSA-2048 key generation (server, no card)", std::stod(blob[4]));
  say("S", "generated K2 (RSA-2048, " + blob[4] +
               " ms), archived its public key, set IV + ChainingModeGCM, " +
               "MDEncryptData(CSF_IMPORT_KEYPAIR -> container 1): one blob of " +
               std::to_string(blob[3].size() / 2) + " bytes");
  Bytes tampered = from_hex(blob[3]);
  tampered[tampered.size() / 2] ^= 0x01;
  auto bad = blob;
  bad[3] = to_hex(tampered);
  set_and_process(hs1, bad, CSF_IMPORT_KEYPAIR, nullptr, NTE_BAD_DATA);
  say("C",
      "a tampered copy (one bit flipped) is refused: NTE_BAD_DATA (card SW 6988), card "
      "unchanged");
  timed("K2 import on card (CardProcessEncryptedData)", [&] {
    set_and_process(hs1, blob, CSF_IMPORT_KEYPAIR, nullptr);
    return 0;
  });
  say("card",
      "CardSetKeyProperty(ChainingMode, IV) + CardProcessEncryptedData(CSF_IMPORT_KEYPAIR): card "
      "decrypted K2 with S1 and created container 1");
  set_and_process(hs1, blob, CSF_IMPORT_KEYPAIR, nullptr, SCARD_W_SECURITY_VIOLATION);
  say("C", "replaying the same blob is refused: SCARD_W_SECURITY_VIOLATION (card SW 6985)");
}

// Signs a random challenge with K2 on the card and verifies it with the archived public key.
void DemoClient::prove_k2(const std::string& k2_path) {
  CryptoProvider crypto;
  Bytes challenge(32);
  crypto.random(challenge);
  Bytes hash = crypto.digest(HashAlg::sha256, challenge);
  CARD_SIGNING_INFO si{};
  si.dwVersion = 1, si.bContainerIndex = 1, si.dwKeySpec = AT_SIGNATURE,
  si.aiHashAlg = CALG_SHA_256;
  si.pbData = hash.data(), si.cbData = DWORD(hash.size());
  timed("K2 signature on card (CardSignData)", [&] {
    check(cd_.pfnCardSignData(&cd_, &si), "CardSignData");
    return 0;
  });
  Bytes sig(si.pbSignedData, si.pbSignedData + si.cbSignedData);
  cd_.pfnCspFree(si.pbSignedData);
  std::reverse(sig.begin(), sig.end());  // CAPI order -> big-endian for openssl
  std::ofstream((dir_ / "challenge.bin").string(), std::ios::binary)
      .write((const char*)challenge.data(), 32);
  std::ofstream((dir_ / "sig.bin").string(), std::ios::binary)
      .write((const char*)sig.data(), std::streamsize(sig.size()));
  say("card", "CardSignData(container 1, SHA-256): the card signed a random challenge with K2");
  const std::string verify = "openssl dgst -sha256 -verify " + k2_path +
                             " -keyform DER -signature " + (dir_ / "sig.bin").string() + " " +
                             (dir_ / "challenge.bin").string() + " >/dev/null 2>&1";
  if (std::system(verify.c_str()) != 0)
    throw DemoFailure("openssl could not verify the signature with the archived K2 public key");
  say("S", "openssl dgst -verify with the archived K2 public key: Verified OK");
}

void DemoClient::shared_key_and_session_pin() {
  auto hello = server_->ask("shared-start");
  PBYTE out = nullptr;
  DWORD len = 0;
  CARD_KEY_HANDLE hsh = 0;
  Bytes sh = from_hex(hello[1]);
  check(cd_.pfnCardGetSharedKeyHandle(&cd_, sh.data(), DWORD(sh.size()), &out, &len, &hsh),
        "CardGetSharedKeyHandle");
  Bytes ch(out, out + len);
  cd_.pfnCspFree(out);
  server_->ask("shared-finish " + to_hex(ch));
  say("S+C",
      "shared key #1: server hello (NS) -> CardGetSharedKeyHandle -> card hello (NC, key id) "
      "-> server; both derived a fresh AES-256 session key");
  Bytes answer;
  set_and_process(hsh, server_->ask("auth 10000000 " + to_hex(user_pin)), CSF_AUTHENTICATE,
                  &answer);
  const auto generated = wire::ski::decode_authenticate_response(answer);
  if (!generated) throw DemoFailure("CARD_AUTHENTICATE_RESPONSE malformed");
  const std::size_t cb = generated->session_pin_blob.size();
  say("card", "CSF_AUTHENTICATE(GENERATE_SESSION_PIN): PIN verified under encryption, " +
                  std::to_string(generated->attempts_remaining) +
                  " tries left; encrypted session PIN (" + std::to_string(cb) + " bytes) returned");
  auto token = server_->ask("session-pin " + to_hex(generated->session_pin_blob));
  say("S", "CardProcessEncryptedData in no-card mode: server recovered the " +
               std::to_string(token[1].size() / 2) + "-byte session PIN");
  auto session_auth = server_->ask("auth 20000000 " + token[1]);
  timed("CSF_AUTHENTICATE on card (CardProcessEncryptedData)", [&] {
    set_and_process(hsh, session_auth, CSF_AUTHENTICATE, &answer);
    return 0;
  });
  say("card", "CSF_AUTHENTICATE(SESSION_PIN): the user is authenticated with the session PIN");
  Bytes wrong;
  set_and_process(hsh, server_->ask("auth 0 " + to_hex(Bytes{'0', '0', '0', '0'})),
                  CSF_AUTHENTICATE, &wrong, SCARD_W_WRONG_CHV);
  const auto refused = wire::ski::decode_authenticate_response(wrong);
  say("card", "CSF_AUTHENTICATE with a wrong PIN: SCARD_W_WRONG_CHV, " +
                  std::to_string(refused ? refused->attempts_remaining : 0) + " tries left");
  check(cd_.pfnCardDestroyKey(&cd_, hsh), "CardDestroyKey");
}

void DemoClient::ecc_and_change_pin() {
  verify_pin(user_pin, "CardAuthenticatePin");
  Bytes q = container_public(2);
  say("C", "CardGetContainerInfo(2): the card's ECDH P-256 establishment key, public blob " +
               std::to_string(q.size()) + " bytes");
  establishment_refuses_plain_ecdh(q);
  auto eph = server_->ask("ecdh " + to_hex(q));
  say("S",
      "ephemeral P-256 key, Z = ECDH(e, Q), S2 = HKDF-SHA256(Z, \"softcard-ski-v1 ecdh\"); "
      "MDImportSessionKey");
  Bytes epub = from_hex(eph[1]);
  CARD_DH_AGREEMENT_INFO ai{};
  ai.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION, ai.bContainerIndex = 2,
  ai.dwPublicKey = DWORD(epub.size()), ai.pbPublicKey = epub.data();
  const auto dh0 = Clock::now();
  check(cd_.pfnCardConstructDHAgreement(&cd_, &ai), "CardConstructDHAgreement");
  char16_t kdf[] = u"HKDF", aes[] = u"AES";
  CARD_DERIVE_KEY dk{};
  dk.dwVersion = CARD_DERIVE_KEY_VERSION_TWO, dk.dwFlags = CARD_RETURN_KEY_HANDLE, dk.pwszKDF = kdf;
  dk.bSecretAgreementIndex = ai.bSecretAgreementIndex, dk.pwszAlgId = aes, dk.dwKeyLen = 256;
  check(cd_.pfnCardDeriveKey(&cd_, &dk), "CardDeriveKey");
  timings_.emplace_back("ECDH agreement + HKDF session key on card",
                        std::chrono::duration<double, std::milli>(Clock::now() - dh0).count());
  say("card",
      "CardConstructDHAgreement + CardDeriveKey(CARD_RETURN_KEY_HANDLE, HKDF): S2 stays on "
      "card, handle " +
          std::to_string(dk.hKey));
  Bytes answer;
  set_and_process(dk.hKey, server_->ask("change " + to_hex(user_pin) + " " + to_hex(new_user_pin)),
                  CSF_CHANGE_AUTHENTICATOR, &answer);
  say("card",
      "CSF_CHANGE_AUTHENTICATOR(CHANGEPIN) under S2: user PIN changed without the client "
      "seeing old or new PIN");
  verify_pin(new_user_pin, "CardAuthenticatePin(new PIN)");
  say("C", "CardAuthenticatePin with the new PIN: OK");
  check(cd_.pfnCardDestroyKey(&cd_, dk.hKey), "CardDestroyKey");
}

void DemoClient::disconnect() {
  cd_.pfnCardDeleteContext(&cd_);
  SoftcardDisconnect(hctx_, hcard_);
}

// OpenSC sees the injected container as an ordinary one.
void DemoClient::opensc_lists_the_keys() {
  std::string listing;
  if (FILE* p = ::popen("pkcs15-tool --list-keys 2>&1", "r")) {
    char line[512];
    while (std::fgets(line, sizeof line, p)) listing += line;
    ::pclose(p);
  }
  std::size_t keys = 0;
  for (std::size_t pos = 0; (pos = listing.find("Private RSA Key", pos)) != std::string::npos;
       ++pos)
    ++keys;
  if (keys < 2) throw DemoFailure("pkcs15-tool --list-keys does not list K1 and K2:\n" + listing);
  say("OpenSC",
      "pkcs15-tool --list-keys lists " + std::to_string(keys) +
          " private keys as ordinary GIDS containers, the injected K2 (container 1) among them");
}

void DemoClient::summary() {
  std::printf(
      "\nSummary: secure key injection ran end to end through pcscd + vpcd; every check "
      "passed.\n");
  std::printf("Time per step (key generation vs protocol; APDUs go through pcscd and vpcd):\n");
  for (const auto& [what, ms] : timings_) std::printf("  %-55s %8.1f ms\n", what.c_str(), ms);
}

}  // namespace softcard::cli::demo
