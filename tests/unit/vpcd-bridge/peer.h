#pragma once
// The vpcd side of bridge tests: plain blocking POSIX sockets with poll() bounds, so a broken
// bridge fails a test instead of hanging it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "softcard/bytes.h"
#include "softcard/vpcd/codec.h"

namespace softcard::vpcd::testing {

inline constexpr int generous_ms = 10000;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~Fd() { reset(); }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

inline void send_all(int fd, ByteView data) {
  std::size_t done = 0;
  while (done < data.size()) {
    auto n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0) throw std::runtime_error("send: " + std::string(strerror(errno)));
    done += static_cast<std::size_t>(n);
  }
}

inline bool wait_readable(int fd, int timeout_ms = generous_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1;
}

// Reads exactly n bytes; nullopt on EOF/error/timeout.
inline std::optional<Bytes> recv_exact(int fd, std::size_t n) {
  Bytes out(n);
  std::size_t done = 0;
  while (done < n) {
    if (!wait_readable(fd)) return std::nullopt;
    auto r = ::recv(fd, out.data() + done, n - done, 0);
    if (r <= 0) return std::nullopt;
    done += static_cast<std::size_t>(r);
  }
  return out;
}

// One framed reply's payload.
inline std::optional<Bytes> recv_frame(int fd) {
  auto header = recv_exact(fd, 2);
  if (!header) return std::nullopt;
  return recv_exact(fd, get_u16be(*header, 0));
}

// True when the peer closed (EOF or reset) within the bound.
inline bool sees_eof(int fd) {
  if (!wait_readable(fd)) return false;
  std::uint8_t b;
  return ::recv(fd, &b, 1, 0) <= 0;
}

inline Fd listen_loopback(std::uint16_t port = 0) {
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    throw std::runtime_error("bind: " + std::string(strerror(errno)));
  if (::listen(fd.get(), 4) != 0) throw std::runtime_error("listen");
  return fd;
}

inline std::uint16_t local_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

inline Fd accept_one(int listener) {
  if (!wait_readable(listener)) return Fd{};
  return Fd(::accept(listener, nullptr, nullptr));
}

inline Fd connect_loopback(std::uint16_t port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return Fd{};
  return fd;
}

// Collects values pushed from bridge threads; tests wait for a value, bounded.
template <class T>
class Events {
 public:
  void push(T v) {
    std::lock_guard lock(m_);
    q_.push_back(std::move(v));
    cv_.notify_all();
  }
  // Waits until `v` has been pushed (consuming everything up to and including it).
  bool wait_for(const T& v,
                std::chrono::milliseconds bound = std::chrono::milliseconds(generous_ms)) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, bound, [&] {
      while (!q_.empty()) {
        const bool hit = q_.front() == v;
        q_.pop_front();
        if (hit) return true;
      }
      return false;
    });
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<T> q_;
};

}  // namespace softcard::vpcd::testing
