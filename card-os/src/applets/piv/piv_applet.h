#pragma once
// The PIV card edge (NIST SP 800-73-4) with the YubiKey personality's extensions, as OpenSC's
// piv driver, yubico-piv-tool and ykman drive it. docs/piv.md lists every APDU.
#include <memory>

#include "softcard/applet.h"

namespace softcard {

// Applet name in card images ("piv") and its AID (A0 00 00 03 08 00 00 10 00 01 00).
inline constexpr const char* piv_applet_name = "piv";
const Bytes& piv_aid();
std::unique_ptr<Applet> make_piv_applet();

// The YubiKey management application (device information for ykman), AID A0 00 00 05 27 47 11
// 17; it reads the personality the PIV applet's personalization wrote.
inline constexpr const char* yubikey_mgmt_applet_name = "yubikey-mgmt";
const Bytes& yubikey_mgmt_aid();
std::unique_ptr<Applet> make_yubikey_mgmt_applet();

}  // namespace softcard
