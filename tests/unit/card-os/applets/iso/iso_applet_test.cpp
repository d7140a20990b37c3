#include <gtest/gtest.h>

#include "applets/iso/iso_applet.h"
#include "fs/file_tree.h"
#include "iso_test_card.h"
#include "security/pin.h"

namespace softcard::test {
namespace {

class IsoAppletTest : public ::testing::Test {
 protected:
  void SetUp() override { c = IsoCard::fresh(); }
  std::string tx(std::string_view hex) { return c->tx(hex); }
  std::string sw(std::string_view hex) {
    const std::string r = tx(hex);
    return r.substr(r.size() - 4);
  }
  int tries(std::uint8_t ref) {
    return security::PinManager(iso::pin_prefix).find(c->store(), ref)->tries_left;
  }
  std::unique_ptr<IsoCard> c;
};

TEST_F(IsoAppletTest, TerminateCardUsageNeedsAdminAndIsFinal) {
  EXPECT_EQ(sw("00fe0000"), "6982");
  EXPECT_EQ(sw("00a4000c023f00"), "9000") << "still in use";
  EXPECT_EQ(sw("0020008208" + to_hex(view(std::string_view("87654321")))),
            "9000");  // SO PIN grants admin
  EXPECT_EQ(sw("00fe0001"), "6a86");
  EXPECT_EQ(sw("00fe0000"), "9000");
  EXPECT_EQ(sw("00a4000c023f00"), "6a81");
  c->card->reset();
  EXPECT_EQ(sw("00b0000010"), "6a81") << "terminated survives reset";
}

TEST_F(IsoAppletTest, SelectMfImplicitlyAndByFid) {
  EXPECT_EQ(sw("00a4000c023f00"), "9000");
  EXPECT_EQ(sw("00a4000c"), "9000") << "no data: the MF";
  // The applet is the default: the MF is current at power-on, its child EF is reachable.
  EXPECT_EQ(tx("00a4020c022f00"), "9000");
  EXPECT_EQ(tx("00b0000012"), to_hex(view(std::string_view("softcard test card"))) + "9000");
}

TEST_F(IsoAppletTest, SelectAnswersFcpFciOrNothing) {
  const std::string fcp = tx("00a40004025001");
  EXPECT_EQ(fcp.substr(fcp.size() - 4), "6a82") << "5001 is below 5000, not the MF";
  const std::string r = tx("00a40800045000500100");
  EXPECT_EQ(r.substr(0, 4), "6f2f");
  EXPECT_EQ(r.substr(r.size() - 4), "9000");
  EXPECT_EQ(tx("00a408040450005001"),
            "622f"
            "80020080"
            "820101"
            "83025001"
            "8a0105"
            "ab1f"
            "8001019000"
            "800102a00da406830181950108a403950180"
            "800178a403950180"
            "9000");
  EXPECT_EQ(tx("00a4080c0450005001"), "9000");
  EXPECT_EQ(sw("00a408080450005001"), "6a86") << "FMD is not supported";
  EXPECT_EQ(sw("00a408100450005001"), "6a86");
}

TEST_F(IsoAppletTest, SelectVariants) {
  EXPECT_EQ(sw("00a4010c025000"), "9000");  // child DF
  EXPECT_EQ(sw("00a4020c025001"), "9000");  // child EF
  EXPECT_EQ(sw("00a4010c025002"), "6a82") << "an EF is not a DF";
  EXPECT_EQ(sw("00a4030c"), "9000");  // parent of 5000: MF
  EXPECT_EQ(sw("00a4030c"), "6a82") << "the MF has no parent";
  EXPECT_EQ(sw("00a4090c0450005002"), "9000");  // relative path from the MF
  EXPECT_EQ(sw("00a4000c025003"), "9000") << "sibling EF";
  EXPECT_EQ(sw("00a4000c026000"), "9000") << "the parent's child DF";
  EXPECT_EQ(sw("00a4080c043f006000"), "9000") << "path including 3F00 is accepted";
  EXPECT_EQ(sw("00a4080c03500050"), "6a87");
  EXPECT_EQ(sw("00a4050c"), "6a86");
}

TEST_F(IsoAppletTest, UnknownFileKeepsSelection) {
  ASSERT_EQ(sw("00a4080c0450005001"), "9000");
  EXPECT_EQ(sw("00a4000c027777"), "6a82");
  EXPECT_EQ(sw("00a4040c04a0000009"), "6a82");
  EXPECT_EQ(sw("00d6000001aa"), "6982") << "still on 5001 (update needs PIN 81)";
  EXPECT_EQ(tx("00b0000001"), "009000");
}

TEST_F(IsoAppletTest, SelectByDfNameExactPartialNext) {
  // Applet AID (full or partial) is handled by the Card and lands on the MF.
  std::string r = tx("00a4040007f0534349534f01");
  EXPECT_EQ(r.substr(0, 2), "6f");
  EXPECT_EQ(sw("00a4040c03f05343"), "9000");
  // DF names inside the file system.
  EXPECT_EQ(sw("00a4040c07a0000000015053"), "9000");
  EXPECT_EQ(sw("00a4020c025001"), "9000") << "5000 is current";
  EXPECT_EQ(sw("00a4040c05a000000001"), "9000");  // first match: 5000
  EXPECT_EQ(sw("00a4020c025001"), "9000");
  EXPECT_EQ(sw("00a4040e05a000000001"), "9000");  // next: 6000
  EXPECT_EQ(sw("00a4020c026001"), "9000");
  EXPECT_EQ(sw("00a4040e05a000000001"), "6a82") << "no further occurrence";
}

TEST_F(IsoAppletTest, ReadBinaryOffsetsAndEof) {
  ASSERT_EQ(sw("00a4080c0460006001"), "9000");
  EXPECT_EQ(tx("00b0012a02"), "2a2b9000");  // offset 298 -> bytes 2a 2b (298 % 256 = 42)
  EXPECT_EQ(tx("00b0012a04"), "2a2b6282");  // fewer than Le: EOF warning
  EXPECT_EQ(sw("00b0012c01"), "6b00");      // offset at the end
  EXPECT_EQ(sw("00b0800001"), "6a82") << "no short EF identifiers";
  const std::string all = tx("00b0000000");  // Le=00: 256 bytes, no warning
  EXPECT_EQ(all.size(), 2 * 256 + 4);
  EXPECT_EQ(all.substr(all.size() - 4), "9000");
  const std::string rest = tx("00b0010000");  // Le=00 past the middle: up to the end
  EXPECT_EQ(rest.size(), 2 * 44 + 4);
  EXPECT_EQ(rest.substr(rest.size() - 4), "9000");
  EXPECT_EQ(sw("00b00000"), "6700") << "READ BINARY needs Le";
}

TEST_F(IsoAppletTest, ReadBinaryWithoutCurrentEf) {
  EXPECT_EQ(sw("00b0000001"), "6986");
}

TEST_F(IsoAppletTest, UpdateBinaryAccessAndBounds) {
  ASSERT_EQ(sw("00a4080c0450005001"), "9000");
  EXPECT_EQ(sw("00d6000002aabb"), "6982");
  EXPECT_EQ(sw("0020008104"
               "31323334"),
            "9000");
  EXPECT_EQ(sw("00d6000002aabb"), "9000");
  EXPECT_EQ(tx("00b0000003"), "aabb009000");
  EXPECT_EQ(sw("00d6007f02ccdd"), "6700") << "past the end of the file";
  EXPECT_EQ(sw("00d6008001cc"), "6b00") << "offset beyond the end";
  EXPECT_EQ(tx("00b0007e02"), "00009000") << "nothing of the refused update was written";
  EXPECT_EQ(sw("00d60000"), "6700");
}

TEST_F(IsoAppletTest, NoHalfWritesWhenTheMediumFails) {
  ASSERT_EQ(sw("00a4080c0450005001"), "9000");
  ASSERT_EQ(sw("0020008208"
               "3837363534333231"),
            "9000");  // admin
  c->memory->set_failing(true);
  EXPECT_EQ(sw("00d6000002aabb"), "6581");
  c->memory->set_failing(false);
  EXPECT_EQ(tx("00b0000002"), "00009000");
}

TEST_F(IsoAppletTest, PinLockoutAndUnblock) {
  EXPECT_EQ(sw("00200081"), "63c3");
  EXPECT_EQ(sw("002000810430303030"), "63c2");
  EXPECT_EQ(sw("002000810430303030"), "63c1");
  EXPECT_EQ(sw("002000810430303030"), "63c0");
  EXPECT_EQ(sw("002000810431323334"), "6983");
  EXPECT_EQ(sw("00200081"), "6983");
  EXPECT_EQ(tries(0x81), 0);
  // PUK || new PIN.
  EXPECT_EQ(sw("002c00810c"
               "3132333435363738"
               "35353535"),
            "9000");
  EXPECT_EQ(sw("002000810435353535"), "9000");
  EXPECT_EQ(sw("00200081"), "9000");
  EXPECT_EQ(sw("0020ff81"), "9000");
  EXPECT_EQ(sw("00200081"), "63c3");
}

TEST_F(IsoAppletTest, PinTryIsCommittedBeforeTheComparison) {
  std::size_t before = c->memory->apply_count();
  EXPECT_EQ(sw("002000810430303030"), "63c2");
  EXPECT_EQ(c->memory->apply_count(), before + 1) << "the failed APDU still made the try durable";
  EXPECT_EQ(tries(0x81), 2);
  // A medium that cannot take the decrement: the PIN is never compared, nothing changes, and the
  // answer is the memory failure every other write gives.
  c->memory->set_failing(true);
  EXPECT_EQ(sw("002000810431323334"), "6581");
  EXPECT_EQ(sw("002000810430303030"), "6581");
  c->memory->set_failing(false);
  EXPECT_EQ(sw("00200081"), "63c2");
  // Success: decrement committed, then the restore with the APDU: two writes.
  before = c->memory->apply_count();
  EXPECT_EQ(sw("002000810431323334"), "9000");
  EXPECT_EQ(c->memory->apply_count(), before + 2);
  EXPECT_EQ(tries(0x81), 3);
}

TEST_F(IsoAppletTest, ChangeReferenceData) {
  EXPECT_EQ(sw("002400810a"
               "31323334"
               "353637383930"),
            "9000");
  EXPECT_EQ(sw("002000810431323334"), "63c2");
  EXPECT_EQ(sw("0020008106353637383930"), "9000");
  EXPECT_EQ(sw("002401810439393939"), "9000");
  EXPECT_EQ(sw("002000810439393939"), "9000");
  EXPECT_EQ(sw("002400810439393939"), "6700") << "no new value";
  EXPECT_EQ(sw("002402810439393939"), "6a86");
}

TEST_F(IsoAppletTest, ResetRetryCounterByAdmin) {
  for (int i = 0; i < 3; ++i) sw("002000810430303030");
  EXPECT_EQ(sw("002c0381"), "6982");
  EXPECT_EQ(sw("00200082083837363534333231"), "9000");
  EXPECT_EQ(sw("002c0381"), "9000");
  EXPECT_EQ(sw("00200081"), "63c3");
  EXPECT_EQ(sw("002c02810436363636"), "9000");
  EXPECT_EQ(sw("002000810436363636"), "9000");
}

TEST_F(IsoAppletTest, SecurityStateIsVolatile) {
  ASSERT_EQ(sw("002000810431323334"), "9000");
  c->card->reset();
  EXPECT_EQ(sw("00200081"), "63c3");
  ASSERT_EQ(sw("002000810431323334"), "9000");
  c->card->power_off();
  c->card->power_on();
  EXPECT_EQ(sw("00200081"), "63c3");
}

TEST_F(IsoAppletTest, CreateSelectWriteDelete) {
  ASSERT_EQ(sw("00a4080c025000"), "9000");
  const std::string create =
      "00e0000013"
      "6211"
      "820101"
      "83025010"
      "800110"
      "ab05"
      "8001039000";
  EXPECT_EQ(sw(create), "6982") << "creating in 5000 needs PIN 81";
  ASSERT_EQ(sw("002000810431323334"), "9000");
  EXPECT_EQ(sw(create), "9000");
  EXPECT_EQ(sw("00d6000003010203"), "9000") << "the new file is current";
  EXPECT_EQ(tx("00b0000004"), "010203009000");
  EXPECT_EQ(sw(create), "6a89") << "FID exists (created under the current DF 5000)";
  EXPECT_EQ(sw("00a4030c"), "9000");  // parent of the current DF 5000: the MF
  EXPECT_EQ(sw("00a4080c0450005010"), "9000");
  EXPECT_EQ(sw("00e40000"), "6982") << "its security attributes say delete: never";
}

TEST_F(IsoAppletTest, DeleteNeedsItsOwnRule) {
  ASSERT_EQ(sw("00a4080c025000"), "9000");
  EXPECT_EQ(sw("00e40000025001"), "6982");
  ASSERT_EQ(sw("00200082083837363534333231"), "9000");
  EXPECT_EQ(sw("00e40000025001"), "9000");
  EXPECT_EQ(sw("00a4020c025001"), "6a82");
  EXPECT_EQ(sw("00e40000023f00"), "6985") << "the MF stays";
  // Deleting the current DF makes its parent current.
  ASSERT_EQ(sw("00a4080c025000"), "9000");
  EXPECT_EQ(sw("00e40000"), "9000");
  EXPECT_EQ(sw("00a4020c022f00"), "9000");
}

TEST_F(IsoAppletTest, LifeCycleDeactivateActivateTerminate) {
  ASSERT_EQ(sw("00200082083837363534333231"), "9000");
  ASSERT_EQ(sw("00a4080c0460006001"), "9000");
  EXPECT_EQ(sw("00040000"), "9000");
  EXPECT_EQ(sw("00a4080c0460006001"), "6283");
  EXPECT_EQ(sw("00b0000001"), "6985");
  EXPECT_EQ(sw("00440000"), "9000");
  EXPECT_EQ(sw("00a4080c0460006001"), "9000");
  EXPECT_EQ(tx("00b0000001"), "009000");
  EXPECT_EQ(sw("00e60000"), "6981") << "TERMINATE DF on an EF";
  EXPECT_EQ(sw("00e80000"), "9000");
  EXPECT_EQ(sw("00a4080c0460006001"), "6285");
  EXPECT_EQ(sw("00b0000001"), "6a81");
  EXPECT_EQ(sw("00440000"), "6a81");
  EXPECT_EQ(sw("00e40000"), "9000") << "a terminated file can still be deleted";
  // TERMINATE DF.
  EXPECT_EQ(sw("00e60800026000"), "9000");
  EXPECT_EQ(sw("00a4080c026000"), "6285");
  EXPECT_EQ(sw("00e0000009"
               "6207820101830260ff"),
            "6a81")
      << "no creation in a terminated DF";
}

TEST_F(IsoAppletTest, GetChallengeFromTheCardRng) {
  EXPECT_EQ(tx("0084000008"), "00010203040506079000");
  EXPECT_EQ(tx("0084000004"), "08090a0b9000");
  EXPECT_EQ(sw("00840000"), "6700");
  EXPECT_EQ(sw("0084010008"), "6a86");
}

TEST_F(IsoAppletTest, MalformedCommands) {
  EXPECT_EQ(sw("00ff0000"), "6d00");
  EXPECT_EQ(sw("80a4000c023f00"), "6e00");
  EXPECT_EQ(sw("00a4"), "6700");
  EXPECT_EQ(sw("00a4000c0501"), "6700");
}

TEST_F(IsoAppletTest, InspectListsFilesAndPins) {
  const AppletInspection in = c->card->find_applet(iso::applet_name)->inspect(c->store());
  const std::string d = render(in);
  EXPECT_NE(d.find("5001"), std::string::npos);
  EXPECT_NE(d.find("PIN 0x81: 3 of 3 tries left, length 4..8"), std::string::npos) << d;
  EXPECT_EQ(d.find("1234"), std::string::npos) << "never a PIN value";
  ASSERT_FALSE(in.pins.empty());
  EXPECT_EQ(in.pins[0].reference, 0x81);
  EXPECT_EQ(in.pins[0].unblock_reference, 0x83);
}

}  // namespace
}  // namespace softcard::test
