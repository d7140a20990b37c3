#include <gtest/gtest.h>

#include "applets/iso/iso_applet.h"
#include "applets/iso/iso_profile.h"
#include "fs/file_tree.h"
#include "iso_test_card.h"
#include "softcard/errors.h"

namespace softcard::iso {
namespace {

std::unique_ptr<ObjectStore> empty_store() {
  return std::make_unique<ObjectStore>(std::make_unique<MemoryStore>());
}

TEST(IsoProfile, TestProfileLaysOutTheDocumentedTree) {
  auto store = empty_store();
  personalize(*store, test_profile());
  const fs::FileTree tree(fs_prefix);
  EXPECT_EQ(tree.all(*store).size(), 8u);
  EXPECT_EQ(tree.get(*store, {fs::mf_fid}).df_name, default_aid());
  EXPECT_EQ(tree.get(*store, {fs::mf_fid, 0x6000, 0x6001}).size, 300);
  EXPECT_EQ(security::PinManager(pin_prefix).references(*store).size(), 4u);
  EXPECT_THROW(personalize(*store, test_profile()), ProfileError) << "only once";
}

TEST(IsoProfile, TheJsonTestProfileWritesExactlyTheTestProfile) {
  // The fixture's JSON (iso_test_card.h) and iso::test_profile() describe the same card.
  auto from_struct = empty_store();
  personalize(*from_struct, test_profile());
  auto from_json = empty_store();
  test::CountingRng rng;
  ::softcard::personalize(test::iso_test_profile(), *from_json, rng);
  EXPECT_EQ(from_struct->keys("iso/"), from_json->keys("iso/"));
  // PIN records may carry per-record salt, so only the file system is compared byte for byte.
  for (const auto& key : from_struct->keys(fs_prefix))
    EXPECT_EQ(*from_struct->get(key), *from_json->get(key)) << key;
  const security::PinManager pins(pin_prefix);
  for (const auto ref : pins.references(*from_struct)) {
    const auto a = pins.find(*from_struct, ref), b = pins.find(*from_json, ref);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->min_length, b->min_length);
    EXPECT_EQ(a->max_length, b->max_length);
    EXPECT_EQ(a->max_tries, b->max_tries);
    EXPECT_EQ(a->tries_left, b->tries_left);
    EXPECT_EQ(a->pad_byte, b->pad_byte);
    EXPECT_EQ(a->unblock_reference, b->unblock_reference);
    EXPECT_EQ(a->grants_admin, b->grants_admin);
  }
}

TEST(IsoProfile, RejectsInconsistentFiles) {
  IsoProfile p;
  FileSpec ef;
  ef.fid = 0x1000;
  ef.size = 2;
  ef.content = {1, 2, 3};
  p.files = {ef};
  EXPECT_THROW(personalize(*empty_store(), p), ProfileError);
  p.files[0].content = {1};
  p.files.push_back(p.files[0]);
  EXPECT_THROW(personalize(*empty_store(), p), ProfileError) << "duplicate FID";
  p.files.pop_back();
  p.files[0].children.push_back(ef);
  EXPECT_THROW(personalize(*empty_store(), p), ProfileError) << "an EF with children";
}

TEST(IsoProfile, RejectsPinsWithoutTheirPuk) {
  IsoProfile p;
  security::PinRecord pin;
  pin.reference = 0x81;
  pin.value = SecretBytes(view(std::string_view("1234")));
  pin.unblock_reference = 0x83;
  p.pins = {pin};
  EXPECT_THROW(personalize(*empty_store(), p), ProfileError);
  p.pins[0].unblock_reference.reset();
  p.pins.push_back(p.pins[0]);
  EXPECT_THROW(personalize(*empty_store(), p), ProfileError) << "defined twice";
}

}  // namespace
}  // namespace softcard::iso
