#include "softcard/vpcd/endpoint.h"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace softcard::vpcd;

TEST(VpcdEndpoint, Parses) {
  auto e = parse_endpoint("10.0.0.2:40000");
  EXPECT_EQ(e.host, "10.0.0.2");
  EXPECT_EQ(e.port, 40000);
  e = parse_endpoint("localhost");
  EXPECT_EQ(e.host, "localhost");
  EXPECT_EQ(e.port, default_vpcd_port);
  e = parse_endpoint(":35964");
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 35964);
  e = parse_endpoint("[::1]:5");
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 5);
  EXPECT_EQ(e.to_string(), "[::1]:5");
  EXPECT_EQ(parse_endpoint("").to_string(), "127.0.0.1:35963");
}

TEST(VpcdEndpoint, Rejects) {
  EXPECT_THROW(parse_endpoint("host:"), std::invalid_argument);
  EXPECT_THROW(parse_endpoint("host:65536"), std::invalid_argument);
  EXPECT_THROW(parse_endpoint("host:12x"), std::invalid_argument);
  EXPECT_THROW(parse_endpoint("::1:5"), std::invalid_argument);
  EXPECT_THROW(parse_endpoint("[::1"), std::invalid_argument);
}

TEST(VpcdEndpoint, Offset) {
  EXPECT_EQ(parse_endpoint("h:100").offset(2).port, 102);
  EXPECT_THROW(parse_endpoint("h:65535").offset(1), std::invalid_argument);
}
