// X.509 DER pieces: byte vectors written from X.690 / RFC 5280, and a round trip through the
// reader.
#include <gtest/gtest.h>

#include "softcard/wire/tlv.h"
#include "softcard/wire/x509.h"
#include "wire_test_support.h"

namespace softcard::wire::test {
namespace {

using namespace softcard::wire::x509;

TEST(X509, IntegerIsMinimalAndPositive) {
  EXPECT_EQ(der_integer(hex("000001")), hex("020101"));
  EXPECT_EQ(der_integer(hex("80")), hex("02020080"));
  EXPECT_EQ(der_integer(hex("0000")), hex("020100"));
  EXPECT_EQ(der_integer(hex("7F00")), hex("02027F00"));
}

TEST(X509, ObjectIdentifiers) {
  EXPECT_EQ(der_oid("2.5.4.3"), hex("0603550403"));
  EXPECT_EQ(der_oid("1.2.840.113549.1.1.11"), hex("06092A864886F70D01010B"));
  EXPECT_EQ(der_oid("1.3.6.1.4.1.41482.3.3"), hex("060A2B0601040182C40A0303"));
  EXPECT_THROW(der_oid("1"), std::invalid_argument);
  EXPECT_THROW(der_oid("1..2"), std::invalid_argument);
  EXPECT_THROW(der_oid("3.1"), std::invalid_argument);
  EXPECT_THROW(der_oid("1.40"), std::invalid_argument);
  EXPECT_THROW(der_oid("1.2.x"), std::invalid_argument);
}

TEST(X509, NameAndAlgorithms) {
  EXPECT_EQ(name_cn("ab"), hex("300D310B300906035504030C026162"));
  EXPECT_EQ(sha256_with_rsa(), hex("300D06092A864886F70D01010B0500"));
  EXPECT_EQ(ecdsa_with_sha256(), hex("300A06082A8648CE3D040302"));
}

TEST(X509, ValidityPicksUtcTimeBefore2050) {
  EXPECT_EQ(validity("20261201000000Z", "20500101000000Z"),
            cat(hex("3020170D"),
                cat(Bytes{'2', '6', '1', '2', '0', '1', '0', '0', '0', '0', '0', '0', 'Z'},
                    cat(hex("180F"), Bytes{'2', '0', '5', '0', '0', '1', '0', '1', '0', '0', '0',
                                           '0', '0', '0', 'Z'}))));
  EXPECT_THROW(validity("2026120100000Z", "20500101000000Z"), std::invalid_argument);
  EXPECT_THROW(validity("2026120100000aZ", "20500101000000Z"), std::invalid_argument);
}

TEST(X509, CertificateRoundTrip) {
  TbsCertificate t;
  t.serial = hex("01");
  t.signature_algorithm = ecdsa_with_sha256();
  t.issuer = name_cn("issuer");
  t.validity = validity("20260101000000Z", "99991231235959Z");
  t.subject = name_cn("subject");
  t.spki = der_sequence(hex("0500"));
  t.extensions.push_back({"1.3.6.1.4.1.41482.3.3", false, hex("050700")});
  t.extensions.push_back({"2.5.29.19", true, hex("3000")});
  const Bytes tbs = encode_tbs(t);
  // version [0] v3, serial 1
  const auto body = find_tlv(tbs, 0x30);
  ASSERT_TRUE(body);
  EXPECT_EQ(Bytes(body->begin(), body->begin() + 8), hex("A003020102020101"));
  const Bytes cert = encode_certificate(tbs, t.signature_algorithm, hex("3006020101020101"));
  const auto f = parse_certificate(cert);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->issuer, t.issuer);
  EXPECT_EQ(f->subject, t.subject);
  EXPECT_EQ(f->validity, t.validity);
  EXPECT_EQ(f->spki, t.spki);
  // The critical flag is a BOOLEAN TRUE between the OID and the value.
  const Bytes crit = hex("300C0603551D130101FF04023000");
  EXPECT_NE(std::search(tbs.begin(), tbs.end(), crit.begin(), crit.end()), tbs.end());
}

TEST(X509, ParseRejectsOtherShapes) {
  EXPECT_FALSE(parse_certificate(hex("")));
  EXPECT_FALSE(parse_certificate(hex("3000")));
  EXPECT_FALSE(parse_certificate(hex("30053003020101")));
  EXPECT_FALSE(parse_certificate(hex("3082FFFF00")));
}

}  // namespace
}  // namespace softcard::wire::test
