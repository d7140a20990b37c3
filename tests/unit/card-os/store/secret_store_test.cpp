// Secrets at rest: file modes, secret records, encryption under an image key, schema 1 images,
// read-only opening.
#include <gtest/gtest.h>

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_support.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "softcard/errors.h"
#include "softcard/store.h"

namespace softcard {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ImageError& e) {
    return e.what();
  }
  return "";
}

SecretBytes key_of(std::uint8_t fill) {
  return SecretBytes(Bytes(32, fill));
}

// Everything on disk for the image: the database and its WAL.
std::string disk_bytes(const fs::path& image) {
  std::string all;
  for (const fs::path& p : {image, fs::path(image.string() + "-wal")}) {
    std::ifstream in(p, std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), {});
  }
  return all;
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

const std::string secret_text = "TOP-SECRET-PRIVATE-KEY-BYTES";
const std::string plain_text = "PUBLIC-CERTIFICATE-BYTES";

void write_sample(SqliteStore& store) {
  ChangeSet c;
  c.writes.emplace_back("gids/ef/b000", Bytes(secret_text.begin(), secret_text.end()), true);
  c.writes.emplace_back("gids/ef/b001", Bytes(secret_text.begin(), secret_text.end()), true);
  c.writes.emplace_back("gids/do/a010", Bytes(plain_text.begin(), plain_text.end()));
  store.apply(c);
}

TEST(ImageFiles, AreCreated0600WhateverTheUmask) {
  TempDir dir;
  const auto image = dir.path / "card.img";
  const mode_t old = ::umask(0);
  {
    auto store = SqliteStore::create(image);
    write_sample(*store);
    int files = 0;
    for (const std::string suffix : {"", "-wal", "-shm"}) {
      struct stat st {};
      if (::stat((image.string() + suffix).c_str(), &st) != 0) continue;
      ++files;
      EXPECT_EQ(st.st_mode & 07777, 0600u) << suffix;
    }
    EXPECT_GE(files, 2) << "the database and its WAL exist while the store is open";
  }
  ::umask(old);
}

TEST(ImageFiles, CreateRefusesAnExistingFileAndLeavesItAlone) {
  TempDir dir;
  const auto image = dir.path / "card.img";
  std::ofstream(image) << "mine";
  EXPECT_NE(error_of([&] { SqliteStore::create(image); }).find("already exists"),
            std::string::npos);
  std::ifstream in(image);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "mine");
}

TEST(SecretRecords, PutSecretIsStickyAndSnapshotCarriesIt) {
  auto backend = std::make_unique<MemoryStore>();
  MemoryStore* memory = backend.get();
  ObjectStore store(std::move(backend));
  store.put_secret("k/secret", {1});
  store.put("k/plain", {2});
  EXPECT_TRUE(store.is_secret("k/secret"));
  store.commit();
  EXPECT_EQ(memory->secret_keys(), KeySet{"k/secret"});
  store.put("k/secret", {3});  // a plain rewrite keeps the record secret
  EXPECT_TRUE(store.is_secret("k/secret"));
  store.commit();
  EXPECT_EQ(memory->secret_keys(), KeySet{"k/secret"});
  const ChangeSet all = store.snapshot();
  ASSERT_EQ(all.writes.size(), 2u);
  for (const auto& c : all.writes) EXPECT_EQ(c.secret, c.key == "k/secret") << c.key;
  store.erase("k/secret");
  EXPECT_FALSE(store.is_secret("k/secret"));
  store.commit();
  EXPECT_TRUE(memory->secret_keys().empty());
}

TEST(SecretRecords, CommitOneWritesOnlyThatRecord) {
  auto backend = std::make_unique<MemoryStore>();
  MemoryStore* memory = backend.get();
  ObjectStore store(std::move(backend));
  store.put("other", {1});
  store.put_secret("counter", {2});
  store.commit_one("counter");
  EXPECT_EQ(memory->objects().count("other"), 0u);
  EXPECT_EQ(memory->objects().at("counter"), Bytes{2});
  EXPECT_EQ(memory->durable_apply_count(), 1u);
  EXPECT_TRUE(memory->secret_keys().count("counter"));
  store.rollback();
  EXPECT_EQ(*store.get("counter"), Bytes{2});
  EXPECT_EQ(store.get("other"), nullptr);
  // A failing medium: the record keeps its committed value.
  store.put("counter", {1});
  memory->set_failing_durable(true);
  EXPECT_THROW(store.commit_one("counter"), ImageError);
  store.rollback();
  EXPECT_EQ(*store.get("counter"), Bytes{2});
}

