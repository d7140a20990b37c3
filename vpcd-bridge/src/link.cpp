#include "softcard/vpcd/link.h"

#include <algorithm>

namespace softcard::vpcd {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
class LinkCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "vpcd-link"; }
  std::string message(int value) const override {
    switch (static_cast<LinkError>(value)) {
      case LinkError::protocol:
        return "vpcd protocol error";
      case LinkError::write_timeout:
        return "write timed out";
      case LinkError::idle_timeout:
        return "no traffic within the idle timeout";
      case LinkError::replaced:
        return "replaced by a newer connection";
      case LinkError::removed:
        return "card removed";
      case LinkError::card_failure:
        return "card failure";
      case LinkError::silent_peer:
        return "vpcd sent nothing after connecting";
      case LinkError::fault_drop:
        return "link dropped by an injected fault";
      case LinkError::fault_tear:
        return "power torn by an injected fault";
    }
    return "unknown link error";
  }
};
}  // namespace

const std::error_category& link_category() {
  static const LinkCategory category;
  return category;
}

const char* to_string(LinkState state) {
  switch (state) {
    case LinkState::idle:
      return "idle";
    case LinkState::connecting:
      return "connecting";
    case LinkState::listening:
      return "listening";
    case LinkState::connected:
      return "connected";
    case LinkState::removed:
      return "removed";
    case LinkState::stopped:
      return "stopped";
  }
  return "?";
}

std::shared_ptr<Link> Link::create(asio::any_io_executor executor, VirtualCard& card,
                                   LinkOptions options, LogFn log, StateFn on_state) {
  auto link = std::make_shared<Link>(Private{}, std::move(executor), card, std::move(options),
                                     std::move(log), std::move(on_state));
  if (link->options_.mode == Mode::listen) link->open_acceptor();
  return link;
}

Link::Link(Private, asio::any_io_executor executor, VirtualCard& card, LinkOptions options,
           LogFn log, StateFn on_state)
    : strand_(asio::make_strand(executor)),
      card_(card),
      options_(std::move(options)),
      log_(std::move(log)),
      on_state_(std::move(on_state)),
      bound_(options_.endpoint),
      acceptor_(strand_),
      retry_timer_(strand_),
      connect_timer_(strand_) {
  if (options_.name.empty()) options_.name = "card at " + options_.endpoint.to_string();
  backoff_ = options_.initial_backoff;
}

Link::~Link() = default;

void Link::log(LogLevel level, const std::string& message) {
  if (log_) log_(level, options_.name + ": " + message);
}

void Link::set_state(LinkState s) {
  if (state_.exchange(s) != s && on_state_) on_state_(s);
}

void Link::open_acceptor() {
  const tcp::endpoint ep(asio::ip::make_address(options_.endpoint.host), bound_.port);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen();
  bound_.port = acceptor_.local_endpoint().port();  // keep the port across remove/insert
}

void Link::start() {
  asio::post(strand_, [self = shared_from_this()] { self->begin(); });
}

void Link::begin() {
  if (stopping_ || removed_) return;
  if (options_.mode == Mode::listen) {
    if (!acceptor_.is_open()) {
      try {
        open_acceptor();
      } catch (const boost::system::system_error& e) {
        log(LogLevel::error,
            "cannot listen on " + bound_.to_string() + ": " + e.what() + "; retrying");
        schedule_retry();
        return;
      }
    }
    set_state(LinkState::listening);
    log(LogLevel::info, "listening for vpcd on " + bound_.to_string());
    accept();
  } else {
    set_state(LinkState::connecting);
    if (closed_at_) {
      const auto ready = *closed_at_ + options_.reconnect_delay;
      if (std::chrono::steady_clock::now() < ready) {
        retry_timer_.expires_at(ready);
        retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
          if (!ec) self->begin();
        });
        return;
      }
    }
    try_connect();
  }
}

void Link::try_connect() {
  if (stopping_ || removed_) return;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options_.endpoint.host, ec);
  tcp::endpoint target;
  if (ec) {
    // A host name: resolve on each attempt so a late DNS/hosts change is picked up.
    tcp::resolver resolver(strand_);
    auto results =
        resolver.resolve(options_.endpoint.host, std::to_string(options_.endpoint.port), ec);
    if (ec || results.empty()) {
      log(LogLevel::warning, "cannot resolve '" + options_.endpoint.host + "': " + ec.message());
      schedule_retry();
      return;
    }
    target = *results.begin();
  } else {
    target = tcp::endpoint(address, options_.endpoint.port);
  }
  connecting_.emplace(strand_);
  connect_timer_.expires_after(options_.connect_timeout);
  connect_timer_.async_wait([self = shared_from_this()](boost::system::error_code timer_ec) {
    if (timer_ec) return;
    boost::system::error_code ignored;
    if (self->connecting_)
      self->connecting_->close(ignored);  // completes the connect with an error
  });
  connecting_->async_connect(
      target, asio::bind_executor(
                  strand_, [self = shared_from_this()](boost::system::error_code connect_ec) {
                    self->connect_timer_.cancel();
                    if (!self->connecting_) return;
                    auto& socket = *self->connecting_;
                    self->on_connected(connect_ec, socket);
                  }));
}

