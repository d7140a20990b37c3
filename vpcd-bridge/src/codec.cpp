#include "softcard/vpcd/codec.h"

#include <string>

namespace softcard::vpcd {

Decoder::Decoder(std::size_t limit) : limit_(limit > max_payload ? max_payload : limit) {}

void Decoder::feed(ByteView data) {
  if (data.empty()) return;
  // Compact before growing so a long-lived link never accumulates consumed bytes.
  if (start_ > 0 && (start_ == buffer_.size() || start_ >= 4096)) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  buffer_.insert(buffer_.end(), data.begin(), data.end());
}

std::optional<Frame> Decoder::next() {
  if (failed_) throw ProtocolError("vpcd stream already failed");
  const std::size_t available = buffer_.size() - start_;
  if (available < 2) return std::nullopt;
  const std::size_t length = get_u16be(ByteView(buffer_).subspan(start_), 0);
  if (length == 0) {
    failed_ = true;
    throw ProtocolError("vpcd sent a zero-length frame");
  }
  if (length > limit_) {
    failed_ = true;
    throw ProtocolError("vpcd frame of " + std::to_string(length) + " bytes exceeds the limit of " +
                        std::to_string(limit_));
  }
  if (available < 2 + length) return std::nullopt;
  const auto* payload = buffer_.data() + start_ + 2;
  start_ += 2 + length;
  if (start_ == buffer_.size()) {
    // Common case (one frame per read): reset without moving memory.
    Frame frame = length == 1 ? Frame{ControlFrame{payload[0]}}
                              : Frame{ApduFrame{Bytes(payload, payload + length)}};
    buffer_.clear();
    start_ = 0;
    return frame;
  }
  if (length == 1) return ControlFrame{payload[0]};
  return ApduFrame{Bytes(payload, payload + length)};
}

void encode_frame(Bytes& out, ByteView payload) {
  if (payload.empty()) throw ProtocolError("refusing to send an empty vpcd frame");
  if (payload.size() > max_payload)
    throw ProtocolError("reply of " + std::to_string(payload.size()) +
                        " bytes does not fit a vpcd frame (max 65535)");
  out.reserve(out.size() + 2 + payload.size());
  put_u16be(out, static_cast<std::uint16_t>(payload.size()));
  append(out, payload);
}

Bytes encode_frame(ByteView payload) {
  Bytes out;
  encode_frame(out, payload);
  return out;
}

Bytes encode_control(Control code) {
  return Bytes{0x00, 0x01, static_cast<std::uint8_t>(code)};
}

Bytes encode(const Frame& frame) {
  if (const auto* c = std::get_if<ControlFrame>(&frame)) return Bytes{0x00, 0x01, c->code};
  return encode_frame(view(std::get<ApduFrame>(frame).apdu));
}

}  // namespace softcard::vpcd
