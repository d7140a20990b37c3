// The PIV applet: selection (application property template), the dispatch table keyed by INS
// (one handler family per file, see piv_session.h) and the summary for `softcard inspect`.
#include "applets/piv/piv_applet.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "applets/piv/piv_session.h"
#include "softcard/errors.h"

namespace softcard {

const Bytes& piv_aid() {
  static const Bytes aid = {0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00};
  return aid;
}

namespace piv {
namespace {

// PIV has no file system: a SELECT that names no applet finds nothing.
Response select_file(PivSession&, const Command&, CardContext&) {
  return Sw::file_not_found;
}

constexpr std::array<std::pair<std::uint8_t, Handler>, 16> handlers{{
    {0x20, verify},
    {0x24, change_reference_data},
    {0x2C, reset_retry_counter},
    {0x47, generate_key_pair},
    {0x87, general_authenticate},
    {0xA4, select_file},
    {0xCB, get_data},
    {0xDB, put_data},
    {0xF7, get_metadata},
    {0xF8, get_serial},
    {0xF9, attest},
    {0xFA, set_pin_retries},
    {0xFB, reset_applet},
    {0xFD, get_version},
    {0xFE, import_key},
    {0xFF, set_management_key},
}};

// 61 { 4F PIX, 79 { 4F RID }, 50 label, AC { 80 alg ..., 06 00 } } (SP 800-73-4 3.1.1).
Bytes property_template(const ObjectStore& store) {
  Bytes body = wire::tlv(0x4F, Bytes{0x00, 0x00, 0x10, 0x00, 0x01, 0x00});
  append(body, wire::tlv(0x79, wire::tlv(0x4F, Bytes{0xA0, 0x00, 0x00, 0x03, 0x08})));
  const std::string label = "softcard PIV";
  append(body, wire::tlv(0x50, view(label)));
  Bytes algs;
  for (std::uint8_t a : {alg::tdes, alg::aes128, alg::aes192, alg::aes256})
    if (mgmt_algorithm_supported(store, a)) append(algs, Bytes{0x80, 0x01, a});
  for (std::uint8_t a :
       {alg::rsa1024, alg::rsa2048, alg::rsa3072, alg::rsa4096, alg::p256, alg::p384})
    if (asymmetric_supported(store, a)) append(algs, Bytes{0x80, 0x01, a});
  append(algs, Bytes{0x06, 0x01, 0x00});
  append(body, wire::tlv(0xAC, algs));
  return wire::tlv(0x61, body);
}

const char* pin_policy_name(PinPolicy p) {
  switch (p) {
    case PinPolicy::never:
      return "never";
    case PinPolicy::once:
      return "once";
    case PinPolicy::always:
      return "always";
    default:
      return "default";
  }
}
const char* touch_policy_name(TouchPolicy p) {
  switch (p) {
    case TouchPolicy::never:
      return "never";
    case TouchPolicy::always:
      return "always";
    case TouchPolicy::cached:
      return "cached";
    default:
      return "default";
  }
}
const char* algorithm_name(std::uint8_t a) {
  switch (a) {
    case alg::tdes:
      return "3DES";
    case alg::aes128:
      return "AES-128";
    case alg::aes192:
      return "AES-192";
    case alg::aes256:
      return "AES-256";
    case alg::rsa1024:
      return "RSA-1024";
    case alg::rsa2048:
      return "RSA-2048";
    case alg::rsa3072:
      return "RSA-3072";
    case alg::rsa4096:
      return "RSA-4096";
    case alg::p256:
      return "ECC P-256";
    case alg::p384:
      return "ECC P-384";
    case alg::ed25519:
      return "Ed25519";
    case alg::x25519:
      return "X25519";
    default:
      return "unknown";
  }
}

class PivApplet final : public Applet {
 public:
  std::string_view name() const override { return piv_applet_name; }
  const Bytes& aid() const override { return piv_aid(); }

  Response select(const Command& cmd, CardContext& ctx) override {
    // Selecting PIV again while it is selected keeps the session (hosts re-select on every
    // connection); coming from another applet starts a fresh one (deselect()).
    if (cmd.p1 != 0x04 || (cmd.p2 != 0x00 && cmd.p2 != 0x0C)) return Sw::incorrect_p1p2;
    if (cmd.p2 == 0x0C) return Sw::ok;
    return property_template(ctx.store());
  }
  void select_implicitly(CardContext&) override { session_.reset(); }
  void deselect(CardContext&) override { session_.reset(); }
  void clear_volatile() override { session_.reset(); }

  Response process(const Command& cmd, CardContext& ctx) override {
    if ((cmd.cla & ~0x10) != 0x00) return Sw::cla_not_supported;
    const auto it = std::find_if(handlers.begin(), handlers.end(),
                                 [&](const auto& h) { return h.first == cmd.ins; });
    if (it == handlers.end()) return Sw::ins_not_supported;
    return it->second(session_, cmd, ctx);
  }

  void validate(const ObjectStore& store) const override { validate_records(store); }
  AppletInspection inspect(const ObjectStore& store) const override;

 private:
  PivSession session_;
};

// Keys by slot with algorithm and policies, objects by tag and size, PIN/PUK counters; never a
// private key, the management key or a PIN value.
AppletInspection PivApplet::inspect(const ObjectStore& store) const {
  AppletInspection out;
  char line[160];
  if (const auto d = load_device(store)) {
    std::snprintf(line, sizeof line,
                  "PIV applet, YubiKey personality: firmware %u.%u.%u, serial %u, form factor "
                  "0x%02X, touch %s",
                  d->version[0], d->version[1], d->version[2], d->serial, d->form_factor,
                  d->touch_times_out ? "times out" : "granted");
    out.summary = line;
  } else {
    out.summary = "PIV applet (SP 800-73-4)";
  }
  for (std::uint8_t ref : {pin_ref, puk_ref})
    if (const auto pin = session_.pins.find(store, ref))
      out.pins.push_back(security::inspect_pin(*pin, ref == pin_ref ? "PIN" : "PUK"));
  InspectionSection& keys = out.add_section("keys");
  if (store.contains(mgmt_key)) {
    const MgmtKey k = load_mgmt(store);
    keys.items.push_back({"management key 9B",
                          std::string(algorithm_name(k.algorithm)) + ", touch " +
                              (k.touch ? "required" : "not required"),
                          0,
                          0x9B,
                          {}});
  }
  for (const auto& key : store.keys(key_prefix)) {
    const SlotKey k = decode_slot(*store.get(key));
    const std::string slot = key.substr(std::string(key_prefix).size());
    keys.items.push_back({"key " + slot,
                          std::string(algorithm_name(k.algorithm)) + ", PIN policy " +
                              pin_policy_name(k.pin_policy) + ", touch policy " +
                              touch_policy_name(k.touch_policy) + ", " +
                              (k.origin == Origin::generated ? "generated on card" : "imported"),
                          0,
                          static_cast<std::uint32_t>(std::strtoul(slot.c_str(), nullptr, 16)),
                          {}});
  }
  InspectionSection& objects = out.add_section("objects");
  for (const auto& key : store.keys(object_prefix)) {
    const std::string tag = key.substr(std::string(object_prefix).size());
    objects.items.push_back({"object " + tag,
                             std::to_string(store.get(key)->size()) + " bytes",
                             0,
                             static_cast<std::uint32_t>(std::strtoul(tag.c_str(), nullptr, 16)),
                             {}});
  }
  return out;
}

}  // namespace
}  // namespace piv

std::unique_ptr<Applet> make_piv_applet() {
  return std::make_unique<piv::PivApplet>();
}

}  // namespace softcard
