// softcard run: serve card images as vpcd cards (one reader slot per image).
#include <spdlog/spdlog.h>

#include <csignal>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_checks.h"
#include "commands.h"
#include "key_options.h"
#include "rig/served_cards.h"
#include "run_applets.h"
#include "run_faults.h"
#include "softcard/harness/rule_file.h"
#include "softcard/trace/writer.h"
#include "softcard/vpcd/endpoint.h"

namespace softcard::cli {

void register_run(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "run",
      "Serve card images to vpcd, one reader slot (consecutive ports) per image. SIGINT/SIGTERM: "
      "finish the APDU in flight, close the images, exit 0. SIGUSR1: drop the links (they "
      "reconnect). SIGUSR2: remove the cards / insert them again");
  struct Options {
    std::string vpcd;
    std::string listen;
    bool trace = false;
    std::string trace_file;
    std::string faults;
    std::vector<std::string> images;
    KeyOptions key;
    std::vector<std::string> applets;
    std::string default_applet;
  };
  auto opts = std::make_shared<Options>();
  auto* vpcd_opt = cmd->add_option("--vpcd", opts->vpcd,
                                   "vpcd to connect to, HOST:PORT (default 127.0.0.1:35963, "
                                   "Debian's 'Virtual PCD 00 00'); "
                                   "the Nth image uses PORT+N")
                       ->check(vpcd_endpoint());
  auto* listen_opt = cmd->add_option(
      "--listen", opts->listen,
      "Reversed mode: listen on ADDR:PORT (default address 127.0.0.1) for a vpcd configured "
      "with DEVICENAME host:port; the Nth image listens on PORT+N");
  vpcd_opt->excludes(listen_opt);
  cmd->add_flag("--trace", opts->trace,
                "Print every APDU and response with names and status meanings");
  add_trace_file_option(cmd, opts->trace_file);
  add_key_options(cmd, opts->key,
                  "the key of the images (every image given must be encrypted under it)");
  cmd->add_option("--faults", opts->faults,
                  "JSON fault-rule file (docs/faults.md): status words, delays, corrupted bytes, "
                  "dropped links, torn power and a latency profile, injected in front of the "
                  "cards; each fault that fires is logged")
      ->check(CLI::ExistingFile);
  cmd->add_option("--applet", opts->applets,
                  "Also install the Python applet MODULE:CLASS (or FILE.py:CLASS) on every card; "
                  "repeatable. The cards are then served by python3 -m softcard.run "
                  "(docs/python.md)");
  cmd->add_option("--default-applet", opts->default_applet,
                  "With --applet: the applet selected at power-on (by name)");
  cmd->add_option("IMAGE", opts->images, "Card image(s) to serve")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->callback([opts] {
    if (!opts->applets.empty())
      exec_python_runner({opts->applets, opts->default_applet, opts->vpcd, opts->listen,
                          opts->trace, opts->faults, opts->key.file, opts->key.fd, opts->images});
    log_to_stderr();
    const bool listen = !opts->listen.empty();
    const auto base = listen ? vpcd::parse_endpoint(opts->listen, "127.0.0.1")
                             : vpcd::parse_endpoint(opts->vpcd, "127.0.0.1");
    const auto key = opts->key.load();
    // The rule file is read and checked before any image is opened or anything connects.
    std::optional<harness::FaultFile> faults;
    if (!opts->faults.empty()) {
      faults = harness::load_fault_file(opts->faults);
      faults->check_cards(opts->images.size());
    }
    std::unique_ptr<trace::Writer> trace_file;
    if (!opts->trace_file.empty())
      trace_file = std::make_unique<trace::Writer>(opts->trace_file, true);
    ServedCards cards(opts->trace);
    cards.set_trace_file(trace_file.get());
    ServedCards::Front front;
    if (faults) {
      front = [&faults, &cards, base, n = std::size_t{0}](Card& card,
                                                          const std::string& label) mutable {
        const std::string reader = "vpcd " + base.offset(static_cast<unsigned>(n)).to_string();
        return make_fault_front(card, &*faults, n++, label, cards.trace_sink(label, reader));
      };
    }
    for (std::size_t i = 0; i < opts->images.size(); ++i) {
      vpcd::LinkOptions link;
      link.mode = listen ? vpcd::Mode::listen : vpcd::Mode::connect;
      link.endpoint = base.offset(static_cast<unsigned>(i));
      try {
        OpenOptions open;
        open.key = key;
        cards.add(opts->images[i], link, std::move(open), front);
      } catch (const boost::system::system_error& e) {
        throw std::runtime_error("cannot listen on " + link.endpoint.to_string() + ": " +
                                 e.code().message());
      }
      spdlog::info("card {} ({}): {} {}", i, opts->images[i], listen ? "listening on" : "vpcd at",
                   cards.link(i).endpoint().to_string());
    }
    if (faults)
      spdlog::info("fault rules from {}: {} rule(s){}", opts->faults, faults->rules.size(),
                   faults->latency ? ", latency profile" : "");
    cards.stop_on_signals();
    // Fault drills and run-time card removal without a control channel.
    cards.on_signal(SIGUSR1, [&cards] {
      spdlog::info("SIGUSR1: dropping every vpcd link (they reconnect)");
      for (std::size_t i = 0; i < cards.size(); ++i) cards.link(i).drop();
    });
    cards.on_signal(SIGUSR2, [&cards, &trace_file] {
      for (std::size_t i = 0; i < cards.size(); ++i) {
        auto& link = cards.link(i);
        const bool insert = link.state() == vpcd::LinkState::removed;
        if (insert)
          link.insert();
        else
          link.remove();
        if (trace_file) {
          trace::Event e;
          e.kind = insert ? trace::Kind::insert : trace::Kind::remove;
          e.t_ns = trace::now_ns();
          e.card = "card " + std::to_string(i) + " (" + cards.image(i).filename().string() + ")";
          e.reader = "vpcd " + link.endpoint().to_string();
          trace_file->write(std::move(e));
        }
      }
    });
    cards.start();
    cards.wait_and_close();
    spdlog::info("stopped; images closed");
  });
}

}  // namespace softcard::cli
