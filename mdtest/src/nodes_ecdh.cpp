// seq.ecdh_*, neg.CardConstructDHAgreement.*, neg.CardDeriveKey.*: on-card ECDH with the v7
// KDFs, checked against OpenSSL; CCP_ASSOCIATED_ECDH_KEY and the cached-logon scenario.
#include <openssl/hmac.h>

#include "helpers.h"
#include "negative.h"
#include "nodes.h"
#include "verify.h"

namespace softcard::mdtest {

void register_ecdh_nodes(Registry& r);

namespace {

// BCrypt's parameter list (bcrypt.h; cardmod.h only has PVOID pParameterList).
struct KdfBuffer {
  ULONG cbBuffer;
  ULONG BufferType;
  PVOID pvBuffer;
};
struct KdfBufferDesc {
  ULONG ulVersion;
  ULONG cBuffers;
  KdfBuffer* pBuffers;
};
constexpr ULONG kdf_hash_algorithm = 0, kdf_secret_prepend = 1, kdf_secret_append = 2,
                kdf_hmac_key = 3, kdf_algorithm_id = 8, kdf_party_u = 9, kdf_party_v = 10;

DWORD ecdh_spec(const std::string& curve) {
  return AT_ECDHE_P256 + (curve == "P-256" ? 0 : curve == "P-384" ? 1 : 2);
}

struct Agreement {
  BYTE index = 0;
  verify::Ecdh host;
};

Agreement agree(Checker& check, CARD_DATA* cd, const TempContainer& k) {
  Agreement a;
  auto card_pub = verify::from_bcrypt_ecc_public(k.public_blob);
  check.require(card_pub != nullptr, "the container's public key is not a BCRYPT_ECCKEY_BLOB");
  a.host = verify::ecdh_with(card_pub.get());
  check.require(!a.host.secret.empty(), "OpenSSL agreement failed");
  CARD_DH_AGREEMENT_INFO info{};
  info.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION;
  info.bContainerIndex = k.index;
  info.dwPublicKey = static_cast<DWORD>(a.host.public_blob.size());
  info.pbPublicKey = a.host.public_blob.data();
  check.rc(0, cd->pfnCardConstructDHAgreement(cd, &info), "CardConstructDHAgreement");
  a.index = info.bSecretAgreementIndex;
  return a;
}

Bytes hmac(const std::string& hash, const Bytes& key, const Bytes& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  HMAC(EVP_get_digestbyname(hash.c_str()), key.data(), static_cast<int>(key.size()), data.data(),
       data.size(), out, &n);
  return Bytes(out, out + n);
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

void kdf_node(Registry& r, const std::string& curve, const std::string& kdf) {
  r.add("seq.ecdh_" + curve + "_" + kdf,
        "CardConstructDHAgreement + CardDeriveKey(" + kdf + ", SHA-256) equals OpenSSL's result",
        [curve, kdf](Env& env, Checker& check) {
          const auto& c = env.config();
          if (!Config::has(c.ecc_generate, curve)) check.skip("config: curve");
          if (!Config::has(c.kdfs, kdf)) check.skip("config: KDF");
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          TempContainer k(check, env, cd, ecdh_spec(curve), 0);
          Agreement a = agree(check, cd, k);
          std::u16string hash = u"SHA256";
          Bytes prepend{'p', 'r', 'e'}, append{'a', 'p', 'p'}, hkey{'k', 'e', 'y', '1'};
          Bytes alg_id{'A', 'E', 'S'}, party_u{'U', '1'}, party_v{'V', '2'};
          std::vector<KdfBuffer> params = {
              {static_cast<ULONG>((hash.size() + 1) * 2), kdf_hash_algorithm, hash.data()}};
          Bytes expected;
          const Bytes& z = a.host.secret;
          if (kdf == "HASH") {
            params.push_back({3, kdf_secret_prepend, prepend.data()});
            params.push_back({3, kdf_secret_append, append.data()});
            expected = verify::digest("sha256", cat({prepend, z, append}));
          } else if (kdf == "HMAC") {
            params.push_back({4, kdf_hmac_key, hkey.data()});
            params.push_back({3, kdf_secret_prepend, prepend.data()});
            expected = hmac("sha256", hkey, cat({prepend, z}));
          } else {
            params = {{3, kdf_algorithm_id, alg_id.data()},
                      {2, kdf_party_u, party_u.data()},
                      {2, kdf_party_v, party_v.data()},
                      params[0]};
            expected =
                verify::digest("sha256", cat({Bytes{0, 0, 0, 1}, z, alg_id, party_u, party_v}));
          }
          KdfBufferDesc desc{0, static_cast<ULONG>(params.size()), params.data()};
          std::u16string kdf_name(kdf.begin(), kdf.end());
          CARD_DERIVE_KEY d{};
          d.dwVersion = CARD_DERIVE_KEY_CURRENT_VERSION;
          d.pwszKDF = kdf_name.data();
          d.bSecretAgreementIndex = a.index;
          d.pParameterList = &desc;
          check.rc(0, cd->pfnCardDeriveKey(cd, &d), "CardDeriveKey(" + kdf + ")");
          Bytes got(d.pbDerivedKey, d.pbDerivedKey + d.cbDerivedKey);
          if (d.pbDerivedKey) cd->pfnCspFree(d.pbDerivedKey);
          cd->pfnCardDestroyDHAgreement(cd, a.index, 0);
          check.require(got == expected, "derived " + hex(got) + ", expected " + hex(expected));
        });
}

}  // namespace

void register_ecdh_nodes(Registry& r) {
  for (const char* curve : {"P-256", "P-384", "P-521"})
    for (const char* kdf : {"HASH", "HMAC", "SP800_56A_CONCAT"}) kdf_node(r, curve, kdf);

  r.add("seq.ecdh_destroy_agreement",
        "CardDestroyDHAgreement -> 0; the same index again -> SCARD_E_INVALID_PARAMETER",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          TempContainer k(check, env, cd, AT_ECDHE_P256, 0);
          Agreement a = agree(check, cd, k);
          check.rc(0, cd->pfnCardDestroyDHAgreement(cd, a.index, 0), "CardDestroyDHAgreement");
          check.rc(SCARD_E_INVALID_PARAMETER, cd->pfnCardDestroyDHAgreement(cd, a.index, 0),
                   "CardDestroyDHAgreement again");
        });

