#include "softcard/harness/trace_file.h"

namespace softcard::harness {

trace::Event to_trace_event(const Record& r, const std::string& card, const std::string& reader) {
  trace::Event e;
  e.t_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(r.start.time_since_epoch()).count();
  e.dur_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(r.duration).count();
  e.card = card;
  e.reader = reader;
  switch (r.kind) {
    case RecordKind::apdu:
      e.kind = trace::Kind::apdu;
      e.command = r.command;
      e.response = r.response;
      e.redacted = r.redacted;
      e.outcome = to_string(r.outcome);
      e.faults = r.faults;
      break;
    case RecordKind::power_on:
      e.kind = trace::Kind::power_on;
      break;
    case RecordKind::power_off:
      e.kind = trace::Kind::power_off;
      break;
    case RecordKind::reset:
      e.kind = trace::Kind::reset;
      break;
    case RecordKind::rule_added:
      e.kind = trace::Kind::note;
      e.text = "fault rule added: " + r.note;
      break;
    case RecordKind::rule_removed:
      e.kind = trace::Kind::note;
      e.text = "fault rule removed: " + r.note;
      break;
    case RecordKind::note:
      e.kind = trace::Kind::note;
      e.text = r.note;
      break;
  }
  return e;
}

RecordSink trace_file_sink(trace::Writer& writer, std::string card, std::string reader) {
  return [&writer, card = std::move(card), reader = std::move(reader)](const Record& r) {
    writer.write(to_trace_event(r, card, reader));
  };
}

}  // namespace softcard::harness
