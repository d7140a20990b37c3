#include "security/pin.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "test_support.h"

#include "fake_context.h"
#include "softcard/errors.h"

namespace softcard::security {
namespace {

using test::FakeContext;

ByteView v(std::string_view s) {
  return view(s);
}

PinRecord make_pin(std::uint8_t ref, std::string_view value, std::uint8_t tries = 3) {
  PinRecord p;
  p.reference = ref;
  p.min_length = 4;
  p.max_length = 8;
  p.max_tries = p.tries_left = tries;
  p.value = SecretBytes(view(value));
  return p;
}

// As install() stores it: the value turned into a verifier.
PinRecord stored(PinRecord p) {
  p.verifier = make_pin_verifier(p.value.view(), pin_kdf_cost());
  p.value.wipe();
  return p;
}

Sw thrown(auto&& f) {
  return test::thrown_sw(f);
}

class PinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PinRecord user = make_pin(0x81, "1234");
    user.unblock_reference = 0x83;
    pins.install(ctx.store(), user);
    PinRecord so = make_pin(0x82, "87654321");
    so.grants_admin = true;
    pins.install(ctx.store(), so);
    pins.install(ctx.store(), make_pin(0x83, "12345678", 5));
    PinRecord padded = make_pin(0x84, "4321");
    padded.pad_byte = 0xFF;
    pins.install(ctx.store(), padded);
    ctx.store().commit();
  }
  // The counter as the medium holds it (what survives a power cut).
  int durable_tries(std::uint8_t ref) {
    const auto& objects = ctx.memory->objects();
    const auto it = objects.find(pins.key(ref));
    if (it == objects.end()) return -1;
    return decode_pin_record(view(it->second)).tries_left;
  }
  FakeContext ctx;
  PinManager pins{"test/pin/"};
  SecurityState state;
};

TEST_F(PinTest, RecordRoundTrip) {
  PinRecord p = make_pin(0x85, "abcdef", 7);
  p.pad_byte = 0x00;
  p.unblock_reference = 0x83;
  p.grants_admin = true;
  p.tries_left = 2;
  const PinRecord q = decode_pin_record(encode_pin_record(stored(std::move(p))));
  EXPECT_EQ(q.reference, 0x85);
  EXPECT_EQ(q.max_tries, 7);
  EXPECT_EQ(q.tries_left, 2);
  EXPECT_EQ(q.pad_byte, std::optional<std::uint8_t>(0x00));
  EXPECT_EQ(q.unblock_reference, std::optional<std::uint8_t>(0x83));
  EXPECT_TRUE(q.grants_admin);
  EXPECT_TRUE(q.value.empty());
  ASSERT_TRUE(q.verifier);
  EXPECT_EQ(q.verifier->length, 6);
  EXPECT_TRUE(pin_matches(*q.verifier, v("abcdef")));
  EXPECT_FALSE(pin_matches(*q.verifier, v("abcdeg")));
}

TEST_F(PinTest, TheImageHoldsAVerifierNeverThePin) {
  for (const std::uint8_t ref : std::initializer_list<std::uint8_t>{0x81, 0x82, 0x83, 0x84}) {
    const std::string key = pins.key(ref);
    const Bytes& raw = ctx.memory->objects().at(key);
    for (const std::string_view pin : {"1234", "87654321", "12345678", "4321"})
      EXPECT_EQ(std::search(raw.begin(), raw.end(), pin.begin(), pin.end()), raw.end()) << key;
    EXPECT_TRUE(ctx.memory->secret_keys().count(key)) << key << " is stored as a secret record";
  }
  // Same PIN, different salts: equal PINs do not show in the image.
  const PinRecord a = *pins.find(ctx.store(), 0x81), b = *pins.find(ctx.store(), 0x84);
  EXPECT_NE(a.verifier->salt, b.verifier->salt);
  EXPECT_EQ(a.verifier->cost, pin_kdf_cost());
}

