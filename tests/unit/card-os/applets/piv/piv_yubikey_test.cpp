// The YubiKey personality: GET VERSION, GET SERIAL, GET METADATA, SET PIN RETRIES, RESET,
// ATTEST, the firmware gates, and the management application ykman reads.
#include "piv_test_support.h"
#include "softcard/wire/x509.h"

namespace softcard::piv::test {
namespace {

using YubiKey = PivCardTest;

TEST_F(YubiKey, VersionAndSerial) {
  select_piv();
  EXPECT_EQ(tx("00FD000000").data, hex("050700"));
  EXPECT_EQ(tx("00F8000000").data, hex("00BC614E"));  // 12345678
}

TEST_F(YubiKey, Firmware43HasNoMetadataAndNoPivSerial) {
  make_card(yubikey({4, 3, 7}));
  select_piv();
  EXPECT_EQ(tx("00FD000000").data, hex("040307"));
  EXPECT_EQ(tx("00F8000000").sw, 0x6D00);
  EXPECT_EQ(tx("00F7008000").sw, 0x6D00);
  EXPECT_EQ(authenticate(), 0x9000);
  EXPECT_EQ(generate(0x9A, 0x11).sw, 0x9000);
  EXPECT_EQ(send(0xF9, 0x9A, 0x00, {}).sw, 0x9000);
}

TEST_F(YubiKey, PlainPivCardHasNoYubicoInstructions) {
  PivPersonalization p;
  p.now = "20261201120000Z";
  make_card(p);
  select_piv();
  for (const char* apdu :
       {"00FD000000", "00F8000000", "00F7008000", "00F99A00", "00FB0000", "00FA0303"})
    EXPECT_EQ(tx(apdu).sw, 0x6D00) << apdu;
  EXPECT_EQ(tx("00A4040008A000000527471117").sw, 0x6A82);
}

TEST_F(YubiKey, PinPukAndDefaultFlagsInMetadata) {
  select_piv();
  EXPECT_EQ(tx("00F7008000").data, hex("0101FF050101060203"
                                       "03"));
  EXPECT_EQ(tx("00F7009B00").data, hex("01010302020001050101"));
  verify_pin("000000");
  EXPECT_EQ(tx("00F7008000").data, hex("0101FF05010106020302"));
  ASSERT_EQ(send(0x24, 0, 0x81, cat(pin_block("12345678"), pin_block("11112222")), false).sw,
            0x9000);
  EXPECT_EQ(tx("00F7008100").data, hex("0101FF05010006020303"));
  EXPECT_EQ(tx("00F7019A00").sw, 0x6A86);
  EXPECT_EQ(tx("00F7009A00").sw, 0x6A88);
  EXPECT_EQ(tx("00F700A000").sw, 0x6A88);
}

TEST_F(YubiKey, SetPinRetriesRestoresFactoryValues) {
  select_piv();
  ASSERT_EQ(send(0x24, 0, 0x80, cat(pin_block("123456"), pin_block("777777")), false).sw, 0x9000);
  ASSERT_EQ(tx("0020FF80").sw, 0x9000);  // CHANGE REFERENCE DATA left the PIN verified
  EXPECT_EQ(tx("00FA0505").sw, 0x6982);
  ASSERT_EQ(authenticate(), 0x9000);
  EXPECT_EQ(tx("00FA0505").sw, 0x6982);  // the PIN is needed too
  ASSERT_EQ(verify_pin("777777").sw, 0x9000);
  EXPECT_EQ(tx("00FA0005").sw, 0x6A86);
  EXPECT_EQ(tx("00FA0510").sw, 0x6A86);
  EXPECT_EQ(tx("00FA0507").sw, 0x9000);
  EXPECT_EQ(tx("00200080").sw, 0x63C5);
  EXPECT_EQ(verify_pin("123456").sw, 0x9000);
  EXPECT_EQ(tx("00F7008100").data, hex("0101FF05010106020707"));
}

TEST_F(YubiKey, ResetOnlyWithPinAndPukBlocked) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  ASSERT_EQ(generate(0x9A, 0x11).sw, 0x9000);
  ASSERT_EQ(put_object(0x5FC105, hex("700130710100FE00")).sw, 0x9000);
  const Bytes attestation_cert = get_object(0x5FFF01).data;
  EXPECT_EQ(tx("00FB0000").sw, 0x6985);
  for (int i = 0; i < 3; ++i) verify_pin("");
  EXPECT_EQ(tx("00FB0000").sw, 0x6985);
  for (int i = 0; i < 3; ++i) send(0x2C, 0, 0x80, cat(pin_block(""), pin_block("")), false);
  EXPECT_EQ(tx("00FB0100").sw, 0x6A86);
  EXPECT_EQ(tx("00FB0000").sw, 0x9000);
  EXPECT_EQ(tx("00200080").sw, 0x63C3);
  EXPECT_EQ(verify_pin().sw, 0x9000);
  EXPECT_EQ(get_object(0x5FC105).sw, 0x6A82);
  EXPECT_EQ(get_object(0x5FC102).sw, 0x6A82);
  EXPECT_EQ(tx("00F7009A00").sw, 0x6A88);
  EXPECT_EQ(put_object(0x5FC105, hex("7000")).sw, 0x6982);  // authentication ended
  EXPECT_EQ(authenticate(), 0x9000);                        // factory key back
  EXPECT_EQ(get_object(0x5FFF01).data, attestation_cert);   // attestation survives
}

TEST_F(YubiKey, AttestationChainsToTheCardsAttestationCertificate) {
  select_piv();
  ASSERT_EQ(authenticate(), 0x9000);
  const Rx g = generate(0x9A, 0x11, 0x02, 0x01);
  ASSERT_EQ(g.sw, 0x9000);
  const Rx a = send(0xF9, 0x9A, 0x00, {});
  ASSERT_EQ(a.sw, 0x9000);
  const auto attested = wire::x509::parse_certificate(a.data);
  ASSERT_TRUE(attested);
  const Rx f9 = get_object(0x5FFF01);
  const auto f9_der = wire::find_tlv(*wire::find_tlv(f9.data, 0x53), 0x70);
  ASSERT_TRUE(f9_der);
  const auto issuer = wire::x509::parse_certificate(*f9_der);
  ASSERT_TRUE(issuer);
  EXPECT_EQ(attested->issuer, issuer->subject);
  EXPECT_EQ(attested->validity, issuer->validity);
  EXPECT_EQ(attested->subject, wire::x509::name_cn("YubiKey PIV Attestation 9a"));
  // The attested key is the slot's key.
  EXPECT_EQ(host.ec_public(host.import_public_der(attested->spki)).point,
            field(g.data, 0x7F49, 0x86));
  // The signature verifies under the F9 certificate's key.
  const auto parts = wire::parse_tlvs(*wire::find_tlv(a.data, 0x30));
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 3u);
  const Bytes tbs = wire::tlv(0x30, (*parts)[0].value);
  const ByteView sig = (*parts)[2].value.subspan(1);
  EXPECT_TRUE(host.ecdsa_verify_der(host.import_public_der(issuer->spki),
                                    host.digest(HashAlg::sha256, tbs), sig));
  // Yubico's extensions: firmware 05 07 00, serial, policy (PIN once, touch never).
  for (const char* ext : {"060A2B0601040182C40A0303040305"
                          "0700",
                          "060A2B0601040182C40A030704060204"
                          "00BC614E",
                          "060A2B0601040182C40A030804020201"}) {
    const Bytes e = hex(ext);
    EXPECT_NE(std::search(a.data.begin(), a.data.end(), e.begin(), e.end()), a.data.end()) << ext;
  }
}

