#pragma once
// One live vpcd connection over any Asio stream (TCP socket, or a socketpair in tests). It only
// moves bytes: read -> Decoder -> card -> one write per batch of replies. All its handlers run on
// the strand given to it; the card is only ever called from that strand.
#include <utility>  // before Asio: Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <type_traits>

#include "softcard/applet.h"  // LogLevel
#include "softcard/vpcd/codec.h"
#include "softcard/vpcd/socket_options.h"
#include "softcard/vpcd/virtual_card.h"

namespace softcard::vpcd {

using LogFn = std::function<void(LogLevel, std::string_view)>;

struct ConnectionOptions {
  bool quickack = true;  // re-arm TCP_QUICKACK around every read (TCP streams only)
  std::size_t max_payload = vpcd::max_payload;
  // A reply that cannot be written within this time means a dead peer: drop the link.
  std::chrono::milliseconds write_timeout{10000};
  // Zero = never. vpcd polls GET ATR every 400 ms, so silence this long means a dead peer.
  std::chrono::milliseconds idle_timeout{0};
  // Zero = never. No frame at all this long after the connection opened: vpcd never accepted it
  // (it sits in vpcd's listen backlog) or vpcd is wedged; the link is dropped and tried again.
  std::chrono::milliseconds first_frame_timeout{0};
  // Power the card off when the link closes (a card pulled from the reader loses power).
  bool power_off_on_close = true;
};

// Error codes for why a connection closed, besides the stream's own.
enum class LinkError {
  protocol = 1,
  write_timeout,
  idle_timeout,
  replaced,
  removed,
  card_failure,
  silent_peer,
  fault_drop,  // the card's reply was "drop the link" (fault injection)
  fault_tear,  // the card's reply was "power torn": the link stays down until insert()
};
const std::error_category& link_category();
inline std::error_code make_error_code(LinkError e) {
  return {static_cast<int>(e), link_category()};
}

template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  using Executor = typename Stream::executor_type;
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;
  // Called once, on the strand, when the connection is closed for any reason (empty code = the
  // peer closed cleanly or we finished).
  using ClosedFn = std::function<void(std::error_code)>;

  Connection(Stream stream, Strand strand, VirtualCard& card, ConnectionOptions options, LogFn log,
             ClosedFn closed)
      : stream_(std::move(stream)),
        strand_(std::move(strand)),
        timer_(strand_),
        idle_timer_(strand_),
        first_frame_timer_(strand_),
        card_(card),
        options_(options),
        log_(std::move(log)),
        closed_(std::move(closed)),
        decoder_(options.max_payload) {
    read_buffer_.resize(vpcd::max_payload + 2);
  }

  // All members below must be called on the strand.
  void start() {
    if constexpr (is_tcp) {
      if (auto ec = set_low_latency(stream_.native_handle()))
        log(LogLevel::warning, "cannot set TCP_NODELAY: " + ec.message());
    }
    // Reads and writes are tried directly (non-blocking) and only wait through the reactor when
    // the socket is not ready: one APDU then costs one wake-up, one recv and one send.
    boost::system::error_code ec;
    stream_.non_blocking(true, ec);
    if (ec) log(LogLevel::warning, "cannot make the socket non-blocking: " + ec.message());
    arm_idle_timer();
    arm_first_frame_timer();
    read();
  }

  // Stops at once (removal, replacement, errors).
  void close(std::error_code why) {
    if (closed_flag_) return;
    closed_flag_ = true;
    boost::system::error_code ignored;
    timer_.cancel();
    idle_timer_.cancel();
    first_frame_timer_.cancel();
    if constexpr (is_tcp) stream_.shutdown(Stream::shutdown_both, ignored);
    stream_.close(ignored);
    if (options_.power_off_on_close) {
      try {
        card_.power_off();
      } catch (const std::exception& e) {
        log(LogLevel::error, std::string("power off after link close failed: ") + e.what());
      }
    }
    if (closed_) {
      auto done = std::move(closed_);
      closed_ = nullptr;
      done(why);
    }
  }

  // Graceful stop: the reply in flight (if any) is still written, then the connection closes.
  void finish() {
    finishing_ = true;
    if (!writing_) close({});
  }

  bool is_open() const { return !closed_flag_; }
  std::uint64_t apdu_count() const { return apdus_; }

