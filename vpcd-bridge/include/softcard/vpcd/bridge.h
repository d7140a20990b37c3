#pragma once
// Several cards served from one process: one io_context, a small thread pool, one Link (and
// strand) per card. Cards are independent: a slow command on one never blocks another.
#include <utility>  // before Asio: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio.hpp>
#include <csignal>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "softcard/vpcd/link.h"

namespace softcard::vpcd {

class Bridge {
 public:
  // threads = 0: one per card, at least 1 and at most the number of cores.
  explicit Bridge(LogFn log = {}, unsigned threads = 0);
  ~Bridge();  // stops and joins
  Bridge(const Bridge&) = delete;
  Bridge& operator=(const Bridge&) = delete;

  // Adds a card before start(). Listen mode binds now (throws on a taken port). The card must
  // outlive the bridge (or at least wait()).
  Link& add(VirtualCard& card, LinkOptions options, StateFn on_state = {});

  // SIGINT/SIGTERM (or the given signals) trigger a graceful stop(). Call before start().
  void stop_on_signals(std::initializer_list<int> signals = {SIGINT, SIGTERM});

  // Runs `action` on every delivery of `signal` until stop() (e.g. SIGUSR1 = drop the links as a
  // fault drill, SIGUSR2 = pull / reinsert the cards). Call before start().
  void on_signal(int signal, std::function<void()> action);

  void start();
  // Thread-safe and idempotent: replies in flight are finished, links closed, then the threads
  // run out of work and wait() returns.
  void stop();
  // Joins the threads. Rethrows the first exception that escaped a handler (none should).
  void wait();

  std::size_t size() const { return links_.size(); }
  Link& link(std::size_t index) { return *links_.at(index); }
  boost::asio::io_context& context() { return io_; }
  // The signal that triggered the stop, or 0.
  int stop_signal() const { return stop_signal_.load(); }

 private:
  void log(LogLevel level, std::string_view message) {
    if (log_) log_(level, message);
  }

  boost::asio::io_context io_;
  // Keeps the threads alive while every link is idle (a removed card has no pending operation).
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  LogFn log_;
  unsigned threads_wanted_;
  std::vector<std::shared_ptr<Link>> links_;
  std::unique_ptr<boost::asio::signal_set> signals_;
  struct SignalAction {
    SignalAction(boost::asio::io_context& io, int signal, std::function<void()> a)
        : set(io, signal), action(std::move(a)) {}
    boost::asio::signal_set set;
    std::function<void()> action;
  };
  std::vector<std::unique_ptr<SignalAction>> signal_actions_;
  void arm(SignalAction& sa);
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::exception_ptr failure_;
  std::atomic<int> stop_signal_{0};
  std::atomic<bool> stopped_{false};
  bool started_ = false;
};

}  // namespace softcard::vpcd
