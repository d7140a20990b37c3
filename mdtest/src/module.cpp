#include "module.h"

#include <dlfcn.h>

#include <cstring>
#include <stdexcept>

namespace softcard::mdtest {

namespace {

std::u16string utf16(const std::string& s) {
  return std::u16string(s.begin(), s.end());  // card names are ASCII
}

FileCache& cache_of(PVOID ctx) {
  return *static_cast<FileCache*>(ctx);
}

DWORD WINAPI cache_add(PVOID ctx, LPWSTR tag, DWORD, PBYTE data, DWORD cb) {
  if (!ctx || !tag || (!data && cb)) return SCARD_E_INVALID_PARAMETER;
  auto& c = cache_of(ctx);
  std::lock_guard lock(c.mutex);
  c.files[tag] = std::vector<BYTE>(data, data + cb);
  return 0;
}

DWORD WINAPI cache_lookup(PVOID ctx, LPWSTR tag, DWORD, PBYTE* data, PDWORD cb) {
  if (!ctx || !tag || !data || !cb) return SCARD_E_INVALID_PARAMETER;
  auto& c = cache_of(ctx);
  std::lock_guard lock(c.mutex);
  auto it = c.files.find(tag);
  if (it == c.files.end()) return SCARD_E_FILE_NOT_FOUND;
  auto* p = static_cast<PBYTE>(AllocTracker::alloc(it->second.size()));
  if (!p) return SCARD_E_NO_MEMORY;
  if (!it->second.empty()) std::memcpy(p, it->second.data(), it->second.size());
  *data = p;
  *cb = static_cast<DWORD>(it->second.size());
  return 0;
}

DWORD WINAPI cache_delete(PVOID ctx, LPWSTR tag, DWORD) {
  if (!ctx || !tag) return SCARD_E_INVALID_PARAMETER;
  auto& c = cache_of(ctx);
  std::lock_guard lock(c.mutex);
  c.files.erase(tag);
  return 0;
}

}  // namespace

Library::Library(const std::string& path) : path_(path) {
  handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) throw std::runtime_error("cannot load " + path + ": " + ::dlerror());
  acquire_ = reinterpret_cast<PFN_CARD_ACQUIRE_CONTEXT>(::dlsym(handle_, "CardAcquireContext"));
  if (!acquire_) {
    ::dlclose(handle_);
    throw std::runtime_error(path + " does not export CardAcquireContext");
  }
}

Library::~Library() {
  if (handle_) ::dlclose(handle_);
}

Session::Session(const Library& lib, const pcsc::Connection* conn, const std::string& card_name,
                 DWORD version)
    : lib_(lib), card_name_(utf16(card_name)) {
  cd_.dwVersion = version;
  cd_.pfnCspAlloc = &AllocTracker::alloc;
  cd_.pfnCspReAlloc = &AllocTracker::realloc;
  cd_.pfnCspFree = &AllocTracker::free;
  cd_.pfnCspCacheAddFile = &cache_add;
  cd_.pfnCspCacheLookupFile = &cache_lookup;
  cd_.pfnCspCacheDeleteFile = &cache_delete;
  cd_.pvCacheContext = &cache_;
  if (conn) {
    atr_ = conn->atr;
    cd_.pbAtr = atr_.data();
    cd_.cbAtr = static_cast<DWORD>(atr_.size());
    cd_.pwszCardName = card_name_.data();
    cd_.hSCardCtx = conn->context;
    cd_.hScard = conn->handle;
  }
}

DWORD Session::acquire(DWORD flags) {
  const DWORD rc = lib_.acquire()(&cd_, flags);
  acquired_ = rc == 0;
  return rc;
}

DWORD Session::delete_context() {
  if (!acquired_) return 0;
  acquired_ = false;
  if (!cd_.pfnCardDeleteContext) return SCARD_F_INTERNAL_ERROR;
  return cd_.pfnCardDeleteContext(&cd_);
}

Session::~Session() {
  delete_context();
}

}  // namespace softcard::mdtest
