// The host-side minidriver library (minidriver/), for scenarios that play both the SKI server
// and the client. Bound only when this build has it; softcard.minidriver says what is missing.
#include "core.h"

namespace softcard::py {

void register_minidriver(pyb::module_& m) {
#if SOFTCARD_HAVE_MINIDRIVER
  m.attr("has_minidriver") = true;
#else
  m.attr("has_minidriver") = false;
#endif
}

}  // namespace softcard::py
