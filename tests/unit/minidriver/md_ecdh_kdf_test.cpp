// CardDeriveKey without CARD_RETURN_KEY_HANDLE (docs/ski.md D22, docs/mdtest.md M20): the HASH,
// HMAC and SP800_56A_CONCAT key bytes over Z, recomputed here from a host-side ECDH with the
// container's public key; the parameter checks and their order.
#include "md_card_fixture.h"

using namespace softcard;
using namespace softcard::mdtest;

namespace {

struct EcdhKdf : WithCard {
  KeyPair eph = crypto.generate_ec(Curve::p256);
  SecretBytes z;
  BYTE agreement = 0;
  std::u16string sha256 = u"SHA256";
  std::vector<BCryptBuffer> params;
  BCryptBufferDesc desc{BCRYPTBUFFER_VERSION, 0, nullptr};

  void SetUp() override {
    WithCard::SetUp();
    login();
    DWORD rc = client.pfnCardCreateContainerEx(&client, 2, CARD_CREATE_CONTAINER_KEY_GEN,
                                               AT_ECDHE_P256, 0, nullptr, ROLE_USER);
    if (rc != 0) GTEST_SKIP() << "no EC key generation (rc " << std::hex << rc << ")";
    z = crypto.ecdh(eph, crypto.ec_public(container_public(2)).point);
    const Bytes point = crypto.ec_public(eph).point;
    wire::EccParts pub;
    pub.ecdh = true;
    pub.x.assign(point.begin() + 1, point.begin() + 33);
    pub.y.assign(point.begin() + 33, point.end());
    Bytes blob = wire::encode_bcrypt_ecckey_blob(pub);
    CARD_DH_AGREEMENT_INFO ai{};
    ai.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION, ai.bContainerIndex = 2,
    ai.dwPublicKey = DWORD(blob.size()), ai.pbPublicKey = blob.data();
    ASSERT_EQ(client.pfnCardConstructDHAgreement(&client, &ai), 0u);
    agreement = ai.bSecretAgreementIndex;
  }

  void add(ULONG type, Bytes& b) { params.push_back({ULONG(b.size()), type, b.data()}); }
  void add_hash() {
    params.push_back({ULONG((sha256.size() + 1) * 2), KDF_HASH_ALGORITHM, sha256.data()});
  }

