#include "softcard/wire/tlv.h"

#include <stdexcept>

#include "softcard/wire/endian.h"

namespace softcard::wire {

std::optional<std::vector<Tlv>> parse_tlvs(ByteView d) {
  std::vector<Tlv> out;
  std::size_t i = 0;
  while (i < d.size()) {
    if (d[i] == 0x00 || d[i] == 0xFF) {
      ++i;
      continue;
    }
    std::uint32_t tag = d[i++];
    if ((tag & 0x1F) == 0x1F) {
      if (i >= d.size() || (d[i] & 0x80)) return std::nullopt;
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
    } else if (len >= 0x80) {
      return std::nullopt;  // 80 (BER's indefinite form) and 83.. are not card encodings
    }
    if (len > d.size() - i) return std::nullopt;
    out.push_back({tag, d.subspan(i, len)});
    i += len;
  }
  return out;
}

const Tlv* find_tlv(const std::vector<Tlv>& tlvs, std::uint32_t tag) {
  for (const auto& t : tlvs)
    if (t.tag == tag) return &t;
  return nullptr;
}

std::optional<ByteView> find_tlv(ByteView data, std::uint32_t tag) {
  const auto tlvs = parse_tlvs(data);
  if (!tlvs) return std::nullopt;
  if (const Tlv* t = find_tlv(*tlvs, tag)) return t->value;
  return std::nullopt;
}

void put_length(Bytes& out, std::size_t n) {
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else if (n < 0x100) {
    out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(n));
  } else if (n <= 0xFFFF) {
    out.push_back(0x82);
    put_u16be(out, static_cast<std::uint16_t>(n));
  } else {
    throw std::length_error("BER-TLV value longer than 65535 bytes");
  }
}

void put_tlv(Bytes& out, std::uint32_t tag, ByteView value) {
  if (tag > 0xFF) out.push_back(static_cast<std::uint8_t>(tag >> 8));
  out.push_back(static_cast<std::uint8_t>(tag));
  put_length(out, value.size());
  append(out, value);
}

Bytes tlv(std::uint32_t tag, ByteView value) {
  Bytes out;
  put_tlv(out, tag, value);
  return out;
}

}  // namespace softcard::wire
