#pragma once
// One card's link to vpcd over TCP, kept up for as long as the card is "inserted".
//  - connect mode (vpcd's default): vpcd listens on HOST:PORT, we connect, and reconnect with
//    capped exponential backoff while vpcd is absent or after it drops the link.
//  - listen mode (vpcd's reversed mode, DEVICENAME host:port): we listen on ADDR:PORT and serve the
//    vpcd that connects; a newer connection replaces an older (possibly half-open) one.
// Removing the card closes the link (and the listener); inserting it opens them again.
#include <utility>  // before Asio: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "softcard/vpcd/connection.h"
#include "softcard/vpcd/endpoint.h"
#include "softcard/vpcd/virtual_card.h"

namespace softcard::vpcd {

enum class Mode { connect, listen };

struct LinkOptions {
  Mode mode = Mode::connect;
  Endpoint endpoint;  // vpcd's address (connect) or ours (listen; port 0 = any free port)
  std::string name;   // used in log lines, e.g. "card 0 (gids.img)"
  std::chrono::milliseconds initial_backoff{20};
  std::chrono::milliseconds max_backoff{1000};
  std::chrono::milliseconds connect_timeout{5000};
  // Connect mode: the card stays away at least this long after a link closed (drop, vpcd closing,
  // removal) before it connects again. vpcd 3.3 accepts a new connection on its next presence
  // poll (every 400 ms) without noticing that the old one died, so pcscd reports no removal and
  // its clients keep talking to a card that lost its volatile state; away for more than two polls,
  // the card is seen leaving and coming back. See docs/vpcd.md.
  std::chrono::milliseconds reconnect_delay{1000};
  // vpcd polls every 400 ms: a connection that hears nothing for 2 s was never taken up by vpcd.
  ConnectionOptions connection{.first_frame_timeout = std::chrono::milliseconds(2000)};
};

enum class LinkState {
  idle,        // not started
  connecting,  // connect mode: trying / waiting to retry
  listening,   // listen mode: waiting for vpcd
  connected,   // serving vpcd
  removed,     // card pulled: no link, no retries
  stopped,     // shut down for good
};
const char* to_string(LinkState state);

using StateFn = std::function<void(LinkState)>;

class Link : public std::enable_shared_from_this<Link> {
 public:
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;

  // Listen mode binds here, synchronously, so a taken port is reported to the caller (throws
  // boost::system::system_error) instead of being logged from a background thread.
  static std::shared_ptr<Link> create(boost::asio::any_io_executor executor, VirtualCard& card,
                                      LinkOptions options, LogFn log = {}, StateFn on_state = {});
  ~Link();

  // Thread-safe; each posts to the link's strand.
  void start();
  void stop();    // graceful: the reply in flight is written, then everything closes
  void remove();  // card removal: close the link and stop reconnecting / listening
  void insert();  // card insertion after remove()
  void drop();    // abort the current connection as a network failure would (tests, fault drills)

  LinkState state() const { return state_.load(); }
  // Listen mode: the bound endpoint (useful with port 0). Connect mode: the target.
  Endpoint endpoint() const { return bound_; }
  const LinkOptions& options() const { return options_; }
  std::uint64_t connections() const { return connections_.load(); }

 private:
  struct Private {};

 public:
  Link(Private, boost::asio::any_io_executor executor, VirtualCard& card, LinkOptions options,
       LogFn log, StateFn on_state);

 private:
  using TcpConnection = Connection<boost::asio::ip::tcp::socket>;

  void set_state(LinkState s);
  void log(LogLevel level, const std::string& message);
  void open_acceptor();
  void begin();
  void try_connect();
  void on_connected(boost::system::error_code ec, boost::asio::ip::tcp::socket& socket);
  void schedule_retry();
  void accept();
  void serve(boost::asio::ip::tcp::socket socket);
  void on_connection_closed(std::uint64_t generation, std::error_code why);
  void close_everything(bool graceful);

  Strand strand_;
  VirtualCard& card_;
  LinkOptions options_;
  LogFn log_;
  StateFn on_state_;
  Endpoint bound_;
  std::atomic<LinkState> state_{LinkState::idle};
  std::atomic<std::uint64_t> connections_{0};

  boost::asio::ip::tcp::acceptor acceptor_;
  std::optional<boost::asio::ip::tcp::socket> connecting_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer connect_timer_;
  std::shared_ptr<TcpConnection> connection_;
  std::uint64_t generation_ = 0;
  std::chrono::milliseconds backoff_{0};
  std::optional<std::chrono::steady_clock::time_point> closed_at_;  // last link close, if any
  bool stopping_ = false;
  bool removed_ = false;
  bool reported_waiting_ = false;
};

}  // namespace softcard::vpcd
