#include "fs/tlv.h"

namespace softcard::fs {

std::optional<std::vector<Tlv>> parse_tlvs(ByteView d) {
  std::vector<Tlv> out;
  std::size_t i = 0;
  while (i < d.size()) {
    // 00 and FF between objects are padding (ISO 7816-4 5.2.2).
    if (d[i] == 0x00 || d[i] == 0xFF) {
      ++i;
      continue;
    }
    unsigned tag = d[i++];
    if ((tag & 0x1F) == 0x1F) {
      if (i >= d.size() || (d[i] & 0x80)) return std::nullopt;  // tags > 2 bytes unsupported
      tag = (tag << 8) | d[i++];
    }
    if (i >= d.size()) return std::nullopt;
    std::size_t len = d[i++];
    if (len == 0x81) {
      if (i + 1 > d.size()) return std::nullopt;
      len = d[i++];
    } else if (len == 0x82) {
      if (i + 2 > d.size()) return std::nullopt;
      len = get_u16be(d, i);
      i += 2;
    } else if (len > 0x80) {
      return std::nullopt;
    }
    if (len > d.size() - i) return std::nullopt;
    out.push_back({tag, d.subspan(i, len)});
    i += len;
  }
  return out;
}

void put_length(Bytes& out, std::size_t n) {
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else if (n < 0x100) {
    out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    out.push_back(0x82);
    put_u16be(out, static_cast<unsigned>(n));
  }
}

void put_tlv(Bytes& out, unsigned tag, ByteView value) {
  if (tag > 0xFF) out.push_back(static_cast<std::uint8_t>(tag >> 8));
  out.push_back(static_cast<std::uint8_t>(tag));
  put_length(out, value.size());
  append(out, value);
}

}  // namespace softcard::fs
