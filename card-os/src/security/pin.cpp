#include "security/pin.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "softcard/errors.h"

namespace softcard::security {
namespace {

// Version 2: the PIN as a scrypt verifier (version 1 kept the PIN itself; images holding
// such records are refused at open, docs/card-image.md).
constexpr std::uint8_t record_version = 2;
constexpr std::uint8_t flag_pad = 0x01;
constexpr std::uint8_t flag_unblock = 0x02;
constexpr std::uint8_t flag_admin = 0x04;
constexpr std::uint8_t kdf_scrypt = 0x01;
constexpr std::size_t header_size = 10;
constexpr std::size_t verifier_size = 4 + 16 + 32;  // kdf, log2 N, r, p, salt, hash
constexpr std::size_t record_size = header_size + verifier_size;

// Host input without trailing padding; the view aliases `in`.
ByteView unpadded(const PinRecord& pin, ByteView in) {
  if (!pin.pad_byte) return in;
  std::size_t n = in.size();
  while (n > 0 && in[n - 1] == *pin.pad_byte) --n;
  return in.first(n);
}

// Length is public (min/max are announced), so a bad length is refused without using a try.
ByteView checked_value(const PinRecord& pin, ByteView in) {
  const ByteView v = unpadded(pin, in);
  if (in.size() > pin.max_length || v.size() < pin.min_length) throw CardError(Sw::wrong_data);
  return v;
}

}  // namespace

Bytes encode_pin_record(const PinRecord& pin) {
  if (!pin.verifier) throw std::logic_error("PIN record without a verifier");
  const PinVerifier& v = *pin.verifier;
  if (v.cost.r > 255 || v.cost.p > 255 || v.cost.log2_n > 255)
    throw std::logic_error("PIN verifier cost does not fit the record");
  Bytes out;
  out.reserve(record_size);
  std::uint8_t flags = 0;
  if (pin.pad_byte) flags |= flag_pad;
  if (pin.unblock_reference) flags |= flag_unblock;
  if (pin.grants_admin) flags |= flag_admin;
  out.push_back(record_version);
  out.push_back(pin.reference);
  out.push_back(pin.min_length);
  out.push_back(pin.max_length);
  out.push_back(pin.max_tries);
  out.push_back(pin.tries_left);
  out.push_back(flags);
  out.push_back(pin.pad_byte.value_or(0));
  out.push_back(pin.unblock_reference.value_or(0));
  out.push_back(v.length);
  out.push_back(kdf_scrypt);
  out.push_back(static_cast<std::uint8_t>(v.cost.log2_n));
  out.push_back(static_cast<std::uint8_t>(v.cost.r));
  out.push_back(static_cast<std::uint8_t>(v.cost.p));
  append(out, v.salt);
  append(out, v.hash);
  return out;
}

PinRecord decode_pin_record(ByteView d) {
  if (d.size() < header_size) throw ImageError("PIN record truncated");
  if (d[0] != record_version)
    throw ImageError("PIN record version " + std::to_string(d[0]) + " not supported");
  if (d.size() != record_size) throw ImageError("PIN record length mismatch");
  PinRecord pin;
  pin.reference = d[1];
  pin.min_length = d[2];
  pin.max_length = d[3];
  pin.max_tries = d[4];
  pin.tries_left = d[5];
  const std::uint8_t flags = d[6];
  if (flags & ~(flag_pad | flag_unblock | flag_admin)) throw ImageError("PIN record flags invalid");
  if (flags & flag_pad) pin.pad_byte = d[7];
  if (flags & flag_unblock) pin.unblock_reference = d[8];
  pin.grants_admin = (flags & flag_admin) != 0;
  PinVerifier v;
  v.length = d[9];
  if (d[10] != kdf_scrypt) throw ImageError("PIN record KDF unknown");
  v.cost = ScryptCost{d[11], d[12], d[13]};
  // Bounded so that a doctored record cannot make VERIFY allocate without limit (1 GiB).
  if (v.cost.log2_n < 1 || v.cost.log2_n > 22 || v.cost.r == 0 || v.cost.p == 0 ||
      (std::uint64_t{128} << v.cost.log2_n) * v.cost.r > (std::uint64_t{1} << 30))
    throw ImageError("PIN record KDF cost out of range");
  std::copy_n(d.begin() + 14, v.salt.size(), v.salt.begin());
  std::copy_n(d.begin() + 30, v.hash.size(), v.hash.begin());
  pin.verifier = v;
  if (pin.max_tries == 0 || pin.max_tries > 15 || pin.tries_left > pin.max_tries ||
      pin.min_length == 0 || pin.min_length > pin.max_length || pin.max_length > 127 ||
      v.length < pin.min_length || v.length > pin.max_length)
    throw ImageError("PIN record values inconsistent");
  return pin;
}

PinManager::PinManager(std::string key_prefix) : prefix_(std::move(key_prefix)) {}

std::string PinManager::key(std::uint8_t reference) const {
  char hex[3];
  std::snprintf(hex, sizeof hex, "%02x", reference);
  return prefix_ + hex;
}

void PinManager::install(ObjectStore& store, const PinRecord& pin) const {
  const auto fail = [&](const std::string& why) {
    throw ProfileError("PIN " + key(pin.reference) + ": " + why);
  };
  if (pin.max_length == 0 || pin.max_length > 127) fail("max_length must be 1..127");
  if (pin.min_length == 0 || pin.min_length > pin.max_length)
    fail("min_length must be 1..max_length");
  if (pin.max_tries == 0 || pin.max_tries > 15) fail("max_tries must be 1..15");
  if (pin.tries_left > pin.max_tries) fail("tries_left exceeds max_tries");
  if (pin.unblock_reference && *pin.unblock_reference == pin.reference)
    fail("a PIN cannot unblock itself");
  PinRecord stored = pin;
  stored.value.wipe();
  if (!pin.value.empty()) {
    if (pin.value.size() < pin.min_length || pin.value.size() > pin.max_length)
      fail("value length outside min_length..max_length");
    stored.verifier = make_pin_verifier(pin.value.view(), pin_kdf_cost());
  } else if (!pin.verifier) {
    fail("no value");
  } else if (pin.verifier->length < pin.min_length || pin.verifier->length > pin.max_length) {
    fail("value length outside min_length..max_length");
  }
  save(store, stored);
}

std::optional<PinRecord> PinManager::find(const ObjectStore& store, std::uint8_t reference) const {
  const Bytes* raw = store.get(key(reference));
  if (!raw) return std::nullopt;
  return decode_pin_record(view(*raw));
}

std::vector<std::uint8_t> PinManager::references(const ObjectStore& store) const {
  std::vector<std::uint8_t> refs;
  for (const auto& k : store.keys(prefix_)) {
    const std::string_view tail = std::string_view(k).substr(prefix_.size());
    if (tail.size() != 2) continue;
    try {
      refs.push_back(from_hex(tail).at(0));
    } catch (const std::exception&) {
      // Not one of ours (another record kind under the same prefix).
    }
  }
  return refs;
}

PinRecord PinManager::load(const ObjectStore& store, std::uint8_t reference) const {
  auto pin = find(store, reference);
  if (!pin) throw CardError(Sw::reference_not_found);
  return std::move(*pin);
}

void PinManager::save(ObjectStore& store, const PinRecord& pin) const {
  store.put_secret(key(pin.reference), encode_pin_record(pin));
}

PinInfo PinManager::info(const ObjectStore& store, const SecurityState& state,
                         std::uint8_t reference) const {
  const PinRecord pin = load(store, reference);
  return PinInfo{pin.reference, pin.min_length, pin.max_length,
                 pin.max_tries, pin.tries_left, state.verified(reference)};
}

Sw PinManager::check(CardContext& ctx, PinRecord& pin, ByteView candidate) const {
  if (pin.blocked()) return Sw::auth_method_blocked;
  // The try is spent and durable before we look at the value: cutting power after the
  // comparison can never give it back.
  const std::uint8_t before = pin.tries_left;
  pin.tries_left = static_cast<std::uint8_t>(before - 1);
  save(ctx.store(), pin);
  ctx.persist_now(key(pin.reference));
  if (!pin_matches(*pin.verifier, candidate)) return sw_retries(pin.tries_left);
  pin.tries_left = pin.max_tries;
  save(ctx.store(), pin);
  return Sw::ok;
}

Sw PinManager::verify(CardContext& ctx, SecurityState& state, std::uint8_t reference,
                      ByteView candidate) const {
  PinRecord pin = load(ctx.store(), reference);
  if (pin.blocked()) {
    state.set_verified(reference, false);
    return Sw::auth_method_blocked;
  }
  const ByteView value = checked_value(pin, candidate);
  const Sw sw = check(ctx, pin, value);
  const bool ok = sw == Sw::ok;
  state.set_verified(reference, ok);
  if (pin.grants_admin) state.set_admin(ok);
  return sw;
}

Sw PinManager::status(const ObjectStore& store, const SecurityState& state,
                      std::uint8_t reference) const {
  const PinRecord pin = load(store, reference);
  if (pin.blocked()) return Sw::auth_method_blocked;
  if (state.verified(reference)) return Sw::ok;
  return sw_retries(pin.tries_left);
}

void PinManager::deauthenticate(const ObjectStore& store, SecurityState& state,
                                std::uint8_t reference) const {
  const PinRecord pin = load(store, reference);
  state.set_verified(reference, false);
  if (pin.grants_admin) state.set_admin(false);
}

std::size_t PinManager::current_length(const ObjectStore& store, std::uint8_t reference) const {
  const PinRecord pin = load(store, reference);
  return pin.pad_byte ? pin.max_length : pin.verifier->length;
}

Sw PinManager::change(CardContext& ctx, SecurityState& state, std::uint8_t reference,
                      ByteView old_pin, ByteView new_pin) const {
  PinRecord pin = load(ctx.store(), reference);
  if (pin.blocked()) return Sw::auth_method_blocked;
  const ByteView old_value = checked_value(pin, old_pin);
  const ByteView new_value = checked_value(pin, new_pin);
  const Sw sw = check(ctx, pin, old_value);
  if (sw != Sw::ok) {
    state.set_verified(reference, false);
    if (pin.grants_admin) state.set_admin(false);
    return sw;
  }
  pin.verifier = make_pin_verifier(new_value, pin_kdf_cost());
  save(ctx.store(), pin);
  state.set_verified(reference, true);
  if (pin.grants_admin) state.set_admin(true);
  return Sw::ok;
}

void PinManager::change_verified(CardContext& ctx, const SecurityState& state,
                                 std::uint8_t reference, ByteView new_pin) const {
  PinRecord pin = load(ctx.store(), reference);
  if (pin.blocked()) throw CardError(Sw::auth_method_blocked);
  if (!state.verified(reference)) throw CardError(Sw::security_not_satisfied);
  pin.verifier = make_pin_verifier(checked_value(pin, new_pin), pin_kdf_cost());
  save(ctx.store(), pin);
}

std::size_t PinManager::unblock_length(const ObjectStore& store, std::uint8_t reference) const {
  const PinRecord pin = load(store, reference);
  if (!pin.unblock_reference) throw CardError(Sw::reference_not_found);
  return current_length(store, *pin.unblock_reference);
}

Sw PinManager::unblock(CardContext& ctx, SecurityState& state, std::uint8_t reference,
                       ByteView puk_value, std::optional<ByteView> new_pin) const {
  PinRecord pin = load(ctx.store(), reference);
  if (!pin.unblock_reference) throw CardError(Sw::reference_not_found);
  PinRecord puk = load(ctx.store(), *pin.unblock_reference);
  if (puk.blocked()) return Sw::auth_method_blocked;
  const ByteView candidate = checked_value(puk, puk_value);
  std::optional<ByteView> new_value;
  if (new_pin) new_value = checked_value(pin, *new_pin);
  const Sw sw = check(ctx, puk, candidate);
  if (sw != Sw::ok) return sw;
  pin.tries_left = pin.max_tries;
  if (new_value) pin.verifier = make_pin_verifier(*new_value, pin_kdf_cost());
  save(ctx.store(), pin);
  state.set_verified(reference, false);
  return Sw::ok;
}

void PinManager::reset_by_admin(CardContext& ctx, const SecurityState& state,
                                std::uint8_t reference, std::optional<ByteView> new_pin) const {
  PinRecord pin = load(ctx.store(), reference);
  if (!state.admin()) throw CardError(Sw::security_not_satisfied);
  pin.tries_left = pin.max_tries;
  if (new_pin) pin.verifier = make_pin_verifier(checked_value(pin, *new_pin), pin_kdf_cost());
  save(ctx.store(), pin);
}

InspectedPin inspect_pin(const PinRecord& pin, std::string label) {
  InspectedPin out;
  out.label = std::move(label);
  out.reference = pin.reference;
  out.min_length = pin.min_length;
  out.max_length = pin.max_length;
  out.max_tries = pin.max_tries;
  out.tries_left = pin.tries_left;
  out.padded = pin.pad_byte.has_value();
  out.grants_admin = pin.grants_admin;
  out.unblock_reference = pin.unblock_reference;
  return out;
}

}  // namespace softcard::security
