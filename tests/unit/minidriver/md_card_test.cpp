// The minidriver against an in-process GIDS card with the SKI extension: the CA key-archival
// scenario, shared-key and ECDH establishment, the secure functions and the worked example
// (the standard functions are in md_card_standard_test.cpp).
#include "md_card_fixture.h"

using namespace softcard;
using namespace softcard::mdtest;

namespace {

TEST_F(WithEstablishmentKeys, CaKeyArchivalScenario) {
  BYTE buf[256];
  DWORD len = 0;
  ASSERT_EQ(client.pfnCardGetProperty(&client, CP_KEY_IMPORT_SUPPORT, buf, 4, &len, 0), 0u);
  EXPECT_EQ(wire::get_u32le({buf, 4}, 0), 0x0Fu);
  ASSERT_EQ(client.pfnCardGetProperty(&client, CP_PADDING_SCHEMES, buf, 4, &len,
                                      CARD_ASYMMETRIC_OPERATION),
            0u);
  EXPECT_EQ(wire::get_u32le({buf, 4}, 0), DWORD(CARD_PADDING_PKCS1 | CARD_PADDING_OAEP));
  ASSERT_EQ(client.pfnCardGetProperty(&client, CP_ENUM_ALGORITHMS, buf, sizeof buf, &len,
                                      CARD_CIPHER_OPERATION),
            0u);
  EXPECT_EQ(std::u16string((const char16_t*)buf), u"AES");
  ASSERT_EQ(client.pfnCardGetProperty(&client, CP_CHAINING_MODES, buf, sizeof buf, &len, 0), 0u);
  EXPECT_EQ(client.pfnCardSetProperty(&client, CP_KEY_IMPORT_SUPPORT, buf, 4, 0),
            SCARD_E_UNSUPPORTED_FEATURE);

  login();
  auto [hs, hc] = rsa_session(0, crypto.digest(HashAlg::sha256, view(std::string_view("S1"))));
  set_props(hs, hc, SOFTCARD_CHAIN_MODE_GCM, from_hex("000102030405060708090a0b"));

  KeyPair k2 = crypto.generate_rsa(2048);
  Bytes blob =
      encrypt(hs, CSF_IMPORT_KEYPAIR,
              import_keypair_struct(1, AT_SIGNATURE, 2048, privatekeyblob(crypto, k2, false)));

  const ObjectMap before = backend->objects();
  for (std::size_t i = 0; i < blob.size(); ++i) {
    Bytes t = blob;
    t[i] ^= 0x80;
    EXPECT_NE(process(hc, CSF_IMPORT_KEYPAIR, t), 0u) << "byte " << i;
    ASSERT_TRUE(backend->objects() == before) << "card image changed after a flip at byte " << i;
  }
  EXPECT_EQ(process(hc, CSF_AUTHENTICATE, blob), SCARD_E_INVALID_PARAMETER);  // wrong function
  Bytes truncated(blob.begin(), blob.begin() + 30);
  EXPECT_EQ(process(hc, CSF_IMPORT_KEYPAIR, truncated), SCARD_E_INVALID_PARAMETER);
  EXPECT_TRUE(backend->objects() == before);

  ASSERT_EQ(process(hc, CSF_IMPORT_KEYPAIR, blob), 0u);
  const ObjectMap after = backend->objects();
  EXPECT_EQ(process(hc, CSF_IMPORT_KEYPAIR, blob), SCARD_W_SECURITY_VIOLATION);  // replay
  EXPECT_TRUE(backend->objects() == after);

  // cmapfile shows an ordinary container 1 with a 2048-bit signature key
  PBYTE cmap = nullptr;
  char dir[] = "mscp", file[] = "cmapfile";
  ASSERT_EQ(client.pfnCardReadFile(&client, dir, file, 0, &cmap, &len), 0u);
  ASSERT_GE(len, 2 * 86u);
  EXPECT_EQ(cmap[86 + 80] & CONTAINER_MAP_VALID_CONTAINER, CONTAINER_MAP_VALID_CONTAINER);
  EXPECT_EQ(cmap[86 + 82] | (cmap[86 + 83] << 8), 2048);
  client.pfnCspFree(cmap);

  // the card signs with K2; the archived public key verifies
  Bytes hash = crypto.digest(HashAlg::sha256, view(std::string_view("challenge")));
  CARD_SIGNING_INFO si{};
  si.dwVersion = 1, si.bContainerIndex = 1, si.dwKeySpec = AT_SIGNATURE,
  si.aiHashAlg = CALG_SHA_256;
  si.pbData = hash.data(), si.cbData = DWORD(hash.size());
  ASSERT_EQ(client.pfnCardSignData(&client, &si), 0u);
  Bytes sig(si.pbSignedData, si.pbSignedData + si.cbSignedData);
  client.pfnCspFree(si.pbSignedData);
  std::reverse(sig.begin(), sig.end());
  EXPECT_TRUE(
      crypto.rsa_verify_pkcs1(crypto.public_key(k2), digest_info(HashAlg::sha256, hash), sig));

  EXPECT_EQ(client.pfnCardDestroyKey(&client, hc), 0u);
  EXPECT_EQ(process(hc, CSF_IMPORT_KEYPAIR, blob), SCARD_E_INVALID_HANDLE);
}

TEST_F(WithEstablishmentKeys, CbcBlobsAndWrongIv) {
  login();
  auto [hs, hc] = rsa_session(0, Bytes(16, 0x21));
  set_props(hs, hc, CARD_CHAIN_MODE_CBC, Bytes(16, 0x77));
  Bytes blob =
      encrypt(hs, CSF_AUTHENTICATE, authenticate_struct(0, view(std::string_view("123456"))));
  Bytes other_iv(16, 0x78);
  ASSERT_EQ(
      client.pfnCardSetKeyProperty(&client, hc, CKP_INITIALIZATION_VECTOR, other_iv.data(), 16, 0),
      0u);
  EXPECT_EQ(process(hc, CSF_AUTHENTICATE, blob), SCARD_E_INVALID_VALUE);
  Bytes iv(16, 0x77);
  ASSERT_EQ(client.pfnCardSetKeyProperty(&client, hc, CKP_INITIALIZATION_VECTOR, iv.data(), 16, 0),
            0u);
  Bytes out;
  ASSERT_EQ(process(hc, CSF_AUTHENTICATE, blob, &out), 0u);
  ASSERT_EQ(out.size(), 12u);
  EXPECT_EQ(wire::get_u32le(out, 8), 3u);
}

TEST_F(WithCard, SharedKeySessionPinAndChangeAuthenticator) {
  Bytes req = {'S', 'R', 0x01, 0x01, std::uint8_t(ski::Alg::aes256), 32};
  append(req, Bytes(32, 0x5C));
  PBYTE out = nullptr;
  DWORD len = 0;
  CARD_KEY_HANDLE hs = 0, hc = 0;
  ASSERT_EQ(
      server.pfnCardGetSharedKeyHandle(&server, req.data(), DWORD(req.size()), &out, &len, &hs),
      0u);
  Bytes sh(out, out + len);
  server.pfnCspFree(out);
  ASSERT_EQ(client.pfnCardGetSharedKeyHandle(&client, sh.data(), DWORD(sh.size()), &out, &len, &hc),
            0u);
  Bytes ch(out, out + len);
  client.pfnCspFree(out);
  CARD_KEY_HANDLE hs2 = 0;
  ASSERT_EQ(server.pfnCardGetSharedKeyHandle(&server, ch.data(), DWORD(ch.size()), nullptr, nullptr,
                                             &hs2),
            0u);
  ASSERT_EQ(hs2, hs);

  // wrong PIN: attempts remaining come back
  Bytes resp;
  EXPECT_EQ(process(hc, CSF_AUTHENTICATE,
                    encrypt(hs, CSF_AUTHENTICATE,
                            authenticate_struct(0, view(std::string_view("999999")))),
                    &resp),
            SCARD_W_WRONG_CHV);
  ASSERT_EQ(resp.size(), 12u);
  EXPECT_EQ(wire::get_u32le(resp, 8), 2u);

  // generate a session PIN; only the server can read it
  ASSERT_EQ(process(hc, CSF_AUTHENTICATE,
                    encrypt(hs, CSF_AUTHENTICATE,
                            authenticate_struct(CARD_AUTHENTICATE_GENERATE_SESSION_PIN,
                                                view(std::string_view("123456")))),
                    &resp),
            0u);
  const DWORD cb = wire::get_u32le(resp, 4);
  ASSERT_GT(cb, 16u);
  EXPECT_EQ(wire::get_u32le(resp, 8), 3u);
  Bytes pin_blob(resp.begin() + 12, resp.begin() + 12 + cb);
  CARD_ENCRYPTED_DATA ed{pin_blob.data(), cb};
  BYTE token[64];
  DWORD tlen = 0;
  ASSERT_EQ(server.pfnCardProcessEncryptedData(&server, hs, CSF_AUTHENTICATE, &ed, 1, token,
                                               sizeof token, &tlen, 0),
            0u);
  ASSERT_EQ(tlen, 16u);
  EXPECT_EQ(server.pfnCardProcessEncryptedData(&server, hs, CSF_AUTHENTICATE, &ed, 1, token,
                                               sizeof token, &tlen, 0),
            SCARD_W_SECURITY_VIOLATION);  // replay
  ASSERT_EQ(process(hc, CSF_AUTHENTICATE,
                    encrypt(hs, CSF_AUTHENTICATE,
                            authenticate_struct(CARD_AUTHENTICATE_SESSION_PIN, {token, 16}))),
            0u);

  // change the PIN under encryption, then log in with the new one
  ASSERT_EQ(process(hc, CSF_CHANGE_AUTHENTICATOR,
                    encrypt(hs, CSF_CHANGE_AUTHENTICATOR,
                            change_struct(PIN_CHANGE_FLAG_CHANGEPIN, ROLE_USER,
                                          view(std::string_view("123456")),
                                          view(std::string_view("654321")))),
                    &resp),
            0u);
  ASSERT_EQ(resp.size(), 8u);
  BYTE pin[] = {'6', '5', '4', '3', '2', '1'};
  char16_t user[] = u"user";
  EXPECT_EQ(client.pfnCardAuthenticatePin(&client, user, pin, 6, nullptr), 0u);
}

TEST_F(WithEstablishmentKeys, SlotsAreBoundedAndVolatile) {
  login();
  std::vector<CARD_KEY_HANDLE> hs;
  for (int i = 0; i < 8; ++i) hs.push_back(rsa_session(0, Bytes(16, std::uint8_t(i))).second);
  PublicKey k1 = crypto.import_public_der(published_establishment_key(0));
  Bytes blob = ski::key_data_blob(Bytes(16, 1));
  Bytes ct = crypto.rsa_encrypt(k1, blob, RsaPadding::pkcs1_v15());
  CARD_KEY_HANDLE h = 0;
  EXPECT_EQ(
      client.pfnCardImportSessionKey(&client, 0, nullptr, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM,
                                     &h, ct.data(), DWORD(ct.size()), CARD_PADDING_PKCS1),
      SCARD_E_NO_MEMORY);
  EXPECT_EQ(client.pfnCardDestroyKey(&client, hs[0]), 0u);
  EXPECT_EQ(
      client.pfnCardImportSessionKey(&client, 0, nullptr, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM,
                                     &h, ct.data(), DWORD(ct.size()), CARD_PADDING_PKCS1),
      0u);
  ct[5] ^= 1;  // corrupt wrap
  EXPECT_EQ(client.pfnCardDestroyKey(&client, h), 0u);
  EXPECT_EQ(
      client.pfnCardImportSessionKey(&client, 0, nullptr, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM,
                                     &h, ct.data(), DWORD(ct.size()), CARD_PADDING_PKCS1),
      NTE_BAD_DATA);
  card->reset();
  BYTE b[4];
  DWORD len = 0;
  EXPECT_EQ(client.pfnCardSetKeyProperty(&client, hs[1], CKP_INITIALIZATION_VECTOR,
                                         Bytes(16, 0).data(), 16, 0),
            SCARD_E_INVALID_HANDLE);  // the card forgot the slot
  (void)b, (void)len;
}

TEST_F(WithEstablishmentKeys, EcdhDerivedSessionKey) {
  login();
  // The server agrees with the key the provisioning published, never with one the client names.
  PublicKey card_pub = crypto.import_public_der(published_establishment_key(6));
  KeyPair eph = crypto.generate_ec(Curve::p256);
  SecretBytes z = crypto.ecdh(eph, crypto.ec_public(card_pub).point);
  SecretBytes sk = ski::derive_ecdh(crypto, z.view(), ski::Alg::aes128);
  Bytes kblob = ski::key_data_blob(sk.view());
  CARD_KEY_HANDLE hs = 0;
  ASSERT_EQ(server.pfnMDImportSessionKey(&server, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM, &hs,
                                         kblob.data(), DWORD(kblob.size())),
            0u);
  const Bytes point = crypto.ec_public(eph).point;
  wire::EccParts eph_pub;
  eph_pub.ecdh = true;
  eph_pub.x.assign(point.begin() + 1, point.begin() + 33);
  eph_pub.y.assign(point.begin() + 33, point.end());
  Bytes pub = wire::encode_bcrypt_ecckey_blob(eph_pub);
  CARD_DH_AGREEMENT_INFO ai{};
  ai.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION, ai.bContainerIndex = 6,
  ai.dwPublicKey = DWORD(pub.size()), ai.pbPublicKey = pub.data();
  ASSERT_EQ(client.pfnCardConstructDHAgreement(&client, &ai), 0u);
  EXPECT_LT(ai.bSecretAgreementIndex, 4) << "a card agreement";
  char16_t kdf[] = u"HKDF", aes[] = u"AES";
  CARD_DERIVE_KEY dk{};
  dk.dwVersion = 2, dk.dwFlags = 0, dk.pwszKDF = kdf,
  dk.bSecretAgreementIndex = ai.bSecretAgreementIndex, dk.pwszAlgId = aes, dk.dwKeyLen = 128;
  EXPECT_EQ(client.pfnCardDeriveKey(&client, &dk),
            SCARD_E_UNSUPPORTED_FEATURE);  // HKDF bytes would be the SKI session key (D22)
  dk.dwFlags = CARD_RETURN_KEY_HANDLE;
  ASSERT_EQ(client.pfnCardDeriveKey(&client, &dk), 0u);
  EXPECT_EQ(client.pfnCardDeriveKey(&client, &dk), SCARD_E_INVALID_HANDLE);  // agreement consumed
  Bytes resp;
  ASSERT_EQ(process(dk.hKey, CSF_AUTHENTICATE,
                    encrypt(hs, CSF_AUTHENTICATE,
                            authenticate_struct(0, view(std::string_view("123456")))),
                    &resp),
            0u);
}

}  // namespace

