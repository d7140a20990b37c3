#pragma once
// The allocator the suite hands to the minidriver (pfnCspAlloc/ReAlloc/Free). It counts live
// blocks so a node can prove nothing leaked, and can be told to fail from the Nth allocation on
// (the minidriver must then answer SCARD_E_NO_MEMORY and free what it had allocated).
#include <atomic>
#include <cstddef>

#include "cardmod.h"

namespace softcard::mdtest {

class AllocTracker {
 public:
  long live() const { return live_.load(); }
  long allocations() const { return allocations_.load(); }
  long bad_frees() const { return bad_frees_.load(); }
  // After `n` more successful allocations every allocation fails; negative: never fail.
  void fail_after(long n) { fail_after_.store(n); }

  // The CARD_DATA callbacks carry no context pointer, so the tracker for allocations is the one
  // made current on the calling thread (Use); frees find their tracker in the block header.
  class Use {
   public:
    explicit Use(AllocTracker& t);
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

   private:
    AllocTracker* previous_;
  };

  static LPVOID WINAPI alloc(SIZE_T size);
  static LPVOID WINAPI realloc(LPVOID address, SIZE_T size);
  static void WINAPI free(LPVOID address);

 private:
  bool may_allocate();
  std::atomic<long> live_{0}, allocations_{0}, bad_frees_{0}, fail_after_{-1};
};

}  // namespace softcard::mdtest
