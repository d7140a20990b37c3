#include "md.h"

namespace softcard::md {

Response ApduChannel::transmit_one(const Command& cmd) {
  Bytes raw;
  if (DWORD rc = raw_(encode(cmd), raw)) fail(rc);
  auto r = parse_response(raw);
  if (!r) fail(SCARD_F_COMM_ERROR);
  return *r;
}

Response ApduChannel::transmit(const Command& cmd) {
  // Command chaining: blocks of 255 bytes with the chaining bit, the last one without.
  Response r;
  if (cmd.data.size() > 255) {
    std::size_t pos = 0;
    while (cmd.data.size() - pos > 255) {
      Command block = cmd;
      block.cla = static_cast<std::uint8_t>(cmd.cla | 0x10);
      block.data.assign(cmd.data.begin() + pos, cmd.data.begin() + pos + 255);
      block.ne.reset();
      r = transmit_one(block);
      if (r.sw != Sw::ok) return r;
      pos += 255;
    }
    Command last = cmd;
    last.data.assign(cmd.data.begin() + pos, cmd.data.end());
    r = transmit_one(last);
  } else {
    r = transmit_one(cmd);
  }
  if (sw1(r.sw) == 0x6C) {
    Command again = cmd;
    again.ne = sw2(r.sw) ? sw2(r.sw) : 256;
    r = transmit_one(again);
  }
  Bytes data = r.data;
  while (sw1(r.sw) == 0x61) {
    Command gr;
    gr.cla = 0x00;
    gr.ins = 0xC0;
    gr.ne = sw2(r.sw) ? sw2(r.sw) : 256;
    r = transmit_one(gr);
    append(data, r.data);
  }
  r.data = std::move(data);
  return r;
}

Bytes ApduChannel::exchange(const Command& cmd) {
  Response r = transmit(cmd);
  if (r.sw != Sw::ok) fail(map_sw(r.sw, cmd.cla & 0x80));
  return r.data;
}

}  // namespace softcard::md
