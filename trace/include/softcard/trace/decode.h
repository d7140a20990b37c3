#pragma once
// The one decoder of card traffic (docs/trace.md, "Decoding"): ISO 7816-4, GIDS, the SKI
// extension, PIV and the YubiKey additions. It reads bytes only (never a card), so traces of
// real cards decode the same way. Secret-bearing data is never shown, even when a foreign log
// carries it unredacted.
#include <string>
#include <vector>

#include "softcard/bytes.h"

namespace softcard::trace {

// One decoded field; a BER-TLV object is a node with its children.
struct Node {
  std::string label;  // "P1", "84 key reference", "cmapfile record 0"
  std::string value;  // human text ("" for a pure container)
  std::string hex;    // the field's bytes, upper-case hex ("" when none or withheld)
  // Differs from run to run by design (challenges, nonces, signatures, generated keys, serials,
  // ciphertexts): `trace diff` compares its presence and length, not its value.
  bool varies = false;
  bool withheld = false;  // secret or redacted: the bytes are not shown
  std::vector<Node> children;
};

struct Decoded {
  std::string applet;    // "ISO", "GIDS", "SKI", "PIV", "YubiKey", "YubiKey mgmt", ...
  std::string command;   // "SELECT", "GET SKI CAPABILITIES", "MALFORMED"
  std::string title;     // one line: "SELECT GIDS", "GET DATA cmapfile (A010/DF23)"
  std::string status;    // "9000 success", "(no answer)"
  std::uint16_t sw = 0;  // 0 when there was no answer
  std::vector<Node> command_fields;
  std::vector<Node> response_fields;
};

// Stateful per card: it follows SELECT by AID so that instructions shared by several card
// edges (GET DATA, GENERAL AUTHENTICATE...) decode for the applet that answers them.
class Decoder {
 public:
  // command: a whole C-APDU (a logical one after chaining is folded); response: R-APDU bytes
  // (data + SW), empty when the card gave no answer; redacted: the command's data bytes were
  // zeroed by the recorder.
  Decoded decode(ByteView command, ByteView response, bool redacted = false);
  // Power on/off and reset return the card to its default applet.
  void power_event() { selected_.clear(); }
  const std::string& selected() const { return selected_; }

 private:
  std::string selected_;  // "" = not known (the card's default applet)
};

// The applet a known AID (or a prefix of one, as hosts select) names, or "".
std::string aid_name(ByteView aid);

}  // namespace softcard::trace
