#include "softcard/vpcd/socket_options.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

namespace softcard::vpcd {

static std::error_code set_int(int fd, int level, int option, int value) {
  if (::setsockopt(fd, level, option, &value, sizeof value) != 0)
    return {errno, std::system_category()};
  return {};
}

std::error_code set_low_latency(int fd) {
  if (auto ec = set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1)) return ec;
  return set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
}

std::error_code arm_quickack(int fd) {
#ifdef TCP_QUICKACK
  return set_int(fd, IPPROTO_TCP, TCP_QUICKACK, 1);
#else
  (void)fd;
  return {};
#endif
}

}  // namespace softcard::vpcd
