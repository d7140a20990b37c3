#pragma once
// One FaultyCard served to a vpcd reader slot through the bridge (vpcd-bridge/: the production
// serving path, connect mode), with the waits a test or a script needs: until the link reaches a
// state, until n connections were made. Used by Python's Card.serve() and by C++ tests.
//
// A dropped link (fault or vpcd closing it) reconnects after `reconnect_delay`; a torn card stays
// out of the reader until insert(); remove()/insert() pull and put back the card.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "softcard/harness/faulty_card.h"
#include "softcard/harness/vpcd_card.h"
#include "softcard/vpcd/bridge.h"

namespace softcard::harness {

enum class ServeState : std::uint8_t { connecting, connected, removed, stopped };
const char* to_string(ServeState state);

struct ServeOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = vpcd::default_vpcd_port;
  std::chrono::milliseconds initial_backoff{10};
  std::chrono::milliseconds max_backoff{500};
  // How long the card stays away after its link closed (see docs/vpcd.md: shorter than about
  // two vpcd polls and pcscd may never report the removal).
  std::chrono::milliseconds reconnect_delay{1000};
};

class ServedCard {
 public:
  using LogFn = vpcd::LogFn;
  ServedCard(FaultyCard& card, ServeOptions options, LogFn log = {});
  ~ServedCard();  // stop()
  ServedCard(const ServedCard&) = delete;
  ServedCard& operator=(const ServedCard&) = delete;

  void start();
  void stop();    // graceful; joins the bridge thread. Idempotent.
  void remove();  // close the link, stay away
  void insert();  // come back (after a removal or a torn power)

  ServeState state() const;
  std::uint64_t connections() const { return link_->connections(); }
  std::uint64_t apdus() const { return adapter_.apdus(); }
  // Blocks until the state is `want`, stop(), or the timeout; returns whether it got there.
  bool wait_for(ServeState want, std::chrono::milliseconds timeout);
  // Blocks until at least `n` connections were made (or stop(), or the timeout).
  bool wait_connections(std::uint64_t n, std::chrono::milliseconds timeout);
  const ServeOptions& options() const { return options_; }

 private:
  void on_state(vpcd::LinkState state);

  ServeOptions options_;
  FaultyVpcdCard adapter_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  ServeState state_ = ServeState::connecting;
  bool stopped_ = false;
  std::unique_ptr<vpcd::Bridge> bridge_;  // last: its thread goes before the rest
  vpcd::Link* link_ = nullptr;
};

}  // namespace softcard::harness
