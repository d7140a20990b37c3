#include <array>
#include <cstring>
#include <optional>
#include <utility>

#include "softcard/errors.h"
#include "softcard/store.h"
#include "store/record_cipher.h"
#include "store/sqlite_util.h"

namespace softcard {

using namespace store_detail;

namespace {

// 'SCIM': marks the SQLite file as a softcard card image (PRAGMA application_id).
constexpr int application_id = 0x5343494D;

std::optional<std::string> meta_value(sqlite3* db, const std::filesystem::path& path,
                                      const char* key) {
  Stmt s = prepare(db, path, "SELECT value FROM meta WHERE key = ?1");
  sqlite3_bind_text(s.get(), 1, key, -1, SQLITE_STATIC);
  const int rc = sqlite3_step(s.get());
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) fail(path, std::string("unreadable: ") + sqlite3_errmsg(db));
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
  return std::string(text ? text : "");
}

void check_integrity(sqlite3* db, const std::filesystem::path& path) {
  Stmt check = prepare(db, path, "PRAGMA quick_check");
  const int rc = sqlite3_step(check.get());
  if (rc != SQLITE_ROW) fail(path, std::string("corrupt: ") + sqlite3_errmsg(db));
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(check.get(), 0));
  if (!text || std::strcmp(text, "ok") != 0)
    fail(path, std::string("corrupt: ") + (text ? text : "integrity check failed"));
}

void check_version(sqlite3* db, const std::filesystem::path& path) {
  if (pragma_int(db, path, "PRAGMA application_id") != application_id)
    fail(path, "not a softcard card image (foreign SQLite database)");
  const long long version = pragma_int(db, path, "PRAGMA user_version");
  if (version > SqliteStore::schema_version)
    fail(path, "written by a newer softcard (image schema " + std::to_string(version) +
                   ", this build reads up to " + std::to_string(SqliteStore::schema_version) + ")");
  if (version == 1)
    fail(path,
         "image schema 1, written by an older softcard that kept PINs in the clear; this build "
         "reads schema 2 only: make a new image with `softcard init` (see docs/card-image.md, "
         "\"Older images\")");
  if (version < 1) fail(path, "invalid schema version " + std::to_string(version));
  check_integrity(db, path);
  const auto format = meta_value(db, path, "format");
  if (!format) fail(path, "not a softcard card image (no format marker)");
  if (*format != SqliteStore::format_name)
    fail(path, "not a softcard card image (format marker is wrong)");
}

// The image's cipher, or nullopt for a plain image; checks that the key matches the image.
std::optional<RecordCipher> open_cipher(sqlite3* db, const std::filesystem::path& path,
                                        const std::optional<SecretBytes>& key) {
  const auto cipher = meta_value(db, path, "encryption");
  if (!cipher) {
    if (key) fail(path, "not encrypted, but an image key was given");
    return std::nullopt;
  }
  if (*cipher != cipher_name) fail(path, "unknown encryption '" + *cipher + "'");
  if (!key)
    fail(path,
         "encrypted: its secret records need the image key (--key-file or --key-fd; key= in "
         "Python)");
  if (key->size() != SqliteStore::key_size) fail(path, "an image key is 32 bytes");
  Bytes salt, check;
  try {
    salt = from_hex(meta_value(db, path, "key_salt").value_or(""));
    check = from_hex(meta_value(db, path, "key_check").value_or(""));
  } catch (const std::invalid_argument&) {
    fail(path, "corrupt: encryption parameters are not hex");
  }
  if (salt.size() != salt_size) fail(path, "corrupt: the key salt is missing or malformed");
  std::optional<RecordCipher> out;
  out.emplace(key->view(), salt);
  try {
    const SecretBytes plain = out->open(key_check_name, check);
    if (!constant_time_equal(plain.view(), view(key_check_plaintext)))
      fail(path, "the image key does not open this image (wrong key)");
  } catch (const CryptoError&) {
    fail(path, "the image key does not open this image (wrong key)");
  }
  return out;
}

}  // namespace

struct SqliteStore::Impl {
  FileLock lock;
  Db db;
  bool read_only = false;
  std::optional<RecordCipher> cipher;
  Stmt upsert, remove, begin, commit, rollback, sync_full, sync_normal;

