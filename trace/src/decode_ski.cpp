// The SKI extension (docs/ski.md §6): every proprietary command, blob headers (§5) and hellos;
// ciphertexts, tags and nonces are shown by length only.
#include <array>

#include "decode_internal.h"
#include "softcard/wire/endian.h"
#include "softcard/wire/ski.h"
#include "softcard/wire/tlv.h"
#include "tag_names.h"

namespace softcard::trace::detail {

namespace {

std::string alg_name(std::uint8_t id) {
  switch (id) {
    case 1:
      return "AES-128";
    case 2:
      return "AES-192";
    case 3:
      return "AES-256";
    case 4:
      return "3DES";
    case 5:
      return "3DES_112";
  }
  return "algorithm " + byte_hex(id) + " (unknown)";
}

std::string mode_name(std::uint8_t id) {
  return id == 1 ? "CBC" : id == 2 ? "GCM" : "mode " + byte_hex(id) + " (unknown)";
}

std::string function_name(std::uint8_t id) {
  switch (id) {
    case 0x01:
      return "CSF_IMPORT_KEYPAIR";
    case 0x02:
      return "CSF_CHANGE_AUTHENTICATOR";
    case 0x03:
      return "CSF_AUTHENTICATE";
    case 0x83:
      return "session PIN (card to server)";
  }
  return "function " + byte_hex(id) + " (unknown)";
}

std::string padding_name(std::uint8_t id) {
  switch (id) {
    case 1:
      return "PKCS#1 v1.5";
    case 2:
      return "OAEP SHA-1";
    case 3:
      return "OAEP SHA-256";
  }
  return "padding " + byte_hex(id) + " (unknown)";
}

// A blob (§5): the header in the clear, the rest by length.
Node blob_node(ByteView blob) {
  Node n = field("blob", std::to_string(blob.size()) + " bytes");
  if (blob.size() < wire::ski::header_fixed || blob[0] != 0x53 || blob[1] != 0x4B) {
    n.value += " (not an SKI blob)";
    n.varies = true;
    return n;
  }
  const std::size_t iv_len = blob[7];
  n.children.push_back(field("magic", "\"SK\"", blob.first(2)));
  n.children.push_back(field("version", byte_hex(blob[2]), blob.subspan(2, 1)));
  n.children.push_back(field("function", function_name(blob[3]), blob.subspan(3, 1)));
  n.children.push_back(field("direction",
                             blob[4] == 1   ? "server to card"
                             : blob[4] == 2 ? "card to server"
                                            : "unknown " + byte_hex(blob[4]),
                             blob.subspan(4, 1)));
  n.children.push_back(field("algorithm", alg_name(blob[5]), blob.subspan(5, 1)));
  n.children.push_back(field("mode", mode_name(blob[6]), blob.subspan(6, 1)));
  n.children.push_back(field("IV length", std::to_string(iv_len), blob.subspan(7, 1)));
  n.children.push_back(varying("key id", blob.subspan(8, 8)));
  n.children.push_back(
      field("sequence", std::to_string(wire::get_u32be(blob, 16)), blob.subspan(16, 4)));
  n.children.push_back(varying("nonce", blob.subspan(20, 8)));
  const std::size_t head = wire::ski::header_fixed + iv_len;
  if (blob.size() < head + wire::ski::tag_length) {
    n.children.push_back(field("malformed", "shorter than header + IV + tag"));
    return n;
  }
  n.children.push_back(varying("base IV", blob.subspan(28, iv_len)));  // random per session
  const std::size_t ct = blob.size() - head - wire::ski::tag_length;
  Node c = field("ciphertext", std::to_string(ct) + " bytes, encrypted (not decoded)");
  c.varies = true;
  n.children.push_back(c);
  n.children.push_back(varying("tag", blob.last(wire::ski::tag_length)));
  return n;
}

constexpr auto ski_rows = std::to_array<TagName>({
    {anywhere, 0x80, "algorithm"},
    {anywhere, 0x81, "padding"},
    {anywhere, 0x82, "OAEP label"},
    {anywhere, 0x84, "session key reference"},
    {anywhere, 0x85, "agreement"},
    {anywhere, 0x86, "server ephemeral point"},
    {anywhere, 0x87, "data"},
});

std::string ski_tag_name(std::uint32_t tag, std::uint32_t parent) {
  return find_tag_name(ski_rows, tag, parent);
}

// The data objects of a SKI command or answer, with values explained.
std::vector<Node> ski_fields(ByteView data, std::uint8_t ins, bool response) {
  auto tlvs = wire::parse_tlvs(data);
  if (!tlvs) return {field("data", std::to_string(data.size()) + " bytes", data)};
  std::vector<Node> out;
  for (const auto& t : *tlvs) {
    const std::string label = tag_hex(t.tag) + " " + ski_tag_name(t.tag, 0);
    const bool one = t.value.size() == 1;
    switch (t.tag) {
      case 0x80:
        out.push_back(field(label, one ? alg_name(t.value[0]) : spaced_hex(t.value), t.value));
        break;
      case 0x81:
        out.push_back(field(label, one ? padding_name(t.value[0]) : spaced_hex(t.value), t.value));
        break;
      case 0x84:
      case 0x85:
        out.push_back(field(label, spaced_hex(t.value), t.value));
        break;
      case 0x86:
        out.push_back(varying(label, t.value));
        break;
      case 0x87: {
        if (ins == 0x62 && !response) {
          Node b = blob_node(t.value);
          b.label = label + " (blob)";
          out.push_back(std::move(b));
        } else if (ins == 0x52) {
          Node n = varying(label + " (RSA ciphertext of the session key)", t.value);
          out.push_back(n);
        } else if (ins == 0x54 && t.value.size() >= 3) {
          Node n = field(label + (response ? " (card hello)" : " (server hello)"),
                         std::to_string(t.value.size()) + " bytes");
          n.children.push_back(field("magic", spaced_hex(t.value.first(3)), t.value.first(3)));
          n.children.push_back(varying("nonces and key confirmation", t.value.subspan(3)));
          out.push_back(std::move(n));
        } else {
          out.push_back(varying(label, t.value));
        }
        break;
      }
      default:
        out.push_back(field(label, spaced_hex(t.value), t.value));
    }
  }
  return out;
}

}  // namespace

bool decode_ski(Context& c) {
  const Command& cmd = c.cmd;
  if ((cmd.cla & ~0x10) != 0x80) return false;
  Decoded& out = c.out;
  std::string name;
  switch (cmd.ins) {
    case 0x50:
      name = "GET SKI CAPABILITIES";
      break;
    case 0x52:
      name = "IMPORT SESSION KEY";
      break;
    case 0x54:
      name = "GET SHARED KEY HANDLE";
      break;
    case 0x56:
      name = "CONSTRUCT DH AGREEMENT";
      break;
    case 0x58:
      name = "DERIVE SESSION KEY";
      break;
    case 0x5A:
      name = "DESTROY DH AGREEMENT";
      break;
    case 0x5C:
      name = "SET KEY PROPERTY";
      break;
    case 0x5E:
      name = "GET KEY PROPERTY";
      break;
    case 0x60:
      name = "DESTROY KEY";
      break;
    case 0x62:
      name = "PROCESS ENCRYPTED DATA";
      break;
    case 0xB8:
      name = "INSTALL (jCardSim no-op)";
      break;
    default:
      return false;
  }
  out.applet = "SKI";
  out.command = name;
  out.title = name;
  auto& f = out.command_fields;
  f.push_back(field("CLA", byte_hex(cmd.cla) + (cmd.chained() ? " (chained block)" : "")));
  f.push_back(field("INS", byte_hex(cmd.ins)));
  const char* props[] = {"", "mode", "IV", "block length", "algorithm"};
  switch (cmd.ins) {
    case 0x52:
    case 0x56:
      f.push_back(field("P1", "container " + std::to_string(cmd.p1)));
      out.title += " (container " + std::to_string(cmd.p1) + ")";
      break;
    case 0x58:
    case 0x5A:
      f.push_back(field("P1", "agreement " + std::to_string(cmd.p1)));
      break;
    case 0x5C:
    case 0x5E:
      f.push_back(field(
          "P1",
          byte_hex(cmd.p1) + (cmd.p1 >= 1 && cmd.p1 <= 4 ? std::string(" ") + props[cmd.p1] : "")));
      f.push_back(field("P2", "session key " + byte_hex(cmd.p2)));
      if (cmd.p1 >= 1 && cmd.p1 <= 4) out.title += std::string(" ") + props[cmd.p1];
      break;
    case 0x60:
      f.push_back(field("P2", "session key " + byte_hex(cmd.p2)));
      break;
    case 0x62:
      f.push_back(field("P1", function_name(cmd.p1)));
      out.title += " " + function_name(cmd.p1);
      break;
    default:
      f.push_back(field("P1", byte_hex(cmd.p1)));
      f.push_back(field("P2", byte_hex(cmd.p2)));
  }
  if (cmd.ne) f.push_back(field("Le", std::to_string(*cmd.ne)));
  if (!cmd.data.empty()) {
    if (c.redacted) {
      f.push_back(withheld("data", cmd.data.size()));
    } else if (cmd.ins == 0x5C) {
      if (cmd.p1 == 2)
        f.push_back(varying("IV", cmd.data));  // callers pick random IVs
      else
        f.push_back(field(
            "value",
            cmd.p1 == 1 && cmd.data.size() == 1 ? mode_name(cmd.data[0]) : spaced_hex(cmd.data),
            cmd.data));
    } else {
      auto kids = ski_fields(cmd.data, cmd.ins, false);
      f.insert(f.end(), kids.begin(), kids.end());
    }
  }
  if (!c.data.empty()) {
    auto& r = out.response_fields;
    if (cmd.ins == 0x50) {
      r = tlv_or_raw(c.data, [](std::uint32_t, std::uint32_t) { return std::string(); });
    } else if (cmd.ins == 0x5E && cmd.p1 == 2) {
      r.push_back(varying("IV", c.data));
    } else if (cmd.ins == 0x5E) {
      r.push_back(field("value",
                        cmd.p1 == 1 && c.data.size() == 1   ? mode_name(c.data[0])
                        : cmd.p1 == 4 && c.data.size() == 1 ? alg_name(c.data[0])
                                                            : spaced_hex(c.data),
                        c.data));
    } else if (cmd.ins == 0x62) {
      // CSF answers: structures and, for AUTHENTICATE, a session-PIN blob.
      r.push_back(varying("answer", c.data));
    } else {
      r = ski_fields(c.data, cmd.ins, true);
    }
  }
  return true;
}

}  // namespace softcard::trace::detail
