#pragma once
// Option validators shared by the subcommands: bad values are refused at parse time with the
// option named, instead of being retried forever or misread later.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace softcard::cli {

// Hex bytes (spaces and ':' allowed between digits), at least one byte.
CLI::Validator hex_bytes();
// A finite number of seconds in (0, max_seconds].
CLI::Validator positive_seconds(double max_seconds);
// A vpcd endpoint: HOST:PORT whose port is not 0 and whose host resolves now.
CLI::Validator vpcd_endpoint();
// argv[1] when it is neither an option nor one of the app's subcommands (CLI11 would report it as
// "A subcommand is required"); empty otherwise.
std::string unknown_subcommand(const CLI::App& app, int argc, char** argv);

}  // namespace softcard::cli
