#include "fs/file_tree.h"

#include <gtest/gtest.h>

#include "test_support.h"

#include "softcard/errors.h"

namespace softcard::fs {
namespace {

using security::AccessCondition;

Sw thrown(auto&& f) {
  return test::thrown_sw(f);
}

FileHeader df(std::uint16_t fid, Bytes name = {}) {
  FileHeader h;
  h.fid = fid;
  h.type = FileType::df;
  h.df_name = std::move(name);
  h.rules = AccessRules::all(AccessCondition::always());
  return h;
}

FileHeader ef(std::uint16_t fid, std::uint16_t size) {
  FileHeader h;
  h.fid = fid;
  h.size = size;
  h.rules = AccessRules::all(AccessCondition::always());
  return h;
}

class FileTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto mem = std::make_unique<MemoryStore>();
    memory = mem.get();
    store = std::make_unique<ObjectStore>(std::move(mem));
    tree.create_mf(*store, df(mf_fid, {0xF0, 0x01}));
    tree.create(*store, {mf_fid}, df(0x5000, {0xA0, 0x00, 0x01}));
    tree.create(*store, {mf_fid, 0x5000}, ef(0x5001, 8), from_hex("0102"));
    tree.create(*store, {mf_fid}, ef(0x2F00, 4));
    store->commit();
  }
  MemoryStore* memory = nullptr;
  std::unique_ptr<ObjectStore> store;
  FileTree tree{"t/fs/"};
};

TEST_F(FileTreeTest, KeysAreOneObjectPerFile) {
  EXPECT_EQ(tree.key({mf_fid, 0x5000, 0x5001}), "t/fs/3f00/5000/5001");
  EXPECT_EQ(memory->objects().size(), 4u);
  EXPECT_EQ(tree.all(*store).size(), 4u);
  EXPECT_EQ(tree.children(*store, {mf_fid}),
            (std::vector<Path>{{mf_fid, 0x2F00}, {mf_fid, 0x5000}}));
}

TEST_F(FileTreeTest, RecordRoundTripAndCorruption) {
  const FileHeader h = ef(0x1234, 3);
  const Bytes rec = encode_file_record(h, from_hex("aabbcc"));
  ByteView content;
  EXPECT_EQ(decode_file_record(rec, &content), h);
  EXPECT_EQ(to_hex(content), "aabbcc");
  Bytes short_content(rec.begin(), rec.end() - 1);
  EXPECT_THROW(decode_file_record(short_content), ImageError);
  Bytes newer = rec;
  newer[0] = 9;
  EXPECT_THROW(decode_file_record(newer), ImageError);
  Bytes bad_type = rec;
  bad_type[1] = 0x02;
  EXPECT_THROW(decode_file_record(bad_type), ImageError);
  EXPECT_THROW(decode_file_record(Bytes{1, 1}), ImageError);
}

TEST_F(FileTreeTest, ContentIsZeroFilledToSize) {
  EXPECT_EQ(to_hex(tree.read(*store, {mf_fid, 0x5000, 0x5001}, 0, 100)), "0102000000000000");
  EXPECT_EQ(to_hex(tree.read(*store, {mf_fid, 0x5000, 0x5001}, 1, 2)), "0200");
}

TEST_F(FileTreeTest, ReadWriteBounds) {
  const Path p{mf_fid, 0x5000, 0x5001};
  EXPECT_EQ(thrown([&] { tree.read(*store, p, 8, 1); }), Sw::wrong_p1p2);
  EXPECT_EQ(thrown([&] { tree.write(*store, p, 8, from_hex("01")); }), Sw::wrong_p1p2);
  EXPECT_EQ(thrown([&] { tree.write(*store, p, 6, from_hex("010203")); }), Sw::wrong_length);
  tree.write(*store, p, 6, from_hex("0a0b"));
  EXPECT_EQ(to_hex(tree.read(*store, p, 4, 10)), "00000a0b");
  EXPECT_EQ(thrown([&] {
              tree.read(*store, {mf_fid, 0x5000}, 0, 1);
            }),
            Sw::incompatible_file_structure);
}

