// Applet::inspect through the public API only: what each applet shows of a card made by the card
// factory, the rendered text, and that no secret (PIN, PUK, admin, management or shared key
// value) ever appears in either.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "softcard/card.h"
#include "softcard/crypto.h"
#include "softcard/inspection.h"
#include "softcard/personalize.h"

namespace softcard {
namespace {

constexpr const char* admin_hex = "A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8";
constexpr const char* shared_hex =
    "C0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF";

struct Made {
  OpenSslRng rng;  // the YubiKey profile makes a real RSA attestation key
  std::unique_ptr<Card> card;
  AppletInspection inspect(const std::string& applet) {
    const Applet* a = card->find_applet(applet);
    EXPECT_NE(a, nullptr) << applet;
    return a ? a->inspect(card->store()) : AppletInspection{};
  }
};

std::unique_ptr<Made> make(const Profile& profile) {
  auto m = std::make_unique<Made>();
  CardOptions o;
  o.rng = &m->rng;
  m->card = make_card(profile, std::make_unique<MemoryStore>(), std::move(o));
  return m;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// No secret value appears in the text, nor in any item's value or data (as hex).
void expect_no_secret(const AppletInspection& in, const std::vector<std::string>& secrets) {
  std::string all = render(in);
  for (const auto& s : in.sections)
    for (const auto& i : s.items) all += i.name + i.value + to_hex(i.data);
  for (const auto& f : in.files) all += to_hex(f.content);
  all = upper(all);
  for (const auto& secret : secrets)
    EXPECT_EQ(all.find(upper(secret)), std::string::npos) << secret << " in\n" << render(in);
}

TEST(Inspection, IsoShowsTheFileTreeAndPins) {
  auto m = make(load_profile("iso"));
  const AppletInspection in = m->inspect("iso");
  ASSERT_FALSE(in.files.empty());
  EXPECT_EQ(in.files.front().path, "3F00");
  EXPECT_TRUE(in.files.front().df);
  EXPECT_FALSE(in.files.front().access.empty());
  ASSERT_FALSE(in.pins.empty());
  for (const auto& p : in.pins) {
    EXPECT_EQ(p.label, "PIN");
    EXPECT_EQ(p.tries_left, p.max_tries);
  }
  const std::string text = render(in);
  EXPECT_EQ(text.rfind("ISO file system:\n  3F00  DF", 0), 0u) << text;
  EXPECT_NE(text.find("operational"), std::string::npos) << text;
}

TEST(Inspection, GidsWithSkiShowsFilesPinsDataObjectsAndSharedKeysButNoKeys) {
  auto m = make(parse_profile("inline", std::string(R"({"softcard_profile": 1, "applets": ["gids"],
      "gids": {"state": "initialized", "user_pin": {"value": "918273"},
               "admin_key": {"algorithm": "3des", "value": ")") +
                                            admin_hex + R"("}},
      "ski": {"shared_keys": [{"number": 7, "key": ")" +
                                            shared_hex + R"("}]}})"));
  const AppletInspection in = m->inspect("gids");
  EXPECT_EQ(in.summary, "GIDS applet, life cycle operational");
  ASSERT_EQ(in.pins.size(), 1u);
  EXPECT_EQ(in.pins[0].label, "user PIN");
  EXPECT_EQ(in.pins[0].reference, 0x80);
  const InspectionSection* files = in.section("files");
  ASSERT_NE(files, nullptr);
  bool admin_key_file = false, cardid = false;
  for (const auto& i : files->items) {
    if (i.name == "EF B080") admin_key_file = i.value == "key file, 3DES admin key";
    if (i.level == 1 && i.id == (0xA012u << 16 | 0xDF20u)) cardid = !i.data.empty();
  }
  EXPECT_TRUE(admin_key_file) << render(in);
  EXPECT_TRUE(cardid) << render(in);
  const InspectionSection* ski = in.section("secure key injection");
  ASSERT_NE(ski, nullptr);
  ASSERT_EQ(ski->items.size(), 2u);
  EXPECT_EQ(ski->items[1].name, "shared key 07");
  EXPECT_EQ(ski->items[1].id, 7u);
  EXPECT_TRUE(ski->items[1].data.empty());
  EXPECT_TRUE(in.containers.empty());
  const std::string text = render(in);
  EXPECT_NE(text.find("  user PIN 0x80: 3 of 3 tries left, length 4..16\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  EF B080: key file, 3DES admin key\n"), std::string::npos) << text;
  expect_no_secret(in,
                   {admin_hex, shared_hex, "918273", to_hex(Bytes{'9', '1', '8', '2', '7', '3'})});
}

TEST(Inspection, PivShowsKeysPoliciesObjectsAndCountersButNoSecrets) {
  auto m = make(load_profile("yubikey"));
  const AppletInspection in = m->inspect("piv");
  EXPECT_EQ(in.summary.rfind("PIV applet, YubiKey personality: firmware 5.7.0", 0), 0u)
      << in.summary;
  ASSERT_EQ(in.pins.size(), 2u);
  EXPECT_EQ(in.pins[0].label, "PIN");
  EXPECT_EQ(in.pins[1].label, "PUK");
  const InspectionSection* keys = in.section("keys");
  ASSERT_NE(keys, nullptr);
  bool mgmt = false, attestation = false;
  for (const auto& i : keys->items) {
    if (i.name == "management key 9B") mgmt = i.value.rfind("3DES", 0) == 0;
    if (i.name == "key f9") attestation = i.value.rfind("RSA-2048, PIN policy never", 0) == 0;
  }
  EXPECT_TRUE(mgmt) << render(in);
  EXPECT_TRUE(attestation) << render(in);
  expect_no_secret(in, {"010203040506070801020304050607080102030405060708", "313233343536",
                        "3132333435363738", "123456"});
}

TEST(Inspection, RenderShowsBlockedPinsOnlyValidContainersAndNestedItems) {
  AppletInspection in;
  in.summary = "an applet";
  in.pins.push_back({"PIN", 0x81, 4, 8, 3, 0, false, false, std::nullopt});
  in.add_section("things").items = {{"EF A000", "BER-TLV EF", 0, 0, {}},
                                    {"DO DF1F", "3 bytes", 1, 0, {}}};
  in.containers.push_back({0, "a", 0x00, 2048, 0});
  in.containers.push_back({1, "b", 0x03, 0, 2048});
  in.notes.push_back("cmapfile unreadable");
  EXPECT_EQ(render(in),
            "an applet\n"
            "  PIN 0x81: 0 of 3 tries left, length 4..8, BLOCKED\n"
            "  EF A000: BER-TLV EF\n"
            "    DO DF1F: 3 bytes\n"
            "  container 1: key exchange 2048 bits (default)\n"
            "  cmapfile unreadable\n");
}

}  // namespace
}  // namespace softcard