  void prepare_all(const std::filesystem::path& path) {
    if (read_only) return;
    upsert = prepare(db.get(), path,
                     "INSERT OR REPLACE INTO objects(key, value, secret) VALUES(?1, ?2, ?3)");
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

bool SqliteStore::encrypted() const {
  return impl_->cipher.has_value();
}

std::unique_ptr<SqliteStore> SqliteStore::create(const std::filesystem::path& path,
                                                 std::optional<SecretBytes> key) {
  if (key && key->size() != key_size) fail(path, "an image key is 32 bytes");
  auto impl = std::make_unique<Impl>();
  impl->lock = create_private(path);  // refuses an existing file
  try {
    impl->db = open_db(path, SQLITE_OPEN_READWRITE);
    sqlite3* db = impl->db.get();
    configure(db, path, false);
    std::string schema = "BEGIN;PRAGMA application_id=" + std::to_string(application_id) +
                         ";PRAGMA user_version=" + std::to_string(schema_version) +
                         ";"
                         "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT "
                         "ROWID;"
                         "CREATE TABLE objects(key TEXT PRIMARY KEY, value BLOB NOT NULL, "
                         "secret INTEGER NOT NULL DEFAULT 0 CHECK (secret IN (0, 1))) WITHOUT "
                         "ROWID;"
                         "INSERT INTO meta VALUES('format','" +
                         std::string(format_name) +
                         "');"
                         "INSERT INTO meta VALUES('schema_version','" +
                         std::to_string(schema_version) + "');";
    if (key) {
      CryptoProvider crypto;
      Bytes salt(salt_size);
      crypto.random(salt);
      impl->cipher.emplace(key->view(), salt);
      const Bytes check = impl->cipher->seal(key_check_name, view(key_check_plaintext));
      schema += std::string("INSERT INTO meta VALUES('encryption','") + cipher_name +
                "');INSERT INTO meta VALUES('key_salt','" + to_hex(salt) +
                "');INSERT INTO meta VALUES('key_check','" + to_hex(check) + "');";
    }
    schema += "COMMIT;";
    exec(db, path, schema.c_str());
    impl->prepare_all(path);
  } catch (...) {
    // The file is ours (creation refused existing ones): remove it whole.
    impl.reset();
    std::error_code ec;
    std::filesystem::remove(path, ec);
    std::filesystem::remove(path.string() + "-wal", ec);
    std::filesystem::remove(path.string() + "-shm", ec);
    throw;
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, std::move(impl)));
}

std::unique_ptr<SqliteStore> SqliteStore::open(const std::filesystem::path& path,
                                               OpenOptions options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail(path, "no such file");
  if (!std::filesystem::is_regular_file(path, ec)) fail(path, "not a regular file");
  check_sqlite_header(path);
  auto impl = std::make_unique<Impl>();
  impl->read_only = options.read_only;
  impl->lock = lock_image(path, options.read_only);
  impl->db = options.read_only ? open_read_only(path) : open_db(path, SQLITE_OPEN_READWRITE);
  sqlite3* db = impl->db.get();
  configure(db, path, options.read_only);
  check_version(db, path);
  impl->cipher = open_cipher(db, path, options.key);
  impl->prepare_all(path);
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, std::move(impl)));
}

StoredObjects SqliteStore::load() {
  sqlite3* db = impl_->db.get();
  StoredObjects out;
  Stmt s = prepare(db, path_, "SELECT key, value, secret FROM objects");
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    const auto* key = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
    const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(s.get(), 1));
    const int n = sqlite3_column_bytes(s.get(), 1);
    const bool secret = sqlite3_column_int(s.get(), 2) != 0;
    if (!key) fail(path_, "corrupt: object without a key");
    const ByteView stored(blob, static_cast<std::size_t>(n));
    if (secret && impl_->cipher) {
      try {
        const SecretBytes plain = impl_->cipher->open(key, stored);
        out.values.emplace(key, Bytes(plain.view().begin(), plain.view().end()));
      } catch (const CryptoError&) {
        fail(path_, std::string("record '") + key +
                        "' does not decrypt: damaged, or moved from another record or image");
      }
    } else {
      out.values.emplace(key, Bytes(stored.begin(), stored.end()));
    }
    if (secret) out.secret.emplace(key);
  }
  if (rc != SQLITE_DONE) fail(path_, std::string("corrupt: ") + sqlite3_errmsg(db));
  return out;
}

void SqliteStore::apply(const ChangeSet& changes) {
  if (changes.empty()) return;
  if (impl_->read_only) fail(path_, "opened read-only: cannot write");
  sqlite3* db = impl_->db.get();
  auto step = [&](sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc;
  };
  if (step(impl_->begin.get()) != SQLITE_DONE)
    fail(path_, std::string("cannot write: ") + sqlite3_errmsg(db));
  for (const auto& c : changes.writes) {
    sqlite3_stmt* s = c.value ? impl_->upsert.get() : impl_->remove.get();
    sqlite3_bind_text(s, 1, c.key.data(), static_cast<int>(c.key.size()), SQLITE_STATIC);
    Bytes sealed;
    if (c.value) {
      const Bytes* stored = &*c.value;
      if (c.secret && impl_->cipher) {
        sealed = impl_->cipher->seal(c.key, *c.value);
        stored = &sealed;
      }
      if (stored->empty())
        sqlite3_bind_zeroblob(s, 2, 0);  // a null data pointer would bind SQL NULL
      else
        sqlite3_bind_blob(s, 2, stored->data(), static_cast<int>(stored->size()), SQLITE_STATIC);
      sqlite3_bind_int(s, 3, c.secret ? 1 : 0);
    }
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
  if (impl_->read_only) fail(path_, "opened read-only: cannot write");
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