  // rc of CardDeriveKey; `out` gets the key bytes.
  DWORD derive(const char16_t* kdf, Bytes* out = nullptr, DWORD flags = 0, DWORD version = 2) {
    desc.cBuffers = ULONG(params.size());
    desc.pBuffers = params.data();
    std::u16string kdf_name(kdf);
    CARD_DERIVE_KEY d{};
    d.dwVersion = version, d.dwFlags = flags, d.pwszKDF = kdf_name.data();
    d.bSecretAgreementIndex = agreement;
    d.pParameterList = params.empty() ? nullptr : &desc;
    const DWORD rc = client.pfnCardDeriveKey(&client, &d);
    if (rc == 0 && out) *out = Bytes(d.cbDerivedKey, 0);
    if (rc == 0 && d.pbDerivedKey) {
      if (out) std::memcpy(out->data(), d.pbDerivedKey, d.cbDerivedKey);
      client.pfnCspFree(d.pbDerivedKey);
    }
    return rc;
  }
  Bytes cat(std::initializer_list<ByteView> parts) {
    Bytes r;
    for (auto p : parts) r.insert(r.end(), p.begin(), p.end());
    return r;
  }
};

TEST_F(EcdhKdf, HashIsTheDigestOfPrependZAppend) {
  Bytes pre = {1, 2, 3}, app = {9};
  add_hash();
  add(KDF_SECRET_PREPEND, pre);
  add(KDF_SECRET_APPEND, app);
  Bytes got;
  ASSERT_EQ(derive(BCRYPT_KDF_HASH, &got), 0u);
  EXPECT_EQ(got, crypto.digest(HashAlg::sha256, cat({pre, z.view(), app})));
  // The agreement stays usable until destroyed; without a hash name BCrypt's SHA-1 applies.
  params.clear();
  ASSERT_EQ(derive(BCRYPT_KDF_HASH, &got), 0u);
  EXPECT_EQ(got, crypto.digest(HashAlg::sha1, z.view()));
  EXPECT_EQ(derive(BCRYPT_KDF_HASH, &got, 0, 1), 0u);  // a v1 CARD_DERIVE_KEY too
}

TEST_F(EcdhKdf, HmacWithTheGivenKeyOrWithZ) {
  Bytes key = {'k', 'e', 'y'}, pre = {7};
  add_hash();
  add(KDF_HMAC_KEY, key);
  add(KDF_SECRET_PREPEND, pre);
  Bytes got;
  ASSERT_EQ(derive(BCRYPT_KDF_HMAC, &got), 0u);
  EXPECT_EQ(got, crypto.hmac(HashAlg::sha256, key, cat({pre, z.view()})));
  // Both a key and KDF_USE_SECRET_AS_HMAC_KEY_FLAG, or neither: refused.
  EXPECT_EQ(derive(BCRYPT_KDF_HMAC, &got, KDF_USE_SECRET_AS_HMAC_KEY_FLAG),
            SCARD_E_INVALID_PARAMETER);
  params.erase(params.begin() + 1);
  EXPECT_EQ(derive(BCRYPT_KDF_HMAC, &got), SCARD_E_INVALID_PARAMETER);
  ASSERT_EQ(derive(BCRYPT_KDF_HMAC, &got, KDF_USE_SECRET_AS_HMAC_KEY_FLAG), 0u);
  EXPECT_EQ(got, crypto.hmac(HashAlg::sha256, z.view(), cat({pre, z.view()})));
}

TEST_F(EcdhKdf, ConcatIsOneSp80056aBlock) {
  Bytes alg = {'A', 'E', 'S'}, u = {'U'}, v = {'V', 'V'}, pub = {0, 0, 1, 0};
  add(KDF_ALGORITHMID, alg);
  add(KDF_PARTYUINFO, u);
  add(KDF_PARTYVINFO, v);
  add_hash();
  Bytes got;
  ASSERT_EQ(derive(BCRYPT_KDF_SP80056A_CONCAT, &got), 0u);
  EXPECT_EQ(got, crypto.digest(HashAlg::sha256, cat({Bytes{0, 0, 0, 1}, z.view(), alg, u, v})));
  add(KDF_SUPPPUBINFO, pub);
  ASSERT_EQ(derive(BCRYPT_KDF_SP80056A_CONCAT, &got), 0u);
  EXPECT_EQ(got,
            crypto.digest(HashAlg::sha256, cat({Bytes{0, 0, 0, 1}, z.view(), alg, u, v, pub})));
  params.erase(params.begin() + 1);  // no PartyUInfo
  EXPECT_EQ(derive(BCRYPT_KDF_SP80056A_CONCAT, &got), SCARD_E_INVALID_PARAMETER);
}

TEST_F(EcdhKdf, ChecksAndTheirOrder) {
  Bytes got;
  DWORD size_only = 0;
  {
    std::u16string hash = u"HASH";
    CARD_DERIVE_KEY d{};
    d.dwVersion = 2, d.dwFlags = CARD_BUFFER_SIZE_ONLY, d.pwszKDF = hash.data();
    d.bSecretAgreementIndex = agreement;
    ASSERT_EQ(client.pfnCardDeriveKey(&client, &d), 0u);
    EXPECT_EQ(d.pbDerivedKey, nullptr);
    size_only = d.cbDerivedKey;
  }
  EXPECT_EQ(size_only, 20u);                                                   // SHA-1 by default
  EXPECT_EQ(derive(BCRYPT_KDF_HASH, &got, 0, 3), ERROR_REVISION_MISMATCH);     // version first
  EXPECT_EQ(derive(u"NOPE", &got), SCARD_E_INVALID_PARAMETER);                 // then the KDF name
  EXPECT_EQ(derive(BCRYPT_KDF_HASH, &got, 0x100), SCARD_E_INVALID_PARAMETER);  // then flags
  EXPECT_EQ(derive(u"TLS_PRF", &got), SCARD_E_UNSUPPORTED_FEATURE);            // a KDF not offered
  EXPECT_EQ(derive(BCRYPT_KDF_HKDF, &got), SCARD_E_UNSUPPORTED_FEATURE);
  Bytes key = {1};
  add(KDF_HMAC_KEY, key);  // not a HASH parameter
  EXPECT_EQ(derive(BCRYPT_KDF_HASH, &got), SCARD_E_INVALID_PARAMETER);
  params.clear();
  add_hash();
  add_hash();  // twice
  EXPECT_EQ(derive(BCRYPT_KDF_HASH, &got), SCARD_E_INVALID_PARAMETER);
  params.clear();
  // The user PIN is checked by the card's ECDH at derivation time.
  client.pfnCardDeauthenticateEx(&client, PIN_SET(1u << ROLE_USER), 0);
  EXPECT_EQ(derive(BCRYPT_KDF_HASH, &got), SCARD_W_SECURITY_VIOLATION);
  login();
  ASSERT_EQ(derive(BCRYPT_KDF_HASH, &got), 0u);
  // Destroyed (or never constructed): SCARD_E_INVALID_PARAMETER before anything else is read.
  ASSERT_EQ(client.pfnCardDestroyDHAgreement(&client, agreement, 0), 0u);
  EXPECT_EQ(derive(BCRYPT_KDF_HASH, &got), SCARD_E_INVALID_PARAMETER);
}

}  // namespace
