#pragma once
// Persistence of the card's state. A card image is a set of named objects (key -> bytes);
// each module owns a key prefix ("fs/", "pin/", "gids/", ...) and encodes its own records.
// A record is either plain or secret (PIN verifiers, private and administrator keys, shared
// keys): secret records are encrypted at rest when the image has a key (docs/card-image.md).
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "softcard/bytes.h"

namespace softcard {

using ObjectMap = std::map<std::string, Bytes, std::less<>>;
using KeySet = std::set<std::string, std::less<>>;

// What a backend holds: every object's value (decrypted) and which of them are secret.
struct StoredObjects {
  ObjectMap values;
  KeySet secret;
};

// One write of a batch: value set, or std::nullopt for erase.
struct Change {
  Change(std::string k, std::optional<Bytes> v, bool s = false)
      : key(std::move(k)), value(std::move(v)), secret(s) {}
  std::string key;
  std::optional<Bytes> value;
  bool secret = false;
};

// One atomic batch of writes.
struct ChangeSet {
  std::vector<Change> writes;
  bool empty() const { return writes.empty(); }
};

// A storage backend. apply() is all-or-nothing; failures throw ImageError.
class CardStore {
 public:
  virtual ~CardStore() = default;
  virtual StoredObjects load() = 0;
  virtual void apply(const ChangeSet& changes) = 0;
  // Like apply(), and also durable against power loss / OS crash when the call returns (used for
  // PIN retry counters). Backends without that distinction just apply.
  virtual void apply_durable(const ChangeSet& changes) { apply(changes); }
  // For messages: the image path, or "<memory>".
  virtual std::string describe() const = 0;
};

// In-memory backend for unit tests; can simulate a failing medium.
class MemoryStore final : public CardStore {
 public:
  StoredObjects load() override { return {objects_, secret_}; }
  void apply(const ChangeSet& changes) override;
  void apply_durable(const ChangeSet& changes) override;
  std::string describe() const override { return "<memory>"; }
  // The next apply() calls fail (throw ImageError) while this is set.
  void set_failing(bool failing) { failing_ = failing; }
  // Only the durable applies (PIN retry counters) fail while this is set.
  void set_failing_durable(bool failing) { failing_durable_ = failing; }
  const ObjectMap& objects() const { return objects_; }
  const KeySet& secret_keys() const { return secret_; }
  std::size_t apply_count() const { return apply_count_; }
  // How many of those applies were asked to be flushed to disk.
  std::size_t durable_apply_count() const { return durable_count_; }
  // The keys written by the last successful apply, in order.
  const std::vector<std::string>& last_keys() const { return last_keys_; }

 private:
  ObjectMap objects_;
  KeySet secret_;
  std::vector<std::string> last_keys_;
  std::size_t durable_count_ = 0;
  bool failing_ = false;
  bool failing_durable_ = false;
  std::size_t apply_count_ = 0;
};

// How an existing image is opened.
struct OpenOptions {
  // The image key (32 bytes) of an encrypted image; must be absent for a plain one.
  std::optional<SecretBytes> key;
  // For readers such as `softcard inspect`: nothing is ever written (the file may sit on a
  // read-only file system); apply() throws ImageError.
  bool read_only = false;
};

// The SQLite card image: one file, WAL mode, versioned schema, exclusive to one process.
// Every file of the image (the database, its -wal and -shm) is created with mode 0600.
class SqliteStore final : public CardStore {
 public:
  static constexpr int schema_version = 2;
  static constexpr const char* format_name = "softcard-card-image";
  static constexpr std::size_t key_size = 32;

  // Creates a new image; fails if the file exists. With a key (32 bytes), secret records are
  // encrypted at rest under it.
  static std::unique_ptr<SqliteStore> create(const std::filesystem::path& path,
                                             std::optional<SecretBytes> key = std::nullopt);
  // Opens an existing image; validates format, version and key; takes the exclusive lock.
  static std::unique_ptr<SqliteStore> open(const std::filesystem::path& path,
                                           OpenOptions options = {});

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  StoredObjects load() override;
  void apply(const ChangeSet& changes) override;
  void apply_durable(const ChangeSet& changes) override;
  std::string describe() const override { return path_.string(); }
  const std::filesystem::path& path() const { return path_; }
  bool encrypted() const;

 private:
  struct Impl;
  SqliteStore(std::filesystem::path path, std::unique_ptr<Impl> impl);
  std::filesystem::path path_;
  std::unique_ptr<Impl> impl_;
};

// Reads an image key as `--key-file` / `--key-fd` take it: exactly 32 bytes, or 64 hex digits
// optionally followed by a newline. `what` names the source in errors (ImageError).
SecretBytes parse_image_key(ByteView content, const std::string& what);
SecretBytes read_image_key_file(const std::filesystem::path& path);
SecretBytes read_image_key_fd(int fd);

// Transactional view over a CardStore with the committed objects cached in memory, so reads
// never touch the backend. Writes go to a pending overlay until commit().
class ObjectStore {
 public:
  explicit ObjectStore(std::unique_ptr<CardStore> backend);

  // Value as seen by the current transaction, or nullptr.
  const Bytes* get(std::string_view key) const;
  bool contains(std::string_view key) const { return get(key) != nullptr; }
  // A plain write. A record that is secret stays secret (secrecy is never lost by a rewrite).
  void put(std::string key, Bytes value);
  // A write of a secret record: PIN verifiers, private keys, administrator and shared keys.
  void put_secret(std::string key, Bytes value);
  void erase(std::string_view key);
  // Whether the record, as seen by the current transaction, is secret.
  bool is_secret(std::string_view key) const;
  // Keys starting with prefix, as seen by the current transaction, sorted.
  std::vector<std::string> keys(std::string_view prefix) const;
  // Every committed object with its secrecy, as one batch (to copy a personalized staging
  // store into an image).
  ChangeSet snapshot() const;

  // Makes pending writes durable (one backend transaction). No-op when nothing is pending.
  // `flush_to_disk` also survives power loss (an fsync), for state that must never roll back.
  void commit(bool flush_to_disk = false);
  // Commits the pending write of `key` alone, flushed to disk; every other pending write stays
  // pending (it commits or rolls back with its command). No-op when `key` has no pending
  // write. On failure (ImageError) the record keeps its pending value and committed state.
  void commit_one(std::string_view key);
  void rollback();
  bool dirty() const { return !pending_.empty(); }

  CardStore& backend() { return *backend_; }
  const CardStore& backend() const { return *backend_; }

 private:
  struct Pending {
    std::optional<Bytes> value;  // nullopt: erase
    bool secret = false;
  };
  void write(std::string key, Bytes value, bool secret);

  std::unique_ptr<CardStore> backend_;
  ObjectMap committed_;
  KeySet committed_secret_;
  std::map<std::string, Pending, std::less<>> pending_;
};

}  // namespace softcard
