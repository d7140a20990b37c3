// Built without tests/support/fast_pin_kdf.cpp: the cost real programs give new PIN verifiers.
#include <gtest/gtest.h>

#include "security/pin.h"

namespace softcard::security {
namespace {

TEST(PinKdfCost, ProductionCostIsScryptN16384R8P1) {
  EXPECT_EQ(pin_kdf_cost(), (ScryptCost{14, 8, 1}));
}

TEST(PinKdfCost, AVerifierAtTheProductionCostChecks) {
  const PinVerifier v = make_pin_verifier(view(std::string_view("123456")), pin_kdf_cost());
  EXPECT_EQ(v.cost, (ScryptCost{14, 8, 1}));
  EXPECT_TRUE(pin_matches(v, view(std::string_view("123456"))));
  EXPECT_FALSE(pin_matches(v, view(std::string_view("123457"))));
}

TEST(PinKdfCost, ScryptMatchesRfc7914Vector) {
  // RFC 7914 section 12, second vector: P="password", S="NaCl", N=1024, r=8, p=16, 64 bytes.
  CryptoProvider crypto;
  const SecretBytes out = crypto.scrypt(view(std::string_view("password")),
                                        view(std::string_view("NaCl")), ScryptCost{10, 8, 16}, 64);
  EXPECT_EQ(to_hex(out.view()),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff1"
            "09279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
}

}  // namespace
}  // namespace softcard::security