TEST_F(PinTest, ChangeAndUnblockRewriteTheVerifier) {
  const auto salt_of = [&](std::uint8_t ref) {
    return pins.find(ctx.store(), ref)->verifier->salt;
  };
  const auto before = salt_of(0x81);
  ASSERT_EQ(pins.change(ctx, state, 0x81, v("1234"), v("5678")), Sw::ok);
  EXPECT_NE(salt_of(0x81), before);
  EXPECT_EQ(pins.find(ctx.store(), 0x81)->verifier->length, 4);
  const auto changed = salt_of(0x81);
  ASSERT_EQ(pins.unblock(ctx, state, 0x81, v("12345678"), v("246802")), Sw::ok);
  EXPECT_NE(salt_of(0x81), changed);
  EXPECT_EQ(pins.current_length(ctx.store(), 0x81), 6u);
}

TEST_F(PinTest, InstallKeepsTheVerifierOfARecordReadBack) {
  PinRecord user = *pins.find(ctx.store(), 0x81);
  ASSERT_TRUE(user.value.empty());
  user.unblock_reference.reset();
  pins.install(ctx.store(), user);  // a metadata change: the PIN stays what it was
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("1234")), Sw::ok);
  PinRecord empty = make_pin(0x90, "");
  EXPECT_THROW(pins.install(ctx.store(), empty), ProfileError);
}

TEST_F(PinTest, PersistsOnlyTheCounterRecord) {
  ctx.store().put("test/other", {1});
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("0000")), sw_retries(2));
  EXPECT_EQ(ctx.persisted, std::vector<std::string>{pins.key(0x81)});
  EXPECT_EQ(ctx.memory->last_keys(), std::vector<std::string>{pins.key(0x81)});
  EXPECT_EQ(ctx.memory->objects().count("test/other"), 0u);
  EXPECT_TRUE(ctx.store().dirty()) << "the other write is still the command's";
  ctx.store().rollback();
  EXPECT_EQ(durable_tries(0x81), 2);
}

TEST_F(PinTest, CorruptRecordsAreImageErrors) {
  Bytes good = encode_pin_record(stored(make_pin(0x81, "1234")));
  EXPECT_THROW(decode_pin_record({}), ImageError);
  Bytes truncated(good.begin(), good.end() - 1);
  EXPECT_THROW(decode_pin_record(truncated), ImageError);
  Bytes newer = good;
  newer[0] = 3;
  EXPECT_THROW(decode_pin_record(newer), ImageError);
  Bytes plain = good;  // version 1 kept the PIN itself
  plain[0] = 1;
  EXPECT_THROW(decode_pin_record(plain), ImageError);
  Bytes costly = good;  // a doctored cost must not make VERIFY allocate without bound
  costly[11] = 40;
  EXPECT_THROW(decode_pin_record(costly), ImageError);
  Bytes kdf = good;
  kdf[10] = 7;
  EXPECT_THROW(decode_pin_record(kdf), ImageError);
  Bytes length = good;
  length[9] = 20;  // longer than max_length
  EXPECT_THROW(decode_pin_record(length), ImageError);
  Bytes inconsistent = good;
  inconsistent[5] = 9;  // tries_left > max_tries
  EXPECT_THROW(decode_pin_record(inconsistent), ImageError);
}

TEST_F(PinTest, InstallValidates) {
  EXPECT_THROW(pins.install(ctx.store(), make_pin(0x90, "12")), ProfileError);
  EXPECT_THROW(pins.install(ctx.store(), make_pin(0x90, "123456789")), ProfileError);
  EXPECT_THROW(pins.install(ctx.store(), make_pin(0x90, "1234", 0)), ProfileError);
  EXPECT_THROW(pins.install(ctx.store(), make_pin(0x90, "1234", 16)), ProfileError);
  PinRecord self = make_pin(0x90, "1234");
  self.unblock_reference = 0x90;
  EXPECT_THROW(pins.install(ctx.store(), self), ProfileError);
  EXPECT_EQ(pins.references(ctx.store()), (std::vector<std::uint8_t>{0x81, 0x82, 0x83, 0x84}));
}

