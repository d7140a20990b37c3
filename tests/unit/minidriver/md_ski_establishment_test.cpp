// Dedicated SKI establishment keys through the minidriver (docs/ski.md §13): only the
// provisioned establishment keys establish session keys; ordinary keys keep working for plain
// decipher and for CardDeriveKey's key bytes, and an establishment key answers no plain use.
#include "md_card_fixture.h"

using namespace softcard;
using namespace softcard::mdtest;

namespace {

Bytes ecdh_public_blob(CryptoProvider& crypto, const KeyPair& eph) {
  const Bytes point = crypto.ec_public(eph).point;
  wire::EccParts pub;
  pub.ecdh = true;
  pub.x.assign(point.begin() + 1, point.begin() + 33);
  pub.y.assign(point.begin() + 33, point.end());
  return wire::encode_bcrypt_ecckey_blob(pub);
}

TEST_F(WithEstablishmentKeys, AnOrdinaryKeyExchangeContainerEstablishesNothing) {
  login();
  ASSERT_EQ(client.pfnCardCreateContainerEx(&client, 1, CARD_CREATE_CONTAINER_KEY_GEN,
                                            AT_KEYEXCHANGE, 1024, nullptr, ROLE_USER),
            0u);
  const Bytes ct = crypto.rsa_encrypt(container_public(1), ski::key_data_blob(Bytes(16, 7)),
                                      RsaPadding::pkcs1_v15());
  const ObjectMap before = backend->objects();
  CARD_KEY_HANDLE h = 0;
  EXPECT_EQ(
      client.pfnCardImportSessionKey(&client, 1, nullptr, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM,
                                     &h, Bytes(ct).data(), DWORD(ct.size()), CARD_PADDING_PKCS1),
      SCARD_E_INVALID_PARAMETER);
  EXPECT_TRUE(backend->objects() == before);
  // The same container still deciphers with CardRSADecrypt (it is an ordinary key).
  Bytes buf(ct.rbegin(), ct.rend());  // CAPI order
  CARD_RSA_DECRYPT_INFO di{};
  di.dwVersion = CARD_RSA_KEY_DECRYPT_INFO_VERSION_TWO, di.bContainerIndex = 1,
  di.dwKeySpec = AT_KEYEXCHANGE, di.pbData = buf.data(), di.cbData = DWORD(buf.size()),
  di.dwPaddingType = CARD_PADDING_PKCS1;
  EXPECT_EQ(client.pfnCardRSADecrypt(&client, &di), 0u);
}

TEST_F(WithEstablishmentKeys, TheRsaEstablishmentKeyDeciphersNothingInPlain) {
  login();
  const PublicKey k1 = crypto.import_public_der(published_establishment_key(0));
  const Bytes ct =
      crypto.rsa_encrypt(k1, ski::key_data_blob(Bytes(32, 9)), RsaPadding::pkcs1_v15());
  for (DWORD padding : {DWORD(CARD_PADDING_PKCS1), DWORD(CARD_PADDING_NONE)}) {
    Bytes buf(ct.rbegin(), ct.rend());
    CARD_RSA_DECRYPT_INFO di{};
    di.dwVersion = CARD_RSA_KEY_DECRYPT_INFO_VERSION_TWO, di.bContainerIndex = 0,
    di.dwKeySpec = AT_KEYEXCHANGE, di.pbData = buf.data(), di.cbData = DWORD(buf.size()),
    di.dwPaddingType = padding;
    EXPECT_NE(client.pfnCardRSADecrypt(&client, &di), 0u) << padding;
    EXPECT_TRUE(Bytes(ct.rbegin(), ct.rend()) == buf) << "no plaintext came back";
  }
}

TEST_F(WithEstablishmentKeys, AnOrdinaryEcdhContainerAgreesForKeyBytesOnly) {
  login();
  ASSERT_EQ(client.pfnCardCreateContainerEx(&client, 2, CARD_CREATE_CONTAINER_KEY_GEN,
                                            AT_ECDHE_P256, 0, nullptr, ROLE_USER),
            0u);
  const KeyPair eph = crypto.generate_ec(Curve::p256);
  Bytes pub = ecdh_public_blob(crypto, eph);
  CARD_DH_AGREEMENT_INFO ai{};
  ai.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION, ai.bContainerIndex = 2,
  ai.dwPublicKey = DWORD(pub.size()), ai.pbPublicKey = pub.data();
  ASSERT_EQ(client.pfnCardConstructDHAgreement(&client, &ai), 0u);
  EXPECT_GE(ai.bSecretAgreementIndex, 0x10) << "a host-side agreement";
  char16_t hkdf[] = u"HKDF", hash[] = u"HASH", aes[] = u"AES";
  CARD_DERIVE_KEY dk{};
  dk.dwVersion = 2, dk.dwFlags = CARD_RETURN_KEY_HANDLE, dk.pwszKDF = hkdf,
  dk.bSecretAgreementIndex = ai.bSecretAgreementIndex, dk.pwszAlgId = aes, dk.dwKeyLen = 128;
  EXPECT_EQ(client.pfnCardDeriveKey(&client, &dk), SCARD_E_INVALID_PARAMETER);
  // Key bytes (HASH, SHA-1 by default): a plain GIDS ECDH with the ordinary key.
  CARD_DERIVE_KEY bytes{};
  bytes.dwVersion = 2, bytes.pwszKDF = hash, bytes.bSecretAgreementIndex = ai.bSecretAgreementIndex;
  ASSERT_EQ(client.pfnCardDeriveKey(&client, &bytes), 0u);
  const SecretBytes z = crypto.ecdh(eph, crypto.ec_public(container_public(2)).point);
  EXPECT_EQ(Bytes(bytes.pbDerivedKey, bytes.pbDerivedKey + bytes.cbDerivedKey),
            crypto.digest(HashAlg::sha1, z.view()));
  client.pfnCspFree(bytes.pbDerivedKey);
  EXPECT_EQ(client.pfnCardDestroyDHAgreement(&client, ai.bSecretAgreementIndex, 0), 0u);
  EXPECT_EQ(client.pfnCardDeriveKey(&client, &bytes), SCARD_E_INVALID_PARAMETER) << "destroyed";
  // A point off the curve is refused at once, as the card would.
  pub.back() ^= 1;
  EXPECT_EQ(client.pfnCardConstructDHAgreement(&client, &ai), SCARD_E_INVALID_PARAMETER);
}

TEST_F(WithEstablishmentKeys, TheEcdhEstablishmentKeyGivesNoKeyBytes) {
  login();
  const KeyPair eph = crypto.generate_ec(Curve::p256);
  Bytes pub = ecdh_public_blob(crypto, eph);
  CARD_DH_AGREEMENT_INFO ai{};
  ai.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION, ai.bContainerIndex = 6,
  ai.dwPublicKey = DWORD(pub.size()), ai.pbPublicKey = pub.data();
  ASSERT_EQ(client.pfnCardConstructDHAgreement(&client, &ai), 0u);
  char16_t hash[] = u"HASH";
  CARD_DERIVE_KEY bytes{};
  bytes.dwVersion = 2, bytes.pwszKDF = hash, bytes.bSecretAgreementIndex = ai.bSecretAgreementIndex;
  // The plain GIDS ECDH behind the key bytes is refused by the card (6984).
  EXPECT_NE(client.pfnCardDeriveKey(&client, &bytes), 0u);
  EXPECT_EQ(bytes.pbDerivedKey, nullptr);
}

}  // namespace
