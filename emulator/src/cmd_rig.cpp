// softcard rig: run COMMAND in a private PC/SC world (own pcscd + vpcd readers) with the given
// cards inserted and present, then tear it all down and exit with COMMAND's status.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_checks.h"
#include "commands.h"
#include "key_options.h"
#include "rig/pcsc_wait.h"
#include "rig/private_world.h"
#include "rig/served_cards.h"
#include "softcard/crypto.h"
#include "softcard/personalize.h"
#include "softcard/trace/writer.h"

extern char** environ;

namespace softcard::cli {

namespace {

struct RigOptions {
  std::vector<std::string> cards;
  std::vector<std::string> profiles;
  unsigned slots = 0;
  bool hold = false;
  bool print_env = false;
  bool trace = false;
  std::string trace_file;
  bool host_network = false;
  double timeout_s = 30;
  std::vector<std::string> command;
  KeyOptions key;
};

// Signals the main thread handles itself (sigtimedwait); blocked before any thread exists so
// every bridge thread inherits the block.
sigset_t rig_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGCHLD);
  return set;
}

pid_t spawn_command(const std::vector<std::string>& command,
                    const std::vector<std::string>& extra_env) {
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e) env_text.emplace_back(*e);
  for (const auto& e : extra_env) env_text.push_back(e);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = command;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    ::execvpe(argv[0], argv.data(), envp.data());
    const char* msg = "softcard rig: cannot execute the command\n";
    [[maybe_unused]] auto n = ::write(2, msg, std::strlen(msg));
    ::_exit(127);
  }
  return pid;
}

int exit_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

int run_rig(const RigOptions& opts) {
  if (opts.command.empty() && !opts.hold)
    throw std::runtime_error("nothing to run: give -- COMMAND [ARGS...] or --hold");
  if (!opts.command.empty() && opts.hold)
    throw std::runtime_error("--hold keeps the world up for clients outside; it takes no COMMAND");

  const sigset_t handled = rig_signals();
  ::sigprocmask(SIG_BLOCK, &handled, nullptr);
  // A held world belongs to whoever launched it (a test session): it goes when they go.
  if (opts.hold) ::prctl(PR_SET_PDEATHSIG, SIGTERM);

  const unsigned card_count = static_cast<unsigned>(opts.cards.size() + opts.profiles.size());
  WorldOptions wo;
  wo.slots = std::max({opts.slots, card_count, 1u});
  wo.private_network = !opts.host_network;
  if (const char* p = std::getenv("SOFTCARD_PCSCD")) wo.pcscd = p;
  // Enter the namespaces while still single-threaded.
  PrivateWorld world(wo);

  // Cards from profiles are fresh images in the world's directory, gone with it (encrypted
  // under the image key too when one is given).
  const auto key = opts.key.load();
  std::vector<std::filesystem::path> images(opts.cards.begin(), opts.cards.end());
  for (std::size_t i = 0; i < opts.profiles.size(); ++i) {
    OpenSslRng rng;
    const Profile profile = load_profile(opts.profiles[i]);
    const auto image = world.dir() / ("card" + std::to_string(i) + "-" + profile.name + ".img");
    PersonalizeOptions po;
    po.image_key = key;
    create_image(image, profile, rng, po);
    images.push_back(image);
  }

  ::setenv("PCSCLITE_CSOCK_NAME", world.socket_path().c_str(), 1);
  world.start_pcscd();

  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<long>(opts.timeout_s * 1000));
  std::vector<std::string> all_readers, card_readers;
  for (const auto& s : world.slots()) all_readers.push_back(s.reader);
  for (std::size_t i = 0; i < images.size(); ++i) card_readers.push_back(world.slots()[i].reader);

  // Images are opened (and checked) before anything waits on them.
  std::unique_ptr<trace::Writer> trace_file;
  if (!opts.trace_file.empty()) trace_file = std::make_unique<trace::Writer>(opts.trace_file, true);
  ServedCards served(opts.trace);
  served.set_trace_file(trace_file.get());
  for (std::size_t i = 0; i < images.size(); ++i) {
    vpcd::LinkOptions link;
    link.mode = vpcd::Mode::connect;
    link.endpoint = {"127.0.0.1", world.slots()[i].port};
    OpenOptions open;
    open.key = key;
    served.add(images[i], link, std::move(open), {}, world.slots()[i].reader);
  }
  try {
    // Cards connect only once pcscd has set up every reader: vpcd loses a card that connects to
    // the first reader entry while pcscd is still initialising the next one.
    wait_for_readers(all_readers, deadline);
    served.start();
    wait_for_cards(card_readers, deadline);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(e.what()) + "\npcscd log:\n" + world.pcscd_log_tail());
  }

  std::vector<std::string> env;
  env.push_back("PCSCLITE_CSOCK_NAME=" + world.socket_path().string());
  env.push_back("SOFTCARD_RIG_PID=" + std::to_string(::getpid()));
  env.push_back("SOFTCARD_RIG_DIR=" + world.dir().string());
  env.push_back("SOFTCARD_RIG_CARDS=" + std::to_string(images.size()));
  env.push_back("SOFTCARD_RIG_SLOTS=" + std::to_string(world.slots().size()));
  // Our minidriver library in COMMAND annotates the same file with its calls (docs/trace.md).
  if (trace_file)
    env.push_back("SOFTCARD_TRACE_FILE=" + std::filesystem::absolute(opts.trace_file).string());
  for (std::size_t i = 0; i < world.slots().size(); ++i) {
    env.push_back("SOFTCARD_RIG_READER_" + std::to_string(i) + "=" + world.slots()[i].reader);
    env.push_back("SOFTCARD_RIG_VPCD_" + std::to_string(i) +
                  "=127.0.0.1:" + std::to_string(world.slots()[i].port));
  }
  for (std::size_t i = 0; i < world.slots().size(); ++i) {
    const auto& slot = world.slots()[i];
    if (i < images.size())
      std::fprintf(stderr, "softcard rig: reader '%s': %s\n", slot.reader.c_str(),
                   images[i].filename().c_str());
    else
      std::fprintf(stderr, "softcard rig: reader '%s': empty (vpcd on 127.0.0.1:%u%s)\n",
                   slot.reader.c_str(), slot.port,
                   world.private_network() ? " inside the rig's network namespace" : "");
  }
  if (opts.print_env) {
    for (const auto& e : env) std::printf("%s\n", e.c_str());
    std::printf("SOFTCARD_RIG_READY=1\n");
    std::fflush(stdout);
  }

  // A Ctrl-C or SIGTERM that came while the world was being set up means: do not start COMMAND.
  const timespec no_wait{0, 0};
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop_signals, s);
  if (const int early = ::sigtimedwait(&stop_signals, nullptr, &no_wait); early > 0) {
    spdlog::info("interrupted during set-up, not starting the command");
    served.stop();
    served.wait_and_close();
    world.stop_pcscd();
    return opts.hold ? 0 : 128 + early;
  }

  pid_t child = -1;
  if (!opts.command.empty()) child = spawn_command(opts.command, env);

  int result = 0;
  bool done = false;
  while (!done) {
    siginfo_t info{};
    const int sig = ::sigwaitinfo(&handled, &info);
    if (sig < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "sigwaitinfo");
    }
    if (sig == SIGCHLD) {
      int status = 0;
      pid_t pid;
      while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == child) {
          result = exit_status(status);
          child = -1;
          done = true;
        } else if (pid == world.pcscd_pid()) {
          world.forget_pcscd();
          spdlog::error("the private pcscd exited unexpectedly (status {})\n{}",
                        exit_status(status), world.pcscd_log_tail());
          if (opts.hold) {
            result = 1;
            done = true;
          }
        }
      }
      continue;
    }
    // SIGINT/SIGTERM/SIGHUP.
    if (child > 0) {
      // A terminal's Ctrl-C already reached COMMAND (same process group); forward anything else.
      if (info.si_code != SI_KERNEL) ::kill(child, sig);
      continue;  // COMMAND decides; its exit ends the rig
    }
    done = true;  // --hold: stop on request, successfully
  }
  served.stop();
  served.wait_and_close();
  world.stop_pcscd();
  return result;
}

}  // namespace