TEST_F(PinTest, VerifyCorrectAndWrong) {
  EXPECT_EQ(pins.status(ctx.store(), state, 0x81), sw_retries(3));
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("1111")), sw_retries(2));
  EXPECT_FALSE(state.verified(0x81));
  EXPECT_EQ(pins.status(ctx.store(), state, 0x81), sw_retries(2));
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("1234")), Sw::ok);
  EXPECT_TRUE(state.verified(0x81));
  EXPECT_FALSE(state.admin());
  EXPECT_EQ(pins.status(ctx.store(), state, 0x81), Sw::ok);
  ctx.store().commit();
  EXPECT_EQ(durable_tries(0x81), 3) << "success restores the counter";
  // A failed verification withdraws the earlier one.
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("9999")), sw_retries(2));
  EXPECT_FALSE(state.verified(0x81));
}

TEST_F(PinTest, LockoutAfterMaxTries) {
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("0000")), sw_retries(2));
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("0000")), sw_retries(1));
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("0000")), sw_retries(0));
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("1234")), Sw::auth_method_blocked);
  EXPECT_EQ(pins.status(ctx.store(), state, 0x81), Sw::auth_method_blocked);
  EXPECT_FALSE(state.verified(0x81));
  EXPECT_EQ(durable_tries(0x81), 0);
  EXPECT_TRUE(pins.info(ctx.store(), state, 0x81).blocked());
}

TEST_F(PinTest, CounterIsDurableBeforeTheComparison) {
  const std::size_t before = ctx.memory->apply_count();
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("0000")), sw_retries(2));
  EXPECT_EQ(ctx.memory->apply_count(), before + 1);
  ctx.store().rollback();  // the Card rolls back a failed command: the try stays spent
  EXPECT_EQ(durable_tries(0x81), 2);

  // With a medium that cannot write, the correct PIN is never even compared: the command
  // fails and the PIN is not verified.
  ctx.memory->set_failing(true);
  EXPECT_THROW(pins.verify(ctx, state, 0x81, v("1234")), ImageError);
  EXPECT_FALSE(state.verified(0x81));
  ctx.memory->set_failing(false);
  ctx.store().rollback();
  EXPECT_EQ(durable_tries(0x81), 2);

  // Success: the decrement is committed first, the restore comes with the command's commit.
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("1234")), Sw::ok);
  EXPECT_EQ(durable_tries(0x81), 1);
  ctx.store().commit();
  EXPECT_EQ(durable_tries(0x81), 3);
}

TEST_F(PinTest, BadLengthDoesNotSpendATry) {
  const std::size_t before = ctx.memory->apply_count();
  EXPECT_EQ(thrown([&] { pins.verify(ctx, state, 0x81, v("12")); }), Sw::wrong_data);
  EXPECT_EQ(thrown([&] { pins.verify(ctx, state, 0x81, v("123456789")); }), Sw::wrong_data);
  EXPECT_EQ(ctx.memory->apply_count(), before);
  EXPECT_EQ(durable_tries(0x81), 3);
}

TEST_F(PinTest, UnknownReference) {
  EXPECT_EQ(thrown([&] { pins.verify(ctx, state, 0x99, v("1234")); }), Sw::reference_not_found);
  EXPECT_EQ(thrown([&] { pins.status(ctx.store(), state, 0x99); }), Sw::reference_not_found);
  EXPECT_EQ(thrown([&] { pins.deauthenticate(ctx.store(), state, 0x99); }),
            Sw::reference_not_found);
}

TEST_F(PinTest, PaddingIsStripped) {
  const std::uint8_t padded[] = {'4', '3', '2', '1', 0xFF, 0xFF, 0xFF, 0xFF};
  EXPECT_EQ(pins.verify(ctx, state, 0x84, padded), Sw::ok);
  EXPECT_EQ(pins.verify(ctx, state, 0x84, v("4321")), Sw::ok);
  const std::uint8_t wrong[] = {'4', '3', '2', '2', 0xFF, 0xFF, 0xFF, 0xFF};
  EXPECT_EQ(pins.verify(ctx, state, 0x84, wrong), sw_retries(2));
  EXPECT_EQ(pins.current_length(ctx.store(), 0x84), 8u);
  EXPECT_EQ(pins.current_length(ctx.store(), 0x81), 4u);
}

