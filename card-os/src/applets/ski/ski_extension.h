#pragma once
// Secure Key Injection: the card-side extension of the GIDS applet (docs/ski.md). Install it with
// make_gids_applet(make_ski_extension()).
#include <cstdint>
#include <memory>

#include "applets/gids/gids_api.h"
#include "softcard/bytes.h"
#include "softcard/store.h"

namespace softcard::ski {

inline constexpr std::size_t session_slots = 8;
inline constexpr std::size_t dh_slots = 4;
inline constexpr std::uint8_t first_session_ref = 0x61;

std::unique_ptr<gids::GidsExtension> make_ski_extension();

// Shared symmetric keys (docs/ski.md §7.2) live in the card image under "ski/shared/<nn>" (nn =
// two hex digits of the key number), 32 bytes each. Profiles and tests provision them here.
void provision_shared_key(ObjectStore& store, std::uint8_t number, ByteView key);

}  // namespace softcard::ski
