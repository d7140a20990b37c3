// softcard._core: the private native half of the softcard package. Python code should use the
// `softcard` package; names here may change between versions.
#include "core.h"

PYBIND11_MODULE(_core, m) {
  m.doc() = "softcard native core (private; use the softcard package)";
  using namespace softcard::py;
  register_apdu(m);
  register_trace(m);
  register_card(m);
  register_faults(m);
  register_store(m);
  register_rig(m);
  register_minidriver(m);
  register_wire(m);
  register_applet(m);
}
