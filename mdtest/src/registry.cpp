#include "registry.h"

#include <stdexcept>

#include "errors.h"

namespace softcard::mdtest {

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::pass:
      return "PASS";
    case Outcome::fail:
      return "FAIL";
    case Outcome::skip:
      return "SKIP";
  }
  return "?";
}

std::string group_of(const std::string& node_name) {
  return node_name.substr(0, node_name.find('.'));
}

void Checker::rc(std::uint32_t expected, std::uint32_t actual, const std::string& what) {
  last_expected = expected;
  last_actual = actual;
  last_what = what;
  if (expected != actual)
    throw NodeFailure(what + ": expected " + error_name(expected) + ", got " + error_name(actual),
                      expected, actual);
}

void Checker::rc_any(std::initializer_list<std::uint32_t> allowed, std::uint32_t actual,
                     const std::string& what) {
  last_expected = *allowed.begin();
  last_actual = actual;
  last_what = what;
  for (auto a : allowed)
    if (a == actual) {
      last_expected = a;
      return;
    }
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : " or ") + error_name(a);
  throw NodeFailure(what + ": expected " + list + ", got " + error_name(actual), *allowed.begin(),
                    actual);
}

void Checker::require(bool condition, const std::string& what) {
  if (!condition) throw NodeFailure(what);
}

void Checker::skip(const std::string& why) {
  throw NodeSkip(why);
}

void Registry::add(std::string name, std::string description,
                   std::function<void(Env&, Checker&)> run) {
  for (const auto& n : nodes_)
    if (n.name == name) throw std::logic_error("duplicate test node " + name);
  nodes_.push_back(Node{std::move(name), std::move(description), std::move(run)});
}

bool glob_match(const std::string& pattern, const std::string& text) {
  std::size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool selected(const std::string& name, const std::vector<std::string>& only,
              const std::vector<std::string>& skip) {
  bool in = only.empty();
  for (const auto& g : only) in = in || glob_match(g, name);
  if (!in) return false;
  for (const auto& g : skip)
    if (glob_match(g, name)) return false;
  return true;
}

}  // namespace softcard::mdtest
