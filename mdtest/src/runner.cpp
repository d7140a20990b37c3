#include "runner.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "errors.h"

namespace softcard::mdtest {

NodeResult run_node(const Node& node, Env& env) {
  NodeResult r;
  r.name = node.name;
  r.group = group_of(node.name);
  Checker check;
  const auto start = std::chrono::steady_clock::now();
  try {
    AllocTracker::Use use(env.tracker());
    node.run(env, check);
    r.outcome = Outcome::pass;
    r.message = check.last_what;
    r.expected = check.last_expected;
    r.actual = check.last_actual;
  } catch (const NodeFailure& f) {
    r.outcome = Outcome::fail;
    r.message = f.what();
    r.expected = f.expected;
    r.actual = f.actual;
  } catch (const NodeSkip& s) {
    r.outcome = Outcome::skip;
    r.message = s.what();
  } catch (const std::exception& e) {
    r.outcome = Outcome::fail;
    r.message = std::string("unexpected exception: ") + e.what();
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

std::string encode_result(const NodeResult& r) {
  std::string s;
  auto field = [&](const std::string& f) {
    s += f;
    s += '\0';
  };
  field(std::to_string(static_cast<int>(r.outcome)));
  field(r.expected ? std::to_string(*r.expected) : "");
  field(r.actual ? std::to_string(*r.actual) : "");
  field(std::to_string(r.seconds));
  field(r.message);
  return s;
}

bool decode_result(const std::string& text, NodeResult& r) {
  std::vector<std::string> f;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find('\0', pos);
    if (end == std::string::npos) return false;
    f.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  if (f.size() != 5) return false;
  try {
    const int o = std::stoi(f[0]);
    if (o < 0 || o > 2) return false;
    r.outcome = static_cast<Outcome>(o);
    r.expected.reset();
    r.actual.reset();
    if (!f[1].empty()) r.expected = static_cast<std::uint32_t>(std::stoul(f[1]));
    if (!f[2].empty()) r.actual = static_cast<std::uint32_t>(std::stoul(f[2]));
    r.seconds = std::stod(f[3]);
  } catch (const std::exception&) {
    return false;
  }
  r.message = f[4];
  return true;
}

namespace {

NodeResult run_isolated(const Node& node, Env& env, double timeout) {
  NodeResult r;
  r.name = node.name;
  r.group = group_of(node.name);
  int fds[2];
  if (::pipe(fds) != 0) return run_node(node, env);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return run_node(node, env);
  }
  if (pid == 0) {
    ::close(fds[0]);
    const std::string out = encode_result(run_node(node, env));
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    std::fflush(nullptr);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  const auto start = std::chrono::steady_clock::now();
  bool timed_out = false;
  for (;;) {
    const double left =
        timeout - std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left * 1000) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (timed_out) {
    r.outcome = Outcome::fail;
    r.message = "node did not finish within " + std::to_string(static_cast<int>(timeout)) + " s";
  } else if (WIFSIGNALED(status)) {
    r.outcome = Outcome::fail;
    r.message = "the process running the node died of signal " + std::to_string(WTERMSIG(status)) +
                " (the minidriver crashed)";
  } else if (!decode_result(text, r)) {
    r.outcome = Outcome::fail;
    r.message = "the process running the node exited without a result";
  }
  return r;
}

}  // namespace

std::vector<NodeResult> run_nodes(const std::vector<const Node*>& nodes, Env& env,
                                  const RunnerOptions& options) {
  std::vector<NodeResult> results;
  for (const Node* node : nodes) {
    NodeResult r =
        options.isolate ? run_isolated(*node, env, options.node_timeout) : run_node(*node, env);
    if (options.progress) {
      std::cerr << outcome_name(r.outcome) << "  " << r.name;
      if (r.outcome != Outcome::pass && !r.message.empty()) std::cerr << "  " << r.message;
      std::cerr << std::endl;
    }
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace softcard::mdtest
