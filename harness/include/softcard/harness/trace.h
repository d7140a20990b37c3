#pragma once
// The APDU trace of a card behind the fault harness: every exchange (with the faults that fired on
// it), power events, rules added and removed, and free-text notes. Secrets in command data are
// zeroed before they are recorded.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "softcard/bytes.h"
#include "softcard/harness/rule.h"

namespace softcard::harness {

using Clock = std::chrono::steady_clock;

enum class RecordKind : std::uint8_t {
  apdu,
  power_on,
  power_off,
  reset,
  rule_added,
  rule_removed,
  note
};
const char* to_string(RecordKind kind);

// One trace entry. APDU command data that carries secrets (VERIFY, CHANGE REFERENCE DATA, ...)
// is zeroed at record time; `redacted` says so.
struct Record {
  std::uint64_t seq = 0;
  RecordKind kind = RecordKind::apdu;
  Clock::time_point start;
  Clock::duration duration{};
  Bytes command;
  bool redacted = false;
  Bytes response;  // as delivered (after faults); empty when dropped/torn
  Outcome outcome = Outcome::answered;
  std::vector<std::string> faults;  // labels of the rules that fired on this exchange
  std::string note;                 // rule description for rule_added/removed, free text for note
};

// Called with every record as it is added (numbered), whether or not the buffer keeps it: the
// streaming path of `--trace-file` (trace_file.h). Runs under the trace's lock: keep it short.
using RecordSink = std::function<void(const Record&)>;

// Bounded, thread-safe trace buffer, optionally streaming to a sink.
class Trace {
 public:
  explicit Trace(std::size_t capacity = 10000) : capacity_(capacity) {}
  void add(Record record);
  void set_sink(RecordSink sink);
  // Whether added records go anywhere (the buffer is enabled or a sink is set): callers skip
  // building records otherwise.
  bool recording() const;
  std::vector<Record> snapshot() const;
  void clear();
  void set_enabled(bool on);
  bool enabled() const;
  void set_capacity(std::size_t capacity);
  std::size_t capacity() const;
  std::size_t size() const;
  // Records dropped because the buffer was full.
  std::uint64_t overflowed() const;
  Clock::time_point epoch() const { return epoch_; }

 private:
  mutable std::mutex mutex_;
  std::deque<Record> records_;
  std::size_t capacity_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t overflowed_ = 0;
  bool enabled_ = true;
  RecordSink sink_;
  Clock::time_point epoch_ = Clock::now();
};

}  // namespace softcard::harness
