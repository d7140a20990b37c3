// key.*: containers (generate, import, delete, key sizes); seq.*: enrollment-like sequences whose
// results the suite verifies itself with OpenSSL (sign, decrypt, certificate file).
#include "helpers.h"
#include "nodes.h"
#include "verify.h"

namespace softcard::mdtest {

void register_ecdh_nodes(Registry& r);

namespace {

DWORD ecc_spec(const std::string& curve, bool ecdh) {
  const DWORD base = ecdh ? AT_ECDHE_P256 : AT_ECDSA_P256;
  return base + (curve == "P-256" ? 0 : curve == "P-384" ? 1 : 2);
}

ALG_ID calg(const std::string& hash) {
  if (hash == "sha1") return CALG_SHA1;
  if (hash == "sha256") return CALG_SHA_256;
  if (hash == "sha384") return CALG_SHA_384;
  return CALG_SHA_512;
}

const char16_t* bcrypt_hash(const std::string& hash) {
  if (hash == "sha1") return u"SHA1";
  if (hash == "sha256") return u"SHA256";
  if (hash == "sha384") return u"SHA384";
  return u"SHA512";
}

// CardSignData over hash(message); returns the signature.
Bytes sign(Checker& check, CARD_DATA* cd, BYTE index, DWORD spec, const std::string& hash,
           const Bytes& digest, const std::string& padding) {
  CARD_SIGNING_INFO info{};
  info.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
  info.bContainerIndex = index;
  info.dwKeySpec = spec;
  Bytes d = digest;
  info.pbData = d.data();
  info.cbData = static_cast<DWORD>(d.size());
  BCRYPT_PKCS1_PADDING_INFO p1{bcrypt_hash(hash)};
  BCRYPT_PSS_PADDING_INFO pss{bcrypt_hash(hash), static_cast<ULONG>(digest.size())};
  if (padding == "legacy") {
    info.aiHashAlg = calg(hash);
  } else if (padding == "pkcs1") {
    info.dwSigningFlags = CARD_PADDING_INFO_PRESENT;
    info.dwPaddingType = CARD_PADDING_PKCS1;
    info.pPaddingInfo = &p1;
  } else if (padding == "pss") {
    info.dwSigningFlags = CARD_PADDING_INFO_PRESENT;
    info.dwPaddingType = CARD_PADDING_PSS;
    info.pPaddingInfo = &pss;
  } else {  // ecdsa: the hash value as is
    info.aiHashAlg = calg(hash);
  }
  check.rc(0, cd->pfnCardSignData(cd, &info), "CardSignData(" + padding + ", " + hash + ")");
  Bytes sig(info.pbSignedData, info.pbSignedData + info.cbSignedData);
  cd->pfnCspFree(info.pbSignedData);
  return sig;
}

void generate_nodes(Registry& r) {
  for (unsigned bits : {1024u, 2048u, 3072u, 4096u})
    for (DWORD spec : {DWORD(AT_KEYEXCHANGE), DWORD(AT_SIGNATURE)}) {
      const std::string kind = spec == AT_KEYEXCHANGE ? "kx" : "sig";
      r.add("key.generate_rsa_" + std::to_string(bits) + "_" + kind,
            "CardCreateContainer(KEY_GEN) RSA-" + std::to_string(bits) +
                ": PUBLICKEYBLOB of that size in CardGetContainerInfo",
            [bits, spec](Env& env, Checker& check) {
              need_writable_card(check, env.config());
              if (!Config::has(env.config().rsa_generate, bits))
                check.skip("config: size not supported");
              auto cs = env.open(0);
              TempContainer c(check, env, cs->cd(), spec, bits);
              auto key = verify::from_capi_public(c.public_blob);
              check.require(key != nullptr, "not a valid PUBLICKEYBLOB");
              check.require(EVP_PKEY_get_bits(key.get()) == static_cast<int>(bits),
                            "modulus of " + std::to_string(EVP_PKEY_get_bits(key.get())) + " bits");
            });
    }
  for (const char* curve : {"P-256", "P-384", "P-521"})
    for (bool ecdh : {false, true}) {
      r.add(std::string("key.generate_") + curve + (ecdh ? "_ecdh" : "_ecdsa"),
            std::string("CardCreateContainer(KEY_GEN) ") + curve +
                ": BCRYPT_ECCKEY_BLOB public key with the right magic",
            [curve, ecdh](Env& env, Checker& check) {
              need_writable_card(check, env.config());
              if (!Config::has(env.config().ecc_generate, std::string(curve)))
                check.skip("config: curve not supported");
              auto cs = env.open(0);
              TempContainer c(check, env, cs->cd(), ecc_spec(curve, ecdh), 0);
              check.require(verify::from_bcrypt_ecc_public(c.public_blob) != nullptr,
                            "not a valid BCRYPT_ECCKEY_BLOB");
              const DWORD magic = c.public_blob[0] | c.public_blob[1] << 8 |
                                  c.public_blob[2] << 16 |
                                  static_cast<DWORD>(c.public_blob[3]) << 24;
              const bool is_ecdh = (magic & 0xFFFF) == 0x4345 && ((magic >> 16) & 0xFF) == 0x4B;
              check.require(is_ecdh == ecdh, "ECDSA/ECDH magic does not match the key spec");
            });
    }
  r.add("key.delete", "CardDeleteContainer, then CardGetContainerInfo -> SCARD_E_NO_KEY_CONTAINER",
        [](Env& env, Checker& check) {
          need_writable_card(check, env.config());
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          BYTE index = 0;
          {
            TempContainer c(check, env, cd, AT_ECDSA_P256, 0);
            index = c.index;
            check.rc(0, cd->pfnCardDeleteContainer(cd, index, 0), "CardDeleteContainer");
          }
          Bytes pub;
          check.rc(SCARD_E_NO_KEY_CONTAINER, container_public(cd, index, true, pub),
                   "CardGetContainerInfo after delete");
        });
  r.add("key.container_ex_pin", "CardCreateContainerEx(PinId ROLE_USER) -> CCP_PIN_IDENTIFIER = 1",
        [](Env& env, Checker& check) {
          need_writable_card(check, env.config());
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx");
          const BYTE idx = free_container(check, cd);
          check.rc(0,
                   cd->pfnCardCreateContainerEx(cd, idx, CARD_CREATE_CONTAINER_KEY_GEN,
                                                AT_ECDSA_P256, 0, nullptr, ROLE_USER),
                   "CardCreateContainerEx");
          DWORD pin = 0, len = 0;
          const DWORD rc = cd->pfnCardGetContainerProperty(
              cd, idx, CCP_PIN_IDENTIFIER, reinterpret_cast<PBYTE>(&pin), 4, &len, 0);
          cd->pfnCardDeleteContainer(cd, idx, 0);
          check.rc(0, rc, "CardGetContainerProperty(CCP_PIN_IDENTIFIER)");
          check.require(pin == ROLE_USER, "PIN id " + std::to_string(pin));
        });
  for (unsigned bits : {1024u, 2048u, 3072u, 4096u})
    r.add("key.import_rsa_" + std::to_string(bits),
          "CardCreateContainer(KEY_IMPORT, PRIVATEKEYBLOB): same public key; card signs verifiably",
          [bits](Env& env, Checker& check) {
            need_writable_card(check, env.config());
            if (!Config::has(env.config().rsa_import, bits))
              check.skip("config: size not imported");
            auto cs = env.open(0);
            CARD_DATA* cd = cs->cd();
            auto key = verify::rsa_generate(bits);
            Bytes blob = verify::capi_private_blob(key.get(), false);
            check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx");
            const BYTE idx = free_container(check, cd);
            const DWORD rc = cd->pfnCardCreateContainer(cd, idx, CARD_CREATE_CONTAINER_KEY_IMPORT,
                                                        AT_KEYEXCHANGE, bits, blob.data());
            std::fill(blob.begin(), blob.end(), 0);
            check.rc(0, rc, "CardCreateContainer(KEY_IMPORT)");
            Bytes pub;
            const DWORD info_rc = container_public(cd, idx, true, pub);
            const Bytes digest = verify::digest("sha256", Bytes{1, 2, 3});
            Bytes sig;
            try {
              sig = sign(check, cd, idx, AT_KEYEXCHANGE, "sha256", digest, "legacy");
            } catch (...) {
              cd->pfnCardDeleteContainer(cd, idx, 0);
              throw;
            }
            cd->pfnCardDeleteContainer(cd, idx, 0);
            check.rc(0, info_rc, "CardGetContainerInfo");
            auto card_pub = verify::from_capi_public(pub);
            check.require(card_pub && EVP_PKEY_eq(card_pub.get(), key.get()) == 1,
                          "the container's public key is not the imported one");
            check.require(verify::rsa_verify(key.get(), "sha256", digest, sig, false),
                          "signature does not verify with the imported key");
          });
}

void sign_nodes(Registry& r) {
  for (const char* padding : {"legacy", "pkcs1", "pss"})
    for (const char* hash : {"sha1", "sha256", "sha384", "sha512"})
      r.add(std::string("seq.sign_rsa_") + padding + "_" + hash,
            std::string("CardSignData RSA ") + padding + " " + hash + ", verified with OpenSSL",
            [padding, hash](Env& env, Checker& check) {
              const auto& c = env.config();
              if (!Config::has(c.hashes, std::string(hash)))
                check.skip("config: hash not supported");
              const std::string p = padding;
              if (p != "legacy" && !Config::has(c.sign_paddings, p)) check.skip("config: padding");
              if (p == "legacy" && !Config::has(c.sign_paddings, std::string("pkcs1")))
                check.skip("config: no PKCS#1 signatures");
              auto cs = env.open(0);
              TempContainer k(check, env, cs->cd(), AT_SIGNATURE, std::max(2048u, small_rsa(c)));
              const Bytes digest = verify::digest(hash, Bytes{'m', 'd', 't', 'e', 's', 't'});
              const Bytes sig = sign(check, cs->cd(), k.index, AT_SIGNATURE, hash, digest, p);
              auto key = verify::from_capi_public(k.public_blob);
              check.require(sig.size() == k.bits / 8,
                            "signature of " + std::to_string(sig.size()) + " bytes");
              check.require(verify::rsa_verify(key.get(), hash, digest, sig, p == "pss"),
                            "signature does not verify");
            });
  for (const char* curve : {"P-256", "P-384", "P-521"})
    for (const char* hash : {"sha1", "sha256", "sha384", "sha512"})
      r.add(std::string("seq.sign_ecdsa_") + curve + "_" + hash,
            std::string("CardSignData ECDSA ") + curve + " over " + hash + ": r||s verifies",
            [curve, hash](Env& env, Checker& check) {
              const auto& c = env.config();
              if (!Config::has(c.ecc_generate, std::string(curve))) check.skip("config: curve");
              if (!Config::has(c.hashes, std::string(hash))) check.skip("config: hash");
              auto cs = env.open(0);
              const DWORD spec = ecc_spec(curve, false);
              TempContainer k(check, env, cs->cd(), spec, 0);
              const Bytes digest = verify::digest(hash, Bytes{'e', 'c'});
              const Bytes sig = sign(check, cs->cd(), k.index, spec, hash, digest, "ecdsa");
              auto key = verify::from_bcrypt_ecc_public(k.public_blob);
              check.require(verify::ecdsa_verify(key.get(), digest, sig),
                            "signature does not verify");
            });
}

void decrypt_nodes(Registry& r) {
  struct Case {
    std::string name, padding, hash;
    bool label;
  };
  std::vector<Case> cases = {{"pkcs1", "pkcs1", "", false}, {"none", "none", "", false}};
  for (const char* h : {"sha1", "sha256", "sha384", "sha512"}) {
    cases.push_back({std::string("oaep_") + h, "oaep", h, false});
    cases.push_back({std::string("oaep_") + h + "_label", "oaep", h, true});
  }
  for (const auto& cs_case : cases)
    r.add("seq.decrypt_" + cs_case.name,
          "OpenSSL encrypts to the card key (" + cs_case.name +
              "); CardRSADecrypt v2 returns the message",
          [cs_case](Env& env, Checker& check) {
            const auto& c = env.config();
            if (!Config::has(c.decrypt_paddings, cs_case.padding)) check.skip("config: padding");
            if (cs_case.padding == "oaep" && !Config::has(c.oaep_hashes, cs_case.hash))
              check.skip("config: OAEP hash");
            if (cs_case.label && !c.oaep_labels) check.skip("config: no OAEP labels");
            auto cs = env.open(0);
            CARD_DATA* cd = cs->cd();
            TempContainer k(check, env, cd, AT_KEYEXCHANGE, std::max(2048u, small_rsa(c)));
            auto key = verify::from_capi_public(k.public_blob);
            Bytes message = verify::random_bytes(32);
            if (cs_case.padding == "none") {
              message = verify::random_bytes(k.bits / 8);
              message[0] = 0;  // below the modulus
            }
            const Bytes label = cs_case.label ? Bytes{'m', 'd', 't'} : Bytes{};
            Bytes data = verify::reversed(
                verify::rsa_encrypt(key.get(), message, cs_case.padding, cs_case.hash, label));
            check.require(!data.empty(), "OpenSSL could not encrypt");
            std::u16string alg;
            if (!cs_case.hash.empty()) alg = bcrypt_hash(cs_case.hash);
            BCRYPT_OAEP_PADDING_INFO oaep{
                alg.c_str(), cs_case.label ? const_cast<PUCHAR>(label.data()) : nullptr,
                static_cast<ULONG>(label.size())};
            CARD_RSA_DECRYPT_INFO info{};
            info.dwVersion = CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION;
            info.bContainerIndex = k.index;
            info.dwKeySpec = AT_KEYEXCHANGE;
            info.pbData = data.data();
            info.cbData = static_cast<DWORD>(data.size());
            info.dwPaddingType = cs_case.padding == "pkcs1"  ? CARD_PADDING_PKCS1
                                 : cs_case.padding == "oaep" ? CARD_PADDING_OAEP
                                                             : CARD_PADDING_NONE;
            if (cs_case.padding == "oaep") info.pPaddingInfo = &oaep;
            check.rc(0, cd->pfnCardRSADecrypt(cd, &info), "CardRSADecrypt(" + cs_case.name + ")");
            // The answer is little-endian (CAPI order) whatever the padding: for PKCS#1 and
            // OAEP the message reversed, for CARD_PADDING_NONE the whole block reversed.
            const Bytes got = verify::reversed(Bytes(info.pbData, info.pbData + info.cbData));
            check.require(got == message, "decrypted " + std::to_string(got.size()) +
                                              " bytes that differ from the message");
          });
}

void enrollment_nodes(Registry& r) {
  r.add(
      "seq.enroll_rsa",
      "generate, write the certificate to mscp/kxcNN, read it back, sign and decrypt with the key",
      [](Env& env, Checker& check) {
        auto cs = env.open(0);
        CARD_DATA* cd = cs->cd();
        TempContainer k(check, env, cd, AT_KEYEXCHANGE, std::max(2048u, small_rsa(env.config())));
        // A certificate-sized blob carrying the public key (the CSP stores it as is).
        Bytes cert = verify::random_bytes(700);
        cert.insert(cert.begin(), k.public_blob.begin(), k.public_blob.end());
        char name[8];
        std::snprintf(name, sizeof name, "kxc%02u", static_cast<unsigned>(k.index));
        std::string dir = "mscp", file = name;
        need(check, env.config(), cd->pfnCardCreateFile, "CardCreateFile");
        const DWORD created =
            cd->pfnCardCreateFile(cd, dir.data(), file.data(), 0, EveryoneReadUserWriteAc);
        check.rc_any({0, ERROR_FILE_EXISTS}, created, "CardCreateFile(mscp/" + file + ")");
        check.rc(0,
                 cd->pfnCardWriteFile(cd, dir.data(), file.data(), 0, cert.data(),
                                      static_cast<DWORD>(cert.size())),
                 "CardWriteFile(certificate)");
        Bytes back;
        check.rc(0, read_file(cd, "mscp", name, back), "CardReadFile(certificate)");
        check.require(back == cert, "certificate read back differs");
        const Bytes digest = verify::digest("sha256", cert);
        const Bytes sig = sign(check, cd, k.index, AT_KEYEXCHANGE, "sha256", digest, "legacy");
        auto key = verify::from_capi_public(k.public_blob);
        check.require(verify::rsa_verify(key.get(), "sha256", digest, sig, false),
                      "signature does not verify");
        const Bytes secret = verify::random_bytes(16);
        Bytes data = verify::reversed(verify::rsa_encrypt(key.get(), secret, "pkcs1"));
        CARD_RSA_DECRYPT_INFO info{};
        info.dwVersion = CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION;
        info.bContainerIndex = k.index;
        info.dwKeySpec = AT_KEYEXCHANGE;
        info.pbData = data.data();
        info.cbData = static_cast<DWORD>(data.size());
        info.dwPaddingType = CARD_PADDING_PKCS1;
        check.rc(0, cd->pfnCardRSADecrypt(cd, &info), "CardRSADecrypt");
        check.require(verify::reversed(Bytes(info.pbData, info.pbData + info.cbData)) == secret,
                      "wrong plaintext");
        if (cd->pfnCardDeleteFile) cd->pfnCardDeleteFile(cd, dir.data(), file.data(), 0);
      });
}

}  // namespace

void register_container_nodes(Registry& r) {
  generate_nodes(r);
  sign_nodes(r);
  decrypt_nodes(r);
  enrollment_nodes(r);
  register_ecdh_nodes(r);
}

}  // namespace softcard::mdtest