TEST_F(FileTreeTest, CreateErrors) {
  EXPECT_EQ(thrown([&] { tree.create(*store, {mf_fid}, ef(0x2F00, 1)); }), Sw::file_exists);
  EXPECT_EQ(thrown([&] { tree.create(*store, {mf_fid, 0x5000}, ef(0x5000, 1)); }), Sw::file_exists);
  EXPECT_EQ(thrown([&] {
              tree.create(*store, {mf_fid}, df(0x6000, {0xA0, 0x00, 0x01}));
            }),
            Sw::df_name_exists);
  EXPECT_EQ(thrown([&] {
              tree.create(*store, {mf_fid, 0x2F00}, ef(0x0001, 1));
            }),
            Sw::incompatible_file_structure);
  EXPECT_EQ(thrown([&] {
              tree.create(*store, {mf_fid, 0x7000}, ef(0x0001, 1));
            }),
            Sw::file_not_found);
  EXPECT_EQ(thrown([&] { tree.create(*store, {mf_fid}, ef(0x4000, 1), from_hex("0102")); }),
            Sw::wrong_data);
  EXPECT_FALSE(store->dirty()) << "failed creations wrote nothing";
}

TEST_F(FileTreeTest, FindDfNameExactFirstThenPrefix) {
  tree.create(*store, {mf_fid}, df(0x6000, {0xA0, 0x00}));
  EXPECT_EQ(tree.find_df_name(*store, from_hex("a000")),
            (std::vector<Path>{{mf_fid, 0x6000}, {mf_fid, 0x5000}}));
  EXPECT_EQ(tree.find_df_name(*store, from_hex("a00001")), (std::vector<Path>{{mf_fid, 0x5000}}));
  EXPECT_TRUE(tree.find_df_name(*store, from_hex("a00002")).empty());
}

TEST_F(FileTreeTest, RemoveIsRecursiveAndRollsBack) {
  tree.remove(*store, {mf_fid, 0x5000});
  EXPECT_FALSE(tree.find(*store, {mf_fid, 0x5000, 0x5001}));
  EXPECT_FALSE(tree.find(*store, {mf_fid, 0x5000}));
  EXPECT_TRUE(tree.find(*store, {mf_fid, 0x2F00}));
  store->rollback();
  EXPECT_TRUE(tree.find(*store, {mf_fid, 0x5000, 0x5001}));
  EXPECT_EQ(thrown([&] { tree.remove(*store, {mf_fid, 0x7777}); }), Sw::file_not_found);
}

TEST_F(FileTreeTest, LifeCycleKeepsContent) {
  const Path p{mf_fid, 0x5000, 0x5001};
  tree.set_life_cycle(*store, p, LifeCycle::deactivated);
  EXPECT_EQ(tree.get(*store, p).life_cycle, LifeCycle::deactivated);
  EXPECT_EQ(to_hex(tree.read(*store, p, 0, 2)), "0102");
}

TEST_F(FileTreeTest, AncestorsGovernTheEffectiveLifeCycle) {
  const Path ef{mf_fid, 0x5000, 0x5001};
  EXPECT_EQ(tree.get_effective(*store, ef).life_cycle, LifeCycle::operational);
  tree.set_life_cycle(*store, {mf_fid, 0x5000}, LifeCycle::deactivated);
  EXPECT_EQ(tree.get_effective(*store, ef).life_cycle, LifeCycle::deactivated);
  EXPECT_EQ(tree.get(*store, ef).life_cycle, LifeCycle::operational) << "the record is unchanged";
  tree.set_life_cycle(*store, {mf_fid}, LifeCycle::terminated);
  EXPECT_EQ(tree.get_effective(*store, ef).life_cycle, LifeCycle::terminated);
  EXPECT_EQ(thrown([&] { tree.get_effective(*store, {mf_fid, 0x7777}); }), Sw::file_not_found);
}

TEST_F(FileTreeTest, FailingMediumLeavesCommittedStateIntact) {
  const Path p{mf_fid, 0x5000, 0x5001};
  tree.write(*store, p, 0, from_hex("ffff"));
  memory->set_failing(true);
  EXPECT_THROW(store->commit(), ImageError);
  memory->set_failing(false);
  store->rollback();
  EXPECT_EQ(to_hex(tree.read(*store, p, 0, 2)), "0102");
}

}  // namespace
}  // namespace softcard::fs
