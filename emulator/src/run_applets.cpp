#include "run_applets.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace softcard::cli {

namespace {

namespace fs = std::filesystem;

// A build tree's binary runs the build tree's package (its _core and the repository's Python
// code); an installed binary the interpreter's own (dist-packages). SOFTCARD_PYTHONPATH, when
// set, is put in front either way.
std::string python_path() {
  std::string path;
  const auto add = [&](const std::string& dir) {
    if (dir.empty()) return;
    if (!path.empty()) path += ':';
    path += dir;
  };
  if (const char* extra = std::getenv("SOFTCARD_PYTHONPATH")) add(extra);
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && fs::equivalent(self.parent_path(), fs::path(SOFTCARD_BUILD_BIN_DIR), ec)) {
    add(SOFTCARD_BUILD_PYTHON_DIR);
    add(SOFTCARD_SOURCE_PYTHON_DIR);
  }
  if (const char* current = std::getenv("PYTHONPATH")) add(current);
  return path;
}

}  // namespace

void exec_python_runner(const RunnerArgs& a) {
  const char* env_python = std::getenv("SOFTCARD_PYTHON");
  const std::string python = env_python && *env_python ? env_python : SOFTCARD_PYTHON_EXECUTABLE;
  std::vector<std::string> argv = {python, "-m", "softcard.run"};
  for (const auto& applet : a.applets) argv.insert(argv.end(), {"--applet", applet});
  if (!a.default_applet.empty()) argv.insert(argv.end(), {"--default-applet", a.default_applet});
  if (!a.vpcd.empty()) argv.insert(argv.end(), {"--vpcd", a.vpcd});
  if (!a.listen.empty()) argv.insert(argv.end(), {"--listen", a.listen});
  if (a.trace) argv.emplace_back("--trace");
  if (!a.faults.empty()) argv.insert(argv.end(), {"--faults", a.faults});
  if (!a.key_file.empty()) argv.insert(argv.end(), {"--key-file", a.key_file});
  if (a.key_fd >= 0) argv.insert(argv.end(), {"--key-fd", std::to_string(a.key_fd)});
  argv.emplace_back("--");
  argv.insert(argv.end(), a.images.begin(), a.images.end());

  const std::string path = python_path();
  if (!path.empty()) ::setenv("PYTHONPATH", path.c_str(), 1);
  std::vector<char*> raw;
  for (auto& s : argv) raw.push_back(s.data());
  raw.push_back(nullptr);
  ::execv(python.c_str(), raw.data());
  throw std::runtime_error("--applet needs Python: cannot run " + python + ": " +
                           std::strerror(errno));
}

}  // namespace softcard::cli
