#pragma once
// Card images served to vpcd from this process: used by `softcard run` and `softcard rig`.
// Each image is opened exclusively, wrapped for the bridge and given its own link (port).
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "softcard/card.h"
#include "softcard/crypto.h"
#include "softcard/harness/faulty_card.h"
#include "softcard/store.h"
#include "softcard/trace/writer.h"
#include "softcard/vpcd/bridge.h"
#include "softcard/vpcd/card_adapter.h"

namespace softcard::cli {

class ServedCards {
 public:
  // trace: print every APDU and response with the command name and the status word's meaning.
  explicit ServedCards(bool trace);
  ~ServedCards();  // stops the bridge, then closes the images

  // What the bridge serves in front of the card (e.g. the fault harness); default: the card.
  using Front = std::function<std::unique_ptr<vpcd::VirtualCard>(Card&, const std::string& label)>;

  // --trace-file: every card added afterwards streams its exchanges and power events into
  // `writer` (which must outlive this object) through the fault harness's trace.
  void set_trace_file(trace::Writer* writer) { trace_file_ = writer; }
  // The sink for card `label` (a custom Front that keeps its own FaultyCard sets it there).
  harness::RecordSink trace_sink(const std::string& label, const std::string& reader) const;

  // Opens the image (throws ImageError with the file name and reason) and links it to vpcd.
  // `open` carries the image key and the read-only flag (store.h). `reader`: the PC/SC reader
  // name for the trace file (default: the vpcd endpoint).
  void add(const std::filesystem::path& image, vpcd::LinkOptions link, OpenOptions open = {},
           const Front& front = {}, std::string reader = {});
  // The label of the next card add() takes: "card N (file name)".
  std::string next_label(const std::filesystem::path& image) const;

  void stop_on_signals() { bridge_.stop_on_signals(); }
  void on_signal(int signal, std::function<void()> action) {
    bridge_.on_signal(signal, std::move(action));
  }
  void start() { bridge_.start(); }
  void stop() { bridge_.stop(); }
  // Waits for the bridge to stop, then closes every image cleanly (in this thread).
  void wait_and_close();

  std::size_t size() const { return cards_.size(); }
  vpcd::Link& link(std::size_t i) { return bridge_.link(i); }
  const std::filesystem::path& image(std::size_t i) const { return cards_.at(i)->image; }
  int stop_signal() const { return bridge_.stop_signal(); }

 private:
  struct Served {
    std::filesystem::path image;
    OpenSslRng rng;
    std::unique_ptr<Card> card;
    std::unique_ptr<vpcd::VirtualCard> adapter;
  };
  bool trace_;
  trace::Writer* trace_file_ = nullptr;
  // Declared before the bridge: the bridge (and its threads) must go first.
  std::vector<std::unique_ptr<Served>> cards_;
  vpcd::Bridge bridge_;
};

// The bridge's log lines through spdlog.
vpcd::LogFn bridge_log();
// run/rig: diagnostics go to stderr, so stdout carries only data (--print-env, COMMAND's output).
void log_to_stderr();

}  // namespace softcard::cli
