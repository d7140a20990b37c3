#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include "softcard/errors.h"
#include "softcard/store.h"

namespace softcard {

namespace {

// 'SCIM': marks the SQLite file as a softcard card image (PRAGMA application_id).
constexpr int application_id = 0x5343494D;

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// Holds an exclusive flock on the image for the lifetime of the store. flock locks are
// independent of SQLite's own POSIX locks, so SQLite closing its descriptors never drops ours.
class FileLock {
 public:
  FileLock() = default;
  explicit FileLock(int fd) : fd_(fd) {}
  FileLock(FileLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  FileLock& operator=(FileLock&& o) noexcept {
    if (this != &o) {
      release();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~FileLock() { release(); }

 private:
  void release() {
    if (fd_ >= 0) ::close(fd_);  // closing drops the flock
    fd_ = -1;
  }
  int fd_ = -1;
};

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& problem) {
  throw ImageError("card image " + path.string() + ": " + problem);
}

FileLock lock_exclusive(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      fail(path, "already in use by another process (it is opened exclusively)");
    fail(path, std::string("cannot lock: ") + std::strerror(err));
  }
  return FileLock(fd);
}

void exec(sqlite3* db, const std::filesystem::path& path, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    fail(path, msg);
  }
}

Stmt prepare(sqlite3* db, const std::filesystem::path& path, const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
    fail(path, sqlite3_errmsg(db));
  return Stmt(s);
}

long long pragma_int(sqlite3* db, const std::filesystem::path& path, const char* sql) {
  Stmt s = prepare(db, path, sql);
  const int rc = sqlite3_step(s.get());
  if (rc != SQLITE_ROW) fail(path, std::string("unreadable: ") + sqlite3_errmsg(db));
  return sqlite3_column_int64(s.get(), 0);
}

Db open_db(const std::filesystem::path& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) fail(path, raw ? sqlite3_errmsg(raw) : "cannot open");
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

void configure(sqlite3* db, const std::filesystem::path& path) {
  // One process owns the image (flock), so SQLite can keep its lock and skip shared memory.
  exec(db, path, "PRAGMA locking_mode=EXCLUSIVE");
  exec(db, path, "PRAGMA journal_mode=WAL");
  // WAL + NORMAL: every commit survives a process crash (SIGKILL); an OS crash may lose the
  // last commits but never corrupts the image.
  exec(db, path, "PRAGMA synchronous=NORMAL");
}

void check_sqlite_header(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot read");
  std::array<char, 16> magic{};
  in.read(magic.data(), magic.size());
  if (in.gcount() < static_cast<std::streamsize>(magic.size()))
    fail(path, "not a softcard card image (file too short to be an SQLite database: truncated?)");
  if (std::memcmp(magic.data(), "SQLite format 3\0", 16) != 0)
    fail(path, "not a softcard card image (not an SQLite database)");
}

}  // namespace

struct SqliteStore::Impl {
  FileLock lock;
  Db db;
  Stmt upsert, remove, begin, commit, rollback, sync_full, sync_normal;

  void prepare_all(const std::filesystem::path& path) {
    upsert = prepare(db.get(), path, "INSERT OR REPLACE INTO objects(key, value) VALUES(?1, ?2)");
    remove = prepare(db.get(), path, "DELETE FROM objects WHERE key = ?1");
    begin = prepare(db.get(), path, "BEGIN IMMEDIATE");
    commit = prepare(db.get(), path, "COMMIT");
    rollback = prepare(db.get(), path, "ROLLBACK");
    sync_full = prepare(db.get(), path, "PRAGMA synchronous=FULL");
    sync_normal = prepare(db.get(), path, "PRAGMA synchronous=NORMAL");
  }
};

SqliteStore::SqliteStore(std::filesystem::path path, std::unique_ptr<Impl> impl)
    : path_(std::move(path)), impl_(std::move(impl)) {}

SqliteStore::~SqliteStore() = default;

std::unique_ptr<SqliteStore> SqliteStore::create(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) fail(path, "already exists (refusing to overwrite it)");
  auto impl = std::make_unique<Impl>();
  impl->db = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  impl->lock = lock_exclusive(path);
  sqlite3* db = impl->db.get();
  configure(db, path);
  const std::string schema =
      "BEGIN;"
      "PRAGMA application_id=" +
      std::to_string(application_id) +
      ";"
      "PRAGMA user_version=" +
      std::to_string(schema_version) +
      ";"
      "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
      "CREATE TABLE objects(key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;"
      "INSERT INTO meta VALUES('format','" +
      std::string(format_name) +
      "');"
      "INSERT INTO meta VALUES('schema_version','" +
      std::to_string(schema_version) +
      "');"
      "COMMIT;";
  exec(db, path, schema.c_str());
  impl->prepare_all(path);
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, std::move(impl)));
}

