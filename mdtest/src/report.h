#pragma once
// Reports of a run: JUnit XML (what CI systems display) and the readable summary.
#include <iosfwd>
#include <string>
#include <vector>

#include "result.h"

namespace softcard::mdtest {

struct Totals {
  int pass = 0, fail = 0, skip = 0;
};
Totals totals(const std::vector<NodeResult>& results);

// One <testsuite name="suite">, one <testcase classname=group name=node> per result; failures
// carry expected/actual in the message, skips a <skipped message=...>.
void write_junit(std::ostream& out, const std::string& suite,
                 const std::vector<NodeResult>& results);

// One line per node: outcome, name, expected and actual code, message; then the totals.
void write_summary(std::ostream& out, const std::vector<NodeResult>& results, bool verbose);

}  // namespace softcard::mdtest
