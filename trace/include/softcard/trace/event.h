#pragma once
// One record of a softcard trace file (docs/trace.md): JSON Lines, one event per line, every line
// carrying the format version "v". The same records come from `softcard run/rig/demo
// --trace-file`, from Python (`Trace.save`), from the minidriver's host annotations and from the
// importers of pcscd and pcsc-spy logs.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "softcard/bytes.h"

namespace softcard::trace {

inline constexpr int format_version = 1;

enum class Kind : std::uint8_t {
  apdu,       // one C-APDU and its R-APDU as they crossed the card boundary
  power_on,   // the reader powered the card (cold reset)
  power_off,  // the reader cut the power
  reset,      // warm reset
  insert,     // the card went into the reader (link up)
  remove,     // the card left the reader
  call,       // a host library call (minidriver entry point) that may have caused APDUs
  step,       // a scenario step (the demo's numbered lines)
  note        // free text (fault rules added/removed, comments)
};
const char* to_string(Kind kind);
std::optional<Kind> kind_from_string(std::string_view text);

struct Event {
  Kind kind = Kind::apdu;
  std::int64_t t_ns = 0;    // CLOCK_MONOTONIC (steady_clock) nanoseconds: one clock per machine
  std::int64_t dur_ns = 0;  // apdu: time inside the card (faults included); call: whole call
  std::string card;         // card label, e.g. "card 0 (a.img)"
  std::string reader;       // reader name as PC/SC shows it, when known
  std::int64_t pid = 0;     // call/step: the host process
  std::string process;      // call/step: its program name
  Bytes command;            // apdu: C-APDU; secret data bytes zeroed when `redacted`
  Bytes response;           // apdu: R-APDU (data + SW1 SW2); empty when no answer came
  bool redacted = false;
  std::string outcome = "answered";  // apdu: answered, dropped, torn (fault harness)
  std::vector<std::string> faults;   // apdu: labels of the fault rules that fired
  std::string text;                  // call: "CardSignData(container 1)"; step/note: the text
  std::int64_t rc = 0;               // call: the returned DWORD
  // apdu, written by recorders for people reading the file raw; readers decode again and
  // never need them.
  std::string name;
  std::string summary;
};

// One line of JSON (no newline). Bytes are upper-case hex without spaces.
std::string to_json_line(const Event& event);
// Parses one line; std::invalid_argument naming the problem when it is not a v1 event.
Event from_json_line(std::string_view line);
// Every event of a trace file, in file order; lines that are empty are skipped, any other bad
// line throws std::runtime_error naming the file and line.
std::vector<Event> read_file(const std::string& path);
// Events sorted by time (stable: file order among equal times), as merged traces need.
void sort_by_time(std::vector<Event>& events);

// The monotonic clock every recorder stamps with.
std::int64_t now_ns();

}  // namespace softcard::trace
