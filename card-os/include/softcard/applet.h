#pragma once
// The registration point for card edges (applets). The card OS routes every APDU to the applet
// selected by AID; applets own their persistent state under a key prefix of the ObjectStore and
// their volatile (security) state in memory.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "softcard/apdu.h"
#include "softcard/bytes.h"
#include "softcard/crypto.h"
#include "softcard/inspection.h"
#include "softcard/rng.h"
#include "softcard/store.h"

namespace softcard {

enum class LogLevel { debug, info, warning, error };
using LogSink = std::function<void(LogLevel, std::string_view)>;

// What an applet may use while it handles one command.
class CardContext {
 public:
  virtual ~CardContext() = default;
  virtual ObjectStore& store() = 0;
  virtual Rng& rng() = 0;
  // The card's one crypto provider, drawing its randomness from rng(). Keys an applet caches
  // may keep using it for as long as the card lives.
  virtual CryptoProvider& crypto() = 0;
  // Durably writes the current command's pending write of one record on its own, flushed to
  // disk, before the command goes on (PIN retry counters, which must be durable before the
  // comparison); the command's other writes stay in its transaction. A write that fails throws
  // CardError(6581) and the record keeps its committed value.
  virtual void persist_now(std::string_view key) = 0;
  virtual void log(LogLevel level, std::string_view message) = 0;
};

class Applet {
 public:
  virtual ~Applet() = default;
  virtual std::string_view name() const = 0;
  // Full AID. SELECT by DF name matches it exactly or by prefix (partial AID).
  virtual const Bytes& aid() const = 0;
  // The applet became selected by SELECT (P1=04); returns the answer (FCI and status).
  // A non-success status keeps the previous selection.
  virtual Response select(const Command& cmd, CardContext& ctx) = 0;
  // Implicit selection at power-on / reset (default applet); no answer.
  virtual void select_implicitly(CardContext&) {}
  virtual Response process(const Command& cmd, CardContext& ctx) = 0;
  virtual void deselect(CardContext&) {}
  // Power off / reset: forget all volatile state (security status, session keys).
  virtual void clear_volatile() = 0;
  // Checks every persistent record the applet owns, when the image is opened and before the
  // card serves anything; throws ImageError("record KEY: problem") for the first bad one.
  virtual void validate(const ObjectStore& /*store*/) const {}
  // The applet's persistent state as data, for `softcard inspect` and Python (render() gives
  // the text): file tree, PIN status, keys, objects, containers. Public card data only: never
  // key material, PIN values or management keys.
  virtual AppletInspection inspect(const ObjectStore& /*store*/) const { return {}; }
  // Whether the data of `cmd`, a command for this applet, is secret beyond the card OS's own
  // rule (carries_secret in apdu.h: interindustry VERIFY, CHANGE REFERENCE DATA, ...), e.g. the
  // PIN command of a proprietary protocol. Traces zero such data. Cheap and side-effect free.
  virtual bool secret_data(const Command& /*cmd*/) const { return false; }
};

}  // namespace softcard
