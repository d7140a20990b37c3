// Opening card images through the card factory: encryption at rest end to end, validation of
// every record before the card serves, and 6581 when the PIN counter cannot be written.
#include <gtest/gtest.h>

#include <sqlite3.h>
#include "test_support.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "applets/gids/gids_applet.h"
#include "applets/gids/gids_internal.h"
#include "applets/gids/gids_personalize.h"
#include "applets/iso/iso_applet.h"
#include "applets/iso/iso_profile.h"
#include "softcard/card_factory.h"
#include "softcard/crypto.h"
#include "softcard/errors.h"

namespace softcard {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

const Bytes admin_key = from_hex("0102030405060708090A0B0C0D0E0F101112131415161718");

std::string disk_bytes(const fs::path& image) {
  std::string all;
  for (const fs::path& p : {image, fs::path(image.string() + "-wal")}) {
    std::ifstream in(p, std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), {});
  }
  return all;
}

bool contains(const std::string& haystack, ByteView needle) {
  return haystack.find(std::string(needle.begin(), needle.end())) != std::string::npos;
}

void sql(const fs::path& image, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(image.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &err);
  const std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

struct ImageOpenTest : ::testing::Test {
  OpenSslRng rng;
  TempDir dir;
  fs::path image = dir.path / "card.img";
  SecretBytes private_key;  // PKCS#8 of the key file B000

  // A GIDS card with PIN 123456, the admin key and one private key in key file B000.
  void make_gids_image(std::optional<SecretBytes> key) {
    ObjectStore staging(std::make_unique<MemoryStore>());
    gids::GidsPersonalization p;
    p.admin_key = SecretBytes(view(admin_key));
    gids::personalize_gids(staging, rng, p);
    CryptoProvider crypto;
    private_key = crypto.export_private(crypto.generate_ec(Curve::p256));
    gids::EfRecord ef;
    ef.fid = 0xB000;
    ef.type = gids::ef_type_key;
    ef.lcs = gids::lcs_operational;
    ef.fcp = from_hex("620C8201188302B0008C03033030");
    ef.key_kind = gids::KeyKind::asymmetric;
    ef.key = private_key;
    staging.put_secret(gids::ef_key(ef.fid), gids::encode_ef(ef));
    write_identity(staging, CardIdentity{{}, from_hex("0102"), {"gids"}, "test"});
    staging.commit();
    SqliteStore::create(image, std::move(key))->apply(staging.snapshot());
  }

  std::unique_ptr<Card> open(std::optional<SecretBytes> key = std::nullopt) {
    CardOptions o;
    o.rng = &rng;
    OpenOptions open;
    open.key = std::move(key);
    return open_card(image, std::move(o), std::move(open));
  }

  std::string open_error(std::optional<SecretBytes> key = std::nullopt) {
    try {
      open(std::move(key));
    } catch (const ImageError& e) {
      return e.what();
    }
    return "";
  }
};

std::string sw_of(Card& card, std::string_view apdu) {
  const Bytes r = card.transmit(from_hex(apdu));
  return to_hex(ByteView(r).last(2));
}

constexpr std::string_view select_gids = "00A404000BA000000397425446590201";
constexpr std::string_view verify_123456 = "0020008006313233343536";

TEST_F(ImageOpenTest, EncryptedImageServesWithItsKeyAndKeepsSecretsOffTheDisk) {
  const SecretBytes key(Bytes(32, 0x5A));
  make_gids_image(key);
  const std::string disk = disk_bytes(image);
  EXPECT_FALSE(contains(disk, private_key.view()));
  EXPECT_FALSE(contains(disk, admin_key));
  EXPECT_FALSE(contains(disk, view(std::string_view("123456"))));
  auto card = open(key);
  EXPECT_EQ(sw_of(*card, select_gids), "9000");
  EXPECT_EQ(sw_of(*card, verify_123456), "9000");
  card.reset();
  EXPECT_FALSE(contains(disk_bytes(image), private_key.view())) << "nor after serving";

  const std::string missing = open_error();
  EXPECT_NE(missing.find(image.string()), std::string::npos) << missing;
  EXPECT_NE(missing.find("encrypted"), std::string::npos) << missing;
  const std::string wrong = open_error(SecretBytes(Bytes(32, 0x5B)));
  EXPECT_NE(wrong.find("wrong key"), std::string::npos) << wrong;
}

TEST_F(ImageOpenTest, PlainImageHoldsNoPinButKeysInTheClear) {
  make_gids_image(std::nullopt);
  const std::string disk = disk_bytes(image);
  EXPECT_FALSE(contains(disk, view(std::string_view("123456"))));
  EXPECT_TRUE(contains(disk, private_key.view())) << "the documented cost of a plain image";
  auto card = open();
  EXPECT_EQ(sw_of(*card, select_gids), "9000");
  EXPECT_EQ(sw_of(*card, "0020008006313131313131"), "63c2");
  EXPECT_EQ(sw_of(*card, verify_123456), "9000");
}

TEST_F(ImageOpenTest, ADamagedRecordIsAnErrorAtOpenNamingIt) {
  struct Case {
    std::string statement;
    std::string record;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {"UPDATE objects SET value = x'01' WHERE key = 'gids/ef/b080'", "gids/ef/b080", "malformed"},
      {"UPDATE objects SET value = x'02' WHERE key = 'gids/pin/80'", "gids/pin/80", "PIN record"},
      {"UPDATE objects SET value = x'0203' WHERE key = 'gids/app'", "gids/app", "record"},
      {"INSERT OR REPLACE INTO objects VALUES('card/atr', x'3C00', 0)", "card/atr",
       "not a valid ATR"},
      {"INSERT OR REPLACE INTO objects VALUES('card/life_cycle', x'77', 0)", "card/life_cycle",
       "life cycle"},
      {"UPDATE objects SET value = x'00' WHERE key = 'gids/do/a010/df23'", "gids/do/a010/df23",
       "data object"},
      // The key file is well-formed but its key does not load.
      {"UPDATE objects SET value = substr(value, 1, length(value) - 40) || zeroblob(40) WHERE "
       "key = 'gids/ef/b000'",
       "gids/ef/b000", "private key"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.record);
    fs::remove(image);
    make_gids_image(std::nullopt);
    open();  // sound before the damage
    sql(image, c.statement);
    const std::string msg = open_error();
    EXPECT_NE(msg.find(image.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.record), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.problem), std::string::npos) << msg;
  }
}

