#pragma once
// Personalization of the ISO applet from plain C++ values. The JSON profile loader and
// `softcard init` fill an IsoProfile and call personalize(); unit tests use test_profile().
#include <cstdint>
#include <vector>

#include "fs/file.h"
#include "security/pin.h"
#include "softcard/bytes.h"
#include "softcard/store.h"

namespace softcard::iso {

// Read always; every other operation needs the administrator.
fs::AccessRules default_access();

struct FileSpec {
  std::uint16_t fid = 0;
  bool df = false;
  Bytes df_name;           // DF only, optional, unique on the card
  std::uint16_t size = 0;  // EF: fixed size; 0 = content.size()
  Bytes content;           // EF: initial content (zero-filled up to size)
  LifeCycle life_cycle = LifeCycle::operational;
  fs::AccessRules access = default_access();
  std::vector<FileSpec> children;  // DF only
};

struct IsoProfile {
  Bytes mf_name;  // empty: the applet AID (iso::default_aid())
  fs::AccessRules mf_access = default_access();
  std::vector<FileSpec> files;  // children of the MF
  std::vector<security::PinRecord> pins;
};

// Writes the MF, the files and the PINs under "iso/" into `store` (pending: the caller
// commits). Throws ProfileError naming the offending file or PIN; an image that already has
// an ISO file system is refused.
void personalize(ObjectStore& store, const IsoProfile& profile);

// The fixed profile the unit tests and APDU scripts run against (docs/iso-applet.md):
//   PIN 81 user "1234" (4..8, 3 tries, PUK 83), PIN 82 SO "87654321" (8, 3 tries, admin),
//   PIN 83 PUK "12345678" (8, 5 tries), PIN 84 "4321" padded with FF to 8 (3 tries).
//   3F00 MF (name = applet AID; create: admin)
//     2F00 EF 32 bytes "softcard test card" (read always, update admin)
//     5000 DF name A0000000015053 (create: PIN 81 or admin; delete: admin)
//       5001 EF 128 bytes (read always, update PIN 81 or admin)
//       5002 EF 16 bytes "secret" (read PIN 81, update PIN 81)
//       5003 EF 8 bytes (read never, update never)
//     6000 DF name A0000000016000 (everything admin, read always)
//       6001 EF 300 bytes 00 01 02 ... (read always)
IsoProfile test_profile();

}  // namespace softcard::iso
