#pragma once
// Serves one FaultyCard to a vpcd reader slot (pcscd's virtual reader) over TCP, from its own
// thread, with blocking sockets. The bridge in vpcd-bridge/ is the production path; this small
// loop exists because fault injection needs to cut the link *instead of* answering (a dropped
// link or a torn card must never deliver the R-APDU), which a reply-driven session cannot do.
// The wire format comes from the bridge's sans-I/O codec.
//
// Connect mode only (vpcd listens, we connect), with capped backoff while vpcd is absent.
// remove()/insert() pull and put back the card; a torn card stays removed until insert(); a
// dropped link reconnects on its own.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "fault_card.h"

namespace softcard::faults {

enum class ServeState : std::uint8_t { connecting, connected, removed, stopped };
const char* to_string(ServeState state);

struct ServeOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0x8C7B;
  std::chrono::milliseconds initial_backoff{10};
  std::chrono::milliseconds max_backoff{500};
  // After a drop_link fault, how long the card stays away before reconnecting.
  std::chrono::milliseconds reconnect_after_drop{50};
};

class ServedCard {
 public:
  using LogFn = std::function<void(const std::string&)>;
  ServedCard(FaultyCard& card, ServeOptions options, LogFn log = {});
  ~ServedCard();  // stop()
  ServedCard(const ServedCard&) = delete;
  ServedCard& operator=(const ServedCard&) = delete;

  void start();
  void stop();
  void remove();  // close the link, stay away
  void insert();  // come back (reconnect)

  ServeState state() const { return state_.load(); }
  std::uint64_t connections() const { return connections_.load(); }
  std::uint64_t apdus() const { return apdus_.load(); }
  // Blocks until the state is `want`, stop(), or the timeout; returns whether it got there.
  bool wait_for(ServeState want, std::chrono::milliseconds timeout);
  // Blocks until at least `n` connections were made (or timeout).
  bool wait_connections(std::uint64_t n, std::chrono::milliseconds timeout);
  const ServeOptions& options() const { return options_; }

 private:
  void run();
  int connect_once();
  // Returns true when the connection ended because a fault tore the card (stay removed).
  bool serve(int fd);
  void set_state(ServeState s);
  void close_current();
  bool wait_interruptible(std::chrono::milliseconds d);  // false if stop/remove interrupted

  FaultyCard& card_;
  ServeOptions options_;
  LogFn log_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  int fd_ = -1;
  bool stopping_ = false;
  bool removed_ = false;
  std::uint64_t wake_ = 0;
  std::atomic<ServeState> state_{ServeState::connecting};
  std::atomic<std::uint64_t> connections_{0};
  std::atomic<std::uint64_t> apdus_{0};
};

}  // namespace softcard::faults
