#pragma once
// The minidriver under test, reached only through its exported CardAcquireContext and the
// CARD_DATA function table, and a CARD_DATA filled the way Windows' base CSP fills it.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "alloc.h"
#include "cardmod.h"
#include "pcsc_link.h"

namespace softcard::mdtest {

using PFN_CARD_ACQUIRE_CONTEXT = DWORD(WINAPI*)(PCARD_DATA, DWORD);

class Library {
 public:
  explicit Library(const std::string& path);  // throws std::runtime_error with the loader's reason
  ~Library();
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;
  PFN_CARD_ACQUIRE_CONTEXT acquire() const { return acquire_; }
  const std::string& path() const { return path_; }

 private:
  void* handle_ = nullptr;
  PFN_CARD_ACQUIRE_CONTEXT acquire_ = nullptr;
  std::string path_;
};

// The CSP's file cache behind pfnCspCacheAddFile/LookupFile/DeleteFile (pvCacheContext).
struct FileCache {
  std::mutex mutex;
  std::map<std::u16string, std::vector<BYTE>> files;
};

// One CARD_DATA. Constructed filled in (version, allocator, cache, ATR, card name, handles from
// `conn` or zero for no-card mode); a node may spoil any field before acquire().
class Session {
 public:
  Session(const Library& lib, const pcsc::Connection* conn, const std::string& card_name,
          DWORD version = CARD_DATA_CURRENT_VERSION);
  ~Session();  // CardDeleteContext when acquire() succeeded
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  DWORD acquire(DWORD flags = 0);
  bool acquired() const { return acquired_; }
  CARD_DATA* cd() { return &cd_; }
  CARD_DATA* operator->() { return &cd_; }
  // Frees a buffer the minidriver allocated for the caller.
  void free(void* p) { AllocTracker::free(p); }
  // Calls CardDeleteContext now (checked by the caller); the destructor then does nothing.
  DWORD delete_context();
  std::vector<BYTE>& atr() { return atr_; }

 private:
  const Library& lib_;
  CARD_DATA cd_{};
  std::vector<BYTE> atr_;
  std::u16string card_name_;
  FileCache cache_;
  bool acquired_ = false;
};

}  // namespace softcard::mdtest