void Link::on_connected(boost::system::error_code ec, tcp::socket& socket) {
  if (stopping_ || removed_) {
    connecting_.reset();
    return;
  }
  if (ec) {
    connecting_.reset();
    if (!reported_waiting_) {
      reported_waiting_ = true;
      log(LogLevel::info,
          "waiting for vpcd at " + options_.endpoint.to_string() + " (" + ec.message() + ")");
    }
    schedule_retry();
    return;
  }
  tcp::socket connected = std::move(socket);
  connecting_.reset();
  reported_waiting_ = false;
  backoff_ = options_.initial_backoff;
  log(LogLevel::info, "connected to vpcd at " + options_.endpoint.to_string());
  serve(std::move(connected));
}

void Link::schedule_retry() {
  if (stopping_ || removed_) return;
  retry_timer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, options_.max_backoff);
  if (backoff_.count() == 0) backoff_ = std::chrono::milliseconds(1);
  retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return;
    self->begin();
  });
}

void Link::accept() {
  acceptor_.async_accept(asio::bind_executor(
      strand_, [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        if (self->stopping_ || self->removed_ || !self->acceptor_.is_open()) return;
        if (ec) {
          if (ec == asio::error::operation_aborted) return;
          self->log(LogLevel::warning, "accept failed: " + ec.message());
          // Transient (EMFILE, ECONNABORTED): keep accepting, but not in a hot loop.
          self->acceptor_.close();
          self->schedule_retry();
          return;
        }
        boost::system::error_code pe;
        const auto peer = socket.remote_endpoint(pe);
        self->log(LogLevel::info, "vpcd connected from " + (pe ? std::string("?")
                                                               : peer.address().to_string() + ":" +
                                                                     std::to_string(peer.port())));
        self->serve(std::move(socket));
        self->accept();
      }));
}

void Link::serve(tcp::socket socket) {
  // New generation first, so the replaced connection's close callback is recognised as stale.
  const auto generation = ++generation_;
  if (auto old = connection_; old && old->is_open()) {
    log(LogLevel::info, "a newer vpcd connection replaces the current one");
    old->close(make_error_code(LinkError::replaced));
  }
  ++connections_;
  connection_ = std::make_shared<TcpConnection>(
      std::move(socket), strand_, card_, options_.connection,
      [weak = weak_from_this()](LogLevel level, std::string_view message) {
        if (auto self = weak.lock()) self->log(level, std::string(message));
      },
      [weak = weak_from_this(), generation](std::error_code why) {
        if (auto self = weak.lock()) self->on_connection_closed(generation, why);
      });
  set_state(LinkState::connected);
  connection_->start();
}

void Link::on_connection_closed(std::uint64_t generation, std::error_code why) {
  if (generation != generation_) return;  // an older, replaced connection
  connection_.reset();
  closed_at_ = std::chrono::steady_clock::now();
  if (stopping_) {
    set_state(LinkState::stopped);
    return;
  }
  if (why == make_error_code(LinkError::fault_tear)) {
    // A torn card is out of the reader, as if pulled: it comes back only with insert().
    removed_ = true;
    log(LogLevel::info, "power torn by a fault: the card stays out of the reader until inserted");
    close_everything(false);  // listen mode: vpcd must not find us either
  }
  if (removed_) {
    set_state(LinkState::removed);
    return;
  }
  log(LogLevel::info, std::string("link to vpcd closed") + (why ? " (" + why.message() + ")" : ""));
  if (options_.mode == Mode::listen) {
    set_state(LinkState::listening);
  } else {
    backoff_ = options_.initial_backoff;
    begin();  // waits out reconnect_delay first
  }
}

void Link::close_everything(bool graceful) {
  boost::system::error_code ignored;
  retry_timer_.cancel();
  connect_timer_.cancel();
  if (connecting_) connecting_->close(ignored);
  if (acceptor_.is_open()) acceptor_.close(ignored);
  // A local owner: the close callback resets connection_ while close() is still running.
  if (auto connection = connection_) {
    if (graceful)
      connection->finish();
    else
      connection->close(make_error_code(LinkError::removed));
  }
}

void Link::stop() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->stopping_) return;
    self->stopping_ = true;
    self->close_everything(true);
    if (!self->connection_) self->set_state(LinkState::stopped);
  });
}

void Link::remove() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->stopping_ || self->removed_) return;
    self->removed_ = true;
    self->log(LogLevel::info, "card removed");
    self->close_everything(false);
    self->set_state(LinkState::removed);
  });
}

void Link::insert() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->stopping_ || !self->removed_) return;
    self->removed_ = false;
    self->backoff_ = self->options_.initial_backoff;
    self->log(LogLevel::info, "card inserted");
    self->begin();
  });
}

void Link::drop() {
  asio::post(strand_, [self = shared_from_this()] {
    if (auto connection = self->connection_) {
      self->log(LogLevel::info, "dropping the link on request");
      connection->close(std::make_error_code(std::errc::connection_aborted));
    }
  });
}

}  // namespace softcard::vpcd
