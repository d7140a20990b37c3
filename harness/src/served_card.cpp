#include "softcard/harness/served_card.h"

namespace softcard::harness {

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
    : options_(std::move(options)), adapter_(card) {
  bridge_ = std::make_unique<vpcd::Bridge>(std::move(log), 1);
  vpcd::LinkOptions link;
  link.mode = vpcd::Mode::connect;
  link.endpoint = {options_.host, options_.port};
  link.initial_backoff = options_.initial_backoff;
  link.max_backoff = options_.max_backoff;
  link.reconnect_delay = options_.reconnect_delay;
  link_ = &bridge_->add(adapter_, std::move(link), [this](vpcd::LinkState s) { on_state(s); });
}

ServedCard::~ServedCard() {
  stop();
}

void ServedCard::on_state(vpcd::LinkState state) {
  ServeState mapped = ServeState::connecting;
  switch (state) {
    case vpcd::LinkState::idle:
    case vpcd::LinkState::connecting:
    case vpcd::LinkState::listening:
      mapped = ServeState::connecting;
      break;
    case vpcd::LinkState::connected:
      mapped = ServeState::connected;
      break;
    case vpcd::LinkState::removed:
      mapped = ServeState::removed;
      break;
    case vpcd::LinkState::stopped:
      mapped = ServeState::stopped;
      break;
  }
  {
    std::lock_guard lock(mutex_);
    state_ = mapped;
  }
  cv_.notify_all();
}

void ServedCard::start() {
  bridge_->start();
}

void ServedCard::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  cv_.notify_all();
  bridge_->stop();
  bridge_->wait();
  {
    std::lock_guard lock(mutex_);
    state_ = ServeState::stopped;
  }
  cv_.notify_all();
}

void ServedCard::remove() {
  link_->remove();
}

void ServedCard::insert() {
  link_->insert();
}

ServeState ServedCard::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

bool ServedCard::wait_for(ServeState want, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  // After stop() only "stopped" can still come.
  return cv_.wait_for(lock, timeout, [&] {
    return state_ == want || (stopped_ && want != ServeState::stopped);
  }) && state_ == want;
}

bool ServedCard::wait_connections(std::uint64_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  // Connections are counted by the link, outside this lock: re-check on every state change.
  return cv_.wait_for(lock, timeout, [&] { return link_->connections() >= n || stopped_; }) &&
         link_->connections() >= n;
}

}  // namespace softcard::harness
