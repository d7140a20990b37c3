#pragma once
// A trace read back as a person follows it: APDUs folded into logical commands (command
// chaining and GET RESPONSE / 6Cxx retries joined), each decoded, attributed to the host call
// that caused it and to the scenario step it belongs to (docs/trace.md, "Reading a trace").
#include <string>
#include <vector>

#include "softcard/trace/decode.h"
#include "softcard/trace/event.h"

namespace softcard::trace {

struct Exchange {
  std::size_t number = 0;  // 1-based, in time order
  std::string card;
  std::string reader;
  std::int64_t t_ns = 0;     // start of the first APDU
  std::int64_t end_ns = 0;   // end of the last APDU
  std::int64_t card_ns = 0;  // time inside the card, summed over the APDUs
  Bytes command;             // the logical C-APDU
  Bytes response;            // the logical R-APDU (joined data + last SW); empty: no answer
  bool redacted = false;
  std::string outcome = "answered";
  std::vector<std::string> faults;
  std::vector<std::size_t> parts;  // indices into Session::events of its APDUs
  Decoded decoded;
  int call = -1;  // Session::calls index of the outermost host call around it, or -1
  int step = -1;  // Session::steps index, or -1
};

struct Call {
  std::size_t event = 0;  // index into Session::events
  int depth = 0;          // 0 = outermost (not inside another call of the same process)
  std::size_t exchanges = 0;
  int step = -1;
};

struct Session {
  std::vector<Event> events;  // sorted by time
  std::vector<Exchange> exchanges;
  std::vector<Call> calls;
  std::vector<std::size_t> steps;      // indices into events of the step records
  std::vector<std::string> processes;  // host lanes: "client (pid 12)", in order of appearance
  std::vector<std::string> applets;    // card lanes, in order of appearance
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
};

// Takes events from one or more files (already concatenated), sorts them by time and folds.
Session build_session(std::vector<Event> events);
// "client (pid 12)" for a call or step event; "host" when the recorder knew no process.
std::string process_label(const Event& e);

}  // namespace softcard::trace
