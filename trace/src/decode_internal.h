#pragma once
// Pieces shared by the per-card-edge decoders (decode_*.cpp).
#include <functional>
#include <optional>
#include <string>

#include "softcard/apdu.h"
#include "softcard/trace/decode.h"

namespace softcard::trace::detail {

std::string hex(ByteView b);         // upper-case, no spaces
std::string spaced_hex(ByteView b);  // upper-case, spaced
std::string byte_hex(std::uint8_t b);
Node field(std::string label, std::string value, ByteView bytes = {});
Node varying(std::string label, ByteView bytes);  // value "N bytes", varies
Node withheld(std::string label, std::size_t length);

// Names a tag inside `parent` (0 at top level) for the applet; "" when unknown.
using TagNamer = std::function<std::string(std::uint32_t tag, std::uint32_t parent)>;
// Tags whose values differ per run (challenges, keys...) for the applet.
using TagVaries = std::function<bool(std::uint32_t tag, std::uint32_t parent)>;
// BER-TLV as a tree (constructed tags are parsed again); nullopt when `data` is not BER-TLV.
std::optional<std::vector<Node>> tlv_tree(ByteView data, const TagNamer& name,
                                          const TagVaries& varies = {}, std::uint32_t parent = 0,
                                          int depth = 0);
// tlv_tree, or one raw "data" node when the bytes are not TLV.
std::vector<Node> tlv_or_raw(ByteView data, const TagNamer& name, const TagVaries& varies = {});
std::string tag_hex(std::uint32_t tag);

// What a per-edge decoder fills in. `cmd` is parsed; `data` the response data, `sw` its SW.
struct Context {
  const Command& cmd;
  ByteView data;
  std::uint16_t sw;
  bool answered;
  bool redacted;
  Decoded& out;
};

// Each returns false when the command is not one of its own (the ISO decoder takes the rest).
bool decode_gids(Context& c);
bool decode_ski(Context& c);
bool decode_piv(Context& c);
bool decode_yubikey_mgmt(Context& c);
void decode_iso(Context& c);

// The interindustry name of an INS (ISO 7816-4 table 4).
std::string iso_ins_name(std::uint8_t ins);
// The command data, withheld when it carries secrets or was redacted.
bool data_is_secret(const Context& c);

}  // namespace softcard::trace::detail
