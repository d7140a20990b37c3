// GET CAPABILITIES (50) and the session key handles: SET/GET KEY PROPERTY (5C/5E), DESTROY KEY
// (60).
#include "applets/ski/ski_session.h"
#include "softcard/errors.h"

namespace softcard::ski {

Response capabilities(SkiSession& s, const Command& cmd, CardContext&, gids::GidsApi&) {
  if (cmd.p1p2() != 0) reject(Sw::incorrect_p1p2);
  Bytes out = {0x80, 0x01, 0x0F,
               0x81, 0x01, 0x1F,
               0x82, 0x01, 0x0F,
               0x83, 0x01, 0x03,
               0x84, 0x01, std::uint8_t(session_slots),
               0x85, 0x01, std::uint8_t(s.free_slots()),
               0x86, 0x01, 0x07,
               0x87, 0x01, 0x01};
  return Response(out);
}

Response set_property(SkiSession& s, const Command& cmd, CardContext&, gids::GidsApi&) {
  SessionKey& k = s.slot(cmd.p2);
  if (cmd.p1 == 0x01) {
    if (cmd.data.size() != 1) reject(Sw::wrong_data);
    // An unknown mode, or GCM with 3DES, is unsupported (D29). The base IV is kept as it is: it
    // may be set before or after the mode and must fit the mode when a blob is opened (D30).
    auto m = mode_from_id(cmd.data[0]);
    if (!m || !mode_allowed(k.alg, *m)) reject(Sw::function_not_supported);
    k.mode = *m;
  } else if (cmd.p1 == 0x02) {
    const std::size_t n = cmd.data.size();
    const bool ok = n == block_length(k.alg) || (n == 12 && block_alg(k.alg) == BlockAlg::aes);
    if (!ok) reject(Sw::wrong_data);
    k.iv = cmd.data;
  } else {
    reject(Sw::incorrect_p1p2);
  }
  return Response(Sw::ok);
}

Response get_property(SkiSession& s, const Command& cmd, CardContext&, gids::GidsApi&) {
  SessionKey& k = s.slot(cmd.p2);
  switch (cmd.p1) {
    case 0x01:
      return Response(Bytes{std::uint8_t(k.mode)});
    case 0x02:
      return Response(k.iv);
    case 0x03:
      return Response(Bytes{std::uint8_t(block_length(k.alg))});
    case 0x04:
      return Response(Bytes{std::uint8_t(k.alg)});
    default:
      reject(Sw::incorrect_p1p2);
  }
}

Response destroy_key(SkiSession& s, const Command& cmd, CardContext&, gids::GidsApi&) {
  s.slot(cmd.p2);
  s.slots[cmd.p2 - first_session_ref].reset();
  return Response(Sw::ok);
}

}  // namespace softcard::ski