TEST_F(ImageOpenTest, IsoRecordsAreValidatedToo) {
  ObjectStore staging(std::make_unique<MemoryStore>());
  iso::personalize(staging, iso::test_profile());
  write_identity(staging, CardIdentity{{}, from_hex("0102"), {"iso"}, "test"});
  staging.commit();
  SqliteStore::create(image)->apply(staging.snapshot());
  open();
  sql(image, "UPDATE objects SET value = x'0100' WHERE key = 'iso/fs/3f00'");
  const std::string msg = open_error();
  EXPECT_NE(msg.find("iso/fs/3f00"), std::string::npos) << msg;
}

TEST_F(ImageOpenTest, AFullMediumAnswers6581AndNeverCompares) {
  // The counter cannot be written: 6581 like any other failed write, the PIN stays unverified
  // and no try is spent; once the medium works again, everything is as before.
  auto store = std::make_unique<MemoryStore>();
  MemoryStore* medium = store.get();
  CardOptions o;
  o.rng = &rng;
  Card card(std::move(store), std::move(o));
  card.install(make_gids_applet());
  gids::GidsPersonalization p;
  p.admin_key = SecretBytes(view(admin_key));
  gids::personalize_gids(card.store(), rng, p);
  card.store().commit();
  EXPECT_EQ(sw_of(card, select_gids), "9000");
  medium->set_failing(true);
  EXPECT_EQ(sw_of(card, verify_123456), "6581");
  EXPECT_EQ(sw_of(card, "0020008000"), "63c3") << "not verified, no try spent";
  EXPECT_EQ(sw_of(card, "0020008006313131313131"), "6581");
  medium->set_failing(false);
  EXPECT_EQ(sw_of(card, "0020008000"), "63c3");
  EXPECT_EQ(sw_of(card, verify_123456), "9000");
}

}  // namespace
}  // namespace softcard
