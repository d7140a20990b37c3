#include "applets/iso/iso_profile.h"

#include "applets/iso/iso_applet.h"
#include "fs/file_tree.h"
#include "softcard/errors.h"

namespace softcard::iso {
namespace {

using security::AccessCondition;

void create_files(ObjectStore& store, const fs::FileTree& tree, const fs::Path& parent,
                  const std::vector<FileSpec>& files) {
  for (const auto& f : files) {
    fs::Path path = parent;
    path.push_back(f.fid);
    const auto fail = [&](const std::string& why) {
      throw ProfileError("ISO file " + fs::to_string(path) + ": " + why);
    };
    fs::FileHeader h;
    h.fid = f.fid;
    h.type = f.df ? fs::FileType::df : fs::FileType::transparent;
    h.df_name = f.df_name;
    h.life_cycle = f.life_cycle;
    h.rules = f.access;
    if (f.df) {
      if (f.size || !f.content.empty()) fail("a DF has no size or content");
    } else {
      if (!f.df_name.empty() || !f.children.empty()) fail("an EF has no name or children");
      if (f.content.size() > 0xFFFF) fail("content too large");
      h.size = f.size ? f.size : static_cast<std::uint16_t>(f.content.size());
      if (f.content.size() > h.size) fail("content larger than size");
    }
    if (f.df_name.size() > 16) fail("DF name longer than 16 bytes");
    try {
      tree.create(store, parent, h, f.content);
    } catch (const CardError& e) {
      // Plain words: a profile author reads this, not a card host.
      fail(e.sw() == Sw::file_exists      ? "the FID is already used in this DF"
           : e.sw() == Sw::df_name_exists ? "the DF name is already used on the card"
                                          : "the file system refuses it (reserved FID?)");
    }
    if (f.df) create_files(store, tree, path, f.children);
  }
}

Bytes text(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

}  // namespace

fs::AccessRules default_access() {
  fs::AccessRules r = fs::AccessRules::all(AccessCondition::admin());
  r[fs::Operation::read] = AccessCondition::always();
  return r;
}

void personalize(ObjectStore& store, const IsoProfile& profile) {
  const fs::FileTree tree(fs_prefix);
  if (!store.keys(fs_prefix).empty() || !store.keys(pin_prefix).empty())
    throw ProfileError("the image already holds an ISO file system");
  fs::FileHeader mf;
  mf.fid = fs::mf_fid;
  mf.type = fs::FileType::df;
  mf.df_name = profile.mf_name.empty() ? default_aid() : profile.mf_name;
  mf.rules = profile.mf_access;
  tree.create_mf(store, mf);
  create_files(store, tree, {fs::mf_fid}, profile.files);
  const security::PinManager pins(pin_prefix);
  for (const auto& pin : profile.pins) {
    if (pins.find(store, pin.reference))
      throw ProfileError("PIN " + pins.key(pin.reference) + " defined twice");
    pins.install(store, pin);
  }
  for (const auto& pin : profile.pins)
    if (pin.unblock_reference && !pins.find(store, *pin.unblock_reference))
      throw ProfileError("PIN " + pins.key(pin.reference) + ": unblock PIN not defined");
}

IsoProfile test_profile() {
  using fs::Operation;
  IsoProfile p;
  const auto pin81 = AccessCondition::pin(0x81);
  const auto admin = AccessCondition::admin();

  security::PinRecord user;
  user.reference = 0x81;
  user.min_length = 4;
  user.max_length = 8;
  user.max_tries = user.tries_left = 3;
  user.unblock_reference = 0x83;
  user.value = SecretBytes(view(std::string_view("1234")));
  security::PinRecord so;
  so.reference = 0x82;
  so.min_length = so.max_length = 8;
  so.max_tries = so.tries_left = 3;
  so.grants_admin = true;
  so.value = SecretBytes(view(std::string_view("87654321")));
  security::PinRecord puk;
  puk.reference = 0x83;
  puk.min_length = puk.max_length = 8;
  puk.max_tries = puk.tries_left = 5;
  puk.value = SecretBytes(view(std::string_view("12345678")));
  security::PinRecord padded;
  padded.reference = 0x84;
  padded.min_length = 4;
  padded.max_length = 8;
  padded.max_tries = padded.tries_left = 3;
  padded.pad_byte = 0xFF;
  padded.value = SecretBytes(view(std::string_view("4321")));
  p.pins = {user, so, puk, padded};

  FileSpec info;
  info.fid = 0x2F00;
  info.size = 32;
  info.content = text("softcard test card");

  FileSpec df1;
  df1.fid = 0x5000;
  df1.df = true;
  df1.df_name = {0xA0, 0x00, 0x00, 0x00, 0x01, 0x50, 0x53};
  df1.access[Operation::create] = pin81 | admin;
  FileSpec ef1;
  ef1.fid = 0x5001;
  ef1.size = 128;
  ef1.access[Operation::update] = pin81 | admin;
  FileSpec ef2;
  ef2.fid = 0x5002;
  ef2.size = 16;
  ef2.content = text("secret");
  ef2.access[Operation::read] = pin81;
  ef2.access[Operation::update] = pin81;
  FileSpec ef3;
  ef3.fid = 0x5003;
  ef3.size = 8;
  ef3.access[Operation::read] = AccessCondition::never();
  ef3.access[Operation::update] = AccessCondition::never();
  df1.children = {ef1, ef2, ef3};

  FileSpec df2;
  df2.fid = 0x6000;
  df2.df = true;
  df2.df_name = {0xA0, 0x00, 0x00, 0x00, 0x01, 0x60, 0x00};
  FileSpec big;
  big.fid = 0x6001;
  big.size = 300;
  for (int i = 0; i < 300; ++i) big.content.push_back(static_cast<std::uint8_t>(i));
  df2.children = {big};

  p.files = {info, df1, df2};
  return p;
}

}  // namespace softcard::iso
