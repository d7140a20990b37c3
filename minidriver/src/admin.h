#pragma once
// ROLE_ADMIN challenge-response (GIDS external authentication with the admin key).
#include "gids_commands.h"

namespace softcard::md {

// A fresh one-block challenge (8 bytes 3DES, 16 AES).
Bytes admin_challenge(Context& ctx);
// Answers the last challenge; SCARD_W_WRONG_CHV when the response is wrong.
void admin_respond(Context& ctx, ByteView response);
// Admin response, then RESET RETRY COUNTER of the user PIN with new_pin.
void unblock_user_pin(Context& ctx, ByteView response, ByteView new_pin);

}  // namespace softcard::md
