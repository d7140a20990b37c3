#pragma once
// CCP_ASSOCIATED_ECDH_KEY: which ECDH container goes with an ECDSA container, kept on the card
// in the minidriver file mscp/ecdhmap so other processes and a reset card see it.
#include "gids_commands.h"

namespace softcard::md {

// The ECDH container paired with ECDSA container `idx`; SCARD_E_NO_KEY_CONTAINER when `idx` is
// empty, has no pair, or its pair no longer holds an ECDH key.
std::uint8_t associated_ecdh_key(Context& ctx, PCARD_DATA pCardData, std::uint8_t idx);
// Pairs them; SCARD_E_INVALID_PARAMETER unless `idx` holds an ECDSA key and `ecdh` an ECDH key.
void set_associated_ecdh_key(Context& ctx, PCARD_DATA pCardData, std::uint8_t idx,
                             std::uint8_t ecdh);

}  // namespace softcard::md
