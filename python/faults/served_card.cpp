#include "served_card.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <variant>

#include "softcard/vpcd/codec.h"

namespace softcard::faults {

const char* to_string(ServeState state) {
  switch (state) {
    case ServeState::connecting:
      return "connecting";
    case ServeState::connected:
      return "connected";
    case ServeState::removed:
      return "removed";
    case ServeState::stopped:
      return "stopped";
  }
  return "?";
}

ServedCard::ServedCard(FaultyCard& card, ServeOptions options, LogFn log)
    : card_(card), options_(std::move(options)), log_(std::move(log)) {}

ServedCard::~ServedCard() {
  stop();
}

void ServedCard::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { run(); });
}

void ServedCard::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    ++wake_;
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  set_state(ServeState::stopped);
}

void ServedCard::remove() {
  {
    std::lock_guard lock(mutex_);
    removed_ = true;
    ++wake_;
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
  }
  cv_.notify_all();
}

void ServedCard::insert() {
  {
    std::lock_guard lock(mutex_);
    removed_ = false;
    ++wake_;
  }
  cv_.notify_all();
}

void ServedCard::set_state(ServeState s) {
  {
    std::lock_guard lock(mutex_);
    state_.store(s);
  }
  cv_.notify_all();
}

bool ServedCard::wait_for(ServeState want, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return state_.load() == want || stopping_; }) &&
         state_.load() == want;
}

bool ServedCard::wait_connections(std::uint64_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return connections_.load() >= n || stopping_; }) &&
         connections_.load() >= n;
}

bool ServedCard::wait_interruptible(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  const auto wake = wake_;
  return !cv_.wait_for(lock, d, [&] { return stopping_ || wake_ != wake; });
}

int ServedCard::connect_once() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(options_.port);
  if (::getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &res) != 0 || !res) return -1;
  int fd = -1;
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd >= 0) {
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return fd;
}

void ServedCard::run() {
  auto backoff = options_.initial_backoff;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (stopping_) break;
      if (removed_) {
        state_.store(ServeState::removed);
        cv_.notify_all();
        cv_.wait(lock, [&] { return stopping_ || !removed_; });
        continue;
      }
    }
    set_state(ServeState::connecting);
    const int fd = connect_once();
    if (fd < 0) {
      wait_interruptible(backoff);
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    backoff = options_.initial_backoff;
    {
      std::lock_guard lock(mutex_);
      if (stopping_ || removed_) {
        ::close(fd);
        continue;
      }
      fd_ = fd;
      ++connections_;
      state_.store(ServeState::connected);
    }
    cv_.notify_all();
    if (log_) log_("connected to vpcd at " + options_.host + ":" + std::to_string(options_.port));
    const bool torn = serve(fd);
    {
      std::lock_guard lock(mutex_);
      fd_ = -1;
      if (torn) removed_ = true;
    }
    ::close(fd);
    // The reader lost the card: it has no power any more.
    try {
      if (card_.powered()) card_.power_off();
    } catch (const std::exception& e) {
      if (log_) log_(std::string("power off after the link closed failed: ") + e.what());
    }
  }
  set_state(ServeState::stopped);
}

namespace {
bool write_all(int fd, const Bytes& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}
}  // namespace

bool ServedCard::serve(int fd) {
  vpcd::Decoder decoder;
  Bytes buffer(4096);
  for (;;) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // vpcd closed, or remove()/stop() shut the socket down
    decoder.feed(ByteView(buffer.data(), static_cast<std::size_t>(n)));
    Bytes out;
    try {
      while (auto frame = decoder.next()) {
        if (const auto* control = std::get_if<vpcd::ControlFrame>(&*frame)) {
          switch (control->code) {
            case 0x00:
              card_.power_off();
              break;
            case 0x01:
              card_.power_on();
              break;
            case 0x02:
              card_.reset();
              break;
            case 0x04:
              vpcd::encode_frame(out, view(card_.atr()));
              break;
            default:
              if (log_) log_("ignoring unknown vpcd control code " + std::to_string(control->code));
          }
          continue;
        }
        const auto& apdu = std::get<vpcd::ApduFrame>(*frame).apdu;
        Exchange ex = card_.transmit(view(apdu));
        ++apdus_;
        if (ex.outcome != Outcome::answered) {
          if (log_) log_(std::string("fault: link ") + to_string(ex.outcome) + ", no answer sent");
          // Whatever was already answered in this batch is lost with the link, as on a real cut.
          if (ex.outcome == Outcome::dropped) {
            ::shutdown(fd, SHUT_RDWR);
            set_state(ServeState::connecting);  // away until the reconnect
            wait_interruptible(options_.reconnect_after_drop);
            return false;
          }
          return true;
        }
        if (ex.response.size() < 2) ex.response = {0x6F, 0x00};
        vpcd::encode_frame(out, view(ex.response));
      }
    } catch (const vpcd::ProtocolError& e) {
      if (log_) log_(std::string("vpcd protocol error: ") + e.what());
      return false;
    }
    if (!out.empty() && !write_all(fd, out)) return false;
  }
}

}  // namespace softcard::faults