std::unique_ptr<SqliteStore> SqliteStore::open(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail(path, "no such file");
  if (!std::filesystem::is_regular_file(path, ec)) fail(path, "not a regular file");
  check_sqlite_header(path);
  auto impl = std::make_unique<Impl>();
  impl->lock = lock_exclusive(path);
  impl->db = open_db(path, SQLITE_OPEN_READWRITE);
  sqlite3* db = impl->db.get();
  {
    configure(db, path);
    if (pragma_int(db, path, "PRAGMA application_id") != application_id)
      fail(path, "not a softcard card image (foreign SQLite database)");
    const long long version = pragma_int(db, path, "PRAGMA user_version");
    if (version > schema_version)
      fail(path, "written by a newer softcard (image schema " + std::to_string(version) +
                     ", this build reads up to " + std::to_string(schema_version) + ")");
    if (version < 1) fail(path, "invalid schema version " + std::to_string(version));
    {
      Stmt check = prepare(db, path, "PRAGMA quick_check");
      int rc = sqlite3_step(check.get());
      if (rc != SQLITE_ROW) fail(path, std::string("corrupt: ") + sqlite3_errmsg(db));
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(check.get(), 0));
      if (!text || std::strcmp(text, "ok") != 0)
        fail(path, std::string("corrupt: ") + (text ? text : "integrity check failed"));
    }
    {
      Stmt fmt = prepare(db, path, "SELECT value FROM meta WHERE key='format'");
      if (sqlite3_step(fmt.get()) != SQLITE_ROW)
        fail(path, "not a softcard card image (no format marker)");
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(fmt.get(), 0));
      if (!text || std::strcmp(text, format_name) != 0)
        fail(path, "not a softcard card image (format marker is wrong)");
    }
  }
  impl->prepare_all(path);
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, std::move(impl)));
}

ObjectMap SqliteStore::load() {
  sqlite3* db = impl_->db.get();
  ObjectMap out;
  Stmt s = prepare(db, path_, "SELECT key, value FROM objects");
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    const auto* key = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
    const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(s.get(), 1));
    const int n = sqlite3_column_bytes(s.get(), 1);
    if (!key) fail(path_, "corrupt: object without a key");
    out.emplace(key, Bytes(blob, blob + n));
  }
  if (rc != SQLITE_DONE) fail(path_, std::string("corrupt: ") + sqlite3_errmsg(db));
  return out;
}

void SqliteStore::apply(const ChangeSet& changes) {
  if (changes.empty()) return;
  sqlite3* db = impl_->db.get();
  auto step = [&](sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc;
  };
  if (step(impl_->begin.get()) != SQLITE_DONE)
    fail(path_, std::string("cannot write: ") + sqlite3_errmsg(db));
  for (const auto& [key, value] : changes.writes) {
    sqlite3_stmt* s = value ? impl_->upsert.get() : impl_->remove.get();
    sqlite3_bind_text(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    if (value && value->empty())
      sqlite3_bind_zeroblob(s, 2, 0);  // a null data pointer would bind SQL NULL
    else if (value)
      sqlite3_bind_blob(s, 2, value->data(), static_cast<int>(value->size()), SQLITE_STATIC);
    const int rc = step(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) {
      const std::string msg = sqlite3_errmsg(db);
      step(impl_->rollback.get());
      fail(path_, "cannot write: " + msg);
    }
  }
  if (step(impl_->commit.get()) != SQLITE_DONE) {
    const std::string msg = sqlite3_errmsg(db);
    step(impl_->rollback.get());
    fail(path_, "cannot commit: " + msg);
  }
}

void SqliteStore::apply_durable(const ChangeSet& changes) {
  // synchronous=FULL syncs the WAL at this commit, so a PIN try spent is never given back by a
  // power cut; every other commit stays at NORMAL (process-crash safe, no fsync).
  auto run = [&](sqlite3_stmt* s) {
    sqlite3_step(s);
    sqlite3_reset(s);
  };
  run(impl_->sync_full.get());
  try {
    apply(changes);
  } catch (...) {
    run(impl_->sync_normal.get());
    throw;
  }
  run(impl_->sync_normal.get());
}

}  // namespace softcard
