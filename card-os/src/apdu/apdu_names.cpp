#include "softcard/apdu.h"

namespace softcard {

std::string command_name(const Command& c) {
  if (!c.interindustry()) {
    if (c.cla == 0x80 && c.ins == 0xB8) return "INSTALL (jCardSim)";
    return "PROPRIETARY";
  }
  switch (c.ins) {
    case 0xA4:
      return "SELECT";
    case 0xB0:
      return "READ BINARY";
    case 0xD6:
      return "UPDATE BINARY";
    case 0xE0:
      return "CREATE FILE";
    case 0xE4:
      return "DELETE FILE";
    case 0x44:
      return "ACTIVATE FILE";
    case 0x04:
      return "DEACTIVATE FILE";
    case 0xE6:
      return "TERMINATE DF";
    case 0xE8:
      return "TERMINATE EF";
    case 0xFE:
      return "TERMINATE CARD USAGE";
    case 0x20:
      return "VERIFY";
    case 0x24:
      return "CHANGE REFERENCE DATA";
    case 0x2C:
      return "RESET RETRY COUNTER";
    case 0x84:
      return "GET CHALLENGE";
    case 0x87:
      return "GENERAL AUTHENTICATE";
    case 0x88:
      return "INTERNAL AUTHENTICATE";
    case 0x82:
      return "EXTERNAL AUTHENTICATE";
    case 0x22:
      return "MANAGE SECURITY ENVIRONMENT";
    case 0x2A:
      return "PERFORM SECURITY OPERATION";
    case 0x47:
      return "GENERATE ASYMMETRIC KEY PAIR";
    case 0xCA:
    case 0xCB:
      return "GET DATA";
    case 0xDA:
    case 0xDB:
      return "PUT DATA";
    case 0xC0:
      return "GET RESPONSE";
    case 0x70:
      return "MANAGE CHANNEL";
    default:
      return "INS " + to_hex(ByteView(&c.ins, 1));
  }
}

bool carries_secret(const Command& c) {
  if (c.data.empty()) return false;
  if (!c.interindustry()) return false;  // proprietary commands carry ciphertext only (SKI)
  switch (c.ins) {
    case 0x20:  // VERIFY: PIN
    case 0x24:  // CHANGE REFERENCE DATA: old and new PIN
    case 0x2C:  // RESET RETRY COUNTER: PUK and new PIN
      return true;
    case 0xDB:  // PUT DATA into 3FFF: plaintext key import / admin key
      return c.p1p2() == 0x3FFF;
    case 0xFE:  // YubiKey IMPORT ASYMMETRIC KEY (CLA 00): the private key
    case 0xFF:  // YubiKey SET MANAGEMENT KEY (CLA 00): the new management key
      return true;
    case 0x87:  // GENERAL AUTHENTICATE carries cryptograms, not keys, but keep them out of logs
      return false;
    default:
      return false;
  }
}

}  // namespace softcard
