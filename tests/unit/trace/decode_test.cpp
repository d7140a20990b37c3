#include <gtest/gtest.h>

#include "softcard/trace/decode.h"

namespace softcard::trace {
namespace {

Decoded run(Decoder& d, const char* c, const char* r) {
  return d.decode(from_hex(c), from_hex(r));
}

// All text of a node tree, for "never shows" checks.
std::string all_text(const std::vector<Node>& nodes) {
  std::string out;
  for (const auto& n : nodes)
    out += n.label + "=" + n.value + "/" + n.hex + ";" + all_text(n.children);
  return out;
}

const Node* find(const std::vector<Node>& nodes, const std::string& label_prefix) {
  for (const auto& n : nodes) {
    if (n.label.rfind(label_prefix, 0) == 0) return &n;
    if (auto* k = find(n.children, label_prefix)) return k;
  }
  return nullptr;
}

TEST(TraceDecode, NamesKnownAids) {
  EXPECT_EQ(aid_name(from_hex("A000000397425446590201")), "GIDS");
  EXPECT_EQ(aid_name(from_hex("A000000308")), "PIV");
  EXPECT_EQ(aid_name(from_hex("A0000005274711 17")), "YubiKey mgmt");
  EXPECT_EQ(aid_name(from_hex("D27600012401")), "OpenPGP");
  EXPECT_EQ(aid_name(from_hex("A000000063504B43532D3135")), "PKCS#15");
  EXPECT_EQ(aid_name(from_hex("A000000397434944 5F0100")), "Windows PnP");
  EXPECT_EQ(aid_name(from_hex("A0000000010101")), "");
}

TEST(TraceDecode, SelectSwitchesTheApplet) {
  Decoder d;
  auto s =
      run(d, "00A4040009A0000003974254465900", "61124F0BA0000003974254465902017303400 1C09000");
  EXPECT_EQ(s.applet, "GIDS");
  EXPECT_EQ(s.title, "SELECT GIDS");
  EXPECT_EQ(d.selected(), "GIDS");
  ASSERT_NE(find(s.response_fields, "4F"), nullptr);
  // A failed SELECT keeps the selection and is answered by the current applet.
  auto f = run(d, "00A4040009A00000030800001000 00", "6A82");
  EXPECT_EQ(f.applet, "GIDS");
  EXPECT_EQ(f.status, "6A82 file or application not found");
  EXPECT_EQ(d.selected(), "GIDS");
  d.power_event();
  EXPECT_EQ(d.selected(), "");
}

TEST(TraceDecode, GidsFilesByNameAndCmapfileRecords) {
  Decoder d;
  run(d, "00A4040009A0000003974254465900", "9000");
  Bytes rec(86, 0);
  rec[0] = 'a';
  rec[80] = 0x03;                  // valid, default
  rec[84] = 0x00, rec[85] = 0x08;  // kx 2048
  Bytes resp = from_hex("DF2356");
  resp.insert(resp.end(), rec.begin(), rec.end());
  resp.push_back(0x90), resp.push_back(0x00);
  auto x = d.decode(from_hex("00CBA010045C02DF2300"), resp);
  EXPECT_EQ(x.title, "GET DATA cmapfile (A010/DF23)");
  const Node* c0 = find(x.response_fields, "container 0");
  ASSERT_NE(c0, nullptr);
  EXPECT_EQ(c0->value, "valid, default");
  const Node* guid = find(c0->children, "name");
  ASSERT_NE(guid, nullptr);
  EXPECT_TRUE(guid->varies);
  ASSERT_NE(find(c0->children, "key exchange key bits"), nullptr);
  EXPECT_EQ(find(c0->children, "key exchange key bits")->value, "2048");
}

TEST(TraceDecode, GidsMseMechanismAndCompactAcl) {
  Decoder d;
  run(d, "00A4040009A0000003974254465900", "9000");
  auto m = run(d, "002241B606800157840181", "9000");
  EXPECT_EQ(m.title,
            "MANAGE SECURITY ENVIRONMENT digital signature (DST): sign RSASSA-PKCS1-v1_5, "
            "RSA-2048, key 81");
  auto cf = run(d, "00E000000E620C8201398302A0108C03033000", "9000");
  EXPECT_EQ(cf.title, "CREATE FILE EveryoneReadUserWriteAc");
  const Node* acl = find(cf.command_fields, "8C");
  ASSERT_NE(acl, nullptr);
  ASSERT_GE(acl->children.size(), 3u);
  EXPECT_EQ(acl->children[1].value, "user PIN or admin key (30)");
  EXPECT_EQ(acl->children[2].value, "always");
}

TEST(TraceDecode, SecretsAreNeverShown) {
  Decoder d;
  auto v = run(d, "0020008006313233343536", "9000");
  EXPECT_EQ(all_text(v.command_fields).find("313233343536"), std::string::npos);
  EXPECT_EQ(all_text(v.command_fields).find("123456"), std::string::npos);
  ASSERT_NE(find(v.command_fields, "data"), nullptr);
  EXPECT_TRUE(find(v.command_fields, "data")->withheld);
  // GIDS plaintext key import and the YubiKey key commands, even unredacted (a foreign log).
  auto k = run(d, "00DB3FFF0A70088401 80A5038701AA", "9000");
  EXPECT_EQ(all_text(k.command_fields).find("AA"), std::string::npos);
  run(d, "00A4040009A00000030800001000 00", "9000");
  auto imp = run(d, "00FE119A0A0620 1122334455667788", "9000");
  EXPECT_EQ(imp.title, "IMPORT ASYMMETRIC KEY 9A PIV Authentication, ECC P-256");
  EXPECT_EQ(all_text(imp.command_fields).find("1122334455667788"), std::string::npos);
  auto mk = run(d, "00FFFFFF1B039B1801020304050607080102030405060708010203040506070 8", "9000");
  EXPECT_EQ(all_text(mk.command_fields).find("0102030405060708"), std::string::npos);
}

TEST(TraceDecode, SkiCommandsAndBlobHeaders) {
  Decoder d;
  run(d, "00A4040009A0000003974254465900", "9000");
  auto caps = run(d, "8050000000", "80010F9000");
  EXPECT_EQ(caps.applet, "SKI");
  EXPECT_EQ(caps.command, "GET SKI CAPABILITIES");
  // A blob header: function 01, server to card, AES-256, GCM, n = 12, seq 1.
  Bytes blob = from_hex("534B0101010302 0C 1111111111111111 00000001 2222222222222222");
  blob.insert(blob.end(), 12, 0x33);  // base IV
  blob.insert(blob.end(), 5, 0x44);   // ciphertext
  blob.insert(blob.end(), 16, 0x55);  // tag
  Bytes apdu = from_hex("80620100");
  apdu.push_back(static_cast<std::uint8_t>(3 + 2 + blob.size()));
  append(apdu, from_hex("840161"));
  apdu.push_back(0x87);
  apdu.push_back(static_cast<std::uint8_t>(blob.size()));
  append(apdu, blob);
  auto p = d.decode(apdu, from_hex("9000"));
  EXPECT_EQ(p.title, "PROCESS ENCRYPTED DATA CSF_IMPORT_KEYPAIR");
  const Node* b = find(p.command_fields, "87");
  ASSERT_NE(b, nullptr);
  ASSERT_NE(find(b->children, "sequence"), nullptr);
  EXPECT_EQ(find(b->children, "sequence")->value, "1");
  EXPECT_EQ(find(b->children, "algorithm")->value, "AES-256");
  EXPECT_EQ(find(b->children, "mode")->value, "GCM");
  EXPECT_TRUE(find(b->children, "nonce")->varies);
  EXPECT_TRUE(find(b->children, "ciphertext")->varies);
  EXPECT_EQ(find(b->children, "ciphertext")->hex, "");  // length only
  auto imp = run(d, "8052000008800103810103870100", "8401619000");
  EXPECT_EQ(imp.title, "IMPORT SESSION KEY (container 0)");
}

TEST(TraceDecode, PivObjectsSlotsAndAlgorithms) {
  Decoder d;
  run(d, "00A4040009A00000030800001000 00", "9000");
  auto g = run(d, "00CB3FFF055C035FC10200", "53 04 34 02 AA BB 9000");
  EXPECT_EQ(g.applet, "PIV");
  EXPECT_EQ(g.title, "GET DATA CHUID (5F C1 02)");
  auto gen = run(d, "0047009A05AC03800111", "9000");
  EXPECT_EQ(gen.title, "GENERATE ASYMMETRIC KEY PAIR in 9A PIV Authentication, ECC P-256");
  auto ga = run(d, "0087079C047C028100", "9000");
  EXPECT_EQ(ga.title, "GENERAL AUTHENTICATE 9C Digital Signature, RSA-2048");
  auto v = run(d, "00FD000000", "0507009000");
  EXPECT_EQ(v.applet, "YubiKey");
  ASSERT_FALSE(v.response_fields.empty());
  EXPECT_EQ(v.response_fields[0].value, "5.7.0");
}

TEST(TraceDecode, MalformedAndUnansweredNeverThrow) {
  Decoder d;
  EXPECT_EQ(run(d, "00A4", "").command, "MALFORMED");
  EXPECT_EQ(run(d, "00B0000010", "").status, "(no answer)");
  EXPECT_EQ(run(d, "00CB3FFF025C", "9000").applet, "ISO");
}

}  // namespace
}  // namespace softcard::trace
