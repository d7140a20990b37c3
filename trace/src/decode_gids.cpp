// GIDS (docs/gids.md): data objects and files by name, key files, MSE/PSO mechanisms, compact
// ACLs, the minidriver files (cmapfile, cardcf, master file, key map).
#include <array>

#include "decode_internal.h"
#include "softcard/wire/endian.h"
#include "softcard/wire/gids.h"
#include "softcard/wire/tlv.h"
#include "tag_names.h"

namespace softcard::trace::detail {

namespace {

std::string do_name(std::uint16_t ef, std::uint16_t tag) {
  if (ef == 0xA000 && tag == 0xDF1F) return "master file";
  if (ef == 0xA000 && tag == 0xDF20) return "key map";
  if (ef == 0xA012 && tag == 0xDF20) return "cardid";
  if (ef == 0xA010 && tag == 0xDF21) return "cardapps";
  if (ef == 0xA010 && tag == 0xDF22) return "cardcf";
  if (ef == 0xA010 && tag == 0xDF23) return "cmapfile";
  if (ef == 0x3FFF && tag == 0x7F71) return "user PIN status";
  if (ef == 0x3FFF && tag == 0x7F72) return "PIN status";
  if (ef == 0x3FFF && tag == 0x7F73) return "PUK status";
  if (ef == 0x2F01) return "EF.ATR";
  if ((tag & 0xFF00) == 0xDF00 && tag >= 0xDF24) return "file " + tag_hex(tag);
  return "DO " + tag_hex(tag);
}

std::string ef_name(std::uint16_t ef) {
  switch (ef) {
    case 0xA000:
      return "UserCreateDeleteDirAc";
    case 0xA010:
      return "EveryoneReadUserWriteAc";
    case 0xA011:
      return "UserWriteExecuteAc";
    case 0xA012:
      return "EveryoneReadAdminWriteAc";
    case 0xA013:
      return "UserReadWriteAc";
    case 0xA014:
      return "AdminReadWriteAc";
    case 0x3FFF:
      return "the GIDS application DF";
  }
  if ((ef & 0xFF00) == 0xB000) return "key file " + byte_hex(ef & 0xFF);
  return "EF " + tag_hex(ef);
}

std::string algid_name(std::uint8_t algid) {
  switch (algid & 0x0F) {
    case 0x06:
      return "RSA-1024";
    case 0x07:
      return "RSA-2048";
    case 0x08:
      return "RSA-3072";
    case 0x09:
      return "RSA-4096";
    case 0x0C:
      return "P-256";
    case 0x0D:
      return "P-384";
    case 0x0E:
      return "P-521";
  }
  return "algid " + byte_hex(algid & 0x0F);
}

std::string mechanism(std::uint8_t crt, std::uint8_t mech) {
  const bool ec = (mech & 0x0F) >= 0x0C;
  std::string use;
  switch (mech >> 4) {
    case 0x5:
      use = ec ? "ECDSA" : "sign RSASSA-PKCS1-v1_5";
      break;
    case 0x1:
      use = ec ? "ECDSA" : "sign raw RSA";
      break;
    case 0x4:
      use = ec ? "ECDH" : "decipher RSAES-PKCS1-v1_5";
      break;
    case 0x8:
      use = "decipher RSAES-OAEP";
      break;
    case 0x0:
      use = ec ? "ECDH" : (crt == 0xA4 ? "admin key" : "decipher raw RSA");
      break;
    default:
      use = "mechanism " + byte_hex(mech);
  }
  if (crt == 0xA4) return mech == 0x02 ? "3DES" : mech == 0x04 ? "AES" : use;
  return use + ", " + algid_name(mech);
}

// Compact ACL (8C): access mode byte, then one condition per set bit b7..b1.
std::vector<Node> compact_acl(ByteView acl) {
  std::vector<Node> out;
  if (acl.empty()) return out;
  const char* ops[] = {"b7",
                       "delete (40)",
                       "b5 (20)",
                       "activate (10)",
                       "generate / b4 (08)",
                       "use / MSE (04)",
                       "update / PUT (02)",
                       "read / GET (01)"};
  auto condition = [](std::uint8_t c) -> std::string {
    if (c == 0x00) return "always";
    if (c == 0xFF) return "never";
    std::string s;
    const bool all = (c & 0x80) != 0;
    if (c & 0x10) s += "user PIN";
    if (c & 0x20) s += std::string(s.empty() ? "" : all ? " and " : " or ") + "admin key";
    if (c & 0x40) s += std::string(s.empty() ? "" : " ") + "secure messaging (never)";
    return s.empty() ? "never (" + byte_hex(c) + ")" : s + " (" + byte_hex(c) + ")";
  };
  std::size_t i = 1;
  out.push_back(field("access mode", byte_hex(acl[0])));
  for (int bit = 6; bit >= 0; --bit) {
    if (!(acl[0] & (1u << bit))) continue;
    if (i >= acl.size()) {
      out.push_back(field("malformed", "missing condition byte"));
      break;
    }
    out.push_back(field(ops[7 - bit], condition(acl[i++])));
  }
  return out;
}

// GIDS's own names; the interindustry ones (tag_names.cpp) cover the rest.
constexpr auto gids_rows = std::to_array<TagName>({
    {0x7C, 0x85, "ECDH point"},
    {0x62, 0x8C, "compact ACL"},
    {0x62, 0xA5, "CRTs"},
    {anywhere, 0x70, "key template"},
    {anywhere, 0x80, "mechanism"},
    {anywhere, 0x83, "key reference"},
    {anywhere, 0x84, "key reference"},
    {anywhere, 0x87, "key value"},
    {anywhere, 0x93, "try limit"},
    {anywhere, 0x95, "usage qualifier"},
    {anywhere, 0x97, "tries left"},
    {anywhere, 0xAC, "generation"},
});

std::string gids_tag_name(std::uint32_t tag, std::uint32_t parent) {
  return edge_tag_name(gids_rows, tag, parent);
}

// The value of a GIDS DO, decoded for the files hosts care about.
std::vector<Node> do_value(std::uint16_t ef, std::uint16_t tag, ByteView v) {
  std::vector<Node> out;
  if (ef == 0xA010 && tag == 0xDF23) {
    for (std::size_t i = 0; i + 86 <= v.size(); i += 86) {
      const auto r = wire::gids::decode_container_record(v.subspan(i, 86));
      Node n = field("container " + std::to_string(i / 86),
                     r.valid() ? std::string("valid") + (r.flags & 2 ? ", default" : "") : "empty",
                     v.subspan(i, 86));
      if (r.valid()) {
        Node name = varying("name (GUID)", v.subspan(i, 80));  // random per container
        n.children.push_back(name);
        if (r.sig_key_bits)
          n.children.push_back(field("signature key bits", std::to_string(r.sig_key_bits)));
        if (r.kx_key_bits)
          n.children.push_back(field("key exchange key bits", std::to_string(r.kx_key_bits)));
      }
      out.push_back(std::move(n));
    }
    return out;
  }
  if (ef == 0xA010 && tag == 0xDF22 && v.size() >= 6) {
    out.push_back(field("version", byte_hex(v[0]), v.first(1)));
    out.push_back(field("PIN cache", byte_hex(v[1]), v.subspan(1, 1)));
    out.push_back(
        field("containers freshness", std::to_string(wire::get_u16le(v, 2)), v.subspan(2, 2)));
    out.push_back(field("files freshness", std::to_string(wire::get_u16le(v, 4)), v.subspan(4, 2)));
    return out;
  }
  if (ef == 0xA012 && tag == 0xDF20) {
    out.push_back(varying("card id", v));  // a serial: unique per card
    return out;
  }
  if (ef == 0xA000 && tag == 0xDF1F) {
    if (auto entries = wire::gids::decode_masterfile(v)) {
      for (const auto& e : *entries)
        out.push_back(
            field(e.dir.empty() && e.name.empty()
                      ? "(root)"
                      : (e.dir.empty() ? e.name : e.dir + (e.name.empty() ? "/" : "/" + e.name)),
                  "DO " + tag_hex(e.tag) + " in " + tag_hex(e.ef)));
      return out;
    }
  }
  if (!v.empty()) {
    if (tag >= 0xDF24 && (tag & 0xFF00) == 0xDF00)
      out.push_back(field("content", std::to_string(v.size()) + " bytes", v));
    else
      out = tlv_or_raw(v, gids_tag_name, template_varies);
  }
  return out;
}

}  // namespace

bool decode_gids(Context& c) {
  const Command& cmd = c.cmd;
  Decoded& out = c.out;
  const std::uint16_t ef = cmd.p1p2();
  switch (cmd.ins) {
    case 0xCB: {
      auto tl = wire::find_tlv(cmd.data, 0x5C);
      if (tl && tl->size() != 2 && !(tl->empty() && ef == 0x2F01)) return false;  // PIV shape
      decode_iso(c);
      out.applet = "GIDS";
      if (ef == 0x3FFF && wire::find_tlv(cmd.data, 0x70)) {
        out.title = "GET DATA public key";
        out.response_fields = tlv_or_raw(c.data, gids_tag_name, [](auto, auto) { return true; });
        return true;
      }
      const std::uint16_t tag = tl && tl->size() == 2 ? wire::get_u16be(*tl, 0) : 0;
      out.title = "GET DATA " + do_name(ef, tag) + " (" + tag_hex(ef) +
                  (tag ? "/" + tag_hex(tag) : "") + ")";
      if (!c.data.empty()) {
        out.response_fields.clear();
        auto objects = wire::parse_tlvs(c.data);
        if (objects && !objects->empty()) {
          for (const auto& o : *objects) {
            Node n = field(tag_hex(o.tag) + " " + do_name(ef, static_cast<std::uint16_t>(o.tag)),
                           std::to_string(o.value.size()) + " bytes");
            n.children = do_value(ef, static_cast<std::uint16_t>(o.tag), o.value);
            out.response_fields.push_back(std::move(n));
          }
        } else {
          out.response_fields = tlv_or_raw(c.data, gids_tag_name, template_varies);
        }
      }
      return true;
    }
    case 0xDB: {
      decode_iso(c);
      out.applet = "GIDS";
      if (ef == 0x3FFF) {
        out.title = "PUT DATA key import";  // data withheld by data_is_secret
        return true;
      }
      auto objects = wire::parse_tlvs(cmd.data);
      std::string names;
      if (objects) {
        std::erase_if(out.command_fields, [](const Node& n) {  // replace the generic tree
          return n.label != "CLA" && n.label != "INS" && n.label != "P1" && n.label != "P2" &&
                 n.label != "Le";
        });
        for (const auto& o : *objects) {
          const std::string n = do_name(ef, static_cast<std::uint16_t>(o.tag));
          names += (names.empty() ? "" : ", ") + n;
          Node node = field(tag_hex(o.tag) + " " + n, std::to_string(o.value.size()) + " bytes");
          node.children = do_value(ef, static_cast<std::uint16_t>(o.tag), o.value);
          out.command_fields.push_back(std::move(node));
        }
      }
      out.title = "PUT DATA " + (names.empty() ? "?" : names) + " (" + tag_hex(ef) + ")";
      return true;
    }
    case 0xA4:
      decode_iso(c);
      out.applet = "GIDS";
      if (cmd.data.size() >= 2) {
        const std::uint16_t fid = wire::get_u16be(cmd.data, cmd.data.size() - 2);
        out.title = "SELECT " + ef_name(fid) + " (" + tag_hex(fid) + ")";
      }
      return true;
    case 0xE0:
    case 0x44:
    case 0xE4: {
      decode_iso(c);
      out.applet = "GIDS";
      if (cmd.ins == 0xE0) {
        auto fid = wire::find_tlv(wire::find_tlv(cmd.data, 0x62).value_or(ByteView{}), 0x83);
        if (fid && fid->size() == 2) out.title += " " + ef_name(wire::get_u16be(*fid, 0));
        // Compact ACL under the FCP: decoded bit by bit.
        for (auto& n : out.command_fields)
          for (auto& k : n.children)
            if (k.label.rfind("8C", 0) == 0) k.children = compact_acl(from_hex(k.hex));
      } else if (cmd.data.size() == 2) {
        out.title += " " + ef_name(wire::get_u16be(cmd.data, 0));
      }
      return true;
    }
    case 0x22: {
      decode_iso(c);
      out.applet = "GIDS";
      auto mech = wire::find_tlv(cmd.data, 0x80);
      auto key = wire::find_tlv(cmd.data, 0x84);
      if (!key) key = wire::find_tlv(cmd.data, 0x83);
      std::string what;
      if (mech && mech->size() == 1) what = mechanism(cmd.p2, (*mech)[0]);
      if (key && key->size() == 1)
        what += std::string(what.empty() ? "" : ", ") +
                ((*key)[0] == 0x80 ? "admin key" : "key " + byte_hex((*key)[0]));
      if (!what.empty()) {
        out.title += ": " + what;
        out.command_fields.push_back(field("means", what));
      }
      return true;
    }
    case 0x47: {
      if (cmd.p2 != 0x00) return false;  // PIV shape (P2 = slot)
      decode_iso(c);
      out.applet = "GIDS";
      auto ac = wire::find_tlv(cmd.data, 0xAC).value_or(ByteView{});
      auto alg = wire::find_tlv(ac, 0x80);
      auto kid = wire::find_tlv(ac, 0x83);
      if (alg && alg->size() == 1 && kid && kid->size() == 1)
        out.title += " " + algid_name((*alg)[0]) + " in key file B0" + byte_hex((*kid)[0]);
      out.response_fields = tlv_or_raw(c.data, gids_tag_name, [](auto, auto) { return true; });
      return true;
    }
    case 0x20:
    case 0x24:
    case 0x2C:
      decode_iso(c);
      out.applet = "GIDS";
      if (cmd.ins == 0x20 && cmd.p2 == 0x82)
        out.title = "VERIFY: deauthenticate (PIN and admin)";
      else if (cmd.p2 == 0x80)
        out.title += " user PIN";
      else if (cmd.p2 == 0x81)
        out.title += " PUK";
      return true;
    case 0x87:
      if (cmd.p2 != 0x00) return false;  // PIV shape
      decode_iso(c);
      out.applet = "GIDS";
      out.title += ": admin key authentication";
      return true;
    case 0x2A:
    case 0xCA:
      decode_iso(c);
      out.applet = "GIDS";
      return true;
  }
  return false;
}

}  // namespace softcard::trace::detail
