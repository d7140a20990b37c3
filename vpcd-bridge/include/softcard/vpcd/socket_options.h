#pragma once
// Latency-critical socket options. vpcd and pcscd exchange one small message per step; a card side
// that delays its ACKs (Linux's default) costs 40-48 ms per APDU. TCP_QUICKACK is not sticky: the
// kernel drops back to delayed ACKs by itself, so it has to be re-armed around every read.
#include <system_error>

namespace softcard::vpcd {

// TCP_NODELAY on, SO_KEEPALIVE on. Errors are returned, not thrown.
std::error_code set_low_latency(int fd);
// TCP_QUICKACK on (Linux). A no-op success where it does not exist.
std::error_code arm_quickack(int fd);

}  // namespace softcard::vpcd
