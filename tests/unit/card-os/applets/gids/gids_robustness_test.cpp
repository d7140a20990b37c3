// Mutated host commands never make the applet fail internally (6F00): every malformed input
// gets an ISO status word. Deterministic (fixed seed) so a failure reproduces.
#include <map>
#include <random>

#include "gids_test_support.h"

namespace softcard::gids::test {
namespace {

using Robustness = GidsCardTest;

TEST_F(Robustness, MutatedCommandsGetStatusWordsNotInternalErrors) {
  std::mt19937 prng(20261123);
  select_gids();
  ASSERT_EQ(verify_pin().sw, 0x9000);
  ASSERT_EQ(admin_mutual_auth(default_admin_key()), 0x9000);
  create_keyfile(0x81, 0x06);
  ASSERT_EQ(generate(0x81, 0x06).sw, 0x9000);
  create_keyfile(0x82, 0x0C);
  ASSERT_EQ(generate(0x82, 0x0C).sw, 0x9000);

  const std::vector<Bytes> seeds = {
      hex("00A4000C023FFF"),
      hex("00A4000002B08100"),
      hex("00CBA010045C02DF2300"),
      hex("00CB3FFF045C027F7100"),
      hex("00CB3FFF0A7008840181A5037F498000"),
      hex("00CB2F01025C0000"),
      hex("00DBA01006DF2403010203"),
      hex("00DB3FFF267024840180A51F8718"
          "000000000000000000000000000000000000000000000000"
          "8803B073DC"),
      hex("00E000000E620C8201398302A0208C03033000"),
      hex("00440000"),
      hex("00E4000002A020"),
      hex("0020008006313233343536"),
      hex("00240080 0C313233343536313233343536"),
      hex("002C028006313233343536"),
      hex("0022C1A403830180"),
      hex("00870000147C128110000102030405060708090A0B0C0D0E0F00"),
      hex("00870000047C02810000"),
      hex("002241B606800156840181"),
      hex("002241B80680010C840182"),
      hex("002A9E9A0401020304 00"),
      hex("002A808641"
          "04"
          "0000000000000000000000000000000000000000000000000000000000000000"
          "0000000000000000000000000000000000000000000000000000000000000000 00"),
      hex("00470000 08AC06800106830181 00"),
      hex("0022F300"),
      hex("80B8000000"),
  };
  std::size_t internal_errors = 0;
  std::size_t sent = 0;
  std::map<std::uint16_t, std::size_t> seen;
  for (int round = 0; round < 4000; ++round) {
    Bytes cmd = seeds[prng() % seeds.size()];
    // Keep the header, mutate the body: flip bytes, change lengths, truncate, extend.
    const int mutations = 1 + static_cast<int>(prng() % 4);
    for (int m = 0; m < mutations; ++m) {
      switch (prng() % 5) {
        case 0:
          if (cmd.size() > 4)
            cmd[4 + prng() % (cmd.size() - 4)] = static_cast<std::uint8_t>(prng());
          break;
        case 1:
          if (cmd.size() > 5) cmd.resize(5 + prng() % (cmd.size() - 5));
          break;
        case 2:
          cmd.push_back(static_cast<std::uint8_t>(prng()));
          break;
        case 3:
          cmd[2 + prng() % 2] = static_cast<std::uint8_t>(prng());
          break;
        default:
          if (cmd.size() > 5) cmd[5 + prng() % (cmd.size() - 5)] ^= 0x80;
          break;
      }
    }
    // A consistent Lc so the card OS hands the body to the applet (most of the time).
    if (cmd.size() > 5 && prng() % 4 != 0)
      cmd[4] = static_cast<std::uint8_t>(std::min<std::size_t>(cmd.size() - 5, 255));
    const Rx r = tx(cmd);
    ++sent;
    ++seen[r.sw];
    if (r.sw == 0x6F00) {
      ++internal_errors;
      ADD_FAILURE() << "6F00 for " << to_hex(cmd);
    }
    if (round % 500 == 0) {  // back to a known state now and then
      card->reset();
      select_gids();
      verify_pin();
      admin_mutual_auth(default_admin_key());
    }
  }
  EXPECT_EQ(internal_errors, 0u) << "of " << sent;
  // The mutations reach the handlers: successes and a spread of specific refusals.
  std::string histogram;
  for (const auto& [sw, n] : seen)
    histogram +=
        to_hex(Bytes{std::uint8_t(sw >> 8), std::uint8_t(sw)}) + ":" + std::to_string(n) + " ";
  EXPECT_GT(seen[0x9000], 100u) << histogram;
  EXPECT_GE(seen.size(), 10u) << histogram;
  std::printf("status words seen: %s\n", histogram.c_str());
}

}  // namespace
}  // namespace softcard::gids::test
