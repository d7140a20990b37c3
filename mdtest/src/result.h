#pragma once
// What one test node produced: the unit of the summary, the JUnit file and the expectations check.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace softcard::mdtest {

enum class Outcome { pass, fail, skip };

struct NodeResult {
  std::string name;   // e.g. "neg.CardReadFile.null_name"
  std::string group;  // first dotted component ("neg"), the JUnit classname
  Outcome outcome = Outcome::pass;
  // The decisive check: for a failure the one that failed, for a pass the last one made.
  std::optional<std::uint32_t> expected, actual;
  std::string message;  // what was checked / why it failed / why it was skipped
  double seconds = 0;
};

const char* outcome_name(Outcome o);
std::string group_of(const std::string& node_name);

}  // namespace softcard::mdtest
