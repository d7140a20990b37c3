// The decoder's entry: parse, pick the card edge, fall back to ISO 7816-4; SELECT context.
#include <variant>

#include "decode_internal.h"
#include "softcard/status_word.h"

namespace softcard::trace {

namespace {

struct KnownAid {
  Bytes aid;
  const char* name;
};

const std::vector<KnownAid>& known_aids() {
  static const std::vector<KnownAid> aids = {
      {{0xA0, 0x00, 0x00, 0x03, 0x97, 0x42, 0x54, 0x46, 0x59}, "GIDS"},
      {{0xA0, 0x00, 0x00, 0x03, 0x97, 0x43, 0x49, 0x44, 0x5F, 0x01, 0x00}, "Windows PnP"},
      {{0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00}, "PIV"},
      {{0xA0, 0x00, 0x00, 0x05, 0x27, 0x47, 0x11, 0x17}, "YubiKey mgmt"},
      {{0xA0, 0x00, 0x00, 0x05, 0x27, 0x20, 0x01}, "YubiKey OTP"},
      {{0xA0, 0x00, 0x00, 0x05, 0x27, 0x21, 0x01}, "YubiKey OATH"},
      {{0xA0, 0x00, 0x00, 0x06, 0x47, 0x2F, 0x00, 0x01}, "FIDO U2F"},
      {{0xD2, 0x76, 0x00, 0x01, 0x24, 0x01}, "OpenPGP"},
      {{0xA0, 0x00, 0x00, 0x00, 0x63, 0x50, 0x4B, 0x43, 0x53, 0x2D, 0x31, 0x35}, "PKCS#15"},
  };
  return aids;
}

}  // namespace

std::string aid_name(ByteView aid) {
  // Hosts select by a prefix (PIV: 5, 9 or 11 bytes) or by the AID with a version suffix.
  for (const auto& k : known_aids()) {
    const std::size_t n = std::min(aid.size(), k.aid.size());
    if (n >= 5 && std::equal(aid.begin(), aid.begin() + n, k.aid.begin())) return k.name;
  }
  return "";
}

Decoded Decoder::decode(ByteView command, ByteView response, bool redacted) {
  using namespace detail;
  Decoded out;
  const bool answered = response.size() >= 2;
  const ByteView data = answered ? response.first(response.size() - 2) : ByteView{};
  const std::uint16_t sw =
      answered ? static_cast<std::uint16_t>((response[response.size() - 2] << 8) | response.back())
               : 0;
  out.sw = sw;
  out.status = answered ? describe(static_cast<Sw>(sw)) : "(no answer)";
  auto parsed = parse_command(command);
  if (!std::holds_alternative<Command>(parsed)) {
    out.applet = selected_.empty() ? "ISO" : selected_;
    out.command = out.title = "MALFORMED";
    // Only the header: the data of a command that does not parse may still be a secret.
    out.command_fields.push_back(field("bytes", std::to_string(command.size()) + " bytes"));
    out.command_fields.push_back(
        field("header", spaced_hex(command.first(std::min<std::size_t>(4, command.size()))),
              command.first(std::min<std::size_t>(4, command.size()))));
    return out;
  }
  const Command& cmd = std::get<Command>(parsed);
  Context c{cmd, data, sw, answered, redacted, out};
  const bool ok = answered && (sw == 0x9000 || (sw >> 8) == 0x61 || (sw >> 8) == 0x62);

  if (cmd.interindustry() && cmd.ins == 0xA4 && cmd.p1 == 0x04) {
    const std::string name = aid_name(cmd.data);
    decode_iso(c);
    // The applet that answers: the named one when it was selected, else the current one.
    out.applet = ok && !name.empty() ? name : (selected_.empty() ? "ISO" : selected_);
    out.title = "SELECT " + (name.empty() ? "AID " + spaced_hex(cmd.data) : name);
    // A successful SELECT by AID switches applets; a failed one keeps the current selection.
    if (ok) selected_ = name.empty() ? "unknown applet" : name;
    return out;
  }
  const std::string& s = selected_;
  bool done = false;
  if (!cmd.interindustry()) {
    if (s.empty() || s == "GIDS") done = decode_ski(c);
  } else if (s == "PIV" || s == "YubiKey") {
    done = decode_piv(c);
  } else if (s == "YubiKey mgmt") {
    done = decode_yubikey_mgmt(c);
  } else if (s == "GIDS") {
    done = decode_gids(c);
  } else if (s.empty()) {
    // No SELECT seen (the card's default applet): the command's shape decides.
    done = decode_gids(c) || decode_piv(c);
  }
  if (!done) {
    decode_iso(c);
    out.applet = s.empty() ? "ISO" : s;  // the selected applet answers it
  }
  return out;
}

}  // namespace softcard::trace
