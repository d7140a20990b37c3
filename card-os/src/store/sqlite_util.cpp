#include "store/sqlite_util.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "softcard/errors.h"

namespace softcard::store_detail {

void FileLock::release() {
  if (fd_ >= 0) ::close(fd_);  // closing drops the flock
  fd_ = -1;
}

void fail(const std::filesystem::path& path, const std::string& problem) {
  throw ImageError("card image " + path.string() + ": " + problem);
}

namespace {

FileLock lock_fd(const std::filesystem::path& path, int fd, int mode) {
  if (::flock(fd, mode | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      fail(path, "already in use by another process (it is opened exclusively)");
    fail(path, std::string("cannot lock: ") + std::strerror(err));
  }
  return FileLock(fd);
}

}  // namespace

FileLock lock_image(const std::filesystem::path& path, bool read_only) {
  const int fd = ::open(path.c_str(), (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
  if (fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
  return lock_fd(path, fd, read_only ? LOCK_SH : LOCK_EX);
}

// Creating the file ourselves is what makes it 0600: SQLite gives its -wal and -shm files the
// database file's mode.
FileLock create_private(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) fail(path, "already exists (refusing to overwrite it)");
    fail(path, std::string("cannot create: ") + std::strerror(errno));
  }
  if (::fchmod(fd, 0600) != 0) {
    const int err = errno;
    ::close(fd);
    fail(path, std::string("cannot set mode 0600: ") + std::strerror(err));
  }
  return lock_fd(path, fd, LOCK_EX);
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

void configure(sqlite3* db, const std::filesystem::path& path, bool read_only) {
  if (read_only) return;  // see open_read_only()
  // One process owns the image (flock), so SQLite can keep its lock and skip shared memory.
  exec(db, path, "PRAGMA locking_mode=EXCLUSIVE");
  exec(db, path, "PRAGMA journal_mode=WAL");
  // WAL + NORMAL: every commit survives a process crash (SIGKILL); an OS crash may lose the
  // last commits but never corrupts the image.
  exec(db, path, "PRAGMA synchronous=NORMAL");
}

Db open_read_only(const std::filesystem::path& path) {
  std::error_code ec;
  const auto wal = std::filesystem::path(path.string() + "-wal");
  const bool wal_pending =
      std::filesystem::exists(wal, ec) && std::filesystem::file_size(wal, ec) > 0;
  if (wal_pending) {
    // Commits not yet checkpointed (a writer was killed): SQLite must read the WAL, which needs
    // its -shm index file, so this works only where that file can be made.
    return open_db(path, SQLITE_OPEN_READONLY);
  }
  // A cleanly closed image is the database file alone. Our flock keeps writers out, so SQLite
  // may treat it as immutable: no locks, no -wal or -shm files, fine on a read-only medium.
  std::string uri = "file:";
  static const char* hex = "0123456789ABCDEF";
  for (const unsigned char c : std::filesystem::absolute(path).string()) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += hex[c >> 4];
      uri += hex[c & 0xF];
    }
  }
  uri += "?immutable=1";
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(
      uri.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) fail(path, raw ? sqlite3_errmsg(raw) : "cannot open");
  sqlite3_extended_result_codes(raw, 1);
  return db;
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

}  // namespace softcard::store_detail
