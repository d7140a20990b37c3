#include "rig/served_cards.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli_support.h"
#include "softcard/card_factory.h"

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

void ServedCards::add(const std::filesystem::path& image, vpcd::LinkOptions link, OpenOptions open,
                      const Front& front) {
  auto served = std::make_unique<Served>();
  served->image = image;
  CardOptions options;
  options.rng = &served->rng;
  const std::string label =
      "card " + std::to_string(cards_.size()) + " (" + image.filename().string() + ")";
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