  r.add("seq.associated_ecdh_key",
        "CCP_ASSOCIATED_ECDH_KEY pairs an ECDSA container with an ECDH one; a new context and a "
        "reset card still see it; sign with ECDSA, agree with the associated ECDH key",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          TempContainer sig(check, env, cd, AT_ECDSA_P256, 0);
          TempContainer kx(check, env, cd, AT_ECDHE_P256, 0);
          BYTE assoc = kx.index;
          check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx");
          // A read-only card names its own pairing: the provisioned ECDH container (config).
          if (!env.config().read_only)
            check.rc(0,
                     cd->pfnCardSetContainerProperty(cd, sig.index, CCP_ASSOCIATED_ECDH_KEY, &assoc,
                                                     1, 0),
                     "CardSetContainerProperty(CCP_ASSOCIATED_ECDH_KEY)");
          auto read_assoc = [&](CARD_DATA* c, const char* when) {
            BYTE v = 0xFF;
            DWORD len = 0;
            check.rc(0,
                     c->pfnCardGetContainerProperty(c, sig.index, CCP_ASSOCIATED_ECDH_KEY, &v, 1,
                                                    &len, 0),
                     std::string("CardGetContainerProperty(CCP_ASSOCIATED_ECDH_KEY) ") + when);
            check.require(len == 1 && v == kx.index, std::string("wrong association ") + when);
          };
          read_assoc(cd, "in the same context");
          {
            auto other = env.open(0);
            read_assoc(other->cd(), "in a new context");
          }
          {
            auto resetter = env.open(0);
            check.rc(0, pcsc::reset(resetter->conn), "SCardReconnect(RESET)");
          }
          {
            auto after = env.open(0);
            read_assoc(after->cd(), "after a card reset");
            CARD_DATA* c2 = after->cd();
            check.rc(0, authenticate_user(c2, env.config()), "CardAuthenticateEx after reset");
            const Bytes digest = verify::digest("sha256", Bytes{'l', 'o', 'g', 'o', 'n'});
            CARD_SIGNING_INFO info{};
            info.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
            info.bContainerIndex = sig.index;
            info.dwKeySpec = AT_ECDSA_P256;
            info.aiHashAlg = CALG_SHA_256;
            Bytes d = digest;
            info.pbData = d.data();
            info.cbData = static_cast<DWORD>(d.size());
            check.rc(0, c2->pfnCardSignData(c2, &info), "CardSignData(ECDSA)");
            Bytes s(info.pbSignedData, info.pbSignedData + info.cbSignedData);
            c2->pfnCspFree(info.pbSignedData);
            check.require(verify::ecdsa_verify(
                              verify::from_bcrypt_ecc_public(sig.public_blob).get(), digest, s),
                          "ECDSA signature does not verify");
            // The cached-logon secret is encrypted to the associated key: the card recovers it.
            Agreement a = agree(check, c2, kx);
            std::u16string hash = u"SHA256";
            KdfBuffer p{static_cast<ULONG>((hash.size() + 1) * 2), kdf_hash_algorithm, hash.data()};
            KdfBufferDesc desc{0, 1, &p};
            std::u16string kdf = u"HASH";
            CARD_DERIVE_KEY dk{};
            dk.dwVersion = CARD_DERIVE_KEY_CURRENT_VERSION;
            dk.pwszKDF = kdf.data();
            dk.bSecretAgreementIndex = a.index;
            dk.pParameterList = &desc;
            check.rc(0, c2->pfnCardDeriveKey(c2, &dk), "CardDeriveKey(HASH)");
            Bytes got(dk.pbDerivedKey, dk.pbDerivedKey + dk.cbDerivedKey);
            c2->pfnCspFree(dk.pbDerivedKey);
            check.require(got == verify::digest("sha256", a.host.secret),
                          "the card derived a different key");
          }
        });

