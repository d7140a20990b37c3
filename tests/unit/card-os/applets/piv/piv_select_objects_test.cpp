// SELECT by partial AID and the application property template; GET DATA / PUT DATA, the
// objects made at personalization and the access rules.
#include "piv_test_support.h"

namespace softcard::piv::test {
namespace {

using Select = PivCardTest;
using Objects = PivCardTest;

TEST_F(Select, PartialAidsOfFiveNineAndElevenBytes) {
  for (const char* apdu : {"00A4040005A00000030800", "00A4040009A00000030800001000",
                           "00A404000BA00000030800001000010000"}) {
    const Rx r = tx(apdu);
    EXPECT_EQ(r.sw, 0x9000) << apdu;
    EXPECT_EQ(r.data.at(0), 0x61);
  }
  EXPECT_EQ(tx("00A4040005A00000030900").sw, 0x6A82);
}

TEST_F(Select, PropertyTemplateNamesPixRidAndAlgorithms) {
  const Rx r = select_piv();
  ASSERT_EQ(r.sw, 0x9000);
  const auto body = wire::find_tlv(r.data, 0x61);
  ASSERT_TRUE(body);
  EXPECT_EQ(Bytes(wire::find_tlv(*body, 0x4F)->begin(), wire::find_tlv(*body, 0x4F)->end()),
            hex("000010000100"));
  EXPECT_EQ(Bytes(wire::find_tlv(*body, 0x79)->begin(), wire::find_tlv(*body, 0x79)->end()),
            hex("4F05A000000308"));
  const auto ac = wire::find_tlv(*body, 0xAC);
  ASSERT_TRUE(ac);
  // 5.7: 3DES, AES, RSA 1024..4096, P-256, P-384, then the cipher suite OID 06 00.
  EXPECT_EQ(Bytes(ac->begin(), ac->end()),
            hex("80010380010880010A80010C8001068001078001058001168001118001140601"
                "00"));
}

TEST_F(Select, OlderFirmwareAnnouncesFewerAlgorithms) {
  make_card(yubikey({5, 3, 0}));
  const Rx r = select_piv();
  const auto ac = wire::find_tlv(*wire::find_tlv(r.data, 0x61), 0xAC);
  EXPECT_EQ(Bytes(ac->begin(), ac->end()), hex("800103800106800107800111800114060100"));
}

TEST_F(Objects, DiscoveryAnswersUnderItsOwnTag) {
  select_piv();
  const Rx r = get_object(0x7E);
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_EQ(r.data, hex("7E124F0BA0000003080000100001005F2F024000"));
}

TEST_F(Objects, ChuidIsUniquePerCardAndCccIsThere) {
  select_piv();
  const Rx a = get_object(0x5FC102);
  ASSERT_EQ(a.sw, 0x9000);
  const Bytes guid_a = field(a.data, 0x53, 0x34);
  EXPECT_EQ(guid_a.size(), 16u);
  const Bytes expiry = field(a.data, 0x53, 0x35);  // YYYYMMDD, ten years after personalization
  ASSERT_EQ(expiry.size(), 8u);
  EXPECT_GE(std::string(expiry.begin(), expiry.begin() + 4), "2036");
  EXPECT_EQ(field(a.data, 0x53, 0x30).size(), 25u);
  EXPECT_EQ(get_object(0x5FC107).sw, 0x9000);
  make_card(yubikey());
  select_piv();
  EXPECT_NE(field(get_object(0x5FC102).data, 0x53, 0x34), guid_a);
}

TEST_F(Objects, AbsentObjectsAnswer6A82) {
  select_piv();
  for (std::uint32_t tag : {0x5FC105u, 0x5FC10Au, 0x5FC106u, 0x5FC10Cu, 0x5FC10Du, 0x5FC120u,
                            0x7F61u, 0x5FFF00u, 0x5FC1FFu, 0x010203u})
    EXPECT_EQ(get_object(tag).sw, 0x6A82) << std::hex << tag;
}

TEST_F(Objects, PinProtectedObjectsNeedThePin) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  for (std::uint32_t tag : {0x5FC109u, 0x5FC108u, 0x5FC103u, 0x5FC121u, 0x5FC123u})
    ASSERT_EQ(put_object(tag, hex("880101")).sw, 0x9000);
  for (std::uint32_t tag : {0x5FC109u, 0x5FC108u, 0x5FC103u, 0x5FC121u, 0x5FC123u})
    EXPECT_EQ(get_object(tag).sw, 0x6982) << std::hex << tag;
  ASSERT_EQ(verify_pin().sw, 0x9000);
  EXPECT_EQ(get_object(0x5FC109).data, hex("5303880101"));
}

TEST_F(Objects, PutDataNeedsTheManagementKey) {
  select_piv();
  const Bytes cert = cat(cat(wire::tlv(0x70, Bytes(1200, 0x30)), hex("710100")), hex("FE00"));
  EXPECT_EQ(put_object(0x5FC105, cert).sw, 0x6982);
  ASSERT_EQ(verify_pin().sw, 0x9000);
  EXPECT_EQ(put_object(0x5FC105, cert).sw, 0x6982);  // the PIN is not enough
  ASSERT_EQ(authenticate(), 0x9000);
  EXPECT_EQ(put_object(0x5FC105, cert).sw, 0x9000);  // chained: 1200+ bytes
  const Rx r = get_object(0x5FC105);
  EXPECT_EQ(r.sw, 0x9000);
  EXPECT_EQ(r.data, wire::tlv(0x53, cert));
  // Empty 53 deletes.
  EXPECT_EQ(put_object(0x5FC105, {}).sw, 0x9000);
  EXPECT_EQ(get_object(0x5FC105).sw, 0x6A82);
}

TEST_F(Objects, PutDataRefusesFixedUnknownAndOversizedObjects) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  EXPECT_EQ(put_object(0x00007E, hex("01")).sw, 0x6A80);  // discovery is the card's
  EXPECT_EQ(put_object(0x5FC1FF, hex("01")).sw, 0x6A80);
  EXPECT_EQ(put_object(0x5FC105, Bytes(3064, 0)).sw, 0x6A84);
  EXPECT_EQ(put_object(0x5FC105, Bytes(3063, 0)).sw, 0x9000);
  EXPECT_EQ(put_object(0x5FFF00, hex("8000")).sw, 0x9000);  // Yubico admin data
}

