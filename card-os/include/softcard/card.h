#pragma once
// The card: power, ATR, and the single APDU boundary every front-end goes through.
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "softcard/apdu.h"
#include "softcard/applet.h"
#include "softcard/bytes.h"
#include "softcard/rng.h"
#include "softcard/store.h"

namespace softcard {

// One exchange as seen at the boundary, for traces (command data redacted when secret).
struct TraceEvent {
  Bytes command;  // C-APDU as received; when `redacted`, its data bytes are zeroed
  bool redacted = false;
  Bytes response;    // R-APDU as returned
  std::string name;  // command name, e.g. "VERIFY"
  Sw sw = Sw::ok;
  std::chrono::steady_clock::time_point start;
  std::chrono::steady_clock::duration duration{};
};
using TraceSink = std::function<void(const TraceEvent&)>;

// Well-known object keys owned by the card OS itself.
namespace keys {
inline constexpr const char* atr = "card/atr";
inline constexpr const char* serial = "card/serial";
inline constexpr const char* applets = "card/applets";        // comma-separated applet names
inline constexpr const char* profile = "card/profile";        // profile name the card was made from
inline constexpr const char* life_cycle = "card/life_cycle";  // 1 byte, ISO LCS
}  // namespace keys

// ISO 7816-4 life cycle status bytes.
enum class LifeCycle : std::uint8_t {
  creation = 0x01,
  initialisation = 0x03,
  operational = 0x05,  // activated
  deactivated = 0x04,
  terminated = 0x0C,
};

struct CardOptions {
  Rng* rng = nullptr;                            // required
  LogSink log;                                   // optional
  TraceSink trace;                               // optional
  std::size_t max_chained_command = 65536 + 16;  // reassembly bound for CLA 0x10 chains
};

class Card {
 public:
  Card(std::unique_ptr<CardStore> store, CardOptions options);
  ~Card();
  Card(const Card&) = delete;
  Card& operator=(const Card&) = delete;

  // Applets are installed once, before first use. The first one is the default applet
  // (implicitly selected at power-on) unless set_default_applet() says otherwise.
  void install(std::unique_ptr<Applet> applet);
  void set_default_applet(std::string_view name);

  void power_on();
  void power_off();
  void reset();
  bool powered() const { return powered_; }
  // Cheap and free of side effects (pcscd polls it).
  const Bytes& atr() const { return atr_; }

  // One C-APDU in, one R-APDU out (data + SW1 SW2). Never throws; unexpected failures give 6F00.
  // A card that is not powered is powered on first, as a reader would.
  Bytes transmit(ByteView command) noexcept;

  // Checks the card OS's own records (ATR, life cycle) and every applet's (Applet::validate);
  // throws ImageError naming the image and the record. Card factories call it at open.
  void validate() const;

  // Whether traces must zero the data of `cmd`: the card OS's rule (carries_secret) or, for a
  // command the selected applet handles, Applet::secret_data.
  bool secret_data(const Command& cmd) const;

  ObjectStore& store() { return store_; }
  const ObjectStore& store() const { return store_; }
  Applet* selected_applet() const { return selected_; }
  Applet* find_applet(std::string_view name) const;
  void set_trace(TraceSink sink) { options_.trace = std::move(sink); }

 private:
  class Context;
  Response dispatch(const Command& cmd);
  Response select_by_aid(const Command& cmd);
  Response deliver(const Command& cmd, Response r);
  Response get_response(const Command& cmd);
  Response run_command(const Command& cmd);
  // Runs `body` (one applet's handling of `cmd`) as one store transaction; see card.cpp.
  Response transact(const Command& cmd, Applet& applet, const std::function<Response()>& body);
  void clear_volatile();
  void log(LogLevel level, std::string_view message);

  ObjectStore store_;
  CardOptions options_;
  std::unique_ptr<Context> context_;
  std::vector<std::unique_ptr<Applet>> applets_;
  Applet* default_applet_ = nullptr;
  Applet* selected_ = nullptr;
  Bytes atr_;
  bool powered_ = false;
  // Outgoing response chaining (61xx / GET RESPONSE).
  Bytes pending_response_;
  Sw pending_sw_ = Sw::ok;
  bool has_pending_ = false;
  // Incoming command chaining (CLA bit 0x10).
  std::optional<Command> chain_;
};

}  // namespace softcard
