#pragma once
// The persistent file tree of one applet, stored in the ObjectStore, one object per file:
//   key   = prefix + lower-case hex FIDs of the path joined by '/' ("iso/fs/3f00/5000/5001")
//   value = versioned record: header, then (transparent EF) exactly `size` content bytes.
// All writes go through the ObjectStore overlay, so the Card's per-APDU commit/rollback makes
// every operation here atomic. Errors are CardError with the ISO status word.
#include <optional>
#include <string>
#include <vector>

#include "fs/file.h"
#include "softcard/store.h"

namespace softcard::fs {

Bytes encode_file_record(const FileHeader& header, ByteView content);
// Throws ImageError on a malformed record. `content` (if given) views into `record`.
FileHeader decode_file_record(ByteView record, ByteView* content = nullptr);

class FileTree {
 public:
  explicit FileTree(std::string key_prefix);
  const std::string& prefix() const { return prefix_; }
  std::string key(const Path& path) const;

  std::optional<FileHeader> find(const ObjectStore& store, const Path& path) const;
  // Whether the file exists and what it is, without decoding the whole record (path walks).
  std::optional<FileType> type(const ObjectStore& store, const Path& path) const;
  // Throws 6A82 when absent.
  FileHeader get(const ObjectStore& store, const Path& path) const;
  // The header with the life cycle that governs access: a terminated ancestor DF terminates
  // everything below it, a deactivated one deactivates it (unless the file is terminated).
  // Throws 6A82 when absent.
  FileHeader get_effective(const ObjectStore& store, const Path& path) const;
  // Content of a transparent EF, viewing the stored object (valid until the next write).
  ByteView content(const ObjectStore& store, const Path& path) const;

  // Children (direct) of a DF, sorted by FID.
  std::vector<Path> children(const ObjectStore& store, const Path& df) const;
  // Every file, in key order (depth first).
  std::vector<Path> all(const ObjectStore& store) const;
  // DFs whose name equals `name` (exact) or starts with it (prefix), in tree order, exact
  // matches first.
  std::vector<Path> find_df_name(const ObjectStore& store, ByteView name) const;

  // Creates the MF (path {3F00}); it must be a DF.
  void create_mf(ObjectStore& store, const FileHeader& mf) const;
  // Creates `header` as a child of `parent`. 6A82 parent missing, 6981 parent not a DF,
  // 6A89 FID exists (or equals the parent's / MF's FID), 6A8A DF name exists, 6A80 invalid.
  Path create(ObjectStore& store, const Path& parent, const FileHeader& header,
              ByteView content = {}) const;
  // Removes the file and (DF) everything below it. 6A82 when absent.
  void remove(ObjectStore& store, const Path& path) const;
  void set_life_cycle(ObjectStore& store, const Path& path, LifeCycle lcs) const;
  // Reads up to `max` bytes from `offset`. 6B00 offset beyond the end, 6981 not a
  // transparent EF.
  Bytes read(const ObjectStore& store, const Path& path, std::size_t offset, std::size_t max) const;
  // Writes at `offset`. 6B00 offset beyond the end, 6700 data past the end of the file.
  void write(ObjectStore& store, const Path& path, std::size_t offset, ByteView data) const;

 private:
  std::string prefix_;
};

}  // namespace softcard::fs
