#include <gtest/gtest.h>

#include "softcard/errors.h"
#include "softcard/store.h"

namespace softcard {
namespace {

struct ObjectStoreTest : ::testing::Test {
  MemoryStore* backend = nullptr;
  std::unique_ptr<ObjectStore> store;
  void SetUp() override {
    auto b = std::make_unique<MemoryStore>();
    backend = b.get();
    store = std::make_unique<ObjectStore>(std::move(b));
  }
};

TEST_F(ObjectStoreTest, PendingWritesVisibleButNotDurableUntilCommit) {
  store->put("a/1", {1});
  ASSERT_NE(store->get("a/1"), nullptr);
  EXPECT_TRUE(backend->objects().empty());
  store->commit();
  EXPECT_EQ(backend->objects().at("a/1"), Bytes{1});
  EXPECT_FALSE(store->dirty());
}

TEST_F(ObjectStoreTest, RollbackRestoresCommittedView) {
  store->put("a/1", {1});
  store->commit();
  store->put("a/1", {2});
  store->erase("a/1");
  store->put("a/2", {3});
  store->rollback();
  EXPECT_EQ(*store->get("a/1"), Bytes{1});
  EXPECT_EQ(store->get("a/2"), nullptr);
}

TEST_F(ObjectStoreTest, KeysMergeOverlay) {
  store->put("a/1", {1});
  store->put("a/2", {2});
  store->put("b/1", {3});
  store->commit();
  store->erase("a/1");
  store->put("a/3", {4});
  EXPECT_EQ(store->keys("a/"), (std::vector<std::string>{"a/2", "a/3"}));
  EXPECT_EQ(store->keys("").size(), 3u);
}

TEST_F(ObjectStoreTest, EraseOfUncommittedKeyLeavesNoWrite) {
  store->put("x", {1});
  store->erase("x");
  EXPECT_FALSE(store->dirty());
  store->commit();
  EXPECT_EQ(backend->apply_count(), 0u);
}

TEST_F(ObjectStoreTest, FailedCommitKeepsCommittedStateIntact) {
  store->put("a", {1});
  store->commit();
  backend->set_failing(true);
  store->put("a", {2});
  EXPECT_THROW(store->commit(), ImageError);
  store->rollback();
  EXPECT_EQ(*store->get("a"), Bytes{1});
  EXPECT_EQ(backend->objects().at("a"), Bytes{1});
}

}  // namespace
}  // namespace softcard
