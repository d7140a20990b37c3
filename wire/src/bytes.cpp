#include "softcard/wire/bytes.h"

namespace softcard::wire {

void wipe(Bytes& b) noexcept {
  volatile std::uint8_t* p = b.data();
  for (std::size_t i = 0; i < b.size(); ++i) p[i] = 0;
  b.clear();
}

Bytes strip_leading_zeros(ByteView be) {
  std::size_t i = 0;
  while (i + 1 < be.size() && be[i] == 0) ++i;
  return Bytes(be.begin() + static_cast<std::ptrdiff_t>(i), be.end());
}

}  // namespace softcard::wire
