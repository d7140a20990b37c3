#pragma once
// SQLite and file helpers of the card image (sqlite_store.cpp): the lock, the file mode, errors
// that name the file.
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

namespace softcard::store_detail {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// Holds a flock on the image for the lifetime of the store. flock locks are independent of
// SQLite's own POSIX locks, so SQLite closing its descriptors never drops ours.
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
  void release();
  int fd_ = -1;
};

// Throws ImageError "card image PATH: problem".
[[noreturn]] void fail(const std::filesystem::path& path, const std::string& problem);
// Writers lock exclusively; read-only openers share the lock (two inspects at once are fine, an
// inspect and a writer are not).
FileLock lock_image(const std::filesystem::path& path, bool read_only);
// Creates the file (mode 0600 whatever the umask) and locks it; refuses an existing file.
FileLock create_private(const std::filesystem::path& path);
void exec(sqlite3* db, const std::filesystem::path& path, const char* sql);
Stmt prepare(sqlite3* db, const std::filesystem::path& path, const char* sql);
long long pragma_int(sqlite3* db, const std::filesystem::path& path, const char* sql);
Db open_db(const std::filesystem::path& path, int flags);
// Pragmas of a writer (exclusive locking, WAL, synchronous=NORMAL); none for a reader.
void configure(sqlite3* db, const std::filesystem::path& path, bool read_only);
// For readers (`softcard inspect`): never writes, never creates a file next to the image.
Db open_read_only(const std::filesystem::path& path);
void check_sqlite_header(const std::filesystem::path& path);

}  // namespace softcard::store_detail
