#include "alloc.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace softcard::mdtest {

namespace {

constexpr std::uint64_t block_magic = 0x6D64746573746D6Bull;

struct alignas(16) Header {
  AllocTracker* owner;
  std::size_t size;
  std::uint64_t magic;
};

AllocTracker*& current() {
  thread_local AllocTracker* tracker = nullptr;
  return tracker;
}

Header* header_of(LPVOID address) {
  return reinterpret_cast<Header*>(static_cast<unsigned char*>(address) - sizeof(Header));
}

}  // namespace

AllocTracker::Use::Use(AllocTracker& t) : previous_(current()) {
  current() = &t;
}
AllocTracker::Use::~Use() {
  current() = previous_;
}

bool AllocTracker::may_allocate() {
  long n = fail_after_.load();
  while (n >= 0) {
    if (n == 0) return false;
    if (fail_after_.compare_exchange_weak(n, n - 1)) return true;
  }
  return true;
}

LPVOID WINAPI AllocTracker::alloc(SIZE_T size) {
  AllocTracker* t = current();
  if (t && !t->may_allocate()) return nullptr;
  auto* h = static_cast<Header*>(std::malloc(sizeof(Header) + (size ? size : 1)));
  if (!h) return nullptr;
  h->owner = t;
  h->size = size;
  h->magic = block_magic;
  if (t) {
    ++t->live_;
    ++t->allocations_;
  }
  return h + 1;
}

LPVOID WINAPI AllocTracker::realloc(LPVOID address, SIZE_T size) {
  if (!address) return alloc(size);
  Header* old = header_of(address);
  if (old->magic != block_magic) {
    if (AllocTracker* t = current()) ++t->bad_frees_;
    return nullptr;
  }
  LPVOID fresh = alloc(size);
  if (!fresh) return nullptr;
  std::memcpy(fresh, address, old->size < size ? old->size : size);
  free(address);
  return fresh;
}

void WINAPI AllocTracker::free(LPVOID address) {
  if (!address) return;
  Header* h = header_of(address);
  if (h->magic != block_magic) {
    // Not ours (or freed twice): count it rather than corrupt the heap.
    if (AllocTracker* t = current()) ++t->bad_frees_;
    return;
  }
  h->magic = 0;
  if (h->owner) --h->owner->live_;
  std::free(h);
}

}  // namespace softcard::mdtest
