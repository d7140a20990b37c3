#pragma once
// `softcard run --applet MODULE:CLASS ...`: cards with applets written in Python are served by
// the Python package's runner (python3 -m softcard.run), which this process becomes (exec), so
// the CLI embeds no Python unless asked. docs/python.md, "softcard run --applet".
#include <string>
#include <vector>

namespace softcard::cli {

struct RunnerArgs {
  std::vector<std::string> applets;  // MODULE:CLASS or FILE.py:CLASS
  std::string default_applet;
  std::string vpcd;
  std::string listen;
  bool trace = false;
  std::string faults;
  std::string key_file;
  int key_fd = -1;
  std::vector<std::string> images;
};

// Replaces this process with the Python runner; returns only by throwing (std::runtime_error
// naming the interpreter when exec fails).
[[noreturn]] void exec_python_runner(const RunnerArgs& args);

}  // namespace softcard::cli