TEST_F(YubiKey, AttestationRefusals) {
  select_piv();
  EXPECT_EQ(tx("00F99A00").sw, 0x6A80);  // empty slot
  EXPECT_EQ(tx("00F99B00").sw, 0x6A86);
  EXPECT_EQ(tx("00F99A01").sw, 0x6A86);
}

TEST_F(YubiKey, ManagementApplicationDeviceInfo) {
  const Rx s = tx("00A4040008A000000527471117");
  ASSERT_EQ(s.sw, 0x9000);
  EXPECT_EQ(std::string(s.data.begin(), s.data.end()), "softcard mgr - FW version 5.7.0");
  const Rx r = tx("001D000000");
  ASSERT_EQ(r.sw, 0x9000);
  ASSERT_EQ(r.data.at(0), r.data.size() - 1);
  const Bytes body(r.data.begin() + 1, r.data.end());
  EXPECT_EQ(body, hex("01020010"
                      "020400BC614E"
                      "03020010"
                      "040101"
                      "0503050700"
                      "080100"
                      "0A0100"));
  EXPECT_EQ(tx("001C000000").sw, 0x6D00);
  // yubico-piv-tool on firmware 4 looks for the OTP application: there is none.
  EXPECT_EQ(tx("00A4040008A000000527200101").sw, 0x6A82);
  EXPECT_EQ(tx("001D000000").sw, 0x9000);  // still selected
}

}  // namespace
}  // namespace softcard::piv::test
