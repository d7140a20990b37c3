// Life cycle: a blank card initialized with gids-tool's exact sequence, TERMINATE DF, and the
// extension API (GidsApi / GidsExtension) the SKI module builds on.
#include "gids_test_support.h"

namespace softcard::gids::test {
namespace {

// The master file gids-tool writes (OpenSC 0.23 gids_initialize), byte for byte.
Bytes opensc_masterfile() {
  return hex(
      "016d736370000000000000000000000000000000000000000000a00000000000"
      "000000000000636172646964000000000020df000012a0000000000000000000"
      "0000636172646170707300000021df000010a000000000000000000000006361"
      "72646366000000000022df000010a000006d7363700000000000636d61706669"
      "6c6500000023df000010a00000");
}

struct Lifecycle : GidsCardTest {
  void SetUp() override { make_card(false); }

  // gids-tool --initialize --pin 123456 --admin-key <default> --serial 00..0F, APDU by APDU as
  // OpenSC 0.23's gids_initialize() sends them.
  void initialize_like_gids_tool() {
    ASSERT_EQ(select_gids().sw, 0x9000);
    ASSERT_EQ(get_do(0xA000, 0xDF1F).sw, 0x6A82);  // "card is new"
    ASSERT_EQ(tx("0024018006313233343536").sw, 0x9000);
    for (const char* fcp : {"620C8201398302A0008C03033000", "620C8201398302A0108C03033000",
                            "620C8201398302A0118C030330FF", "620C8201398302A0128C03032000",
                            "620C8201398302A0138C03033030", "620C8201398302A0148C03032020"}) {
      ASSERT_EQ(send(0xE0, 0, 0, hex(fcp), false).sw, 0x9000) << fcp;
      ASSERT_EQ(tx("00440000").sw, 0x9000);
    }
    ASSERT_EQ(
        send(0xE0, 0, 0, hex("621A8201188302B0808C04870020FFA50BA4098001028301809501C0"), false).sw,
        0x9000);
    ASSERT_EQ(tx("00440000").sw, 0x9000);
    const Bytes admin = hex("840180A51F8718") + default_admin_key() + hex("8803B073DC");
    ASSERT_EQ(send(0xDB, 0x3F, 0xFF, tlv(0x70, admin), false).sw, 0x9000);
    const Bytes mf = opensc_masterfile();
    ASSERT_EQ(put_do(0xA000, 0xDF1F, mf).sw, 0x9000);
    ASSERT_EQ(put_do(0xA010, 0xDF21, hex("6D73637000000000")).sw, 0x9000);
    ASSERT_EQ(put_do(0xA010, 0xDF22, hex("000000000000")).sw, 0x9000);
    ASSERT_EQ(put_do(0xA010, 0xDF23, {}).sw, 0x9000);
    ASSERT_EQ(put_do(0xA012, 0xDF20, hex("000102030405060708090A0B0C0D0E0F")).sw, 0x9000);
    ASSERT_EQ(tx("00A4000C023FFF").sw, 0x9000);
    ASSERT_EQ(tx("00440000").sw, 0x9000);
  }
};

TEST_F(Lifecycle, BlankCardAnswersSelectButHasNoFileSystem) {
  EXPECT_EQ(select_gids().sw, 0x9000);
  EXPECT_EQ(get_do(0xA000, 0xDF1F).sw, 0x6A82);
  EXPECT_EQ(tx("00200080").sw, 0x6A88);
  EXPECT_EQ(send(0xCB, 0x3F, 0xFF, hex("5C027F71")).sw, 0x6A88);
  EXPECT_EQ(tx("00A4000C023FFF").sw, 0x9000);
  EXPECT_EQ(tx("00440000").sw, 0x6985);  // no PIN yet: cannot become operational
  EXPECT_EQ(tx("002C028006313131313131").sw, 0x6986);
}

TEST_F(Lifecycle, GidsToolInitializeSequenceMakesAnOperationalCard) {
  initialize_like_gids_tool();
  card->reset();
  select_gids();
  const Rx mf = get_do(0xA000, 0xDF1F);
  ASSERT_EQ(mf.sw, 0x9000);
  EXPECT_EQ(mf.data, tlv(0xDF1F, opensc_masterfile()));
  EXPECT_EQ(get_do(0xA012, 0xDF20).data, hex("DF2010000102030405060708090A0B0C0D0E0F"));
  EXPECT_EQ(send(0xCB, 0x3F, 0xFF, hex("5C027F71")).data, hex("7F7106970103930103"));
  // ACLs apply now.
  EXPECT_EQ(put_do(0xA012, 0xDF20, hex("00")).sw, 0x6982);
  EXPECT_EQ(put_do(0xA010, 0xDF24, hex("00")).sw, 0x6982);
  EXPECT_EQ(tx("0024018006313233343536").sw, 0x6982);  // no more PIN setting without the PIN
  EXPECT_EQ(verify_pin("123456").sw, 0x9000);
  EXPECT_EQ(put_do(0xA010, 0xDF24, hex("00")).sw, 0x9000);
  EXPECT_EQ(admin_mutual_auth(default_admin_key()), 0x9000);
  EXPECT_EQ(put_do(0xA012, 0xDF20, hex("00")).sw, 0x9000);
  // A second initialization is refused at its first step by the host (DF1F readable) and
  // the admin key cannot be replaced without admin authentication.
  EXPECT_EQ(tx("00200082").sw, 0x9000);
  const Bytes admin = hex("840180A51F8718") + Bytes(24, 0x11) + hex("8803B073DC");
  EXPECT_EQ(send(0xDB, 0x3F, 0xFF, tlv(0x70, admin), false).sw, 0x6982);
}

TEST_F(Lifecycle, PersonalizedCardEqualsAGidsToolInitializedOne) {
  make_card(true);
  select_gids();
  EXPECT_EQ(get_do(0xA000, 0xDF1F).data, tlv(0xDF1F, opensc_masterfile()));
}

TEST_F(Lifecycle, TerminateDfNeedsAdminAndIsFinal) {
  make_card(true);
  select_gids();
  EXPECT_EQ(tx("00E60000").sw, 0x6982);
  ASSERT_EQ(admin_mutual_auth(default_admin_key()), 0x9000);
  EXPECT_EQ(tx("00E60000").sw, 0x9000);
  EXPECT_EQ(select_gids().sw, 0x6285);
  EXPECT_EQ(verify_pin().sw, 0x6985);
  EXPECT_EQ(get_do(0xA010, 0xDF21).sw, 0x6985);
  card->power_off();
  card->power_on();
  EXPECT_EQ(select_gids().sw, 0x6285);
}

// A stand-in for the SKI extension: CLA 80 INS 50 = "create container 0 from a fresh P-256
// key, PIN protected", INS 52 = "report the PIN tries left".
class TestExtension final : public GidsExtension {
 public:
  std::optional<Response> process(const Command& cmd, CardContext& ctx, GidsApi& gids) override {
    if (cmd.ins == 0x50) {
      if (!gids.pin_verified()) throw CardError(Sw::security_not_satisfied);
      KeyPair key = ctx.crypto().generate_ec(Curve::p256);
      ContainerKeyOptions o;
      o.spec = KeySpec::signature;
      o.guid = u"ski-test";
      o.make_default = true;
      gids.create_container_key(ctx, cmd.p2, key, o);
      return Response(Sw::ok);
    }
    if (cmd.ins == 0x52) return Response(Bytes{gids.pin_tries_left(ctx.store())});
    if (cmd.ins == 0x54) {
      gids.deauthenticate_pin();
      return Response(Sw::ok);
    }
    return std::nullopt;
  }
  void clear_volatile() override { ++clears; }
  int clears = 0;
};

TEST_F(Lifecycle, ExtensionCreatesConsistentContainers) {
  auto ext = std::make_unique<TestExtension>();
  TestExtension* e = ext.get();
  make_card(true, false, AdminKeyAlgorithm::tdes, std::move(ext));
  select_gids();
  EXPECT_GE(e->clears, 1);
  EXPECT_EQ(tx("8050000100").sw, 0x6982);
  EXPECT_EQ(tx("80510000").sw, 0x6D00);  // not the extension's either
  const Rx tries = tx("8052000000");
  EXPECT_EQ(tries.data, hex("03"));
  ASSERT_EQ(verify_pin().sw, 0x9000);
  ASSERT_EQ(tx("8050000100").sw, 0x9000);  // container 1 (container 0 stays invalid)
  EXPECT_EQ(tx("80540000").sw, 0x9000);
  EXPECT_EQ(tx("00200080").sw, 0x63C3);  // the extension logged the user out
  ASSERT_EQ(verify_pin().sw, 0x9000);
  // cmapfile: two records, the second valid+default with a 256-bit signature key.
  const Rx cmap = get_do(0xA010, 0xDF23);
  ASSERT_EQ(cmap.sw, 0x9000);
  const Bytes value(cmap.data.begin() + 4, cmap.data.end());  // DF23 81 AC
  const auto recs = decode_cmapfile(value);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_FALSE(recs[0].valid());
  EXPECT_EQ(recs[1].flags, 0x03);
  EXPECT_EQ(recs[1].sig_key_bits, 256);
  EXPECT_EQ(recs[1].kx_key_bits, 0);
  EXPECT_EQ(recs[1].guid, u"ski-test");
  // keymap: 01 + two 12-byte records; the second names key B082, algid 0C, AT_SIGNATURE.
  const Rx keymap = get_do(0xA000, 0xDF20);
  ASSERT_EQ(keymap.sw, 0x9000);
  EXPECT_EQ(keymap.data.size(), 3u + 1 + 24);
  EXPECT_EQ(Bytes(keymap.data.begin() + 3 + 13, keymap.data.end()),
            hex("010000000C9C82B0FFFF0000"));
  // cardcf freshness bumped (containers and files).
  EXPECT_EQ(get_do(0xA010, 0xDF22).data, hex("DF2206000001000100"));
  // The key is usable through the normal APDUs.
  const Rx pub = send(0xCB, 0x3F, 0xFF, hex("7008840182A5037F4980"));
  ASSERT_EQ(pub.sw, 0x9000);
  ASSERT_EQ(tx("002241B60680015C840182").sw, 0x9000);
  const Bytes hash = host.digest(HashAlg::sha256, view(std::string_view("x")));
  const Rx sig = send(0x2A, 0x9E, 0x9A, hash);
  ASSERT_EQ(sig.sw, 0x9000);
  EXPECT_TRUE(host.ecdsa_verify(ec_public_from(pub.data, Curve::p256), hash, sig.data));
  // The signature-only key file has no decipher mechanism.
  EXPECT_EQ(tx("002241B80680010C840182").sw, 0x6984);
}

}  // namespace
}  // namespace softcard::gids::test