void register_rig(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "rig",
      "Run COMMAND in a private PC/SC world (own pcscd and vpcd readers) with the cards inserted; "
      "exit with COMMAND's status");
  auto opts = std::make_shared<RigOptions>();
  cmd->add_option("--card", opts->cards, "Card image to insert (repeatable; one reader slot each)")
      ->check(CLI::ExistingFile);
  cmd->add_option(
      "--profile", opts->profiles,
      "Insert a fresh temporary card made from a profile (built-in name or JSON file; repeatable)");
  cmd->add_option("--slots", opts->slots,
                  "Total reader slots, at most 2 (default: one per card); extra slots stay empty "
                  "for cards served "
                  "by `softcard run --vpcd $SOFTCARD_RIG_VPCD_<n>` from inside the rig")
      ->check(CLI::Validator(
          [](std::string& text) {
            return text == "1" || text == "2"
                       ? std::string()
                       : "'" + text + "': 1 or 2 (at most 2 slots per rig, see docs/vpcd.md)";
          },
          "1|2"));
  cmd->add_flag(
      "--hold", opts->hold,
      "No COMMAND: keep the world up until SIGINT/SIGTERM (or until the parent process "
      "exits), for clients outside the rig (they need PCSCLITE_CSOCK_NAME, see --print-env)");
  cmd->add_flag(
      "--print-env", opts->print_env,
      "When ready, print KEY=VALUE lines (PCSCLITE_CSOCK_NAME, SOFTCARD_RIG_READER_<n>, ...) "
      "and SOFTCARD_RIG_READY=1 on stdout");
  cmd->add_flag("--trace", opts->trace, "Print every APDU and response");
  add_trace_file_option(cmd, opts->trace_file);
  cmd->add_flag(
      "--host-network", opts->host_network,
      "Do not use a private network namespace (vpcd then listens on free host ports, on all "
      "interfaces); lets processes outside the rig serve cards into its empty slots");
  add_key_options(cmd, opts->key,
                  "the key of the --card images (each must be encrypted under it); --profile "
                  "cards are then encrypted under it too");
  cmd->add_option("--timeout", opts->timeout_s, "Seconds to wait for readers and cards")
      ->capture_default_str()
      ->check(positive_seconds(24 * 3600));
  cmd->add_option("COMMAND", opts->command, "Command and arguments, after --");
  cmd->positionals_at_end();
  cmd->callback([opts] {
    log_to_stderr();
    const int status = run_rig(*opts);
    if (status != 0) throw CLI::RuntimeError(status);
  });
}

}  // namespace softcard::cli