namespace {

// docs/ski.md §10: the documented APDUs, byte for byte, against the card.
TEST_F(WithEstablishmentKeys, WorkedExampleApdus) {
  auto tx = [&](const Bytes& apdu) { return card->transmit(apdu); };
  EXPECT_EQ(to_hex(tx(from_hex("8050000000"))),
            "80010f81011f82010f830103840108850108860107870101"
            "9000");
  login();
  PublicKey k1 = crypto.import_public_der(published_establishment_key(0));
  const Bytes sk = from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  Bytes key_data = ski::key_data_blob(sk);
  EXPECT_EQ(to_hex(key_data), "4b44424d0100000020000000" + to_hex(sk));
  Bytes ct = crypto.rsa_encrypt(k1, key_data, RsaPadding::oaep(HashAlg::sha256));
  Bytes body = from_hex(
      "800103810103878201"
      "00");
  append(body, ct);
  // 266 bytes: chained (CLA 90, then 80)
  Bytes first = {0x90, 0x52, 0x00, 0x00, 0xFF};
  first.insert(first.end(), body.begin(), body.begin() + 255);
  EXPECT_EQ(to_hex(tx(first)), "9000");
  Bytes last = {0x80, 0x52, 0x00, 0x00, std::uint8_t(body.size() - 255)};
  last.insert(last.end(), body.begin() + 255, body.end());
  last.push_back(0x00);
  EXPECT_EQ(to_hex(tx(last)),
            "840161"
            "9000");
  EXPECT_EQ(to_hex(tx(from_hex("805C0161"
                               "0102"))),
            "9000");  // mode GCM
  EXPECT_EQ(to_hex(tx(from_hex("805C0261"
                               "0C"
                               "a0a1a2a3a4a5a6a7a8a9aaab"))),
            "9000");
  const Bytes example = from_hex(
      "806203005384016187"
      "4e"
      "534b01030103020ceae69a17a2b2e0eb000000010001020304050607a0a1a2a3a4a5a6a7a8a9aaab"
      "0cc10560e98d012fd5542f7cc652f874a75e03cfdb8bea65cb33068580e246606d2e2242d87400");
  EXPECT_EQ(to_hex(tx(example)),
            "07000000"
            "00000000"
            "03000000"
            "9000");
  EXPECT_EQ(to_hex(tx(example)), "6985");  // replay
}

}  // namespace

