#pragma once
// The plain ISO 7816-4 file-system applet: SELECT, READ/UPDATE BINARY, CREATE/DELETE/
// ACTIVATE/DEACTIVATE/TERMINATE, VERIFY/CHANGE REFERENCE DATA/RESET RETRY COUNTER,
// GET CHALLENGE. Persistent state under "iso/" (iso/fs/..., iso/pin/...). docs/iso-applet.md.
#include <memory>

#include "softcard/applet.h"

namespace softcard::iso {

inline constexpr const char* applet_name = "iso";
inline constexpr const char* fs_prefix = "iso/fs/";
inline constexpr const char* pin_prefix = "iso/pin/";
// Proprietary (unregistered, category F) AID: F0 "SCISO" 01. Also the MF's DF name.
Bytes default_aid();

std::unique_ptr<Applet> make_iso_applet(Bytes aid = default_aid());

// Decodes every record under iso/ (Applet::validate); throws ImageError("record KEY: ...").
void validate_records(const ObjectStore& store);

}  // namespace softcard::iso

namespace softcard {
using iso::make_iso_applet;  // the applet registry names it unqualified
}  // namespace softcard
