// softcard: a virtual smart card and reader emulator.
#include <CLI/CLI.hpp>
#include <cstdio>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "cli_checks.h"
#include "commands.h"

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // Every VERIFY runs scrypt over 16 MiB (docs/card-image.md). glibc's dynamic mmap threshold
  // rises to such a block after its first free, so later ones stay in the serving thread's
  // arena: `softcard run` held 16 MiB per thread that ever verified a PIN (78 MB RSS after a
  // warm-up instead of 12 MB, tests/integration/faults/fault_test.py). A fixed threshold sends
  // them back to the system after each VERIFY.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
  CLI::App app{"softcard: virtual smart cards (GIDS, ISO) served as real PC/SC readers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "softcard 0.1.0");
  softcard::cli::register_init(app);
  softcard::cli::register_inspect(app);
  softcard::cli::register_run(app);
  softcard::cli::register_rig(app);
  softcard::cli::register_demo(app);
  if (const auto word = softcard::cli::unknown_subcommand(app, argc, argv); !word.empty()) {
    std::fprintf(stderr,
                 "softcard: unknown subcommand '%s' (expected init, inspect, run, rig or demo; "
                 "see --help)\n",
                 word.c_str());
    return 109;  // CLI11's exit code for unexpected arguments
  }
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
