#pragma once
// Runs the selected nodes, each in its own child process by default, so a minidriver that
// crashes or hangs fails that node instead of ending the run.
#include <string>
#include <vector>

#include "env.h"
#include "registry.h"
#include "result.h"

namespace softcard::mdtest {

struct RunnerOptions {
  bool isolate = true;        // fork per node
  double node_timeout = 300;  // seconds, isolated nodes only
  bool progress = true;       // one line per node on stderr as it finishes
};

// Runs one node in this process.
NodeResult run_node(const Node& node, Env& env);

std::vector<NodeResult> run_nodes(const std::vector<const Node*>& nodes, Env& env,
                                  const RunnerOptions& options);

// The result as one record and back (the child -> parent pipe format; fields NUL-separated).
std::string encode_result(const NodeResult& r);
bool decode_result(const std::string& text, NodeResult& r);

}  // namespace softcard::mdtest
