// PIV (SP 800-73-4) and the YubiKey additions (docs/piv.md): objects, slots, algorithms, the
// YubiKey instructions and the management application.
#include <array>

#include "decode_internal.h"
#include "softcard/wire/tlv.h"
#include "tag_names.h"

namespace softcard::trace::detail {

namespace {

std::string slot_name(std::uint8_t slot) {
  switch (slot) {
    case 0x9A:
      return "9A PIV Authentication";
    case 0x9B:
      return "9B management key";
    case 0x9C:
      return "9C Digital Signature";
    case 0x9D:
      return "9D Key Management";
    case 0x9E:
      return "9E Card Authentication";
    case 0xF9:
      return "F9 attestation";
    case 0x80:
      return "80 PIV PIN";
    case 0x81:
      return "81 PUK";
  }
  if (slot >= 0x82 && slot <= 0x95)
    return byte_hex(slot) + " retired key " + std::to_string(slot - 0x81);
  return "slot " + byte_hex(slot);
}

std::string alg_name(std::uint8_t alg) {
  switch (alg) {
    case 0x00:
      return "3DES (default)";
    case 0x03:
      return "3DES";
    case 0x08:
      return "AES-128";
    case 0x0A:
      return "AES-192";
    case 0x0C:
      return "AES-256";
    case 0x06:
      return "RSA-1024";
    case 0x07:
      return "RSA-2048";
    case 0x05:
      return "RSA-3072";
    case 0x16:
      return "RSA-4096";
    case 0x11:
      return "ECC P-256";
    case 0x14:
      return "ECC P-384";
    case 0xE0:
      return "Ed25519";
    case 0xE1:
      return "X25519";
  }
  return "algorithm " + byte_hex(alg);
}

std::string object_name(std::uint32_t tag) {
  switch (tag) {
    case 0x7E:
      return "Discovery";
    case 0x7F61:
      return "BIT group template";
    case 0x5FC107:
      return "CCC";
    case 0x5FC102:
      return "CHUID";
    case 0x5FC105:
      return "certificate 9A";
    case 0x5FC10A:
      return "certificate 9C";
    case 0x5FC10B:
      return "certificate 9D";
    case 0x5FC101:
      return "certificate 9E";
    case 0x5FC106:
      return "Security Object";
    case 0x5FC10C:
      return "Key History";
    case 0x5FC122:
      return "SM certificate signer";
    case 0x5FC103:
      return "fingerprints";
    case 0x5FC108:
      return "facial image";
    case 0x5FC109:
      return "printed information";
    case 0x5FC121:
      return "iris";
    case 0x5FC123:
      return "pairing code";
    case 0x5FFF00:
      return "Yubico admin data";
    case 0x5FFF01:
      return "Yubico attestation certificate";
  }
  if (tag >= 0x5FC10D && tag <= 0x5FC120)
    return "certificate retired " + std::to_string(tag - 0x5FC10C);
  if (tag >= 0x5FFF02 && tag <= 0x5FFF15) return "Yubico object";
  return "";
}

// PIV's own names; the interindustry ones (tag_names.cpp) cover the rest.
constexpr auto piv_rows = std::to_array<TagName>({
    {0xAC, 0x80, "algorithm"},
    {0xAC, 0xAA, "PIN policy"},
    {0xAC, 0xAB, "touch policy"},
    {0x53, 0x70, "certificate"},
    {0x53, 0x71, "certificate info"},
    {0x53, 0xFE, "error detection code"},
    {0x53, 0x30, "FASC-N"},
    {0x53, 0x34, "GUID"},
    {0x53, 0x35, "expiry"},
    {0x53, 0x3E, "signature"},
    {0x53, 0xF0, "card identifier"},
    {anywhere, 0x5C, "object tag"},
    {anywhere, 0x53, "object value"},
    {anywhere, 0x61, "application property template"},
    {anywhere, 0x79, "coexistent tag allocation authority"},
    {anywhere, 0xAC, "generation"},
    {anywhere, 0x7E, "Discovery"},
});

std::string piv_tag_name(std::uint32_t tag, std::uint32_t parent) {
  return edge_tag_name(piv_rows, tag, parent);
}

bool piv_varies(std::uint32_t tag, std::uint32_t parent) {
  return template_varies(tag, parent) || (parent == 0x53 && (tag == 0x34 || tag == 0x70)) ||
         tag == 0x7F49;
}

std::uint32_t tag_value(ByteView b) {
  std::uint32_t v = 0;
  for (auto x : b) v = (v << 8) | x;
  return v;
}

}  // namespace

bool decode_piv(Context& c) {
  const Command& cmd = c.cmd;
  Decoded& out = c.out;
  std::string name;
  switch (cmd.ins) {
    case 0xCB:
    case 0xDB: {
      if (cmd.p1p2() != 0x3FFF) return false;
      auto tl = wire::find_tlv(cmd.data, 0x5C);
      if (!tl || tl->size() == 2 || tl->empty() || tl->size() > 3) return false;  // GIDS shape
      decode_iso(c);
      out.applet = "PIV";
      const std::uint32_t tag = tag_value(*tl);
      const std::string obj = object_name(tag);
      out.title = out.command + " " + (obj.empty() ? "object" : obj) + " (" + spaced_hex(*tl) + ")";
      std::erase_if(out.command_fields, [](const Node& n) {
        return n.label != "CLA" && n.label != "INS" && n.label != "P1" && n.label != "P2" &&
               n.label != "Le";
      });
      out.command_fields.push_back(field("object", obj.empty() ? spaced_hex(*tl) : obj, *tl));
      if (cmd.ins == 0xDB) {
        auto v = wire::find_tlv(cmd.data, 0x53);
        if (v) {
          auto kids = tlv_or_raw(cmd.data, piv_tag_name, piv_varies);
          out.command_fields.insert(out.command_fields.end(), kids.begin(), kids.end());
        }
      }
      out.response_fields = tlv_or_raw(c.data, piv_tag_name, piv_varies);
      return true;
    }
    case 0x87:
      decode_iso(c);
      out.applet = "PIV";
      out.title = "GENERAL AUTHENTICATE " + slot_name(cmd.p2) + ", " + alg_name(cmd.p1);
      out.command_fields.push_back(field("means", alg_name(cmd.p1) + " with " + slot_name(cmd.p2)));
      return true;
    case 0x47: {
      decode_iso(c);
      out.applet = "PIV";
      out.title = "GENERATE ASYMMETRIC KEY PAIR in " + slot_name(cmd.p2);
      std::erase_if(out.command_fields, [](const Node& n) {
        return n.label != "CLA" && n.label != "INS" && n.label != "P1" && n.label != "P2" &&
               n.label != "Le";
      });
      auto kids = tlv_or_raw(cmd.data, piv_tag_name);
      out.command_fields.insert(out.command_fields.end(), kids.begin(), kids.end());
      auto alg = wire::find_tlv(wire::find_tlv(cmd.data, 0xAC).value_or(ByteView{}), 0x80);
      if (alg && alg->size() == 1) out.title += ", " + alg_name((*alg)[0]);
      out.response_fields = tlv_or_raw(c.data, piv_tag_name, [](auto, auto) { return true; });
      return true;
    }
    case 0x20:
    case 0x24:
    case 0x2C:
      decode_iso(c);
      out.applet = "PIV";
      if (cmd.p2 == 0x80)
        out.title += " PIV PIN";
      else if (cmd.p2 == 0x81)
        out.title += " PUK";
      return true;
    case 0xFD:
      name = "GET VERSION";
      break;
    case 0xF8:
      name = "GET SERIAL";
      break;
    case 0xF7:
      name = "GET METADATA " + slot_name(cmd.p2);
      break;
    case 0xFF:
      name = "SET MANAGEMENT KEY";
      break;
    case 0xFE:
      name = "IMPORT ASYMMETRIC KEY " + slot_name(cmd.p2) + ", " + alg_name(cmd.p1);
      break;
    case 0xFA:
      name = "SET PIN RETRIES (PIN " + std::to_string(cmd.p1) + ", PUK " + std::to_string(cmd.p2) +
             ")";
      break;
    case 0xFB:
      name = "RESET";
      break;
    case 0xF9:
      name = "ATTEST " + slot_name(cmd.p1);
      break;
    default:
      return false;
  }
  // YubiKey instructions: the ISO names do not apply (FE is not TERMINATE CARD USAGE here).
  out.applet = "YubiKey";
  out.command = cmd.ins == 0xFE   ? "IMPORT ASYMMETRIC KEY"
                : cmd.ins == 0xF7 ? "GET METADATA"
                : cmd.ins == 0xFA ? "SET PIN RETRIES"
                : cmd.ins == 0xF9 ? "ATTEST"
                                  : name;
  out.title = name;
  auto& f = out.command_fields;
  f.push_back(field("CLA", byte_hex(cmd.cla)));
  f.push_back(field("INS", byte_hex(cmd.ins)));
  f.push_back(field("P1", byte_hex(cmd.p1)));
  f.push_back(field("P2", byte_hex(cmd.p2)));
  if (!cmd.data.empty()) {
    // SET MANAGEMENT KEY and IMPORT carry keys: never shown.
    if (c.redacted || cmd.ins == 0xFF || cmd.ins == 0xFE)
      f.push_back(withheld("data", cmd.data.size()));
    else
      f.push_back(field("data", spaced_hex(cmd.data), cmd.data));
  }
  if (!c.data.empty()) {
    auto& r = out.response_fields;
    if (cmd.ins == 0xFD && c.data.size() == 3)
      r.push_back(field("version",
                        std::to_string(c.data[0]) + "." + std::to_string(c.data[1]) + "." +
                            std::to_string(c.data[2]),
                        c.data));
    else if (cmd.ins == 0xF8 || cmd.ins == 0xF9)
      r.push_back(varying(cmd.ins == 0xF8 ? "serial" : "certificate", c.data));
    else
      r = tlv_or_raw(c.data, piv_tag_name, piv_varies);
  }
  return true;
}

bool decode_yubikey_mgmt(Context& c) {
  if (c.cmd.ins != 0x1D) return false;
  decode_iso(c);
  c.out.applet = "YubiKey mgmt";
  c.out.command = c.out.title = "READ CONFIG";
  c.out.response_fields.clear();
  if (!c.data.empty()) {
    auto tlvs = wire::parse_tlvs(c.data.subspan(1));
    if (!tlvs) return true;
    for (const auto& t : *tlvs) {
      static const char* names[] = {"",
                                    "USB applications supported",
                                    "serial",
                                    "USB applications enabled",
                                    "form factor",
                                    "version",
                                    "",
                                    "",
                                    "device flags",
                                    "",
                                    "configuration locked"};
      const std::string n = t.tag < 11 ? names[t.tag] : "";
      if (t.tag == 2)
        c.out.response_fields.push_back(varying(tag_hex(t.tag) + " serial", t.value));
      else
        c.out.response_fields.push_back(
            field(tag_hex(t.tag) + (n.empty() ? "" : " " + n), spaced_hex(t.value), t.value));
    }
  }
  return true;
}

}  // namespace softcard::trace::detail
