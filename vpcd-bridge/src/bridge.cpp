#include "softcard/vpcd/bridge.h"

#include <algorithm>

namespace softcard::vpcd {

namespace asio = boost::asio;

Bridge::Bridge(LogFn log, unsigned threads) : log_(std::move(log)), threads_wanted_(threads) {}

Bridge::~Bridge() {
  stop();
  try {
    wait();
  } catch (const std::exception& e) {
    log(LogLevel::error, std::string("bridge thread failed: ") + e.what());
  }
}

Link& Bridge::add(VirtualCard& card, LinkOptions options, StateFn on_state) {
  if (started_) throw std::logic_error("Bridge::add after start");
  links_.push_back(
      Link::create(io_.get_executor(), card, std::move(options), log_, std::move(on_state)));
  return *links_.back();
}

void Bridge::stop_on_signals(std::initializer_list<int> signals) {
  signals_ = std::make_unique<asio::signal_set>(io_);
  for (int s : signals) signals_->add(s);
  signals_->async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;  // cancelled by stop()
    stop_signal_ = signal;
    log(LogLevel::info, std::string("received ") +
                            (signal == SIGINT    ? "SIGINT"
                             : signal == SIGTERM ? "SIGTERM"
                                                 : "a signal") +
                            ", finishing the APDU in flight and stopping");
    stop();
  });
}

void Bridge::on_signal(int signal, std::function<void()> action) {
  signal_actions_.push_back(std::make_unique<SignalAction>(io_, signal, std::move(action)));
  arm(*signal_actions_.back());
}

void Bridge::arm(SignalAction& sa) {
  sa.set.async_wait([this, &sa](boost::system::error_code ec, int) {
    if (ec || stopped_) return;  // cancelled by stop()
    sa.action();
    arm(sa);
  });
}

void Bridge::start() {
  if (started_) return;
  started_ = true;
  work_.emplace(io_.get_executor());
  for (auto& link : links_) link->start();
  unsigned n = threads_wanted_;
  if (n == 0) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    n = std::clamp<unsigned>(static_cast<unsigned>(links_.size()), 1u, cores);
  }
  for (unsigned i = 0; i < n; ++i) {
    threads_.emplace_back([this] {
      try {
        io_.run();
      } catch (...) {
        {
          std::lock_guard lock(mutex_);
          if (!failure_) failure_ = std::current_exception();
        }
        log(LogLevel::error, "unexpected exception in the vpcd bridge, stopping");
        stop();
        io_.stop();
      }
    });
  }
}

void Bridge::stop() {
  if (stopped_.exchange(true)) return;
  for (auto& link : links_) link->stop();
  asio::post(io_, [this] { work_.reset(); });
  asio::post(io_, [this] {
    boost::system::error_code ignored;
    if (signals_) signals_->cancel(ignored);
    for (auto& sa : signal_actions_) sa->set.cancel(ignored);
  });
}

void Bridge::wait() {
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  std::exception_ptr failure;
  {
    std::lock_guard lock(mutex_);
    failure = std::exchange(failure_, nullptr);
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace softcard::vpcd