TEST(SecretRecords, PlainImageKeepsTheFlagAcrossReopen) {
  TempDir dir;
  const auto image = dir.path / "card.img";
  write_sample(*SqliteStore::create(image));
  const StoredObjects all = SqliteStore::open(image)->load();
  EXPECT_EQ(all.secret, (KeySet{"gids/ef/b000", "gids/ef/b001"}));
  EXPECT_EQ(all.values.at("gids/ef/b000"), Bytes(secret_text.begin(), secret_text.end()));
  // Without a key, secret records are in the clear: the documented trade-off.
  EXPECT_NE(disk_bytes(image).find(secret_text), std::string::npos);
}

TEST(Encryption, SecretRecordsNeverReachTheDiskInTheClear) {
  TempDir dir;
  const auto image = dir.path / "card.img";
  {
    auto store = SqliteStore::create(image, key_of(7));
    EXPECT_TRUE(store->encrypted());
    write_sample(*store);
    EXPECT_EQ(disk_bytes(image).find(secret_text), std::string::npos);
  }
  const std::string disk = disk_bytes(image);
  EXPECT_EQ(disk.find(secret_text), std::string::npos);
  EXPECT_NE(disk.find(plain_text), std::string::npos) << "plain records stay readable";
  OpenOptions o;
  o.key = key_of(7);
  const StoredObjects all = SqliteStore::open(image, o)->load();
  EXPECT_EQ(all.values.at("gids/ef/b000"), Bytes(secret_text.begin(), secret_text.end()));
  EXPECT_EQ(all.values.at("gids/do/a010"), Bytes(plain_text.begin(), plain_text.end()));
  EXPECT_EQ(all.secret.size(), 2u);
}

TEST(Encryption, MissingOrWrongKeyIsAClearErrorNamingTheFile) {
  TempDir dir;
  const auto image = dir.path / "card.img";
  write_sample(*SqliteStore::create(image, key_of(7)));
  const std::string missing = error_of([&] { SqliteStore::open(image); });
  EXPECT_NE(missing.find(image.string()), std::string::npos) << missing;
  EXPECT_NE(missing.find("encrypted"), std::string::npos) << missing;
  OpenOptions wrong;
  wrong.key = key_of(8);
  const std::string bad = error_of([&] { SqliteStore::open(image, wrong); });
  EXPECT_NE(bad.find(image.string()), std::string::npos) << bad;
  EXPECT_NE(bad.find("wrong key"), std::string::npos) << bad;

  const auto plain = dir.path / "plain.img";
  write_sample(*SqliteStore::create(plain));
  OpenOptions some;
  some.key = key_of(7);
  EXPECT_NE(error_of([&] { SqliteStore::open(plain, some); }).find("not encrypted"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              SqliteStore::create(dir.path / "short.img", SecretBytes(Bytes(16)));
            }).find("32 bytes"),
            std::string::npos);
}

TEST(Encryption, RecordsCannotBeSwappedOrAltered) {
  TempDir dir;
  OpenOptions o;
  o.key = key_of(7);
  const auto swapped = dir.path / "swapped.img";
  write_sample(*SqliteStore::create(swapped, key_of(7)));
  // Both records hold the same plaintext, so only the binding to the name can tell them apart.
  sql(swapped,
      "UPDATE objects SET value = (SELECT value FROM objects WHERE key = 'gids/ef/b001') "
      "WHERE key = 'gids/ef/b000'");
  const std::string msg = error_of([&] { SqliteStore::open(swapped, o)->load(); });
  EXPECT_NE(msg.find("gids/ef/b000"), std::string::npos) << msg;
  EXPECT_NE(msg.find(swapped.string()), std::string::npos) << msg;

  const auto altered = dir.path / "altered.img";
  write_sample(*SqliteStore::create(altered, key_of(7)));
  sql(altered,
      "UPDATE objects SET value = substr(value, 1, 20) || x'00' || substr(value, 22) "
      "WHERE key = 'gids/ef/b001'");
  const std::string msg2 = error_of([&] { SqliteStore::open(altered, o)->load(); });
  EXPECT_NE(msg2.find("gids/ef/b001"), std::string::npos) << msg2;

  // A record from another image (same name, other key) does not open either.
  const auto other = dir.path / "other.img";
  write_sample(*SqliteStore::create(other, key_of(9)));
  const auto mixed = dir.path / "mixed.img";
  write_sample(*SqliteStore::create(mixed, key_of(7)));
  sql(mixed, "ATTACH '" + other.string() +
                 "' AS o; UPDATE objects SET value = (SELECT value FROM o.objects WHERE key = "
                 "'gids/ef/b000') WHERE key = 'gids/ef/b000'");
  EXPECT_NE(error_of([&] { SqliteStore::open(mixed, o)->load(); }).find("gids/ef/b000"),
            std::string::npos);
}

