#pragma once
// Each `softcard` subcommand registers itself on the CLI11 app from its own file.
#include <CLI/CLI.hpp>

namespace softcard::cli {

void register_init(CLI::App& app);
void register_inspect(CLI::App& app);
void register_run(CLI::App& app);
void register_rig(CLI::App& app);
void register_demo(CLI::App& app);

}  // namespace softcard::cli
