#pragma once
// The one ATR rule, used when a profile is personalized (ProfileError) and when an image is
// opened (Card::validate, ImageError).
#include <string>

#include "softcard/bytes.h"

namespace softcard {

// Why `atr` is not a well-formed ISO/IEC 7816-3 ATR (TS 3B/3F; interface bytes as T0/TDi
// announce them; exactly K historical bytes; TCK present, and XOR-checking, unless only T=0 is
// offered; 2..33 bytes), or an empty string when it is one.
std::string atr_problem(ByteView atr);

}  // namespace softcard
