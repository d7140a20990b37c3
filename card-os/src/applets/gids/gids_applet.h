#pragma once
// The GIDS v2 card edge (Microsoft Generic Identity Device Specification), as OpenSC's gids
// driver, gids-tool and the Windows inbox minidriver drive it. docs/gids.md lists every APDU.
#include <memory>

#include "applets/gids/gids_api.h"
#include "softcard/applet.h"

namespace softcard {

// Applet name in card images ("gids") and its AID (A0 00 00 03 97 42 54 46 59 02 01).
inline constexpr const char* gids_applet_name = "gids";
const Bytes& gids_aid();

// `extension` (optional) receives the CLA 0x80 commands the applet does not know.
std::unique_ptr<Applet> make_gids_applet(std::unique_ptr<gids::GidsExtension> extension = nullptr);

}  // namespace softcard
