// ISO 7816-4 interindustry commands: names, P1/P2 meanings, generic TLV data.
#include "decode_internal.h"
#include "tag_names.h"

namespace softcard::trace::detail {

std::string iso_ins_name(std::uint8_t ins) {
  switch (ins) {
    case 0x04:
      return "DEACTIVATE FILE";
    case 0x0C:
      return "ERASE RECORD(S)";
    case 0x0E:
    case 0x0F:
      return "ERASE BINARY";
    case 0x10:
      return "PERFORM SCQL OPERATION";
    case 0x12:
      return "PERFORM TRANSACTION OPERATION";
    case 0x14:
      return "PERFORM USER OPERATION";
    case 0x20:
    case 0x21:
      return "VERIFY";
    case 0x22:
      return "MANAGE SECURITY ENVIRONMENT";
    case 0x24:
      return "CHANGE REFERENCE DATA";
    case 0x26:
      return "DISABLE VERIFICATION REQUIREMENT";
    case 0x28:
      return "ENABLE VERIFICATION REQUIREMENT";
    case 0x2A:
      return "PERFORM SECURITY OPERATION";
    case 0x2C:
      return "RESET RETRY COUNTER";
    case 0x44:
      return "ACTIVATE FILE";
    case 0x46:
    case 0x47:
      return "GENERATE ASYMMETRIC KEY PAIR";
    case 0x70:
      return "MANAGE CHANNEL";
    case 0x82:
      return "EXTERNAL AUTHENTICATE";
    case 0x84:
      return "GET CHALLENGE";
    case 0x86:
    case 0x87:
      return "GENERAL AUTHENTICATE";
    case 0x88:
      return "INTERNAL AUTHENTICATE";
    case 0xA0:
    case 0xA1:
      return "SEARCH BINARY";
    case 0xA2:
      return "SEARCH RECORD";
    case 0xA4:
      return "SELECT";
    case 0xB0:
    case 0xB1:
      return "READ BINARY";
    case 0xB2:
    case 0xB3:
      return "READ RECORD(S)";
    case 0xC0:
      return "GET RESPONSE";
    case 0xC2:
    case 0xC3:
      return "ENVELOPE";
    case 0xCA:
    case 0xCB:
      return "GET DATA";
    case 0xD0:
    case 0xD1:
      return "WRITE BINARY";
    case 0xD2:
      return "WRITE RECORD";
    case 0xD6:
    case 0xD7:
      return "UPDATE BINARY";
    case 0xDA:
    case 0xDB:
      return "PUT DATA";
    case 0xDC:
    case 0xDD:
      return "UPDATE RECORD";
    case 0xE0:
      return "CREATE FILE";
    case 0xE2:
      return "APPEND RECORD";
    case 0xE4:
      return "DELETE FILE";
    case 0xE6:
      return "TERMINATE DF";
    case 0xE8:
      return "TERMINATE EF";
    case 0xFE:
      return "TERMINATE CARD USAGE";
    default:
      return "INS " + byte_hex(ins);
  }
}

bool data_is_secret(const Context& c) {
  return c.redacted || carries_secret(c.cmd);
}

namespace {

std::string select_p1(std::uint8_t p1) {
  switch (p1) {
    case 0x00:
      return "MF, DF or EF by file identifier";
    case 0x01:
      return "child DF";
    case 0x02:
      return "EF under the current DF";
    case 0x03:
      return "parent DF";
    case 0x04:
      return "by DF name (AID)";
    case 0x08:
      return "by path from the MF";
    case 0x09:
      return "by path from the current DF";
  }
  return "RFU";
}

std::string select_p2(std::uint8_t p2) {
  std::string answer;
  switch (p2 & 0x0C) {
    case 0x00:
      answer = "return FCI";
      break;
    case 0x04:
      answer = "return FCP";
      break;
    case 0x08:
      answer = "return FMD";
      break;
    case 0x0C:
      answer = "no response data";
      break;
  }
  const char* occ[] = {"first or only occurrence", "last occurrence", "next occurrence",
                       "previous occurrence"};
  return answer + ", " + occ[p2 & 3];
}

std::string crt_name(std::uint8_t p2) {
  switch (p2) {
    case 0xA4:
      return "authentication (AT)";
    case 0xA6:
      return "key agreement (KAT)";
    case 0xAA:
      return "hash code (HT)";
    case 0xB4:
      return "cryptographic checksum (CCT)";
    case 0xB6:
      return "digital signature (DST)";
    case 0xB8:
      return "confidentiality (CT)";
  }
  return "CRT " + byte_hex(p2);
}

std::string pso_name(std::uint16_t p1p2) {
  switch (p1p2) {
    case 0x9E9A:
      return "COMPUTE DIGITAL SIGNATURE";
    case 0x8086:
      return "DECIPHER";
    case 0x8680:
      return "ENCIPHER";
    case 0x9080:
      return "HASH";
    case 0x00A8:
      return "VERIFY DIGITAL SIGNATURE";
    case 0x00AE:
      return "VERIFY CERTIFICATE";
    case 0x00A2:
      return "VERIFY CRYPTOGRAPHIC CHECKSUM";
    case 0x8E80:
      return "COMPUTE CRYPTOGRAPHIC CHECKSUM";
  }
  return "";
}

}  // namespace

void decode_iso(Context& c) {
  const Command& cmd = c.cmd;
  Decoded& out = c.out;
  if (out.applet.empty()) out.applet = "ISO";
  if (!cmd.interindustry()) {
    out.command = "PROPRIETARY " + byte_hex(cmd.cla) + " " + byte_hex(cmd.ins);
    out.title = out.command;
  } else {
    out.command = iso_ins_name(cmd.ins);
    out.title = out.command;
  }
  auto& f = out.command_fields;
  f.push_back(field("CLA", byte_hex(cmd.cla) + (cmd.chained() ? " (command chaining)" : "")));
  f.push_back(field("INS", byte_hex(cmd.ins)));
  if (cmd.interindustry()) {
    switch (cmd.ins) {
      case 0xA4:
        f.push_back(field("P1", byte_hex(cmd.p1) + " " + select_p1(cmd.p1)));
        f.push_back(field("P2", byte_hex(cmd.p2) + " " + select_p2(cmd.p2)));
        if (cmd.p1 != 0x04 && cmd.data.size() >= 2) out.title += " " + hex(cmd.data);
        break;
      case 0xB0:
      case 0xD6:
      case 0xD0:
        if (cmd.p1 & 0x80) {
          f.push_back(field("P1", "short EF " + std::to_string(cmd.p1 & 0x1F)));
          f.push_back(field("P2", "offset " + std::to_string(cmd.p2)));
        } else {
          f.push_back(field("P1P2", "offset " + std::to_string(cmd.p1p2() & 0x7FFF)));
        }
        break;
      case 0xCA:
        f.push_back(field("P1P2", "data object " + spaced_hex(Bytes{cmd.p1, cmd.p2})));
        out.title += " " + hex(Bytes{cmd.p1, cmd.p2});
        break;
      case 0xB2:
      case 0xDC:
        f.push_back(field("P1", "record " + std::to_string(cmd.p1)));
        f.push_back(field("P2", byte_hex(cmd.p2)));
        break;
      case 0x20:
      case 0x24:
      case 0x2C:
        f.push_back(field(
            "P1", byte_hex(cmd.p1) +
                      (cmd.ins == 0x20 && cmd.p1 == 0xFF ? " reset the verification status" : "")));
        f.push_back(field("P2", byte_hex(cmd.p2) + ((cmd.p2 & 0x80) ? " specific reference"
                                                                    : " global reference")));
        if (cmd.ins == 0x20 && cmd.data.empty()) out.title += " (status)";
        break;
      case 0x22:
        f.push_back(field("P1", byte_hex(cmd.p1) + ((cmd.p1 & 0x0F) == 0x03   ? " RESTORE"
                                                    : (cmd.p1 & 0x0F) == 0x01 ? " SET"
                                                    : (cmd.p1 & 0x0F) == 0x02 ? " STORE"
                                                    : (cmd.p1 & 0x0F) == 0x04 ? " ERASE"
                                                                              : "")));
        if ((cmd.p1 & 0x0F) != 0x03) {
          f.push_back(field("P2", byte_hex(cmd.p2) + " " + crt_name(cmd.p2)));
          out.title += " " + crt_name(cmd.p2);
        } else {
          f.push_back(field("P2", "SE " + std::to_string(cmd.p2)));
        }
        break;
      case 0x2A: {
        const std::string op = pso_name(cmd.p1p2());
        f.push_back(
            field("P1P2", spaced_hex(Bytes{cmd.p1, cmd.p2}) + (op.empty() ? "" : " " + op)));
        if (!op.empty()) out.title = "PSO: " + op;
        break;
      }
      default:
        f.push_back(field("P1", byte_hex(cmd.p1)));
        f.push_back(field("P2", byte_hex(cmd.p2)));
    }
  } else {
    f.push_back(field("P1", byte_hex(cmd.p1)));
    f.push_back(field("P2", byte_hex(cmd.p2)));
  }
  if (cmd.ne) f.push_back(field("Le", std::to_string(*cmd.ne)));
  if (!cmd.data.empty()) {
    if (data_is_secret(c)) {
      f.push_back(withheld("data", cmd.data.size()));
    } else if (cmd.interindustry() && cmd.ins == 0xA4) {
      const std::string name = cmd.p1 == 0x04 ? aid_name(cmd.data) : "";
      f.push_back(field(cmd.p1 == 0x04         ? "AID"
                        : cmd.data.size() == 2 ? "file identifier"
                                               : "path",
                        spaced_hex(cmd.data) + (name.empty() ? "" : " (" + name + ")"), cmd.data));
    } else if (cmd.interindustry() && (cmd.ins == 0x2A || cmd.ins == 0x88)) {
      f.push_back(varying("data", cmd.data));  // hashes, cryptograms: per-run values
    } else {
      auto kids = tlv_or_raw(cmd.data, iso_tag_name, template_varies);
      f.insert(f.end(), kids.begin(), kids.end());
    }
  }
  if (!c.data.empty()) {
    auto& r = out.response_fields;
    const bool random = cmd.interindustry() &&
                        (cmd.ins == 0x84 || cmd.ins == 0x2A || cmd.ins == 0x88 || cmd.ins == 0x82);
    if (random)
      r.push_back(varying("data", c.data));
    else {
      auto kids = tlv_or_raw(c.data, iso_tag_name, template_varies);
      r.insert(r.end(), kids.begin(), kids.end());
    }
  }
}

}  // namespace softcard::trace::detail
