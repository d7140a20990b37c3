#pragma once
// Appends events to a trace file. Several writers (the card's process, every host process that
// annotates) may append to one file: it is opened O_APPEND and each event goes out as one
// write() of one line, so lines never interleave. Thread-safe.
#include <map>
#include <mutex>
#include <string>

#include "softcard/trace/decode.h"
#include "softcard/trace/event.h"

namespace softcard::trace {

class Writer {
 public:
  // truncate: start the file empty (the recorder that owns the run); else append.
  // Throws std::system_error naming the file when it cannot be opened.
  Writer(const std::string& path, bool truncate);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Fills name and summary of APDU events (one decoder per card, so SELECT context holds) and
  // appends the line. Write errors are counted, never thrown: tracing must not stop a card.
  void write(Event event);
  std::uint64_t failed_writes() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  mutable std::mutex mutex_;
  std::map<std::string, Decoder> decoders_;
  std::uint64_t failed_ = 0;
};

// Appends one line to `path` (O_APPEND, one write) without keeping the file open: the host
// annotation path (a library call must not hold a descriptor between calls). False on failure.
bool append_line(const std::string& path, const Event& event);

}  // namespace softcard::trace
