#pragma once
// Names of the ISO 7816-4 life cycle states, for inspection output (`softcard inspect`, Python).
#include "softcard/card.h"

namespace softcard {

// "creation", "initialisation", "operational", "deactivated", "terminated"; "unknown" otherwise.
const char* life_cycle_name(LifeCycle lcs);

}  // namespace softcard
