#pragma once
// Sans-I/O codec for the vpcd wire protocol: every message is a u16 big-endian length followed
// by that many bytes. A 1-byte payload is a control code, anything longer is a C-APDU (from vpcd)
// or an R-APDU (to vpcd). No sockets here: bytes in, frames out, and frames back to bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <variant>

#include "softcard/bytes.h"

namespace softcard::vpcd {

inline constexpr std::size_t max_payload = 0xFFFF;  // what a u16 length can say

enum class Control : std::uint8_t {
  power_off = 0x00,
  power_on = 0x01,
  reset = 0x02,
  get_atr = 0x04,
};

// A control frame keeps the raw code so unknown codes can be reported, not silently mapped.
struct ControlFrame {
  std::uint8_t code = 0;
  bool known() const { return code == 0x00 || code == 0x01 || code == 0x02 || code == 0x04; }
  Control control() const { return static_cast<Control>(code); }
  bool operator==(const ControlFrame&) const = default;
};

struct ApduFrame {
  Bytes apdu;
  bool operator==(const ApduFrame&) const = default;
};

using Frame = std::variant<ControlFrame, ApduFrame>;

// The peer broke the protocol (zero-length frame from vpcd, a length above the configured limit)
// or a reply cannot be framed (longer than 65535 bytes). The link must be closed.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Stream parser: feed() whatever a read returned (any split, any number of frames), then take
// complete frames with next(). Never assumes one read holds one frame.
class Decoder {
 public:
  // Payloads longer than `limit` are refused (ProtocolError) instead of being buffered.
  explicit Decoder(std::size_t limit = max_payload);

  void feed(ByteView data);
  // The next complete frame, or nullopt when more bytes are needed. Throws ProtocolError on a
  // zero-length frame (vpcd never sends one; from the card side it means "removed") or a length
  // above the limit. After an error the decoder stays failed; the link has to go.
  std::optional<Frame> next();

  std::size_t buffered() const { return buffer_.size() - start_; }
  bool failed() const { return failed_; }

 private:
  Bytes buffer_;
  std::size_t start_ = 0;  // consumed prefix of buffer_, compacted lazily
  std::size_t limit_;
  bool failed_ = false;
};

// Appends one framed message (length + payload) to `out`. Throws ProtocolError when the payload
// does not fit a u16 length or is empty (an empty frame tells vpcd the card is gone).
void encode_frame(Bytes& out, ByteView payload);
Bytes encode_frame(ByteView payload);
// Convenience for tests and fake peers: a framed control code (00 01 cc).
Bytes encode_control(Control code);
// A frame as vpcd would send it.
Bytes encode(const Frame& frame);

}  // namespace softcard::vpcd
