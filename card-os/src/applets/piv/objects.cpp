// GET DATA (CB) and PUT DATA (DB): the PIV data objects (SP 800-73-4 part 1 table 3), their
// access rules, and the Yubico vendor objects 5FFF00..5FFF15 of the YubiKey personality.
#include <array>

#include "applets/piv/piv_session.h"
#include "softcard/errors.h"

namespace softcard::piv {

namespace {
// Biggest object value (the contents of 53) the card stores, as on a YubiKey 5.
constexpr std::size_t max_object_size = 3063;

struct Rule {
  std::uint32_t tag;
  bool pin_read;  // reading needs the PIN
  bool fixed;     // made by the card, not writable
};
constexpr std::array<Rule, 14> rules{{
    {0x7E, false, true},       // Discovery
    {0x7F61, false, true},     // Biometric information templates group template
    {0x5FC101, false, false},  // X.509 certificate for card authentication (9E)
    {0x5FC102, false, false},  // CHUID
    {0x5FC103, true, false},   // Cardholder fingerprints
    {0x5FC105, false, false},  // X.509 certificate for PIV authentication (9A)
    {0x5FC106, false, false},  // Security object
    {0x5FC107, false, false},  // CCC
    {0x5FC108, true, false},   // Cardholder facial image
    {0x5FC109, true, false},   // Printed information
    {0x5FC10A, false, false},  // X.509 certificate for digital signature (9C)
    {0x5FC10B, false, false},  // X.509 certificate for key management (9D)
    {0x5FC10C, false, false},  // Key history
    {0x5FC121, true, false},   // Cardholder iris images
}};

std::optional<Rule> rule_of(const ObjectStore& store, std::uint32_t tag) {
  for (const Rule& r : rules)
    if (r.tag == tag) return r;
  if (tag >= 0x5FC10D && tag <= 0x5FC120) return Rule{tag, false, false};  // retired certs
  if (tag == 0x5FC122) return Rule{tag, false, false};                     // SM certificate signer
  if (tag == 0x5FC123) return Rule{tag, true, false};                      // pairing code
  if (tag >= 0x5FFF00 && tag <= 0x5FFF15 && load_device(store))
    return Rule{tag, false, false};  // Yubico vendor objects
  return std::nullopt;
}

std::uint32_t object_tag(ByteView v) {
  if (v.empty() || v.size() > 3) throw CardError(Sw::wrong_data);
  std::uint32_t tag = 0;
  for (std::uint8_t b : v) tag = (tag << 8) | b;
  return tag;
}

void check_p1p2(const Command& cmd) {
  if (cmd.p1 != 0x3F || cmd.p2 != 0xFF) throw CardError(Sw::incorrect_p1p2);
}
}  // namespace

Response get_data(PivSession& s, const Command& cmd, CardContext& ctx) {
  check_p1p2(cmd);
  const auto tlvs = parse_or_6a80(cmd.data);
  if (tlvs.size() != 1 || tlvs[0].tag != 0x5C) throw CardError(Sw::wrong_data);
  const std::uint32_t tag = object_tag(tlvs[0].value);
  const auto rule = rule_of(ctx.store(), tag);
  if (!rule) return Sw::file_not_found;
  if (rule->pin_read && !s.security.verified(pin_ref)) return Sw::security_not_satisfied;
  const Bytes* value = ctx.store().get(object_key(tag));
  if (!value) return Sw::file_not_found;
  // Discovery and the BIT group template answer under their own tag (SP 800-73-4 3.1.2).
  const std::uint32_t outer = (tag == 0x7E || tag == 0x7F61) ? tag : 0x53;
  return wire::tlv(outer, *value);
}

Response put_data(PivSession& s, const Command& cmd, CardContext& ctx) {
  check_p1p2(cmd);
  require_admin(s);
  const auto tlvs = parse_or_6a80(cmd.data);
  if (tlvs.size() != 2 || tlvs[0].tag != 0x5C || tlvs[1].tag != 0x53)
    throw CardError(Sw::wrong_data);
  const std::uint32_t tag = object_tag(tlvs[0].value);
  const auto rule = rule_of(ctx.store(), tag);
  if (!rule || rule->fixed) throw CardError(Sw::wrong_data);
  const ByteView value = tlvs[1].value;
  if (value.size() > max_object_size) throw CardError(Sw::not_enough_memory);
  // An empty 53 deletes the object (yubico-piv-tool delete-certificate, ykman).
  if (value.empty())
    ctx.store().erase(object_key(tag));
  else
    ctx.store().put(object_key(tag), Bytes(value.begin(), value.end()));
  return Sw::ok;
}

}  // namespace softcard::piv