TEST_F(PinTest, AdminPinGrantsAdminAndDeauthenticateWithdrawsIt) {
  EXPECT_EQ(pins.verify(ctx, state, 0x82, v("87654321")), Sw::ok);
  EXPECT_TRUE(state.admin());
  pins.deauthenticate(ctx.store(), state, 0x82);
  EXPECT_FALSE(state.admin());
  EXPECT_FALSE(state.verified(0x82));
}

TEST_F(PinTest, ChangeWithOldValue) {
  EXPECT_EQ(pins.change(ctx, state, 0x81, v("1111"), v("5678")), sw_retries(2));
  EXPECT_EQ(pins.change(ctx, state, 0x81, v("1234"), v("567890")), Sw::ok);
  EXPECT_TRUE(state.verified(0x81));
  ctx.store().commit();
  EXPECT_EQ(durable_tries(0x81), 3);
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("1234")), sw_retries(2));
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("567890")), Sw::ok);
  ctx.store().commit();
  // A new value of bad length is refused before any try is used.
  EXPECT_EQ(thrown([&] { pins.change(ctx, state, 0x81, v("567890"), v("1")); }), Sw::wrong_data);
  EXPECT_EQ(durable_tries(0x81), 3);
}

TEST_F(PinTest, ChangeAfterVerify) {
  EXPECT_EQ(thrown([&] { pins.change_verified(ctx, state, 0x81, v("5555")); }),
            Sw::security_not_satisfied);
  ASSERT_EQ(pins.verify(ctx, state, 0x81, v("1234")), Sw::ok);
  pins.change_verified(ctx, state, 0x81, v("5555"));
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("5555")), Sw::ok);
}

TEST_F(PinTest, UnblockWithPuk) {
  for (int i = 0; i < 3; ++i) pins.verify(ctx, state, 0x81, v("0000"));
  ASSERT_EQ(pins.status(ctx.store(), state, 0x81), Sw::auth_method_blocked);
  EXPECT_EQ(pins.unblock_length(ctx.store(), 0x81), 8u);
  EXPECT_EQ(pins.unblock(ctx, state, 0x81, v("00000000"), std::nullopt), sw_retries(4));
  EXPECT_EQ(durable_tries(0x83), 4);
  EXPECT_EQ(pins.unblock(ctx, state, 0x81, v("12345678"), v("2468")), Sw::ok);
  ctx.store().commit();
  EXPECT_EQ(durable_tries(0x81), 3);
  EXPECT_EQ(durable_tries(0x83), 5);
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("2468")), Sw::ok);
  // A PIN without a PUK cannot be unblocked that way.
  EXPECT_EQ(thrown([&] { pins.unblock(ctx, state, 0x82, v("12345678"), std::nullopt); }),
            Sw::reference_not_found);
}

TEST_F(PinTest, ResetByAdmin) {
  for (int i = 0; i < 3; ++i) pins.verify(ctx, state, 0x81, v("0000"));
  EXPECT_EQ(thrown([&] { pins.reset_by_admin(ctx, state, 0x81, std::nullopt); }),
            Sw::security_not_satisfied);
  state.set_admin();
  pins.reset_by_admin(ctx, state, 0x81, std::nullopt);
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("1234")), Sw::ok);
  pins.reset_by_admin(ctx, state, 0x81, v("8642"));
  EXPECT_EQ(pins.verify(ctx, state, 0x81, v("8642")), Sw::ok);
}

TEST_F(PinTest, SecurityStateClear) {
  state.set_verified(0x81);
  state.set_admin();
  state.clear();
  EXPECT_FALSE(state.verified(0x81));
  EXPECT_FALSE(state.admin());
}

TEST_F(PinTest, SeparatePrefixesKeepSeparatePins) {
  PinManager other("other/pin/");
  EXPECT_FALSE(other.find(ctx.store(), 0x81));
  EXPECT_EQ(thrown([&] { other.verify(ctx, state, 0x81, v("1234")); }), Sw::reference_not_found);
}

}  // namespace
}  // namespace softcard::security
