// PinSet: the card OS's PIN implementation (security/pin.h) behind the public kit header, so an
// external applet reuses it instead of writing a second one.
#include "security/pin.h"
#include "softcard/applet_kit.h"
#include "softcard/errors.h"

namespace softcard::kit {

struct PinSet::Impl {
  explicit Impl(std::string prefix) : manager(std::move(prefix)) {}
  security::PinManager manager;
  security::SecurityState state;
};

PinSet::PinSet(std::string prefix) : impl_(std::make_unique<Impl>(std::move(prefix))) {}
PinSet::~PinSet() = default;

void PinSet::install(ObjectStore& store, const PinPolicy& policy, ByteView value) const {
  security::PinRecord pin;
  pin.reference = policy.reference;
  pin.min_length = policy.min_length;
  pin.max_length = policy.max_length;
  pin.max_tries = policy.max_tries;
  pin.tries_left = policy.max_tries;
  pin.pad_byte = policy.pad_byte;
  pin.unblock_reference = policy.unblock_reference;
  pin.value = SecretBytes(value);
  if (pin.value.empty())
    throw ProfileError("PIN " + impl_->manager.key(pin.reference) + ": no value");
  impl_->manager.install(store, pin);
}

bool PinSet::has(const ObjectStore& store, std::uint8_t reference) const {
  return store.contains(impl_->manager.key(reference));
}

std::vector<std::uint8_t> PinSet::references(const ObjectStore& store) const {
  return impl_->manager.references(store);
}

Sw PinSet::verify(CardContext& ctx, std::uint8_t reference, ByteView pin) {
  return impl_->manager.verify(ctx, impl_->state, reference, pin);
}

Sw PinSet::status(const ObjectStore& store, std::uint8_t reference) const {
  return impl_->manager.status(store, impl_->state, reference);
}

bool PinSet::verified(std::uint8_t reference) const {
  return impl_->state.verified(reference);
}

void PinSet::deauthenticate(const ObjectStore& store, std::uint8_t reference) {
  impl_->manager.deauthenticate(store, impl_->state, reference);
}

Sw PinSet::change(CardContext& ctx, std::uint8_t reference, ByteView old_pin, ByteView new_pin) {
  return impl_->manager.change(ctx, impl_->state, reference, old_pin, new_pin);
}

Sw PinSet::unblock(CardContext& ctx, std::uint8_t reference, ByteView puk,
                   std::optional<ByteView> new_pin) {
  return impl_->manager.unblock(ctx, impl_->state, reference, puk, new_pin);
}

PinState PinSet::state(const ObjectStore& store, std::uint8_t reference) const {
  const auto info = impl_->manager.info(store, impl_->state, reference);
  return PinState{info.reference, info.min_length, info.max_length,
                  info.max_tries, info.tries_left, info.verified};
}

void PinSet::clear() {
  impl_->state.clear();
}

std::vector<InspectedPin> PinSet::inspect(const ObjectStore& store) const {
  std::vector<InspectedPin> out;
  for (const auto ref : impl_->manager.references(store))
    if (auto pin = impl_->manager.find(store, ref))
      out.push_back(security::inspect_pin(*pin, "PIN"));
  return out;
}

}  // namespace softcard::kit