  neg(r, "CardConstructDHAgreement", "null_info", SCARD_E_INVALID_PARAMETER, "pAgreementInfo NULL",
      [](NegFixture& f) { return f.cd->pfnCardConstructDHAgreement(f.cd, nullptr); });
  auto dh_case = [&r](const std::string& name, const std::string& what, DWORD expected, DWORD spec,
                      std::function<void(CARD_DH_AGREEMENT_INFO&, Bytes&)> spoil) {
    neg(r, "CardConstructDHAgreement", name, expected, what,
        [spoil](NegFixture& f) {
          auto pub = verify::from_bcrypt_ecc_public(f.container->public_blob);
          Bytes blob = pub ? verify::ecdh_with(pub.get()).public_blob : Bytes(8 + 64, 1);
          CARD_DH_AGREEMENT_INFO info{};
          info.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION;
          info.bContainerIndex = f.container->index;
          spoil(info, blob);
          info.dwPublicKey = static_cast<DWORD>(blob.size());
          info.pbPublicKey = blob.data();
          const DWORD rc = f.cd->pfnCardConstructDHAgreement(f.cd, &info);
          if (rc == 0) f.cd->pfnCardDestroyDHAgreement(f.cd, info.bSecretAgreementIndex, 0);
          return rc;
        },
        {.user = true, .container = spec});
  };
  dh_case("version_1", "CARD_DH_AGREEMENT_INFO dwVersion 1", ERROR_REVISION_MISMATCH, AT_ECDHE_P256,
          [](CARD_DH_AGREEMENT_INFO& i, Bytes&) { i.dwVersion = 1; });
  dh_case("ecdsa_container", "an ECDSA (signature-only) container", SCARD_E_INVALID_PARAMETER,
          AT_ECDSA_P256, [](CARD_DH_AGREEMENT_INFO&, Bytes&) {});
  dh_case("bad_magic", "a public key blob with a wrong magic", SCARD_E_INVALID_PARAMETER,
          AT_ECDHE_P256, [](CARD_DH_AGREEMENT_INFO&, Bytes& b) { b[0] ^= 0xFF; });
  dh_case("not_on_curve", "a point not on the curve", SCARD_E_INVALID_PARAMETER, AT_ECDHE_P256,
          [](CARD_DH_AGREEMENT_INFO&, Bytes& b) { b.back() ^= 0x01; });
  dh_case("truncated", "a public key blob one byte short", SCARD_E_INVALID_PARAMETER, AT_ECDHE_P256,
          [](CARD_DH_AGREEMENT_INFO&, Bytes& b) { b.pop_back(); });
  neg(r, "CardDeriveKey", "null_info", SCARD_E_INVALID_PARAMETER, "pAgreementInfo NULL",
      [](NegFixture& f) { return f.cd->pfnCardDeriveKey(f.cd, nullptr); });
  neg(r, "CardDeriveKey", "unknown_kdf", SCARD_E_INVALID_PARAMETER, "pwszKDF L\"NOPE\"",
      [](NegFixture& f) {
        Checker c;
        Agreement a = agree(c, f.cd, *f.container);
        std::u16string kdf = u"NOPE";
        CARD_DERIVE_KEY d{};
        d.dwVersion = CARD_DERIVE_KEY_CURRENT_VERSION;
        d.pwszKDF = kdf.data();
        d.bSecretAgreementIndex = a.index;
        const DWORD rc = f.cd->pfnCardDeriveKey(f.cd, &d);
        f.cd->pfnCardDestroyDHAgreement(f.cd, a.index, 0);
        return rc;
      },
      {.user = true, .container = AT_ECDHE_P256});
  neg(r, "CardDeriveKey", "bad_agreement", SCARD_E_INVALID_PARAMETER,
      "an agreement index never constructed", [](NegFixture& f) {
        std::u16string kdf = u"HASH";
        CARD_DERIVE_KEY d{};
        d.dwVersion = CARD_DERIVE_KEY_CURRENT_VERSION;
        d.pwszKDF = kdf.data();
        d.bSecretAgreementIndex = 0xEE;
        return f.cd->pfnCardDeriveKey(f.cd, &d);
      });
  for (DWORD v : {0u, 5u, 257u})
    neg(r, "CardDeriveKey", "version_" + std::to_string(v), ERROR_REVISION_MISMATCH,
        "CARD_DERIVE_KEY dwVersion " + std::to_string(v), [v](NegFixture& f) {
          std::u16string kdf = u"HASH";
          CARD_DERIVE_KEY d{};
          d.dwVersion = v;
          d.pwszKDF = kdf.data();
          return f.cd->pfnCardDeriveKey(f.cd, &d);
        });
  neg(r, "CardDestroyDHAgreement", "flags_1", SCARD_E_INVALID_PARAMETER, "dwFlags 1",
      [](NegFixture& f) { return f.cd->pfnCardDestroyDHAgreement(f.cd, 0, 1); });
}

}  // namespace softcard::mdtest
