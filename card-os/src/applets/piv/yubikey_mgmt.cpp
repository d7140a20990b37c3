// The YubiKey management application as ykman reads it over CCID: SELECT answers the version
// string, READ CONFIG (1D) the device information TLVs (serial, firmware, form factor, which
// applications the token supports and has enabled: PIV only).
#include <cstdio>

#include "applets/piv/piv_applet.h"
#include "applets/piv/piv_model.h"
#include "softcard/errors.h"
#include "softcard/wire/tlv.h"

namespace softcard {

const Bytes& yubikey_mgmt_aid() {
  static const Bytes aid = {0xA0, 0x00, 0x00, 0x05, 0x27, 0x47, 0x11, 0x17};
  return aid;
}

namespace piv {
namespace {

constexpr std::uint16_t capability_piv = 0x0010;

class YubiKeyMgmtApplet final : public Applet {
 public:
  std::string_view name() const override { return yubikey_mgmt_applet_name; }
  const Bytes& aid() const override { return yubikey_mgmt_aid(); }

  Response select(const Command& cmd, CardContext& ctx) override {
    if (cmd.p1 != 0x04) return Sw::incorrect_p1p2;
    const auto d = load_device(ctx.store());
    if (!d) return Sw::file_not_found;
    char text[64];
    std::snprintf(text, sizeof text, "softcard mgr - FW version %u.%u.%u", d->version[0],
                  d->version[1], d->version[2]);
    return Bytes(text, text + std::char_traits<char>::length(text));
  }
  void clear_volatile() override {}

  Response process(const Command& cmd, CardContext& ctx) override {
    if ((cmd.cla & ~0x10) != 0x00) return Sw::cla_not_supported;
    if (cmd.ins == 0xA4) return Sw::file_not_found;     // a SELECT naming no applet
    if (cmd.ins != 0x1D) return Sw::ins_not_supported;  // only READ CONFIG
    if (cmd.p1 != 0x00 || cmd.p2 != 0x00) return Sw::incorrect_p1p2;
    const auto d = load_device(ctx.store());
    if (!d) return Sw::file_not_found;
    Bytes caps;
    wire::put_u16be(caps, capability_piv);
    Bytes serial;
    wire::put_u32be(serial, d->serial);
    Bytes body;
    wire::put_tlv(body, 0x01, caps);  // USB supported
    wire::put_tlv(body, 0x02, serial);
    wire::put_tlv(body, 0x03, caps);  // USB enabled
    wire::put_tlv(body, 0x04, Bytes{d->form_factor});
    wire::put_tlv(body, 0x05, Bytes(d->version.begin(), d->version.end()));
    wire::put_tlv(body, 0x08, Bytes{0x00});  // device flags
    wire::put_tlv(body, 0x0A, Bytes{0x00});  // configuration not locked
    Bytes out{static_cast<std::uint8_t>(body.size())};
    append(out, body);
    return out;
  }
};

}  // namespace
}  // namespace piv

std::unique_ptr<Applet> make_yubikey_mgmt_applet() {
  return std::make_unique<piv::YubiKeyMgmtApplet>();
}

}  // namespace softcard