namespace {

Bytes ecc_private_blob(CryptoProvider& c, const KeyPair& k, DWORD magic) {
  EcPublic pub = c.ec_public(k);
  SecretBytes p8 = c.export_private(k);
  // ECPrivateKey inside PKCS#8: SEQUENCE { INTEGER 1, OCTET STRING d, ... }
  auto outer = der_sequence(p8.view());
  auto ec = der_sequence(outer[2]);
  const std::size_t f = curve_field_size(k.curve());
  wire::EccParts blob;
  blob.curve_bits = curve_bits(k.curve());
  blob.ecdh = magic == wire::ecc_magic(blob.curve_bits, true, true);
  EXPECT_EQ(magic, wire::ecc_magic(blob.curve_bits, blob.ecdh, true));
  blob.has_private = true;
  blob.x.assign(pub.point.begin() + 1, pub.point.begin() + 1 + std::ptrdiff_t(f));
  blob.y.assign(pub.point.begin() + 1 + std::ptrdiff_t(f), pub.point.end());
  blob.d = ec[1];
  return wire::encode_bcrypt_ecckey_blob(blob);
}

TEST_F(WithEstablishmentKeys, ImportEcKeysThroughSki) {
  login();
  auto [hs, hc] = rsa_session(0, Bytes(32, 0x33));
  struct Case {
    DWORD spec;
    Curve curve;
    DWORD magic;
    DWORD bits;
    BYTE idx;
  };
  for (const Case& c :
       {Case{AT_ECDSA_P384, Curve::p384, BCRYPT_ECDSA_PRIVATE_P384_MAGIC, 384, 3},
        Case{AT_ECDHE_P256, Curve::p256, BCRYPT_ECDH_PRIVATE_P256_MAGIC, 256, 4},
        Case{AT_ECDSA_P521, Curve::p521, BCRYPT_ECDSA_PRIVATE_P521_MAGIC, 521, 5}}) {
    KeyPair k = crypto.generate_ec(c.curve);
    Bytes blob = ecc_private_blob(crypto, k, c.magic);
    Bytes wrong = blob;
    wrong[0] ^=
        0x01;  // magic does not match the key spec: refused after decryption, card unchanged
    const ObjectMap before = backend->objects();
    EXPECT_EQ(process(hc, CSF_IMPORT_KEYPAIR,
                      encrypt(hs, CSF_IMPORT_KEYPAIR,
                              import_keypair_struct(c.idx, c.spec, c.bits, wrong))),
              SCARD_E_INVALID_PARAMETER);
    EXPECT_TRUE(backend->objects() == before);
    ASSERT_EQ(process(hc, CSF_IMPORT_KEYPAIR,
                      encrypt(hs, CSF_IMPORT_KEYPAIR,
                              import_keypair_struct(c.idx, c.spec, c.bits, blob))),
              0u)
        << "curve bits " << c.bits;
    CONTAINER_INFO ci{};
    ASSERT_EQ(client.pfnCardGetContainerInfo(&client, c.idx, 0, &ci), 0u);
    PBYTE p = ci.pbKeyExPublicKey ? ci.pbKeyExPublicKey : ci.pbSigPublicKey;
    DWORD n = ci.pbKeyExPublicKey ? ci.cbKeyExPublicKey : ci.cbSigPublicKey;
    EcPublic pub = crypto.ec_public(k);
    EXPECT_EQ(Bytes(p + 8, p + n), Bytes(pub.point.begin() + 1, pub.point.end()));
    client.pfnCspFree(p);
    if (c.spec <= AT_ECDSA_P521) {
      // The injected key signs through CardSignData; the signature verifies with the server's copy.
      const Bytes hash = crypto.digest(HashAlg::sha256, view(std::string_view("challenge")));
      CARD_SIGNING_INFO si{};
      si.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
      si.bContainerIndex = c.idx;
      si.dwKeySpec = c.spec;
      si.aiHashAlg = CALG_SHA_256;
      si.pbData = const_cast<PBYTE>(hash.data());
      si.cbData = DWORD(hash.size());
      ASSERT_EQ(client.pfnCardSignData(&client, &si), 0u);
      const Bytes sig(si.pbSignedData, si.pbSignedData + si.cbSignedData);
      client.pfnCspFree(si.pbSignedData);
      EXPECT_TRUE(crypto.ecdsa_verify(crypto.public_key(k), hash, sig)) << "curve bits " << c.bits;
      si.dwKeySpec = AT_SIGNATURE;  // an RSA key spec for an EC container
      EXPECT_EQ(client.pfnCardSignData(&client, &si), DWORD(SCARD_E_INVALID_PARAMETER));
    }
  }
  // occupied container and an admin PIN binding are refused
  KeyPair k = crypto.generate_ec(Curve::p256);
  EXPECT_EQ(process(hc, CSF_IMPORT_KEYPAIR,
                    encrypt(hs, CSF_IMPORT_KEYPAIR,
                            import_keypair_struct(
                                3, AT_ECDSA_P256, 256,
                                ecc_private_blob(crypto, k, BCRYPT_ECDSA_PRIVATE_P256_MAGIC)))),
            ERROR_FILE_EXISTS);
  EXPECT_EQ(process(hc, CSF_IMPORT_KEYPAIR,
                    encrypt(hs, CSF_IMPORT_KEYPAIR,
                            import_keypair_struct(
                                6, AT_ECDSA_P256, 256,
                                ecc_private_blob(crypto, k, BCRYPT_ECDSA_PRIVATE_P256_MAGIC),
                                ROLE_ADMIN))),
            SCARD_E_INVALID_PARAMETER);
  // without the user PIN the import is refused
  char16_t user[] = u"user";
  ASSERT_EQ(client.pfnCardDeauthenticate(&client, user, 0), 0u);
  EXPECT_EQ(process(hc, CSF_IMPORT_KEYPAIR,
                    encrypt(hs, CSF_IMPORT_KEYPAIR,
                            import_keypair_struct(
                                6, AT_ECDSA_P256, 256,
                                ecc_private_blob(crypto, k, BCRYPT_ECDSA_PRIVATE_P256_MAGIC)))),
            SCARD_W_SECURITY_VIOLATION);
}

}  // namespace