 private:
  static constexpr bool is_tcp =
      std::is_same_v<typename Stream::protocol_type, boost::asio::ip::tcp>;

  void log(LogLevel level, std::string_view message) {
    if (log_) log_(level, message);
  }

  void rearm_quickack() {
    if constexpr (is_tcp) {
      if (options_.quickack && !quickack_failed_) {
        if (auto ec = arm_quickack(stream_.native_handle())) {
          quickack_failed_ = true;  // reported once; the link still works, only slower
          log(LogLevel::warning, "cannot set TCP_QUICKACK: " + ec.message());
        }
      }
    }
  }

  void arm_idle_timer() {
    if (options_.idle_timeout.count() <= 0) return;
    idle_timer_.expires_after(options_.idle_timeout);
    idle_timer_.async_wait([self = this->shared_from_this()](boost::system::error_code ec) {
      if (ec || self->closed_flag_) return;  // cancelled: traffic arrived or closed
      self->log(LogLevel::warning,
                "no traffic from vpcd within the idle timeout, dropping the link");
      self->close(make_error_code(LinkError::idle_timeout));
    });
  }

  void arm_first_frame_timer() {
    if (options_.first_frame_timeout.count() <= 0) return;
    first_frame_timer_.expires_after(options_.first_frame_timeout);
    first_frame_timer_.async_wait([self = this->shared_from_this()](boost::system::error_code ec) {
      if (ec || self->closed_flag_ || self->heard_) return;
      self->log(LogLevel::warning,
                "vpcd sent nothing since the connection opened (not accepted by vpcd?), "
                "dropping the link to try again");
      self->close(make_error_code(LinkError::silent_peer));
    });
  }

  void read() {
    if (closed_flag_) return;
    rearm_quickack();
    stream_.async_wait(Stream::wait_read,
                       boost::asio::bind_executor(
                           strand_, [self = this->shared_from_this()](
                                        boost::system::error_code ec) { self->on_readable(ec); }));
  }

