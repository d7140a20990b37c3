// softcard-mdtest: an open minidriver certification suite (docs/mdtest.md).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "config.h"
#include "env.h"
#include "expectations.h"
#include "module.h"
#include "nodes.h"
#include "report.h"
#include "runner.h"

using namespace softcard::mdtest;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string self_exe(const char* argv0) {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) return std::string(buf, static_cast<std::size_t>(n));
  return argv0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"softcard-mdtest: minidriver v7 certification suite (docs/mdtest.md)"};
  std::string lib_path, config_path, junit_path, known_path, worker;
  std::vector<std::string> only, skip;
  bool list = false, no_fork = false, verbose = false;
  double timeout = 300;
  app.add_option("--lib", lib_path, "minidriver library to test (overrides the config's library)");
  app.add_option("--config", config_path, "JSON description of the card under test");
  app.add_option("--junit", junit_path, "write JUnit XML results to this file");
  app.add_option("--only", only, "run only nodes matching this glob (repeatable)");
  app.add_option("--skip", skip, "do not run nodes matching this glob (repeatable)");
  app.add_flag("--list", list, "list the selected nodes with what they check, run nothing");
  app.add_option("--known-failures", known_path,
                 "exit 0 only when exactly the nodes listed in FILE fail");
  app.add_flag("--no-fork", no_fork, "run nodes in this process (a crash ends the run)");
  app.add_flag("-v,--verbose", verbose, "list passing nodes in the summary too");
  app.add_option("--node-timeout", timeout, "seconds before an isolated node is killed (300)");
  app.add_option("--worker", worker, "internal: run one stress worker loop")->group("");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help prints and exits 0; every usage error is exit status 2 (docs/mdtest.md).
    return app.exit(e) == 0 ? 0 : 2;
  }

  Registry registry;
  register_all(registry);
  std::vector<const Node*> chosen;
  for (const auto& n : registry.nodes())
    if (selected(n.name, only, skip)) chosen.push_back(&n);

  if (list) {
    for (const Node* n : chosen) std::cout << n->name << "  " << n->description << "\n";
    std::cout << chosen.size() << " nodes\n";
    return 0;
  }

  try {
    Config config = config_path.empty() ? Config{} : parse_config(read_text(config_path));
    if (!lib_path.empty()) config.library = lib_path;
    if (config.library.empty()) throw std::runtime_error("no library: give --lib or \"library\"");
    KnownFailures known;
    if (!known_path.empty()) known = parse_known_failures(read_text(known_path));
    Library lib(config.library);
    Env env(config, lib, RunOptions{self_exe(argv[0]), config_path, config.library});
    if (!worker.empty()) return run_worker(worker, env);

    RunnerOptions ro;
    ro.isolate = !no_fork;
    ro.node_timeout = timeout;
    // Readers are found once, before any node forks (children inherit the names).
    try {
      env.reader(0);
    } catch (const NodeSkip& s) {
      std::cerr << "softcard-mdtest: " << s.what() << "\n";
    }
    const auto results = run_nodes(chosen, env, ro);
    if (!junit_path.empty()) {
      std::ofstream out(junit_path);
      write_junit(out, "softcard-mdtest", results);
      if (!out) throw std::runtime_error("cannot write " + junit_path);
    }
    std::cout << "\n";
    write_summary(std::cout, results, verbose);
    if (known_path.empty()) return totals(results).fail ? 1 : 0;

    std::vector<std::string> all;
    for (const auto& n : registry.nodes()) all.push_back(n.name);
    const auto rep = compare(known, results, all);
    for (const auto& n : rep.unexpected_failures)
      std::cout << "UNEXPECTED FAILURE (not in the known-failures list): " << n << "\n";
    for (const auto& n : rep.now_passing)
      std::cout << "NOW PASSING (remove it from the known-failures list): " << n << "\n";
    for (const auto& n : rep.listed_but_skipped)
      std::cout << "LISTED BUT SKIPPED (the list must name failures only): " << n << "\n";
    for (const auto& n : rep.unknown_nodes)
      std::cout << "LISTED NODE DOES NOT EXIST: " << n << "\n";
    std::cout << (rep.ok() ? "results match the known-failures list\n"
                           : "results do NOT match the known-failures list\n");
    return rep.ok() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "softcard-mdtest: " << e.what() << "\n";
    return 2;
  }
}
