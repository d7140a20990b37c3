// softcard._core: the private native half of the softcard package. Python code should use the
// `softcard` package; names here may change between versions.
#include "core.h"  // first: it brings in <features.h>, which defines __GLIBC__

#if defined(__GLIBC__)
#include <malloc.h>
#endif

PYBIND11_MODULE(_core, m) {
  m.doc() = "softcard native core (private; use the softcard package)";
  using namespace softcard::py;
#if defined(__GLIBC__)
  // Same reason as emulator/src/main.cpp: each PIN verify's scrypt takes a 16 MiB block, and
  // glibc's dynamic mmap threshold then keeps such blocks in the arena of every thread that
  // verified (serving threads, Python threads): 4 threads held +129 MiB (test_memory.py). A
  // fixed threshold returns them to the system after each verify. Blocks of 1 MiB and more in
  // the host interpreter are mmapped as well, which costs it nothing measurable.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
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
