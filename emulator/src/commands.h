#pragma once
// Each `softcard` subcommand registers itself on the CLI11 app from its own file.
#include <CLI/CLI.hpp>

namespace softcard::cli {

void register_init(CLI::App& app);
void register_inspect(CLI::App& app);
void register_run(CLI::App& app);
void register_rig(CLI::App& app);
void register_demo(CLI::App& app);
void register_trace(CLI::App& app);  // cmd_trace.cpp: show, diff, html, import

// --trace-file FILE on run, rig and demo (cmd_trace_option.cpp).
void add_trace_file_option(CLI::App* cmd, std::string& path);

}  // namespace softcard::cli
