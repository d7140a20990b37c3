#include "softcard/personalize.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include "test_support.h"

#include <filesystem>
#include <fstream>

#include "softcard/card_factory.h"
#include "softcard/crypto.h"
#include "softcard/errors.h"

namespace softcard {
namespace {

namespace fs = std::filesystem;

using test::TempDir;

std::string profile_error(const std::string& text) {
  OpenSslRng rng;
  try {
    const Profile p = parse_profile("t", text);
    ObjectStore store(std::make_unique<MemoryStore>());
    personalize(p, store, rng);
  } catch (const ProfileError& e) {
    return e.what();
  }
  return "";
}

TEST(Profile, BuiltinProfilesParseAndPersonalize) {
  OpenSslRng rng;
  ASSERT_FALSE(builtin_profile_names().empty());
  for (const auto& name : builtin_profile_names()) {
    SCOPED_TRACE(name);
    const Profile p = load_profile(name);
    ObjectStore store(std::make_unique<MemoryStore>());
    const CardIdentity id = personalize(p, store, rng);
    EXPECT_FALSE(id.applets.empty());
    EXPECT_EQ(read_identity(store).applets, id.applets);
  }
}

TEST(Profile, RandomSerialsDiffer) {
  OpenSslRng rng;
  const Profile p = load_profile("iso");
  ObjectStore a(std::make_unique<MemoryStore>()), b(std::make_unique<MemoryStore>());
  EXPECT_NE(personalize(p, a, rng).serial, personalize(p, b, rng).serial);
  PersonalizeOptions fixed;
  fixed.serial = from_hex("0102030405060708");
  ObjectStore c(std::make_unique<MemoryStore>());
  EXPECT_EQ(personalize(p, c, rng, fixed).serial, fixed.serial);
}

TEST(Profile, ErrorsNameTheProblem) {
  EXPECT_NE(profile_error("{").find("not valid JSON"), std::string::npos);
  EXPECT_NE(profile_error(R"({"applets":["iso"]})").find("softcard_profile"), std::string::npos);
  EXPECT_NE(profile_error(R"({"softcard_profile":1})").find("missing field 'applets'"),
            std::string::npos);
  EXPECT_NE(profile_error(R"({"softcard_profile":1,"applets":["iso"],"colour":1})")
                .find("unknown field 'colour'"),
            std::string::npos);
  EXPECT_NE(profile_error(R"({"softcard_profile":1,"applets":["piv2000"],"piv2000":{}})")
                .find("unknown applet"),
            std::string::npos);
  EXPECT_NE(
      profile_error(R"({"softcard_profile":1,"applets":["iso"],"atr":"12"})").find("field atr:"),
      std::string::npos);
  EXPECT_NE(profile_error(R"({"softcard_profile":1,"applets":["iso"],"serial":"xyz"})")
                .find("field serial:"),
            std::string::npos);
  const std::string pin_err = profile_error(
      R"({"softcard_profile":1,"applets":["iso"],"iso":{"pins":[{"reference":"81","value":"1234","max_tries":20}]}})");
  EXPECT_NE(pin_err.find("profile t, field iso.pins[0].max_tries: 20 is out of range 1..15"),
            std::string::npos)
      << pin_err;
  const std::string access_err = profile_error(
      R"({"softcard_profile":1,"applets":["iso"],"iso":{"files":[{"fid":"2F00","access":{"read":"sometimes"}}]}})");
  EXPECT_NE(access_err.find("files[0].access.read"), std::string::npos) << access_err;
}

TEST(Profile, CreateImageLeavesNothingOnErrorAndNeverOverwrites) {
  TempDir dir;
  OpenSslRng rng;
  const auto image = dir.path / "card.img";
  const Profile bad = parse_profile(
      "bad",
      R"({"softcard_profile":1,"applets":["iso"],"iso":{"pins":[{"reference":"81","value":"12"}]}})");
  EXPECT_THROW(create_image(image, bad, rng), ProfileError);
  EXPECT_FALSE(fs::exists(image));

  const Profile good = load_profile("iso");
  const CardIdentity id = create_image(image, good, rng);
  CardOptions options;
  options.rng = &rng;
  {
    auto card = open_card(image, options);
    EXPECT_EQ(read_identity(card->store()).serial, id.serial);
    EXPECT_EQ(to_hex(card->transmit(from_hex("00 A4 00 0C 02 3F00"))), "9000");
  }
  const auto before = fs::file_size(image);
  EXPECT_THROW(create_image(image, good, rng), ImageError);
  EXPECT_EQ(fs::file_size(image), before);
  auto card = open_card(image, options);
  EXPECT_EQ(read_identity(card->store()).serial, id.serial);
}

TEST(Profile, ProfileFileFromDisk) {
  TempDir dir;
  const auto path = dir.path / "mine.json";
  std::ofstream(path)
      << R"({"softcard_profile":1,"name":"mine","applets":["iso"],"serial":"0A0B"})";
  const Profile p = load_profile(path.string());
  EXPECT_EQ(p.name, "mine");
  EXPECT_THROW(load_profile((dir.path / "missing.json").string()), ProfileError);
}

}  // namespace
}  // namespace softcard
