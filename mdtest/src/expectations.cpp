#include "expectations.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <stdexcept>

namespace softcard::mdtest {

KnownFailures parse_known_failures(const std::string& text) {
  KnownFailures k;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto end = line.find_first_of(" \t", first);
    const std::string node = line.substr(first, end - first);
    std::string reason;
    if (end != std::string::npos) {
      const auto r = line.find_first_not_of(" \t", end);
      if (r != std::string::npos) reason = line.substr(r);
    }
    if (reason.empty())
      throw std::runtime_error("known failures line " + std::to_string(number) + ": node " + node +
                               " has no reason");
    if (!k.reasons.emplace(node, reason).second)
      throw std::runtime_error("known failures line " + std::to_string(number) +
                               ": duplicate node " + node);
  }
  return k;
}

ExpectationReport compare(const KnownFailures& known, const std::vector<NodeResult>& results,
                          const std::vector<std::string>& all_nodes) {
  ExpectationReport rep;
  const std::set<std::string> tree(all_nodes.begin(), all_nodes.end());
  for (const auto& [node, reason] : known.reasons)
    if (!tree.count(node)) rep.unknown_nodes.push_back(node);
  for (const auto& r : results) {
    const bool listed = known.reasons.count(r.name) != 0;
    if (r.outcome == Outcome::fail && !listed) rep.unexpected_failures.push_back(r.name);
    if (r.outcome == Outcome::pass && listed) rep.now_passing.push_back(r.name);
    if (r.outcome == Outcome::skip && listed) rep.listed_but_skipped.push_back(r.name);
  }
  return rep;
}

}  // namespace softcard::mdtest
