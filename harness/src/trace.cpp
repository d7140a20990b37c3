#include "softcard/harness/trace.h"

namespace softcard::harness {

const char* to_string(RecordKind kind) {
  switch (kind) {
    case RecordKind::apdu:
      return "apdu";
    case RecordKind::power_on:
      return "power_on";
    case RecordKind::power_off:
      return "power_off";
    case RecordKind::reset:
      return "reset";
    case RecordKind::rule_added:
      return "rule_added";
    case RecordKind::rule_removed:
      return "rule_removed";
    case RecordKind::note:
      return "note";
  }
  return "?";
}

void Trace::add(Record record) {
  std::lock_guard lock(mutex_);
  if (!sink_ && (!enabled_ || capacity_ == 0)) return;
  record.seq = next_seq_++;
  if (sink_) sink_(record);
  if (!enabled_ || capacity_ == 0) return;
  if (records_.size() >= capacity_) {
    records_.pop_front();
    ++overflowed_;
  }
  records_.push_back(std::move(record));
}

std::vector<Record> Trace::snapshot() const {
  std::lock_guard lock(mutex_);
  return {records_.begin(), records_.end()};
}

void Trace::clear() {
  std::lock_guard lock(mutex_);
  records_.clear();
  overflowed_ = 0;
}

void Trace::set_enabled(bool on) {
  std::lock_guard lock(mutex_);
  enabled_ = on;
}

void Trace::set_sink(RecordSink sink) {
  std::lock_guard lock(mutex_);
  sink_ = std::move(sink);
}

bool Trace::recording() const {
  std::lock_guard lock(mutex_);
  return sink_ || (enabled_ && capacity_ > 0);
}

bool Trace::enabled() const {
  std::lock_guard lock(mutex_);
  return enabled_;
}

void Trace::set_capacity(std::size_t capacity) {
  std::lock_guard lock(mutex_);
  capacity_ = capacity;
  while (records_.size() > capacity_) {
    records_.pop_front();
    ++overflowed_;
  }
}

std::size_t Trace::capacity() const {
  std::lock_guard lock(mutex_);
  return capacity_;
}

std::size_t Trace::size() const {
  std::lock_guard lock(mutex_);
  return records_.size();
}

std::uint64_t Trace::overflowed() const {
  std::lock_guard lock(mutex_);
  return overflowed_;
}

}  // namespace softcard::harness
