#pragma once
// Persistence of the card's state. A card image is a set of named objects (key -> bytes);
// each module owns a key prefix ("fs/", "pin/", "gids/", ...) and encodes its own records.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "softcard/bytes.h"

namespace softcard {

using ObjectMap = std::map<std::string, Bytes, std::less<>>;

// One atomic batch of writes: value set, or std::nullopt for erase.
struct ChangeSet {
  std::vector<std::pair<std::string, std::optional<Bytes>>> writes;
  bool empty() const { return writes.empty(); }
};

// A storage backend. apply() is all-or-nothing; failures throw ImageError.
class CardStore {
 public:
  virtual ~CardStore() = default;
  virtual ObjectMap load() = 0;
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
  ObjectMap load() override { return objects_; }
  void apply(const ChangeSet& changes) override;
  void apply_durable(const ChangeSet& changes) override {
    apply(changes);
    ++durable_count_;
  }
  std::string describe() const override { return "<memory>"; }
  // The next apply() calls fail (throw ImageError) while this is set.
  void set_failing(bool failing) { failing_ = failing; }
  const ObjectMap& objects() const { return objects_; }
  std::size_t apply_count() const { return apply_count_; }
  // How many of those applies were asked to be flushed to disk.
  std::size_t durable_apply_count() const { return durable_count_; }

 private:
  ObjectMap objects_;
  std::size_t durable_count_ = 0;
  bool failing_ = false;
  std::size_t apply_count_ = 0;
};

// The SQLite card image: one file, WAL mode, versioned schema, exclusive to one process.
class SqliteStore final : public CardStore {
 public:
  static constexpr int schema_version = 1;
  static constexpr const char* format_name = "softcard-card-image";

  // Creates a new image; fails if the file exists.
  static std::unique_ptr<SqliteStore> create(const std::filesystem::path& path);
  // Opens an existing image; validates format and version; takes the exclusive lock.
  static std::unique_ptr<SqliteStore> open(const std::filesystem::path& path);

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  ObjectMap load() override;
  void apply(const ChangeSet& changes) override;
  void apply_durable(const ChangeSet& changes) override;
  std::string describe() const override { return path_.string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Impl;
  SqliteStore(std::filesystem::path path, std::unique_ptr<Impl> impl);
  std::filesystem::path path_;
  std::unique_ptr<Impl> impl_;
};

// Transactional view over a CardStore with the committed objects cached in memory, so reads
// never touch the backend. Writes go to a pending overlay until commit().
class ObjectStore {
 public:
  explicit ObjectStore(std::unique_ptr<CardStore> backend);

  // Value as seen by the current transaction, or nullptr.
  const Bytes* get(std::string_view key) const;
  bool contains(std::string_view key) const { return get(key) != nullptr; }
  void put(std::string key, Bytes value);
  void erase(std::string_view key);
  // Keys starting with prefix, as seen by the current transaction, sorted.
  std::vector<std::string> keys(std::string_view prefix) const;

  // Makes pending writes durable (one backend transaction). No-op when nothing is pending.
  // `flush_to_disk` also survives power loss (an fsync), for state that must never roll back.
  void commit(bool flush_to_disk = false);
  void rollback();
  bool dirty() const { return !pending_.empty(); }

  CardStore& backend() { return *backend_; }

 private:
  std::unique_ptr<CardStore> backend_;
  ObjectMap committed_;
  std::map<std::string, std::optional<Bytes>, std::less<>> pending_;
};

}  // namespace softcard
