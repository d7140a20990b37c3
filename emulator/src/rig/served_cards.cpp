#include "rig/served_cards.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli_support.h"
#include "run_faults.h"
#include "softcard/card_factory.h"
#include "softcard/harness/trace_file.h"

namespace softcard::cli {

vpcd::LogFn bridge_log() {
  auto sink = stderr_log_sink();
  return [sink](LogLevel level, std::string_view message) { sink(level, message); };
}

void log_to_stderr() {
  auto logger = spdlog::get("softcard");
  if (!logger) logger = spdlog::stderr_color_mt("softcard");
  spdlog::set_default_logger(logger);
}

ServedCards::ServedCards(bool trace) : trace_(trace), bridge_(bridge_log()) {}

ServedCards::~ServedCards() {
  bridge_.stop();
  try {
    bridge_.wait();
  } catch (const std::exception& e) {
    spdlog::error("vpcd bridge: {}", e.what());
  }
}

std::string ServedCards::next_label(const std::filesystem::path& image) const {
  return "card " + std::to_string(cards_.size()) + " (" + image.filename().string() + ")";
}

harness::RecordSink ServedCards::trace_sink(const std::string& label,
                                            const std::string& reader) const {
  if (!trace_file_) return {};
  return harness::trace_file_sink(*trace_file_, label, reader);
}

void ServedCards::add(const std::filesystem::path& image, vpcd::LinkOptions link, OpenOptions open,
                      const Front& front, std::string reader) {
  auto served = std::make_unique<Served>();
  served->image = image;
  CardOptions options;
  options.rng = &served->rng;
  const std::string label = next_label(image);
  if (reader.empty()) reader = "vpcd " + link.endpoint.to_string();
  auto log = stderr_log_sink();
  options.log = [log, label](LogLevel level, std::string_view message) {
    log(level, label + ": " + std::string(message));
  };
  if (trace_) {
    options.trace = [label](const TraceEvent& ev) {
      spdlog::info("{}\n{}", label, format_trace(ev));
    };
  }
  served->card = open_card(image, std::move(options), std::move(open));
  if (front)
    served->adapter = front(*served->card, label);
  else if (trace_file_)
    served->adapter = make_fault_front(*served->card, nullptr, 0, label, trace_sink(label, reader));
  else
    served->adapter = std::make_unique<vpcd::CardAdapter>(*served->card);
  if (link.name.empty()) link.name = label;
  bridge_.add(*served->adapter, std::move(link));
  cards_.push_back(std::move(served));
}

void ServedCards::wait_and_close() {
  bridge_.wait();
  // Closing the images here, not in a bridge thread, keeps the SQLite close ordered and visible.
  for (auto& served : cards_) served->card.reset();
}

}  // namespace softcard::cli