TEST(Encryption, TheKeyCheckTellsAWrongKeyFromADamagedRecord) {
  TempDir dir;
  const auto image = dir.path / "card.img";
  write_sample(*SqliteStore::create(image, key_of(7)));
  sql(image,
      "UPDATE objects SET value = substr(value, 1, 20) || x'00' || substr(value, 22) "
      "WHERE key = 'gids/ef/b001'");
  OpenOptions right, wrong;
  right.key = key_of(7);
  wrong.key = key_of(6);
  const std::string damaged = error_of([&] { SqliteStore::open(image, right)->load(); });
  EXPECT_EQ(damaged.find("wrong key"), std::string::npos) << damaged;
  EXPECT_NE(damaged.find("gids/ef/b001"), std::string::npos) << damaged;
  const std::string bad = error_of([&] { SqliteStore::open(image, wrong)->load(); });
  EXPECT_NE(bad.find("wrong key"), std::string::npos) << bad;
  EXPECT_EQ(bad.find("gids/ef/b001"), std::string::npos) << bad;
}

TEST(OlderImages, Schema1IsRefusedNamingTheFile) {
  TempDir dir;
  const auto image = dir.path / "old.img";
  sql(image,
      "PRAGMA application_id=1396918605; PRAGMA user_version=1;"
      "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
      "CREATE TABLE objects(key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;"
      "INSERT INTO meta VALUES('format','softcard-card-image');"
      "INSERT INTO meta VALUES('schema_version','1');");
  const std::string msg = error_of([&] { SqliteStore::open(image); });
  EXPECT_NE(msg.find(image.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("schema 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("softcard init"), std::string::npos) << msg;
}

TEST(ReadOnly, ReadsAndNeverWrites) {
  TempDir dir;
  const auto image = dir.path / "card.img";
  write_sample(*SqliteStore::create(image));
  OpenOptions ro;
  ro.read_only = true;
  auto reader = SqliteStore::open(image, ro);
  EXPECT_EQ(reader->load().values.size(), 3u);
  EXPECT_FALSE(fs::exists(image.string() + "-wal"));
  EXPECT_FALSE(fs::exists(image.string() + "-shm"));
  ChangeSet c;
  c.writes.emplace_back("x", Bytes{1});
  EXPECT_NE(error_of([&] { reader->apply(c); }).find("read-only"), std::string::npos);
  EXPECT_NE(error_of([&] { reader->apply_durable(c); }).find("read-only"), std::string::npos);
  // Readers share the lock; a writer is kept out while one reads.
  auto second = SqliteStore::open(image, ro);
  EXPECT_NE(error_of([&] { SqliteStore::open(image); }).find("already in use"), std::string::npos);
}

TEST(ReadOnly, ReadsCommitsLeftInTheWalByAKilledWriter) {
  TempDir dir;
  const auto image = dir.path / "card.img";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = SqliteStore::create(image);
    write_sample(*store);
    ::_exit(0);  // no close: the commits stay in the -wal file
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_GT(fs::file_size(image.string() + "-wal"), 0u);
  OpenOptions ro;
  ro.read_only = true;
  EXPECT_EQ(SqliteStore::open(image, ro)->load().values.size(), 3u);
}

TEST(ImageKey, RawOrHexAndNothingElse) {
  const Bytes raw(32, 0xAB);
  EXPECT_EQ(to_hex(parse_image_key(raw, "k").view()), to_hex(raw));
  const std::string hex = std::string(62, '0') + "1F";
  EXPECT_EQ(parse_image_key(view(hex), "k").data()[31], 0x1F);
  EXPECT_EQ(parse_image_key(view(hex + "\n"), "k").data()[31], 0x1F);
  for (const std::string& bad : {std::string(31, 'x'), std::string(64, 'g'), std::string(63, '0'),
                                 std::string(), hex + "\n\n"}) {
    const std::string msg = error_of([&] { parse_image_key(view(bad), "key file K"); });
    EXPECT_NE(msg.find("key file K"), std::string::npos) << msg;
  }
}

TEST(ImageKey, ReadFromFileAndDescriptor) {
  TempDir dir;
  const auto path = dir.path / "card.key";
  std::ofstream(path) << std::string(64, 'e') << "\n";
  EXPECT_EQ(read_image_key_file(path).data()[0], 0xEE);
  EXPECT_NE(error_of([&] { read_image_key_file(dir.path / "none.key"); }).find("none.key"),
            std::string::npos);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const Bytes raw(32, 0x11);
  ASSERT_EQ(::write(fds[1], raw.data(), raw.size()), 32);
  ::close(fds[1]);
  EXPECT_EQ(read_image_key_fd(fds[0]).data()[5], 0x11);
  ::close(fds[0]);
}

}  // namespace
}  // namespace softcard
