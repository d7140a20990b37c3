#include "security/compact_acl.h"

#include "softcard/errors.h"

namespace softcard::security {

std::optional<std::uint8_t> CompactAcl::condition(std::uint8_t am_bit) const {
  if (!(am & am_bit)) return std::nullopt;
  for (unsigned bit = 0; bit < 7; ++bit)
    if ((1u << bit) == am_bit) return sc[bit];
  return std::nullopt;
}

CompactAcl parse_compact_acl(ByteView value) {
  if (value.empty()) throw CardError(Sw::wrong_data);
  CompactAcl acl;
  acl.am = value[0];
  std::size_t at = 1;
  for (int bit = 6; bit >= 0; --bit) {
    if (!(acl.am & (1u << bit))) continue;
    if (at >= value.size()) throw CardError(Sw::wrong_data);
    acl.sc[static_cast<std::size_t>(bit)] = value[at++];
  }
  if (at != value.size()) throw CardError(Sw::wrong_data);
  return acl;
}

namespace {
constexpr std::uint8_t sc_all = 0x80, sc_sm = 0x40, sc_external = 0x20, sc_user = 0x10;
}  // namespace

AccessCondition compact_condition(std::uint8_t sc, const CompactScheme& scheme) {
  if (sc == 0x00) return AccessCondition::always();
  if (sc == 0xFF) return AccessCondition::never();
  if (scheme.unreachable_se != 0 && (sc & 0x0F) == scheme.unreachable_se)
    return AccessCondition::never();
  const bool want_sm = sc & sc_sm;
  const bool want_admin = sc & sc_external;
  const bool want_pin = sc & sc_user;
  const bool have_admin = want_admin && scheme.external_auth;
  const bool have_pin = want_pin && scheme.user_pin.has_value();
  if (sc & sc_all) {
    // No secure messaging here: a condition that needs it cannot be met.
    if (want_sm || (want_admin && !have_admin) || (want_pin && !have_pin))
      return AccessCondition::never();
    if (have_pin && have_admin) return AccessCondition::pin_and_admin(*scheme.user_pin);
  }
  AccessCondition any;
  if (have_pin) any = any | AccessCondition::pin(*scheme.user_pin);
  if (have_admin) any = any | AccessCondition::admin();
  return any;
}

}  // namespace softcard::security
