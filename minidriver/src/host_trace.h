#pragma once
// Host annotation (docs/trace.md, "Host calls"): when SOFTCARD_TRACE_FILE names a trace file,
// every cardmod entry point this library serves appends one `call` record there (its name, the
// arguments that say what it was about, the returned code, start and duration), so a trace
// shows the minidriver call above the APDUs it caused. Never a PIN, key or data buffer: only
// container indexes, PIN ids, file names and property/algorithm names are described.
#include <cstdint>
#include <string>

#include "cardmod.h"

namespace softcard::md {

// Wraps the entry points of an acquired CARD_DATA table (after fill_table).
void trace_calls(PCARD_DATA cd);

// One annotated call made outside the table (CardAcquireContext): construct before, done()
// with the result.
class HostCall {
 public:
  HostCall(std::string name, std::string args);
  DWORD done(DWORD rc);

 private:
  std::string name_;
  std::string args_;
  std::int64_t start_ = 0;
  const char* path_ = nullptr;
};

}  // namespace softcard::md
