// softcard: a virtual smart card and reader emulator.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"softcard: virtual smart cards (GIDS, ISO) served as real PC/SC readers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "softcard 0.1.0");
  softcard::cli::register_init(app);
  softcard::cli::register_inspect(app);
  softcard::cli::register_run(app);
  softcard::cli::register_rig(app);
  softcard::cli::register_demo(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "softcard: %s\n", e.what());
    return 1;
  }
  return 0;
}
