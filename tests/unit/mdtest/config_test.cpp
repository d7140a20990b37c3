#include "config.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace softcard::mdtest {
namespace {

std::string error_of(const std::string& json) {
  try {
    parse_config(json);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(MdtestConfig, EmptyObjectGivesTheDocumentedDefaults) {
  const Config c = parse_config("{}");
  EXPECT_EQ(c.user_pin, "123456");
  EXPECT_EQ(c.admin_key.algorithm, "3des");
  EXPECT_EQ(c.admin_key.value, std::vector<std::uint8_t>(24, 0));
  EXPECT_TRUE(c.readers.empty());
  EXPECT_EQ(c.pin_max_tries, 3u);
  EXPECT_TRUE(c.session_pin);
  EXPECT_EQ(c.speed_repeat, 20u);
  EXPECT_EQ(c.stress_threads, 5u);
  EXPECT_TRUE(c.ski);
  EXPECT_FALSE(c.read_only);
  EXPECT_TRUE(c.implements("CardCreateFile"));  // absent: implemented
}

TEST(MdtestConfig, ReadsEveryGroup) {
  const Config c = parse_config(R"({
    "library": "/x/lib.so", "card_name": "X", "readers": ["A", "B"],
    "pins": {"user": "87654321", "min_length": 6, "max_length": 8, "max_tries": 5,
             "session_pin": false,
             "admin_key": {"algorithm": "aes", "value": "000102030405060708090a0b0c0d0e0f"}},
    "keys": {"rsa_generate": [2048], "rsa_import": [], "ecc_generate": ["P-384"]},
    "sign": {"paddings": ["pkcs1"], "hashes": ["sha256"]},
    "decrypt": {"paddings": ["oaep"], "oaep_hashes": ["sha256"], "oaep_labels": false},
    "kdfs": ["HASH"], "functions": {"CardCreateFile": false}, "read_only": true,
    "ski": {"supported": false, "import": ["rsa"], "algorithms": ["AES"]},
    "hooks": {"remove": "r", "insert": "i", "reset": "z"},
    "speed": {"repeat": 3}, "stress": {"threads": 2, "iterations": 4}, "block_pin": false})");
  EXPECT_EQ(c.library, "/x/lib.so");
  EXPECT_EQ(c.readers, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(c.user_pin, "87654321");
  EXPECT_EQ(c.pin_max_tries, 5u);
  EXPECT_FALSE(c.session_pin);
  EXPECT_EQ(c.admin_key.algorithm, "aes");
  EXPECT_EQ(c.admin_key.value.size(), 16u);
  EXPECT_EQ(c.admin_key.value[15], 0x0f);
  EXPECT_EQ(c.rsa_generate, std::vector<unsigned>{2048});
  EXPECT_TRUE(c.rsa_import.empty());
  EXPECT_FALSE(c.implements("CardCreateFile"));
  EXPECT_TRUE(c.implements("CardDeleteFile"));
  EXPECT_FALSE(c.oaep_labels);
  EXPECT_TRUE(c.read_only);
  EXPECT_FALSE(c.ski);
  EXPECT_EQ(c.hook_reset, "z");
  EXPECT_EQ(c.stress_iterations, 4u);
  EXPECT_FALSE(c.block_pin);
}

TEST(MdtestConfig, SkiEstablishmentContainers) {
  const Config none = parse_config("{}");
  EXPECT_EQ(none.ski_establishment_rsa, -1);
  EXPECT_EQ(none.ski_establishment_ecc, -1);
  const Config c = parse_config(R"({"ski": {"establishment": {"rsa": 0, "ecc": 7}}})");
  EXPECT_EQ(c.ski_establishment_rsa, 0);
  EXPECT_EQ(c.ski_establishment_ecc, 7);
  EXPECT_NE(error_of(R"({"ski": {"establishment": {"rsa": 300}}})").find("ski.establishment"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"ski": {"establishment": {"dh": 1}}})").find("ski.establishment.dh"),
            std::string::npos);
}

TEST(MdtestConfig, UnknownFieldsAreErrorsNamingTheField) {
  EXPECT_NE(error_of(R"({"pin": {}})").find("pin: unknown field"), std::string::npos);
  EXPECT_NE(error_of(R"({"pins": {"usr": "1"}})").find("pins.usr"), std::string::npos);
  EXPECT_NE(error_of(R"({"hooks": {"remov": "x"}})").find("hooks.remov"), std::string::npos);
}

TEST(MdtestConfig, WrongTypesAndValuesAreErrors) {
  EXPECT_NE(error_of(R"({"read_only": "yes"})").find("read_only: wrong type"), std::string::npos);
  EXPECT_NE(error_of(R"({"pins": {"user": "12"}})").find("pins.user"), std::string::npos);
  EXPECT_NE(error_of(R"({"pins": {"admin_key": {"value": "00"}}})").find("24 bytes"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"pins": {"admin_key": {"value": "0g"}}})").find("not hex"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"pins": {"admin_key": {"algorithm": "rc4"}}})").find("algorithm"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"sign": {"hashes": ["md4"]}})").find("md4"), std::string::npos);
  EXPECT_NE(error_of(R"({"readers": ["a", "b", "c"]})").find("at most two"), std::string::npos);
  EXPECT_NE(error_of(R"({"hooks": {"remove": "x"}})").find("together"), std::string::npos);
  EXPECT_NE(error_of(R"({"functions": {"CardCreateFile": 1}})").find("true or false"),
            std::string::npos);
  EXPECT_NE(error_of("{").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("[]").find("must be an object"), std::string::npos);
}

}  // namespace
}  // namespace softcard::mdtest
