// Malformed profiles found by an adversarial pass (issue 10): each is refused with a
// ProfileError that names the profile (file) and the field, in plain words, and leaves no image.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "softcard/card_factory.h"
#include "softcard/crypto.h"
#include "softcard/errors.h"
#include "softcard/personalize.h"
#include "test_support.h"

namespace softcard {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

// The message init would print for a profile file holding `json`, or "" when it is accepted.
// Also checks that no image was left behind on failure.
std::string init_error(const std::string& json, std::string* file = nullptr) {
  TempDir dir;
  const auto path = dir.path / "bad.json";
  std::ofstream(path) << json;
  if (file) *file = path.string();
  OpenSslRng rng;
  const auto image = dir.path / "bad.img";
  try {
    create_image(image, load_profile(path.string()), rng);
  } catch (const ProfileError& e) {
    EXPECT_FALSE(fs::exists(image));
    return e.what();
  }
  return "";
}

TEST(ProfileHardening, AnAppletListedTwiceIsRefusedNamingFileAndField) {
  std::string file;
  const std::string err = init_error(R"({"softcard_profile":1,"applets":["gids","gids"]})", &file);
  EXPECT_EQ(err, "profile " + file +
                     ", field applets[1]: applet 'gids' is listed twice (each applet is "
                     "installed once)");
}

TEST(ProfileHardening, NumberOverflowIsAProfileErrorNamingTheFile) {
  std::string file;
  const std::string err = init_error(R"({"softcard_profile":1e400,"applets":["iso"]})", &file);
  EXPECT_EQ(err.rfind("profile " + file + ": not valid JSON", 0), 0u) << err;
  EXPECT_NE(err.find("1e400"), std::string::npos) << err;
  // Inline JSON too (Python's Card.create takes a dict).
  EXPECT_THROW(
      parse_profile("inline", R"({"softcard_profile":1,"applets":["iso"],"serial":1e999})"),
      ProfileError);
}

TEST(ProfileHardening, HugeIntegersAreOutOfRangeNotWrapped) {
  const std::string err =
      init_error(R"({"softcard_profile":18446744073709551617,"applets":["iso"]})");
  EXPECT_NE(err, "");
  const std::string tries = init_error(
      R"({"softcard_profile":1,"applets":["gids"],"gids":{"user_pin":{"value":"123456","max_tries":18446744073709551615}}})");
  EXPECT_NE(tries.find("field gids.user_pin.max_tries: 18446744073709551615 is out of range 1..15"),
            std::string::npos)
      << tries;
}

TEST(ProfileHardening, IsoErrorsNameFileAndFieldInPlainWords) {
  std::string file;
  struct Case {
    const char* iso;
    const char* expected;  // after "profile FILE, field "
  };
  const Case cases[] = {
      {R"({"files":[{"fid":"3F00"}]})",
       "iso.files[0].fid: 3F00 is reserved (3F00 is the MF, 3FFF and FFFF are reserved by ISO "
       "7816-4)"},
      {R"({"files":[{"fid":"5000","type":"df","children":[{"fid":"5000"}]}]})",
       "iso.files[0].children[0].fid: 5000 is the FID of the parent DF"},
      {R"({"files":[{"fid":"2F00"},{"fid":"2F00"}]})",
       "iso.files[1].fid: 2F00 is already used by iso.files[0] in the same DF"},
      {R"({"files":[{"fid":"5000","type":"df","name":"A0000001"},{"fid":"6000","type":"df","name":"a0000001"}]})",
       "iso.files[1].name: DF name a0000001 is already used by iso.files[0].name"},
      {R"({"mf_name":"A000000001","files":[{"fid":"5000","type":"df","name":"A000000001"}]})",
       "iso.files[0].name: DF name a000000001 is already used by iso.mf_name (the MF)"},
      {R"({"pins":[{"reference":"81","value":"1234"},{"reference":"81","value":"5678"}]})",
       "iso.pins[1].reference: PIN 81 is already defined by iso.pins[0]"},
      {R"({"pins":[{"reference":"81","value":"1234","unblock_reference":"83"}]})",
       "iso.pins[0].unblock_reference: PIN 83 is not defined in iso.pins"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.iso);
    const std::string err = init_error(
        std::string(R"({"softcard_profile":1,"applets":["iso"],"iso":)") + c.iso + "}", &file);
    EXPECT_EQ(err, "profile " + file + ", field " + c.expected);
    // Never a status word: a profile author is not a card host.
    for (const char* sw : {"6A80", "6A89", "6A8A", "6A84"})
      EXPECT_EQ(err.find(sw), std::string::npos) << err;
  }
}

TEST(ProfileHardening, GidsErrorsNameTheFile) {
  std::string file;
  const std::string err = init_error(
      R"({"softcard_profile":1,"name":"mine","applets":["gids"],"gids":{"user_pin":{"value":"123"}}})",
      &file);
  EXPECT_EQ(err, "profile " + file + ", field gids.user_pin.value: must be 4 to 16 characters");
}

TEST(ProfileHardening, InvalidAtrIsRefusedAtInit) {
  for (const char* atr : {"3B00FF",     // a byte after T=0-only
                          "3B8B810180"  // historical bytes missing
                          ,
                          "3B8B8101805973 6F66746361726401"  // TCK missing
                          ,
                          "3B8B8101805973 6F6674636172640100"  // TCK wrong
                          ,
                          "3BF0"}) {  // TA..TD announced, absent
    SCOPED_TRACE(atr);
    const std::string err =
        init_error(std::string(R"({"softcard_profile":1,"applets":["iso"],"atr":")") + atr + "\"}");
    EXPECT_NE(err.find(", field atr: "), std::string::npos) << err;
  }
  // A well-formed one is accepted, and served as given.
  EXPECT_EQ(init_error(R"({"softcard_profile":1,"applets":["iso"],"atr":"3B0180"})"), "");
}

TEST(Atr, ProblemsAreFoundAndGoodAtrsPass) {
  EXPECT_EQ(atr_problem(from_hex("3B 8B 81 01 80 59 73 6F 66 74 63 61 72 64 01 C9")), "")
      << "softcard's default ATR";
  EXPECT_EQ(atr_problem(from_hex("3B 00")), "");
  EXPECT_EQ(atr_problem(from_hex("3F 00")), "");
  // T=1 in TD1, so TCK required: 3B 80 01 TCK(81).
  EXPECT_EQ(atr_problem(from_hex("3B 80 01 81")), "");
  EXPECT_NE(atr_problem(from_hex("3B 80 01 80")), "");
  EXPECT_NE(atr_problem(from_hex("3B 80 01")), "");
  EXPECT_NE(atr_problem(from_hex("3C 00")), "");
  EXPECT_NE(atr_problem(from_hex("3B")), "");
  EXPECT_NE(atr_problem(Bytes(34, 0x3B)), "");
  EXPECT_NE(atr_problem(from_hex("3B 02 01")), "");  // one historical byte short
  EXPECT_NE(atr_problem(from_hex("3B 10")), "");     // TA1 announced, absent
}

TEST(ProfileHardening, InvalidOrDuplicateIdentityIsRefusedWhenOpeningAnImage) {
  OpenSslRng rng;
  CardOptions options;
  options.rng = &rng;
  const auto with = [](const char* key, Bytes value) {
    auto store = std::make_unique<MemoryStore>();
    ObjectStore s(std::make_unique<MemoryStore>());
    ChangeSet c;
    c.writes.emplace_back(keys::applets, Bytes{'i', 's', 'o'});
    c.writes.emplace_back(keys::serial, Bytes{1, 2});
    c.writes.emplace_back(key, std::move(value));
    store->apply(c);
    return store;
  };
  try {
    make_card(with(keys::atr, from_hex("3B00FF")), options, builtin_applets());
    ADD_FAILURE() << "an invalid stored ATR was accepted";
  } catch (const ImageError& e) {
    EXPECT_NE(std::string(e.what()).find("card/atr"), std::string::npos) << e.what();
  }
  try {
    make_card(with(keys::applets, Bytes{'i', 's', 'o', ',', 'i', 's', 'o'}), options,
              builtin_applets());
    ADD_FAILURE() << "an image listing an applet twice was accepted";
  } catch (const ImageError& e) {
    EXPECT_NE(std::string(e.what()).find("'iso' twice"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(make_card(with(keys::atr, from_hex("3B00")), options, builtin_applets()));
}

TEST(ProfileHardening, SharedKeysUseTheDocumentedListForm) {
  const std::string key(64, 'a');
  EXPECT_EQ(
      init_error(
          R"({"softcard_profile":1,"applets":["gids"],"ski":{"shared_keys":[{"number":1,"key":")" +
          key + R"("}]}})"),
      "");
  const std::string map_form = init_error(
      R"({"softcard_profile":1,"applets":["gids"],"ski":{"shared_keys":{"1":")" + key + R"("}}})");
  EXPECT_NE(map_form.find("field ski.shared_keys: must be a list"), std::string::npos) << map_form;
  const std::string twice = init_error(
      R"({"softcard_profile":1,"applets":["gids"],"ski":{"shared_keys":[{"number":1,"key":")" +
      key + R"("},{"number":1,"key":")" + key + R"("}]}})");
  EXPECT_NE(twice.find("field ski.shared_keys[1].number: key 1 is given twice"), std::string::npos)
      << twice;
}

}  // namespace
}  // namespace softcard
