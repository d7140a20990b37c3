#include <gtest/gtest.h>

#include "softcard/wire/gids.h"
#include "wire_test_support.h"

namespace softcard::wire::gids {
namespace {
using test::cat;
using test::filled;
using test::hex;

// "AB", valid + default, no signature key, a 2048-bit key exchange key.
Bytes record_ab() {
  return cat(cat(hex("4100 4200"), filled(76, 0)), hex("03 00 0000 0008"));
}

TEST(GidsCmapfile, EncodesTheEightySixByteRecord) {
  ContainerRecord r{u"AB", ContainerRecord::flag_valid | ContainerRecord::flag_default, 0, 2048};
  EXPECT_EQ(encode_container_record(r), record_ab());
  EXPECT_EQ(encode_cmapfile({r, ContainerRecord{}}), cat(record_ab(), filled(86, 0)));
}

TEST(GidsCmapfile, DecodesRecordsAndRejectsPartialOnes) {
  Bytes file = cat(record_ab(), filled(86, 0));
  file[86 + 80] = 0x01;  // valid, no name
  file[86 + 82] = 0x00, file[86 + 83] = 0x04;
  auto recs = decode_cmapfile(file);
  ASSERT_TRUE(recs);
  ASSERT_EQ(recs->size(), 2u);
  EXPECT_EQ(recs->at(0).guid, u"AB");
  EXPECT_TRUE(recs->at(0).valid());
  EXPECT_EQ(recs->at(0).kx_key_bits, 2048);
  EXPECT_EQ(recs->at(1).sig_key_bits, 1024);
  EXPECT_TRUE(recs->at(1).guid.empty());
  file.pop_back();
  EXPECT_FALSE(decode_cmapfile(file));
  EXPECT_TRUE(decode_cmapfile({}));
}

TEST(GidsCmapfile, NameIsCutToThirtyNineUnits) {
  ContainerRecord r;
  r.guid = std::u16string(45, u'x');
  const Bytes b = encode_container_record(r);
  ASSERT_EQ(b.size(), container_record_size);
  EXPECT_EQ(b[2 * 38], 'x');
  EXPECT_EQ(b[2 * 39], 0);  // the terminator always fits
  EXPECT_EQ(decode_container_record(b).guid, std::u16string(39, u'x'));
}

TEST(GidsCmapfile, RecordAtPutAndClear) {
  Bytes file;
  ContainerRecord r{u"AB", 0x03, 0, 2048};
  put_container_record(file, 1, r);
  EXPECT_EQ(file, cat(filled(86, 0), record_ab()));
  EXPECT_EQ(container_record_at(file, 1), r);
  EXPECT_EQ(container_record_at(file, 0), ContainerRecord{});
  EXPECT_FALSE(container_record_at(file, 2));
  clear_container_record(file, 1);
  EXPECT_EQ(file, filled(172, 0));
  clear_container_record(file, 5);  // beyond the end: nothing
  EXPECT_EQ(file.size(), 172u);
}

TEST(GidsCmapfile, GuidNames) {
  EXPECT_EQ(container_guid(hex("00112233445566778899AABBCCDDEEFF")),
            u"{00112233-4455-6677-8899-AABBCCDDEEFF}");
}

TEST(GidsKeymap, RecordsAfterTheVersionByte) {
  EXPECT_EQ(encode_keymap_record({0x07, true, 0x81}), hex("01000000 07 9A 81 B0 FFFF 0000"));
  EXPECT_EQ(encode_keymap_record({0x0C, false, 0x82}), hex("01000000 0C 9C 82 B0 FFFF 0000"));
  Bytes km;
  put_keymap_record(km, 1, {0x07, true, 0x82});
  EXPECT_EQ(km, cat(cat(hex("01"), filled(12, 0)), hex("01000000 07 9A 82 B0 FFFF 0000")));
  ensure_keymap(km, 3);
  EXPECT_EQ(km.size(), 1u + 36u);
  clear_keymap_record(km, 1);
  EXPECT_EQ(km, cat(hex("01"), filled(36, 0)));
  Bytes fresh;
  ensure_keymap(fresh, 0);
  EXPECT_EQ(fresh, hex("01"));
}

TEST(GidsMasterFile, EncodesAndDecodes) {
  const std::vector<MasterFileEntry> entries = {{"mscp", "", 0, 0xA000},
                                                {"", "cardid", 0xDF20, 0xA012}};
  const Bytes expected =
      cat(cat(hex("01"), hex("6D736370 0000000000 000000000000000000 0000 00000000 00A00000")),
          hex("000000000000000000 636172646964 000000 0000 20DF0000 12A00000"));
  EXPECT_EQ(encode_masterfile(entries), expected);
  EXPECT_EQ(decode_masterfile(expected), entries);
}

TEST(GidsMasterFile, RejectsBadVersionAndPartialRecords) {
  Bytes mf = encode_masterfile({{"", "cardcf", 0xDF22, 0xA010}});
  mf.push_back(0);
  EXPECT_FALSE(decode_masterfile(mf));
  mf.pop_back();
  mf[0] = 0x02;
  EXPECT_FALSE(decode_masterfile(mf));
  EXPECT_FALSE(decode_masterfile({}));
  EXPECT_EQ(decode_masterfile(hex("01"))->size(), 0u);
}

TEST(GidsMasterFile, LongNamesAreCutToEight) {
  auto d = decode_masterfile(encode_masterfile({{"directory", "filename9", 1, 2}}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->at(0).dir, "director");
  EXPECT_EQ(d->at(0).name, "filename");
}

// OpenSC's key-exchange key file for key 81, RSA-2048.
const char* opensc_fcp =
    "62 47 820118 8302B081 8C058F10101000 A5 37"
    " B8 09 800107 830181 950140  B8 09 800187 830181 950140  B8 09 800147 830181 950140"
    " B6 09 800117 830181 950140  B6 09 800157 830181 950140";

TEST(GidsKeyFile, FcpMatchesWhatOpenScWrites) {
  EXPECT_EQ(encode_key_file_fcp({0x81, algid::rsa2048, true, true}), hex(opensc_fcp));
}

TEST(GidsKeyFile, SignatureKeyWithoutPin) {
  EXPECT_EQ(encode_key_file_fcp({0x82, algid::ec_p256, false, false}),
            hex("62 26 820118 8302B082 8C058F00000000 A5 16"
                " B6 09 80011C 830182 950140  B6 09 80015C 830182 950140"));
}

TEST(GidsKeyFile, ListsTheCrts) {
  auto crts = fcp_crts(hex(opensc_fcp));
  ASSERT_TRUE(crts);
  ASSERT_EQ(crts->size(), 5u);
  EXPECT_EQ(crts->at(0).tag, 0xB8u);
  EXPECT_EQ(crts->at(1).mechanism, 0x87);
  EXPECT_EQ(crts->at(4).tag, 0xB6u);
  EXPECT_EQ(crts->at(4).mechanism, 0x57);
  auto admin = fcp_crts(hex("62 0E 820118 8302B080 A5 05 A4 03 800102"));
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->at(0).tag, 0xA4u);
  EXPECT_EQ(admin->at(0).mechanism, 0x02);
  auto odd = fcp_crts(hex("62 07 A5 05 A4 03 80 05 01"));  // a CRT that does not parse
  ASSERT_TRUE(odd);
  EXPECT_FALSE(odd->at(0).mechanism);
  EXPECT_FALSE(fcp_crts(hex("62 03 820118")));  // no A5
  EXPECT_FALSE(fcp_crts(hex("62 05 8201")));    // malformed
}

TEST(GidsAlgorithms, TableBothWays) {
  const std::pair<std::uint8_t, KeyAlg> table[] = {
      {0x06, {false, 1024}}, {0x07, {false, 2048}}, {0x08, {false, 3072}}, {0x09, {false, 4096}},
      {0x0C, {true, 256}},   {0x0D, {true, 384}},   {0x0E, {true, 521}}};
  for (const auto& [id, alg] : table) {
    EXPECT_EQ(algid_for(alg), id);
    EXPECT_EQ(key_alg(id), alg);
  }
  EXPECT_FALSE(algid_for({false, 512}));
  EXPECT_FALSE(algid_for({true, 192}));
  EXPECT_FALSE(key_alg(0x0A));
  EXPECT_FALSE(key_alg(0x00));
  EXPECT_TRUE(is_ec_bits(521));
  EXPECT_FALSE(is_ec_bits(2048));
}

}  // namespace
}  // namespace softcard::wire::gids
