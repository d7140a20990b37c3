// The demo's world: a private pcscd + vpcd with one GIDS + SKI card, and the step helpers.
#include "demo_client.h"

#include <cstdio>
#include <cstdlib>

#include "rig/pcsc_wait.h"
#include "rig/private_world.h"
#include "softcard/card.h"
#include "softcard/crypto.h"
#include "softcard/inspection.h"
#include "softcard/personalize.h"
#include "softcard/vpcd/bridge.h"
#include "softcard/vpcd/card_adapter.h"
#include "softcard/wire/endian.h"

namespace softcard::cli::demo {

int DemoClient::run() {
  WorldOptions wo;
  wo.slots = 1;
  if (const char* p = std::getenv("SOFTCARD_PCSCD")) wo.pcscd = p;
  PrivateWorld world(wo);
  dir_ = world.dir();
  // The card: GIDS with the SKI extension, personalized by the card factory with the user PIN, a
  // random admin key, shared key #1 (which the server also gets) and two establishment keys
  // generated on the card: K1 (RSA-2048, container 0) and an ECDH P-256 key (container 2).
  OpenSslRng rng;
  Bytes admin(24), shared(32);
  rng.fill(admin), rng.fill(shared);
  const Profile profile =
      parse_profile("demo", R"({"softcard_profile": 1, "name": "demo", "applets": ["gids"],
                  "gids": {"state": "initialized", "user_pin": {"value": "123456"},
                           "admin_key": {"algorithm": "3des", "value": ")" +
                                to_hex(admin) + R"("}},
                  "ski": {"shared_keys": [{"number": 1, "key": ")" +
                                to_hex(shared) + R"("}],
                          "establishment_keys": [{"container": 0, "algorithm": "rsa2048"},
                                                 {"container": 2, "algorithm": "ecdh-p256"}]}})");
  CardOptions co;
  co.rng = &rng;
  const std::unique_ptr<Card> card =
      make_card(profile, std::make_unique<MemoryStore>(), std::move(co));
  // Trusted provisioning: the factory publishes the establishment keys' public halves before the
  // card reaches the client host; the server will wrap and agree to these keys only.
  const AppletInspection published = card->find_applet("gids")->inspect(card->store());
  if (const InspectionSection* keys = published.section("SKI establishment keys"))
    for (const auto& item : keys->items) establishment_keys_.push_back(item.data);
  ::setenv("PCSCLITE_CSOCK_NAME", world.socket_path().c_str(), 1);
  world.start_pcscd();
  vpcd::Bridge bridge;
  vpcd::CardAdapter adapter(*card);
  vpcd::LinkOptions link;
  link.mode = vpcd::Mode::connect;
  link.endpoint = {"127.0.0.1", world.slots()[0].port};
  link.name = "demo card";
  bridge.add(adapter, link);
  bridge.start();
  wait_for_readers({world.slots()[0].reader}, Clock::now() + std::chrono::seconds(30));
  wait_for_cards({world.slots()[0].reader}, Clock::now() + std::chrono::seconds(30));
  say("rig", "private pcscd + vpcd up; GIDS card with the SKI extension in reader '" +
                 world.slots()[0].reader + "'");
  int rc = 1;
  try {
    rc = scenario(shared);
  } catch (const std::exception& e) {
    std::printf("\nFAILED at step %u: %s\n", step_, e.what());
    rc = 1;
  }
  server_.reset();
  bridge.stop();
  bridge.wait();
  world.stop_pcscd();
  return rc;
}

void DemoClient::say(const std::string& actor, const std::string& text) {
  std::printf("%3u. [%s] %s\n", ++step_, actor.c_str(), text.c_str());
  std::fflush(stdout);
}

DWORD DemoClient::get_dword_property(LPCWSTR property, DWORD flags, const std::string& what) {
  BYTE buf[4];
  DWORD len = 0;
  check(cd_.pfnCardGetProperty(&cd_, property, buf, sizeof buf, &len, flags), what);
  return wire::get_u32le({buf, 4}, 0);
}

