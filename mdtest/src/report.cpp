#include "report.h"

#include <cstdio>
#include <map>
#include <ostream>

#include "errors.h"
#include "softcard/wire/markup.h"

namespace softcard::mdtest {

Totals totals(const std::vector<NodeResult>& results) {
  Totals t;
  for (const auto& r : results) {
    if (r.outcome == Outcome::pass) ++t.pass;
    if (r.outcome == Outcome::fail) ++t.fail;
    if (r.outcome == Outcome::skip) ++t.skip;
  }
  return t;
}

namespace {

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

std::string codes_text(const NodeResult& r) {
  std::string s;
  if (r.expected) s += "expected " + error_name(*r.expected);
  if (r.actual) s += (s.empty() ? "" : ", ") + std::string("actual ") + error_name(*r.actual);
  return s;
}

}  // namespace

void write_junit(std::ostream& out, const std::string& suite,
                 const std::vector<NodeResult>& results) {
  const Totals t = totals(results);
  double total_s = 0;
  for (const auto& r : results) total_s += r.seconds;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"" << wire::markup_escape(suite) << "\" tests=\"" << results.size()
      << "\" failures=\"" << t.fail << "\" errors=\"0\" skipped=\"" << t.skip << "\" time=\""
      << seconds_text(total_s) << "\">\n";
  out << "  <testsuite name=\"" << wire::markup_escape(suite) << "\" tests=\"" << results.size()
      << "\" failures=\"" << t.fail << "\" errors=\"0\" skipped=\"" << t.skip << "\" time=\""
      << seconds_text(total_s) << "\">\n";
  for (const auto& r : results) {
    out << "    <testcase classname=\"" << wire::markup_escape(r.group) << "\" name=\""
        << wire::markup_escape(r.name) << "\" time=\"" << seconds_text(r.seconds) << "\"";
    const std::string codes = codes_text(r);
    if (r.outcome == Outcome::pass && codes.empty() && r.message.empty()) {
      out << "/>\n";
      continue;
    }
    out << ">\n";
    if (r.outcome == Outcome::fail)
      out << "      <failure message=\"" << wire::markup_escape(r.message)
          << "\" type=\"mismatch\">" << wire::markup_escape(codes) << "</failure>\n";
    else if (r.outcome == Outcome::skip)
      out << "      <skipped message=\"" << wire::markup_escape(r.message) << "\"/>\n";
    else
      out << "      <system-out>"
          << wire::markup_escape(r.message + (codes.empty() ? "" : ": " + codes))
          << "</system-out>\n";
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

void write_summary(std::ostream& out, const std::vector<NodeResult>& results, bool verbose) {
  std::map<std::string, Totals> by_group;
  for (const auto& r : results) {
    auto& g = by_group[r.group];
    if (r.outcome == Outcome::pass) ++g.pass;
    if (r.outcome == Outcome::fail) ++g.fail;
    if (r.outcome == Outcome::skip) ++g.skip;
    // Speed nodes pass whatever the time: their message is the measurement, always shown.
    if (r.outcome == Outcome::pass && !verbose && r.group != "speed") continue;
    out << outcome_name(r.outcome) << "  " << r.name;
    const std::string codes = codes_text(r);
    if (!codes.empty()) out << "  [" << codes << "]";
    if (!r.message.empty()) out << "  " << r.message;
    out << "\n";
  }
  out << "\ngroup            pass  fail  skip\n";
  for (const auto& [name, g] : by_group) {
    char line[96];
    std::snprintf(line, sizeof line, "%-15s %5d %5d %5d\n", name.c_str(), g.pass, g.fail, g.skip);
    out << line;
  }
  const Totals t = totals(results);
  out << "total: " << results.size() << " nodes, " << t.pass << " passed, " << t.fail << " failed, "
      << t.skip << " skipped\n";
}

}  // namespace softcard::mdtest
