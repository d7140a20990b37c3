// Lives with the file system, which reads and writes life cycle bytes (fs/file.cpp).
#include "softcard/life_cycle.h"

namespace softcard {

const char* life_cycle_name(LifeCycle lcs) {
  switch (lcs) {
    case LifeCycle::creation:
      return "creation";
    case LifeCycle::initialisation:
      return "initialisation";
    case LifeCycle::operational:
      return "operational";
    case LifeCycle::deactivated:
      return "deactivated";
    case LifeCycle::terminated:
      return "terminated";
  }
  // A byte read from an image may be none of the above.
  return "unknown";
}

}  // namespace softcard
