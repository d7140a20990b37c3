#include "applets/ski/ski_tlv.h"

#include "softcard/errors.h"

namespace softcard::ski {

std::optional<ByteView> find_tlv(ByteView data, std::uint8_t tag) {
  auto malformed = [] { return CardError(Sw::wrong_data); };
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::uint8_t t = data[pos++];
    if (pos >= data.size()) throw malformed();
    std::size_t len = data[pos++];
    if (len == 0x81 || len == 0x82) {
      const std::size_t k = len - 0x80;
      if (pos + k > data.size()) throw malformed();
      len = 0;
      for (std::size_t i = 0; i < k; ++i) len = (len << 8) | data[pos++];
    } else if (len > 0x80) {
      throw malformed();
    }
    if (pos + len > data.size()) throw malformed();
    if (t == tag) return data.subspan(pos, len);
    pos += len;
  }
  return std::nullopt;
}

ByteView need_tlv(ByteView data, std::uint8_t tag) {
  auto v = find_tlv(data, tag);
  if (!v) throw CardError(Sw::wrong_data);
  return *v;
}

void put_tlv(Bytes& out, std::uint8_t tag, ByteView v) {
  out.push_back(tag);
  if (v.size() >= 0x100) {
    out.push_back(0x82);
    out.push_back(static_cast<std::uint8_t>(v.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(v.size()));
  } else if (v.size() >= 0x80) {
    out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(v.size()));
  } else {
    out.push_back(static_cast<std::uint8_t>(v.size()));
  }
  append(out, v);
}

}  // namespace softcard::ski
