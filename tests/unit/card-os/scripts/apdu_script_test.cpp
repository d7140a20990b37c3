// Runs every tests/data/apdu/iso_*.apdu script against a fresh in-memory ISO test card
// (other prefixes are left to the runners of other applets).
// Script lines:  "> C-APDU hex"   "< R-APDU hex" (".." matches any byte)
//                "! power_off" / "! power_on" / "! reset"   "# comment"   blank
// A "<" line checks the response of the "> " line before it.
// SOFTCARD_APDU_RECORD=1 prints every exchange (to write new scripts; review before pasting).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "iso_test_card.h"

namespace softcard::test {
namespace {

namespace fsys = std::filesystem;

std::vector<std::string> scripts() {
  std::vector<std::string> out;
  const fsys::path dir = fsys::path(SOFTCARD_TEST_DATA_DIR) / "apdu";
  if (fsys::is_directory(dir))
    for (const auto& e : fsys::directory_iterator(dir))
      if (e.path().extension() == ".apdu" && e.path().stem().string().rfind("iso_", 0) == 0)
        out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string strip(std::string s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(c));
  return out;
}

bool matches(const std::string& expected, const std::string& actual) {
  if (expected.size() != actual.size()) return false;
  for (std::size_t i = 0; i < expected.size(); i += 2)
    if (expected.compare(i, 2, "..") != 0 && expected.compare(i, 2, actual, i, 2) != 0)
      return false;
  return true;
}

class ApduScript : public ::testing::TestWithParam<std::string> {};

TEST_P(ApduScript, Runs) {
  const fsys::path file = fsys::path(SOFTCARD_TEST_DATA_DIR) / "apdu" / (GetParam() + ".apdu");
  std::ifstream in(file);
  ASSERT_TRUE(in) << file;
  const bool record = std::getenv("SOFTCARD_APDU_RECORD") != nullptr;
  auto card = IsoCard::fresh();
  std::string line, last_response;
  bool have_response = false;
  int number = 0, exchanges = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string where = file.filename().string() + ":" + std::to_string(number);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    const char kind = line[first];
    const std::string rest = line.substr(first + 1);
    if (kind == '>') {
      last_response = to_hex(card->card->transmit(from_hex(strip(rest))));
      have_response = true;
      ++exchanges;
      if (record) std::printf("> %s\n< %s\n", strip(rest).c_str(), last_response.c_str());
    } else if (kind == '<') {
      ASSERT_TRUE(have_response) << where << ": '<' without a command before it";
      EXPECT_TRUE(matches(strip(rest), last_response))
          << where << "\n  expected " << strip(rest) << "\n  actual   " << last_response;
      have_response = false;
    } else if (kind == '!') {
      const std::string event = strip(rest);
      if (event == "power_off")
        card->card->power_off();
      else if (event == "power_on")
        card->card->power_on();
      else if (event == "reset")
        card->card->reset();
      else
        FAIL() << where << ": unknown event '" << event << "'";
    } else {
      FAIL() << where << ": cannot parse '" << line << "'";
    }
  }
  EXPECT_GT(exchanges, 0) << "empty script";
}

INSTANTIATE_TEST_SUITE_P(Scripts, ApduScript, ::testing::ValuesIn(scripts()),
                         [](const auto& test_info) {
                           std::string n = test_info.param;
                           for (auto& ch : n)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

TEST(ApduScripts, Present) {
  EXPECT_FALSE(scripts().empty());
}

}  // namespace
}  // namespace softcard::test
