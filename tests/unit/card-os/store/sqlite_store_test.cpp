#include <gtest/gtest.h>

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_support.h"

#include <filesystem>
#include <fstream>

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

TEST(SqliteStore, CreateApplyReopen) {
  TempDir dir;
  const auto image = dir.path / "card.img";
  {
    auto store = SqliteStore::create(image);
    ChangeSet c;
    c.writes.emplace_back("k1", Bytes{1, 2, 3});
    c.writes.emplace_back("k2", Bytes{});
    store->apply(c);
    ChangeSet d;
    d.writes.emplace_back("k1", std::nullopt);
    d.writes.emplace_back("k3", Bytes{9});
    store->apply(d);
  }
  auto store = SqliteStore::open(image);
  const ObjectMap m = store->load().values;
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m.at("k2"), Bytes{});
  EXPECT_EQ(m.at("k3"), Bytes{9});
}

TEST(SqliteStore, DurableApplyPersistsLikeApply) {
  TempDir dir;
  const auto image = dir.path / "card.img";
  {
    auto store = SqliteStore::create(image);
    ChangeSet c;
    c.writes.emplace_back("pin", Bytes{2});
    store->apply_durable(c);
    ChangeSet d;
    d.writes.emplace_back("other", Bytes{1});
    store->apply(d);
  }
  const ObjectMap m = SqliteStore::open(image)->load().values;
  EXPECT_EQ(m.at("pin"), Bytes{2});
  EXPECT_EQ(m.at("other"), Bytes{1});
}

TEST(SqliteStore, CreateRefusesExistingFile) {
  TempDir dir;
  const auto image = dir.path / "card.img";
  std::ofstream(image) << "precious";
  EXPECT_NE(error_of([&] { SqliteStore::create(image); }).find("already exists"),
            std::string::npos);
  std::ifstream in(image);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "precious");
}

TEST(SqliteStore, SecondOpenerGetsClearError) {
  TempDir dir;
  const auto image = dir.path / "card.img";
  auto first = SqliteStore::create(image);
  // Another process must be refused (flock is per open file description, test from a child).
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string msg = error_of([&] { SqliteStore::open(image); });
    _exit(msg.find("already in use") != std::string::npos ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  first.reset();
  EXPECT_NO_THROW(SqliteStore::open(image));
}

TEST(SqliteStore, MissingForeignCorruptTruncatedNewer) {
  TempDir dir;
  EXPECT_NE(error_of([&] { SqliteStore::open(dir.path / "nope.img"); }).find("no such file"),
            std::string::npos);

  const auto text = dir.path / "text.img";
  std::ofstream(text) << "this is not a database at all, just some text";
  const std::string not_db = error_of([&] { SqliteStore::open(text); });
  EXPECT_NE(not_db.find("not an SQLite database"), std::string::npos) << not_db;
  EXPECT_NE(not_db.find(text.string()), std::string::npos) << not_db;

  const auto foreign = dir.path / "foreign.db";
  {
    sqlite3* db = nullptr;
    sqlite3_open(foreign.c_str(), &db);
    sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  EXPECT_NE(error_of([&] { SqliteStore::open(foreign); }).find("foreign SQLite database"),
            std::string::npos);

  const auto newer = dir.path / "newer.img";
  SqliteStore::create(newer).reset();
  {
    sqlite3* db = nullptr;
    sqlite3_open(newer.c_str(), &db);
    sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  EXPECT_NE(error_of([&] { SqliteStore::open(newer); }).find("newer softcard"), std::string::npos);

  const auto truncated = dir.path / "truncated.img";
  {
    auto s = SqliteStore::create(truncated);
    ChangeSet c;
    for (int i = 0; i < 200; ++i)
      c.writes.emplace_back("key" + std::to_string(i), Bytes(500, 0x42));
    s->apply(c);
  }
  fs::resize_file(truncated, fs::file_size(truncated) / 2);
  const std::string trunc_msg = error_of([&] { SqliteStore::open(truncated)->load(); });
  EXPECT_NE(trunc_msg.find(truncated.string()), std::string::npos) << trunc_msg;

  const auto tiny = dir.path / "tiny.img";
  std::ofstream(tiny) << "SQLite";
  EXPECT_NE(error_of([&] { SqliteStore::open(tiny); }).find("truncated"), std::string::npos);

  const auto corrupt = dir.path / "corrupt.img";
  {
    auto s = SqliteStore::create(corrupt);
    ChangeSet c;
    for (int i = 0; i < 200; ++i)
      c.writes.emplace_back("key" + std::to_string(i), Bytes(500, 0x42));
    s->apply(c);
  }
  {
    std::fstream f(corrupt, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 2 + 10);
    const std::string junk(3000, '\xA5');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  const std::string corrupt_msg = error_of([&] { SqliteStore::open(corrupt)->load(); });
  EXPECT_NE(corrupt_msg.find(corrupt.string()), std::string::npos) << corrupt_msg;
}

}  // namespace
}  // namespace softcard