  void on_readable(boost::system::error_code ec) {
    if (closed_flag_) return;
    if (ec) {
      close(ec);
      return;
    }
    const std::size_t n = stream_.read_some(boost::asio::buffer(read_buffer_), ec);
    if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
      read();  // spurious readiness
      return;
    }
    on_read(ec, n);
  }

  void on_read(boost::system::error_code ec, std::size_t n) {
    if (closed_flag_) return;
    if (ec) {
      // EOF is the normal way vpcd says goodbye (pcscd stopped, reader removed).
      close(ec == boost::asio::error::eof ? std::error_code{} : std::error_code(ec));
      return;
    }
    rearm_quickack();
    arm_idle_timer();
    if (!heard_) {
      heard_ = true;
      first_frame_timer_.cancel();
    }
    decoder_.feed(ByteView(read_buffer_.data(), n));
    out_.clear();
    try {
      while (!closed_flag_) {
        auto frame = decoder_.next();
        if (!frame) break;
        handle(*frame);
      }
    } catch (const ProtocolError& e) {
      log(LogLevel::error, std::string("vpcd protocol error: ") + e.what());
      close(make_error_code(LinkError::protocol));
      return;
    }
    if (closed_flag_) return;
    if (out_.empty()) {
      if (finishing_)
        close({});
      else
        read();
      return;
    }
    write_after_delay();
  }

  void handle(const Frame& frame) {
    if (const auto* control = std::get_if<ControlFrame>(&frame)) {
      handle_control(*control);
      return;
    }
    const auto& apdu = std::get<ApduFrame>(frame).apdu;
    Reply reply;
    try {
      reply = card_.exchange(view(apdu));
    } catch (const std::exception& e) {
      log(LogLevel::error, std::string("card failed on an APDU, answering 6F00: ") + e.what());
      reply = {Reply::Kind::bytes, {0x6F, 0x00}, {}};
    }
    if (reply.kind != Reply::Kind::bytes) {
      // Replies already gathered from this read are lost with the link, as on a real cut.
      const bool torn = reply.kind == Reply::Kind::tear_power;
      log(LogLevel::info, torn ? "fault: power torn, no answer; the card leaves the reader"
                               : "fault: link dropped instead of answering");
      ++apdus_;
      close(make_error_code(torn ? LinkError::fault_tear : LinkError::fault_drop));
      return;
    }
    pending_delay_ += reply.delay;
    Bytes& response = reply.data;
    if (response.size() < 2) {
      log(LogLevel::error, "card returned an R-APDU without status word, answering 6F00");
      response = {0x6F, 0x00};
    } else if (response.size() > vpcd::max_payload) {
      log(LogLevel::error, "R-APDU of " + std::to_string(response.size()) +
                               " bytes does not fit a vpcd frame, answering 6700");
      response = {0x67, 0x00};
    }
    ++apdus_;
    encode_frame(out_, view(response));
  }

  void handle_control(const ControlFrame& control) {
    if (!control.known()) {
      log(LogLevel::warning, "ignoring unknown vpcd control code " + std::to_string(control.code));
      return;
    }
    const char* what = "";
    try {
      switch (control.control()) {
        case Control::power_off:
          what = "power off";
          card_.power_off();
          break;
        case Control::power_on:
          what = "power on";
          card_.power_on();
          break;
        case Control::reset:
          what = "reset";
          card_.reset();
          break;
        case Control::get_atr: {
          what = "get ATR";
          const Bytes atr = card_.atr();
          encode_frame(out_, view(atr));  // an empty ATR is refused: it would mean "no card"
          break;
        }
      }
    } catch (const ProtocolError&) {
      throw;
    } catch (const std::exception& e) {
      // A card that cannot power up or give its ATR is not usable: report it and drop the link
      // so the reader sees no card rather than a half-working one.
      log(LogLevel::error,
          std::string("card failed on ") + what + ", dropping the link: " + e.what());
      close(make_error_code(LinkError::card_failure));
    }
  }

  // A reply the card wants delivered later (fault harness: delay rules, slow-card latency):
  // waited on the strand's timer, so other cards and the reactor are never blocked.
  void write_after_delay() {
    const auto delay = std::exchange(pending_delay_, std::chrono::microseconds{0});
    if (delay.count() <= 0) {
      write();
      return;
    }
    writing_ = true;  // a graceful finish() waits for this reply too
    timer_.expires_after(delay);
    timer_.async_wait([self = this->shared_from_this()](boost::system::error_code ec) {
      if (ec || self->closed_flag_) return;
      self->writing_ = false;
      self->write();
    });
  }

  void write() {
    // Fast path: a reply nearly always fits the socket buffer at once (one send, no reactor trip).
    boost::system::error_code ec;
    const std::size_t sent = stream_.write_some(boost::asio::buffer(out_), ec);
    if (!ec && sent == out_.size()) {
      on_write({});
      return;
    }
    if (ec && ec != boost::asio::error::would_block && ec != boost::asio::error::try_again) {
      on_write(ec);
      return;
    }
    const std::size_t done = ec ? 0 : sent;
    writing_ = true;
    timer_.expires_after(options_.write_timeout);
    timer_.async_wait([self = this->shared_from_this()](boost::system::error_code timer_ec) {
      if (timer_ec || !self->writing_ || self->closed_flag_) return;
      self->log(LogLevel::error, "reply not written within the write timeout, dropping the link");
      self->close(make_error_code(LinkError::write_timeout));
    });
    boost::asio::async_write(
        stream_, boost::asio::buffer(out_.data() + done, out_.size() - done),
        boost::asio::bind_executor(
            strand_, [self = this->shared_from_this()](boost::system::error_code write_ec,
                                                       std::size_t) { self->on_write(write_ec); }));
  }

  void on_write(boost::system::error_code ec) {
    if (writing_) {
      writing_ = false;
      timer_.cancel();
    }
    if (closed_flag_) return;
    if (ec) {
      close(ec);
      return;
    }
    if (finishing_) {
      close({});
      return;
    }
    read();
  }

  Stream stream_;
  Strand strand_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer idle_timer_;
  boost::asio::steady_timer first_frame_timer_;
  VirtualCard& card_;
  ConnectionOptions options_;
  LogFn log_;
  ClosedFn closed_;
  Decoder decoder_;
  Bytes read_buffer_;
  Bytes out_;
  bool writing_ = false;
  bool finishing_ = false;
  bool closed_flag_ = false;
  bool quickack_failed_ = false;
  bool heard_ = false;  // any byte from the peer yet
  std::chrono::microseconds pending_delay_{0};
  std::uint64_t apdus_ = 0;
};

}  // namespace softcard::vpcd
