// softcard demo: the minidriver v7 Secure Key Injection scenario (CA key archival) run for real
// through a private pcscd + vpcd. The client is demo_client.* + demo_scenario.cpp, the no-card
// server demo_server.*.
#include <CLI/CLI.hpp>
#include <memory>

#include "commands.h"
#include "demo_client.h"
#include "demo_server.h"

namespace softcard::cli {

void register_demo(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "demo", "Secure Key Injection end to end (CA key archival) through a private pcscd + vpcd");
  auto all = std::make_shared<bool>(false);
  auto server = std::make_shared<bool>(false);
  auto trace_file = std::make_shared<std::string>();
  cmd->add_flag(
      "--all", *all,
      "Also run the shared-symmetric, ECC, CSF_AUTHENTICATE and CSF_CHANGE_AUTHENTICATOR flows");
  cmd->add_flag("--server", *server, "Internal: the no-card server process")->group("");
  add_trace_file_option(cmd, *trace_file);
  cmd->callback([all, server, trace_file] {
    const int rc = *server ? demo::run_server() : demo::DemoClient(*all, *trace_file).run();
    if (rc) throw CLI::RuntimeError(rc);
  });
}

}  // namespace softcard::cli
