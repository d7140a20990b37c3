#include "softcard/apdu.h"

namespace softcard {

std::variant<Command, Sw> parse_command(ByteView a) {
  if (a.size() < 4) return Sw::wrong_length;
  Command c;
  c.cla = a[0];
  c.ins = a[1];
  c.p1 = a[2];
  c.p2 = a[3];
  const std::size_t n = a.size();
  if (n == 4) return c;  // case 1
  if (n == 5) {          // case 2 short
    c.ne = a[4] ? a[4] : 256;
    return c;
  }
  if (a[4] != 0) {  // short Lc
    const std::size_t lc = a[4];
    if (n == 5 + lc) {
      c.data.assign(a.begin() + 5, a.end());
      return c;
    }
    if (n == 6 + lc) {
      c.data.assign(a.begin() + 5, a.begin() + 5 + lc);
      c.ne = a[n - 1] ? a[n - 1] : 256;
      return c;
    }
    return Sw::wrong_length;
  }
  // Extended length: 00 followed by two bytes.
  if (n < 7) return Sw::wrong_length;
  c.extended = true;
  const std::size_t first = get_u16be(a, 5);
  if (n == 7) {  // case 2 extended
    c.ne = first ? first : 65536;
    return c;
  }
  const std::size_t lc = first;
  if (lc == 0) return Sw::wrong_length;
  if (n == 7 + lc) {
    c.data.assign(a.begin() + 7, a.end());
    return c;
  }
  if (n == 9 + lc) {
    c.data.assign(a.begin() + 7, a.begin() + 7 + lc);
    const std::size_t le = get_u16be(a, n - 2);
    c.ne = le ? le : 65536;
    return c;
  }
  return Sw::wrong_length;
}

Bytes encode(const Command& c) {
  Bytes out{c.cla, c.ins, c.p1, c.p2};
  const bool ext = c.extended || c.data.size() > 255 || (c.ne && *c.ne > 256);
  if (!ext) {
    if (!c.data.empty()) {
      out.push_back(static_cast<std::uint8_t>(c.data.size()));
      append(out, c.data);
    }
    if (c.ne) out.push_back(static_cast<std::uint8_t>(*c.ne == 256 ? 0 : *c.ne));
    return out;
  }
  if (!c.data.empty()) {
    out.push_back(0);
    put_u16be(out, static_cast<std::uint16_t>(c.data.size()));
    append(out, c.data);
  }
  if (c.ne) {
    if (c.data.empty()) out.push_back(0);
    put_u16be(out, static_cast<std::uint16_t>(*c.ne >= 65536 ? 0 : *c.ne));  // 0000 = 65536
  }
  return out;
}

Bytes Response::to_bytes() const {
  Bytes out;
  out.reserve(data.size() + 2);
  append(out, data);
  out.push_back(sw1(sw));
  out.push_back(sw2(sw));
  return out;
}

std::optional<Response> parse_response(ByteView r) {
  if (r.size() < 2) return std::nullopt;
  Response resp;
  resp.data.assign(r.begin(), r.end() - 2);
  resp.sw = make_sw(r[r.size() - 2], r[r.size() - 1]);
  return resp;
}

}  // namespace softcard
