#pragma once
// Fault injection in front of the card boundary. FaultyCard wraps a softcard::Card and passes
// every exchange through a list of rules (rule.h) that can answer a chosen status word instead of
// the card, delay the answer, corrupt a response byte, drop the link or tear the power before or
// after the card committed the command. It also keeps the APDU trace (trace.h), so every fault
// that fired (and every rule added or removed) is visible next to the exchanges it changed.
//
// Front-end neutral: Python, the vpcd serving path (vpcd_card.h) and `softcard run --faults` drive
// it; it knows nothing about pybind11 or sockets. card-os is not touched: this is just another
// caller of Card::transmit.
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "softcard/bytes.h"
#include "softcard/card.h"
#include "softcard/harness/rule.h"
#include "softcard/harness/trace.h"

namespace softcard::harness {

// One exchange as decided by the rules. `delay` (delay rules + latency profile) is how much later
// the answer is due; transmit() waits it out, a served link waits on a timer.
struct Exchange {
  Bytes response;
  Outcome outcome = Outcome::answered;
  std::chrono::microseconds delay{0};
};

// Sleeps; a hook so a front-end can make waits interruptible or observable.
using SleepFn = std::function<void(std::chrono::microseconds)>;

class FaultyCard {
 public:
  explicit FaultyCard(Card& card, SleepFn sleep = {});
  FaultyCard(const FaultyCard&) = delete;
  FaultyCard& operator=(const FaultyCard&) = delete;

  Card& card() { return card_; }
  Trace& trace() { return trace_; }
  // Called (in the exchanging thread, card lock held: keep it short) with the trace record of
  // every exchange on which a rule fired, also when the trace buffer is off. Set before use.
  void set_fault_observer(std::function<void(const Record&)> observer) {
    observer_ = std::move(observer);
  }

  // Thread-safe; rules are applied in the order they were added.
  std::uint64_t add_rule(Rule rule);
  bool remove_rule(std::uint64_t id);
  void clear_rules();
  std::vector<Rule> rules() const;
  std::optional<Rule> rule(std::uint64_t id) const;
  void set_latency(Latency latency);
  Latency latency() const;
  // Adds a free-text note to the trace (scenario steps).
  void note(std::string text);

  // One exchange through the rules, without waiting: the caller delivers the answer `delay` later.
  // Serialized with every other call on this object (the card is single-threaded), so a served
  // link and an in-process caller can share one card.
  Exchange exchange(ByteView command);
  // exchange(), then the delay is slept (through the SleepFn) before returning.
  Exchange transmit(ByteView command);
  void power_on();
  void power_off();
  void reset();
  Bytes atr() const;
  bool powered() const;
  // Runs f(card) under the exchange lock (inspection while a served link may be busy).
  template <class F>
  auto with_card(F&& f) {
    std::lock_guard lock(card_mutex_);
    return f(card_);
  }

 private:
  void record_simple(RecordKind kind, std::string note);
  void sleep(std::chrono::microseconds d);

  Card& card_;
  SleepFn sleep_;
  Trace trace_;
  mutable std::mutex card_mutex_;   // one exchange at a time
  mutable std::mutex rules_mutex_;  // rules may change while an exchange waits
  std::vector<Rule> rules_;
  std::uint64_t next_rule_id_ = 1;
  Latency latency_;
  std::function<void(const Record&)> observer_;
};

}  // namespace softcard::harness
