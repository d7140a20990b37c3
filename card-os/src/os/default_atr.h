#pragma once
#include "softcard/bytes.h"

namespace softcard {

// The ATR a card gets when its profile names none: T=1 only, with historical bytes in
// compact-TLV form naming softcard.
Bytes default_atr();

// Appends the TCK (XOR of T0..last byte) that an ATR offering T=1 must carry.
Bytes with_tck(Bytes atr_without_tck);

}  // namespace softcard
