#pragma once
// The known-failures file: nodes expected to fail today, each with a one-line reason. A run
// matches it when exactly the listed nodes (among those that ran) fail, so the list can neither
// hide a new failure nor keep a node that was fixed.
#include <map>
#include <string>
#include <vector>

#include "result.h"

namespace softcard::mdtest {

struct KnownFailures {
  std::map<std::string, std::string> reasons;  // node name -> reason
};

// Format: one node per line, "NODE  reason..." (the reason is mandatory); '#' starts a comment
// line; blank lines ignored. Throws std::runtime_error with the line number on a bad line
// (missing reason, duplicate node).
KnownFailures parse_known_failures(const std::string& text);

struct ExpectationReport {
  std::vector<std::string> unexpected_failures;  // failed, not listed
  std::vector<std::string> now_passing;          // listed, passed: remove them from the list
  std::vector<std::string> listed_but_skipped;   // listed, skipped: the list is not the truth
  std::vector<std::string> unknown_nodes;        // listed, not a node of the tree
  bool ok() const {
    return unexpected_failures.empty() && now_passing.empty() && listed_but_skipped.empty() &&
           unknown_nodes.empty();
  }
};

// `all_nodes` is the whole tree (to find listed names that do not exist); nodes that were not
// selected for this run are simply absent from `results` and not judged.
ExpectationReport compare(const KnownFailures& known, const std::vector<NodeResult>& results,
                          const std::vector<std::string>& all_nodes);

}  // namespace softcard::mdtest
