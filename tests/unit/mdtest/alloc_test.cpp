#include "alloc.h"

#include <gtest/gtest.h>

#include <cstring>
#include <thread>

namespace softcard::mdtest {
namespace {

TEST(MdtestAlloc, CountsLiveBlocksOfTheCurrentTracker) {
  AllocTracker t;
  AllocTracker::Use use(t);
  void* a = AllocTracker::alloc(10);
  void* b = AllocTracker::alloc(0);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(t.live(), 2);
  std::memset(a, 0x5A, 10);
  void* c = AllocTracker::realloc(a, 100);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(static_cast<unsigned char*>(c)[9], 0x5A);
  EXPECT_EQ(t.live(), 2);
  AllocTracker::free(c);
  AllocTracker::free(b);
  AllocTracker::free(nullptr);
  EXPECT_EQ(t.live(), 0);
  EXPECT_EQ(t.allocations(), 3);
}

TEST(MdtestAlloc, FailsFromTheNthAllocation) {
  AllocTracker t;
  AllocTracker::Use use(t);
  t.fail_after(1);
  void* a = AllocTracker::alloc(4);
  EXPECT_NE(a, nullptr);
  EXPECT_EQ(AllocTracker::alloc(4), nullptr);
  EXPECT_EQ(AllocTracker::realloc(a, 8), nullptr);  // a stays valid
  t.fail_after(-1);
  EXPECT_EQ(t.live(), 1);
  AllocTracker::free(a);
  EXPECT_EQ(t.live(), 0);
}

TEST(MdtestAlloc, FreeFromAnotherThreadFindsTheOwner) {
  AllocTracker t;
  void* p = nullptr;
  {
    AllocTracker::Use use(t);
    p = AllocTracker::alloc(16);
  }
  std::thread([p] { AllocTracker::free(p); }).join();
  EXPECT_EQ(t.live(), 0);
}

TEST(MdtestAlloc, DoubleFreeIsCountedNotFatal) {
  AllocTracker t;
  AllocTracker::Use use(t);
  void* p = AllocTracker::alloc(8);
  AllocTracker::free(p);
  // The header's magic was cleared; the freed memory may be reused, so only count what we can
  // tell: a block whose header no longer carries the magic.
  alignas(16) unsigned char fake[64] = {};
  AllocTracker::free(fake + 32);
  EXPECT_EQ(t.bad_frees(), 1);
}

}  // namespace
}  // namespace softcard::mdtest
