#pragma once
// The test tree: named nodes, selection by glob (--only/--skip) and the checks a node makes.
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "result.h"

namespace softcard::mdtest {

class Env;

// Thrown by a check that did not hold; the node fails with this expected/actual pair.
class NodeFailure : public std::runtime_error {
 public:
  NodeFailure(const std::string& what, std::optional<std::uint32_t> expected_value = {},
              std::optional<std::uint32_t> actual_value = {})
      : std::runtime_error(what), expected(expected_value), actual(actual_value) {}
  std::optional<std::uint32_t> expected, actual;
};

// Thrown when the configuration says the card or library lacks what the node needs.
class NodeSkip : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Handed to each node: records the checks so a passing node still reports its decisive code.
class Checker {
 public:
  // Fails the node unless actual == expected (codes are compared exactly).
  void rc(std::uint32_t expected, std::uint32_t actual, const std::string& what);
  // Passes when actual is any of the allowed codes (only where the spec names alternatives).
  void rc_any(std::initializer_list<std::uint32_t> allowed, std::uint32_t actual,
              const std::string& what);
  void require(bool condition, const std::string& what);
  [[noreturn]] void skip(const std::string& why);

  std::optional<std::uint32_t> last_expected, last_actual;
  std::string last_what;
};

struct Node {
  std::string name;
  std::string description;  // one line: what it checks and the expected code
  std::function<void(Env&, Checker&)> run;
};

class Registry {
 public:
  void add(std::string name, std::string description, std::function<void(Env&, Checker&)> run);
  const std::vector<Node>& nodes() const { return nodes_; }

 private:
  std::vector<Node> nodes_;
};

// Shell-style glob: '*' any run, '?' one character; everything else literal.
bool glob_match(const std::string& pattern, const std::string& text);

// A node is selected when it matches one of `only` (or `only` is empty) and none of `skip`.
bool selected(const std::string& name, const std::vector<std::string>& only,
              const std::vector<std::string>& skip);

}  // namespace softcard::mdtest