Bytes DemoClient::container_public(BYTE idx) {
  CONTAINER_INFO ci{};
  ci.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
  check(cd_.pfnCardGetContainerInfo(&cd_, idx, 0, &ci), "CardGetContainerInfo");
  PBYTE p = ci.pbKeyExPublicKey ? ci.pbKeyExPublicKey : ci.pbSigPublicKey;
  DWORD n = ci.pbKeyExPublicKey ? ci.cbKeyExPublicKey : ci.cbSigPublicKey;
  Bytes out(p, p + n);
  cd_.pfnCspFree(p);
  return out;
}

void DemoClient::set_and_process(CARD_KEY_HANDLE h, const std::vector<std::string>& blob_line,
                                 const char16_t* f, Bytes* answer, DWORD expect) {
  const std::u16string mode = blob_line[1] == "GCM" ? u"ChainingModeGCM" : u"ChainingModeCBC";
  Bytes iv = from_hex(blob_line[2]), blob = from_hex(blob_line[3]);
  check(cd_.pfnCardSetKeyProperty(&cd_, h, CKP_CHAINING_MODE, (PBYTE)mode.c_str(),
                                  DWORD((mode.size() + 1) * 2), 0),
        "CardSetKeyProperty(ChainingMode)");
  check(
      cd_.pfnCardSetKeyProperty(&cd_, h, CKP_INITIALIZATION_VECTOR, iv.data(), DWORD(iv.size()), 0),
      "CardSetKeyProperty(IV)");
  CARD_ENCRYPTED_DATA ed{blob.data(), DWORD(blob.size())};
  BYTE out[256];
  DWORD len = 0;
  const DWORD rc = cd_.pfnCardProcessEncryptedData(&cd_, h, f, &ed, 1, answer ? out : nullptr,
                                                   sizeof out, &len, 0);
  if (rc != expect)
    throw DemoFailure("CardProcessEncryptedData returned " + hexrc(rc) + ", expected " +
                      hexrc(expect));
  if (answer) answer->assign(out, out + len);
}

// The attack of docs/ski.md §13 with the PIN verified: a plain decipher of the wrapped S1.
void DemoClient::k1_refuses_plain_decipher() {
  Bytes buf(wrapped_s1_.rbegin(), wrapped_s1_.rend());  // CAPI order
  CARD_RSA_DECRYPT_INFO di{};
  di.dwVersion = CARD_RSA_KEY_DECRYPT_INFO_VERSION_TWO, di.bContainerIndex = 0,
  di.dwKeySpec = AT_KEYEXCHANGE, di.pbData = buf.data(), di.cbData = DWORD(buf.size()),
  di.dwPaddingType = CARD_PADDING_NONE;
  const DWORD rc = cd_.pfnCardRSADecrypt(&cd_, &di);
  if (rc == 0) throw DemoFailure("K1 deciphered the wrapped S1 for the client");
  say("C", "CardRSADecrypt(container 0, the wrapped S1) is refused (" + hexrc(rc) +
               ", card SW 6984): K1 is an establishment key, the client cannot unwrap S1");
}

// The same for ECDH: the card agrees for SKI, but gives the client no key bytes.
void DemoClient::establishment_refuses_plain_ecdh(const Bytes& q) {
  auto eph = server_->ask("ecdh-probe " + to_hex(q));
  Bytes epub = from_hex(eph[1]);
  CARD_DH_AGREEMENT_INFO ai{};
  ai.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION, ai.bContainerIndex = 2,
  ai.dwPublicKey = DWORD(epub.size()), ai.pbPublicKey = epub.data();
  check(cd_.pfnCardConstructDHAgreement(&cd_, &ai), "CardConstructDHAgreement");
  char16_t hash[] = u"HASH";
  CARD_DERIVE_KEY dk{};
  dk.dwVersion = CARD_DERIVE_KEY_VERSION_TWO, dk.pwszKDF = hash;
  dk.bSecretAgreementIndex = ai.bSecretAgreementIndex;
  const DWORD rc = cd_.pfnCardDeriveKey(&cd_, &dk);
  if (rc == 0) throw DemoFailure("the ECDH establishment key gave the client key bytes");
  check(cd_.pfnCardDestroyDHAgreement(&cd_, ai.bSecretAgreementIndex, 0), "CardDestroyDHAgreement");
  say("C",
      "CardDeriveKey(HASH) without CARD_RETURN_KEY_HANDLE on the establishment key is "
      "refused (" +
          hexrc(rc) + ", card SW 6984): no Z for the client");
}

}  // namespace softcard::cli::demo
