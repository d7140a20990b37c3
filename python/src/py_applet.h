#pragma once
// Applets written in Python (softcard.Applet): the C++ Applet the card OS routes APDUs to, and
// the per-applet core (store, PINs, keys) the Python object calls back into. The GIL is taken
// only inside these calls: a card's C++ applets never touch it.
#include <atomic>
#include <bitset>
#include <memory>
#include <string>
#include <thread>

#include "core.h"
#include "softcard/applet_kit.h"

namespace softcard::py {

// What the Python object reaches through `self._softcard_core`. Usable only from the thread that
// runs one of this applet's commands (or its personalization), while it runs: a command's
// writes join that command's transaction.
class AppletCore {
 public:
  explicit AppletCore(std::string name);
  const std::string& name() const { return name_; }
  const std::string& prefix() const { return prefix_; }

  // The context of the call in progress (throws RuntimeError outside one, or from another
  // thread).
  CardContext& ctx() const;
  kit::ScopedStore store() const { return kit::ScopedStore(ctx().store(), prefix_); }
  kit::PinSet& pins() { return pins_; }
  kit::KeyStore& keys() { return keys_; }

  // Sets the context for the duration of one call.
  class Scope {
   public:
    Scope(AppletCore& core, CardContext& ctx);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    AppletCore& core_;
    CardContext* previous_;
    std::thread::id previous_owner_;
  };

 private:
  std::string name_;
  std::string prefix_;
  CardContext* ctx_ = nullptr;
  std::thread::id owner_;
  kit::PinSet pins_;
  kit::KeyStore keys_;
};

class PyApplet final : public Applet {
 public:
  // `obj` is the softcard.Applet instance; its AID and name are read once here.
  PyApplet(pyb::object obj, std::shared_ptr<AppletCore> core, Bytes aid);
  ~PyApplet() override;

  std::string_view name() const override { return core_->name(); }
  const Bytes& aid() const override { return aid_; }
  Response select(const Command& cmd, CardContext& ctx) override;
  Response process(const Command& cmd, CardContext& ctx) override;
  void deselect(CardContext& ctx) override;
  void clear_volatile() override;
  AppletInspection inspect(const ObjectStore& store) const override;
  bool secret_data(const Command& cmd) const override { return secret_ins_.test(cmd.ins); }

  // Runs the object's personalize() once, when the image has no record of this applet yet;
  // commits it, or rolls it back and raises.
  void personalize_if_new(ObjectStore& store, Rng& rng);

 private:
  Response call(const pyb::object& method, const Command& cmd, CardContext& ctx);
  void deliver_pending(CardContext& ctx);

  std::shared_ptr<AppletCore> core_;
  Bytes aid_;
  // Cached bound methods; released with the GIL held.
  pyb::object obj_, select_, process_, deselect_, reset_;
  std::bitset<256> secret_ins_;  // Applet.secret_ins, read once: no GIL per command
  std::atomic<bool> deselected_{false};
  std::atomic<bool> reset_pending_{false};
};

// The Python value an applet method returned, as a response: None (9000), bytes-like (data,
// 9000), an int status word, a (data, sw) pair, or an object with .data and .sw (Response).
// Throws std::invalid_argument for anything else or a status word that is not 61xx..6Fxx /
// 9xxx.
Response to_response(const pyb::handle& value);

// softcard.StatusWordError (imported lazily: the class lives in the pure-Python package).
pyb::object status_word_error_type();

}  // namespace softcard::py