TEST_F(Objects, MalformedCommands) {
  select_piv();
  EXPECT_EQ(tx("00CB3FFE055C035FC10200").sw, 0x6A86);
  EXPECT_EQ(tx("00CB3FFF055C045FC10200").sw, 0x6A80);    // runs past the end
  EXPECT_EQ(tx("00CB3FFF025C0000").sw, 0x6A80);          // empty tag
  EXPECT_EQ(tx("00CB3FFF065C04015FC10200").sw, 0x6A80);  // four-byte tag
  EXPECT_EQ(tx("00CB3FFF055D035FC10200").sw, 0x6A80);
  EXPECT_EQ(tx("00CB3FFF00").sw, 0x6A80);
  ASSERT_EQ(authenticate(), 0x9000);
  EXPECT_EQ(tx("00DB3FFF055C035FC102").sw, 0x6A80);  // no 53
  EXPECT_EQ(tx("00DB3FFF0753015C035FC102").sw, 0x6A80);
}

TEST_F(Objects, PlainPivCardHasNoVendorObjectsOrAttestation) {
  PivPersonalization p;
  p.now = "20261201120000Z";
  make_card(p);
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  EXPECT_EQ(put_object(0x5FFF00, hex("8000")).sw, 0x6A80);
  EXPECT_EQ(get_object(0x5FFF01).sw, 0x6A82);
  EXPECT_EQ(get_object(0x5FC102).sw, 0x9000);
}

TEST_F(Objects, WritesSurviveAPowerCycleAndFailuresLeaveNothing) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  backend->set_failing(true);
  EXPECT_EQ(put_object(0x5FC10C, hex("C10100C20100FE00")).sw, 0x6581);
  backend->set_failing(false);
  EXPECT_EQ(get_object(0x5FC10C).sw, 0x6A82);
  ASSERT_EQ(put_object(0x5FC10C, hex("C10100C20100FE00")).sw, 0x9000);
  card->power_off();
  card->power_on();
  select_piv();
  EXPECT_EQ(get_object(0x5FC10C).data, hex("5308C10100C20100FE00"));
  EXPECT_EQ(put_object(0x5FC10C, hex("C10101")).sw, 0x6982);  // authentication was volatile
}

}  // namespace
}  // namespace softcard::piv::test
