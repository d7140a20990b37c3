#pragma once
// The in-process GIDS card (with the SKI extension) behind a CARD_DATA, and a no-card server
// context: the fixture of the minidriver tests that talk to a card.
#include "md_test_support.h"
#include "softcard/card.h"
#include "softcard/inspection.h"
#include "softcard/personalize.h"

namespace softcard::mdtest {

inline DWORD card_transmit(void* ctx, const BYTE* cmd, DWORD n, BYTE* resp, DWORD* rlen) {
  Bytes r = static_cast<Card*>(ctx)->transmit(ByteView{cmd, n});
  if (r.size() > *rlen) return SCARD_E_INSUFFICIENT_BUFFER;
  std::memcpy(resp, r.data(), r.size());
  *rlen = static_cast<DWORD>(r.size());
  return 0;
}

struct WithCard : ::testing::Test {
  OpenSslRng rng;
  CryptoProvider crypto;  // the server's / verifier's own crypto
  MemoryStore* backend = nullptr;
  std::unique_ptr<Card> card;
  CARD_DATA client{}, server{};
  Bytes atr;
  char16_t name[9] = u"softcard";
  // Extra entries of the profile's "ski" section (a derived fixture adds establishment keys).
  std::string ski_extra;

  void SetUp() override {
    // A GIDS card with secure key injection and shared key 1, from the card factory.
    auto store = std::make_unique<MemoryStore>();
    backend = store.get();
    CardOptions o;
    o.rng = &rng;
    card = make_card(
        parse_profile("md-test",
                      R"({"softcard_profile":1,"applets":["gids"],"gids":{"user_pin":{"value":)"
                      R"("123456"},"admin_key":{"value":)"
                      R"("0102030405060708090A0B0C0D0E0F101112131415161718"}},)"
                      R"("ski":{"shared_keys":[{"number":1,"key":")" +
                          to_hex(Bytes(32, 0x5C)) + R"("}])" + ski_extra + "}}"),
        std::move(store), std::move(o));
    card->power_on();
    atr = card->atr();
    prepare(client);
    client.pbAtr = atr.data(), client.cbAtr = DWORD(atr.size()), client.pwszCardName = name;
    ASSERT_EQ(SoftcardAcquireContextWithTransport(&client, 0, card_transmit, card.get()), 0u);
    prepare(server);
    ASSERT_EQ(CardAcquireContext(&server, CARD_SECURE_KEY_INJECTION_NO_CARD_MODE), 0u);
  }
  void TearDown() override {
    client.pfnCardDeleteContext(&client);
    server.pfnCardDeleteContext(&server);
  }

  // The SPKI DER the card factory published for establishment key `container` (docs/ski.md
  // §13): what a server pins.
  Bytes published_establishment_key(std::size_t container) {
    const AppletInspection in = card->find_applet("gids")->inspect(card->store());
    if (const InspectionSection* s = in.section("SKI establishment keys"))
      for (const auto& item : s->items)
        if (item.id == container) return item.data;
    ADD_FAILURE() << "no establishment key in container " << container;
    return {};
  }

  void login() {
    BYTE pin[] = {'1', '2', '3', '4', '5', '6'};
    char16_t user[] = u"user";
    DWORD left = 99;
    ASSERT_EQ(client.pfnCardAuthenticatePin(&client, user, pin, 6, &left), 0u);
  }

  PublicKey container_public(BYTE idx) {
    CONTAINER_INFO ci{};
    ci.dwVersion = 1;
    EXPECT_EQ(client.pfnCardGetContainerInfo(&client, idx, 0, &ci), 0u);
    PBYTE blob = ci.pbKeyExPublicKey ? ci.pbKeyExPublicKey : ci.pbSigPublicKey;
    DWORD cb = ci.pbKeyExPublicKey ? ci.cbKeyExPublicKey : ci.cbSigPublicKey;
    ByteView b{blob, cb};
    std::optional<PublicKey> pk;
    if (auto ec = wire::decode_bcrypt_ecckey_blob(b)) {
      EXPECT_EQ(ec->curve_bits, 256u);
      EcPublic e;
      e.curve = Curve::p256;
      e.point = {0x04};
      append(e.point, ec->x);
      append(e.point, ec->y);
      pk = crypto.import_ec_public(e);
    } else {
      auto rsa = wire::decode_publickeyblob(b);
      EXPECT_TRUE(rsa);
      pk = crypto.import_rsa_public({rsa->n, rsa->e});
    }
    client.pfnCspFree(blob);
    return *pk;
  }

  // RSA key establishment: server session key wrapped under container `idx`.
  // The server wraps to the key the provisioning published; the client reports the same key.
  std::pair<CARD_KEY_HANDLE, CARD_KEY_HANDLE> rsa_session(BYTE idx, const Bytes& s1) {
    PublicKey k1 = crypto.import_public_der(published_establishment_key(idx));
    EXPECT_EQ(crypto.public_key_der(container_public(idx)), crypto.public_key_der(k1));
    Bytes blob = ski::key_data_blob(s1);
    Bytes ct = crypto.rsa_encrypt(k1, blob, RsaPadding::oaep(HashAlg::sha256, from_hex("4341")));
    CARD_KEY_HANDLE hs = 0, hc = 0;
    EXPECT_EQ(server.pfnMDImportSessionKey(&server, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM, &hs,
                                           blob.data(), DWORD(blob.size())),
              0u);
    UCHAR label[] = {0x43, 0x41};
    BCRYPT_OAEP_PADDING_INFO oaep{u"SHA256", label, 2};
    EXPECT_EQ(client.pfnCardImportSessionKey(&client, idx, &oaep, BCRYPT_KEY_DATA_BLOB,
                                             CARD_AES_ALGORITHM, &hc, ct.data(), DWORD(ct.size()),
                                             CARD_PADDING_OAEP),
              0u);
    return {hs, hc};
  }

  void set_props(CARD_KEY_HANDLE hs, CARD_KEY_HANDLE hc, const char16_t* mode, const Bytes& iv) {
    const DWORD cb = DWORD((std::u16string_view(mode).size() + 1) * 2);
    for (auto [cd, h] : {std::pair{&server, hs}, std::pair{&client, hc}}) {
      ASSERT_EQ(cd->pfnCardSetKeyProperty(cd, h, CKP_CHAINING_MODE, (PBYTE)mode, cb, 0), 0u);
      ASSERT_EQ(cd->pfnCardSetKeyProperty(cd, h, CKP_INITIALIZATION_VECTOR, (PBYTE)iv.data(),
                                          DWORD(iv.size()), 0),
                0u);
    }
  }

  Bytes encrypt(CARD_KEY_HANDLE hs, const char16_t* f, const Bytes& plain) {
    PCARD_ENCRYPTED_DATA enc = nullptr;
    DWORD count = 0;
    EXPECT_EQ(server.pfnMDEncryptData(&server, hs, f, (PBYTE)plain.data(), DWORD(plain.size()), 0,
                                      &enc, &count),
              0u);
    Bytes blob(enc[0].pbEncryptedData, enc[0].pbEncryptedData + enc[0].cbEncryptedData);
    server.pfnCspFree(enc);
    return blob;
  }

  DWORD process(CARD_KEY_HANDLE hc, const char16_t* f, Bytes blob, Bytes* out = nullptr) {
    CARD_ENCRYPTED_DATA ed{blob.data(), DWORD(blob.size())};
    BYTE buf[256];
    DWORD len = 0;
    DWORD rc = client.pfnCardProcessEncryptedData(&client, hc, f, &ed, 1, buf, sizeof buf, &len, 0);
    if (out) out->assign(buf, buf + len);
    return rc;
  }
};

// The card factory provisions SKI establishment keys: RSA-2048 in container 0, ECDH P-256 in
// container 6 (docs/ski.md §13); only these establish session keys.
struct WithEstablishmentKeys : WithCard {
  WithEstablishmentKeys() {
    ski_extra = R"(,"establishment_keys":[{"container":0,"algorithm":"rsa2048"},)"
                R"({"container":6,"algorithm":"ecdh-p256"}])";
  }
};

}  // namespace softcard::mdtest
