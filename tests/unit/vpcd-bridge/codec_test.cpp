#include "softcard/vpcd/codec.h"

#include <gtest/gtest.h>

using namespace softcard;
using namespace softcard::vpcd;

namespace {
std::vector<Frame> drain(Decoder& d) {
  std::vector<Frame> out;
  while (auto f = d.next()) out.push_back(std::move(*f));
  return out;
}
}  // namespace

TEST(VpcdCodec, ControlCodes) {
  Decoder d;
  d.feed(from_hex("000100 000101 000102 000104"));
  auto frames = drain(d);
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(std::get<ControlFrame>(frames[0]).control(), Control::power_off);
  EXPECT_EQ(std::get<ControlFrame>(frames[1]).control(), Control::power_on);
  EXPECT_EQ(std::get<ControlFrame>(frames[2]).control(), Control::reset);
  EXPECT_EQ(std::get<ControlFrame>(frames[3]).control(), Control::get_atr);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(VpcdCodec, UnknownControlIsKeptRaw) {
  Decoder d;
  d.feed(from_hex("000103"));
  auto f = d.next();
  ASSERT_TRUE(f);
  EXPECT_FALSE(std::get<ControlFrame>(*f).known());
  EXPECT_EQ(std::get<ControlFrame>(*f).code, 3);
}

TEST(VpcdCodec, ApduFrame) {
  Decoder d;
  d.feed(from_hex("0007 00A4000C023F00"));
  auto f = d.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(std::get<ApduFrame>(*f).apdu, from_hex("00A4000C023F00"));
  EXPECT_FALSE(d.next());
}

TEST(VpcdCodec, EveryByteSeparately) {
  const Bytes stream = from_hex("000101 000104 0007 00A4000C023F00 000102 000100");
  Decoder d;
  std::vector<Frame> frames;
  for (auto b : stream) {
    d.feed(ByteView(&b, 1));
    while (auto f = d.next()) frames.push_back(*f);
  }
  ASSERT_EQ(frames.size(), 5u);
  EXPECT_EQ(frames[0], Frame{ControlFrame{1}});
  EXPECT_EQ(frames[1], Frame{ControlFrame{4}});
  EXPECT_EQ(frames[2], Frame{ApduFrame{from_hex("00A4000C023F00")}});
  EXPECT_EQ(frames[3], Frame{ControlFrame{2}});
  EXPECT_EQ(frames[4], Frame{ControlFrame{0}});
}

TEST(VpcdCodec, EverySplitPointOfTwoFrames) {
  const Bytes stream = from_hex("0005 0102030405 000104");
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    Decoder d;
    std::vector<Frame> frames;
    d.feed(ByteView(stream).first(cut));
    while (auto f = d.next()) frames.push_back(*f);
    d.feed(ByteView(stream).subspan(cut));
    while (auto f = d.next()) frames.push_back(*f);
    ASSERT_EQ(frames.size(), 2u) << "cut at " << cut;
    EXPECT_EQ(frames[0], Frame{ApduFrame{from_hex("0102030405")}});
    EXPECT_EQ(frames[1], Frame{ControlFrame{4}});
  }
}

TEST(VpcdCodec, PartialHeaderWaits) {
  Decoder d;
  d.feed(from_hex("00"));
  EXPECT_FALSE(d.next());
  d.feed(from_hex("03 0102"));
  EXPECT_FALSE(d.next());
  EXPECT_EQ(d.buffered(), 4u);
  d.feed(from_hex("03"));
  auto f = d.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(std::get<ApduFrame>(*f).apdu, from_hex("010203"));
}

TEST(VpcdCodec, MaximumLengthFrame) {
  Bytes payload(max_payload, 0xAB);
  Bytes stream = encode_frame(payload);
  ASSERT_EQ(stream.size(), max_payload + 2);
  EXPECT_EQ(stream[0], 0xFF);
  EXPECT_EQ(stream[1], 0xFF);
  Decoder d;
  // In odd-sized chunks, as TCP would deliver it.
  for (std::size_t at = 0; at < stream.size(); at += 1000)
    d.feed(ByteView(stream).subspan(at, std::min<std::size_t>(1000, stream.size() - at)));
  auto f = d.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(std::get<ApduFrame>(*f).apdu, payload);
}

TEST(VpcdCodec, ZeroLengthIsAProtocolError) {
  Decoder d;
  d.feed(from_hex("0000"));
  EXPECT_THROW(d.next(), ProtocolError);
  EXPECT_TRUE(d.failed());
  EXPECT_THROW(d.next(), ProtocolError);  // stays failed
}

TEST(VpcdCodec, LengthAboveConfiguredLimitIsRefusedBeforeBuffering) {
  Decoder d(16);
  d.feed(from_hex("0011"));  // 17 > 16: refused from the header alone
  EXPECT_THROW(d.next(), ProtocolError);
}

TEST(VpcdCodec, FramesAfterACompleteOneStayBuffered) {
  Decoder d;
  d.feed(from_hex("000101 0004 00B0"));
  auto f = d.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, Frame{ControlFrame{1}});
  EXPECT_FALSE(d.next());
  EXPECT_EQ(d.buffered(), 4u);
  d.feed(from_hex("0000"));
  f = d.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(std::get<ApduFrame>(*f).apdu, from_hex("00B00000"));
}

TEST(VpcdCodec, LongRunDoesNotGrowTheBuffer) {
  Decoder d;
  const Bytes one = from_hex("0007 00A4000C023F00 00");  // a frame plus one byte of the next
  d.feed(one);
  for (int i = 0; i < 10000; ++i) {
    ASSERT_TRUE(d.next());
    ASSERT_FALSE(d.next());
    d.feed(from_hex("07 00A4000C023F00 00"));
  }
  EXPECT_EQ(d.buffered(), 10u);
}

TEST(VpcdCodec, EncodeFrame) {
  EXPECT_EQ(encode_frame(from_hex("9000")), from_hex("00029000"));
  EXPECT_EQ(encode_control(Control::get_atr), from_hex("000104"));
  EXPECT_EQ(encode(Frame{ControlFrame{2}}), from_hex("000102"));
  EXPECT_EQ(encode(Frame{ApduFrame{from_hex("00A40000")}}), from_hex("000400A40000"));
  Bytes out = from_hex("AA");
  encode_frame(out, from_hex("6F00"));
  EXPECT_EQ(out, from_hex("AA00026F00"));
}

TEST(VpcdCodec, EncodeRefusesOversizeAndEmpty) {
  EXPECT_THROW(encode_frame(Bytes(max_payload + 1, 0)), ProtocolError);
  EXPECT_THROW(encode_frame(Bytes{}), ProtocolError);
  EXPECT_NO_THROW(encode_frame(Bytes(max_payload, 0)));
}
