// Serving a card to a vpcd reader slot (the PC/SC world itself is started from Python: see
// softcard/rig.py). Waits release the GIL.
#include <pybind11/stl.h>

#include "core.h"

namespace softcard::py {

namespace {

harness::ServedCard& served(CardHandle& h) {
  auto* s = h.served();
  if (!s) throw pyb::value_error("the card is not served (call serve() first)");
  return *s;
}

harness::ServeState parse_state(const std::string& s) {
  using harness::ServeState;
  for (auto st :
       {ServeState::connecting, ServeState::connected, ServeState::removed, ServeState::stopped})
    if (s == harness::to_string(st)) return st;
  throw pyb::value_error("unknown serve state '" + s + "'");
}

std::chrono::milliseconds ms(double seconds) {
  if (seconds < 0) throw pyb::value_error("timeout must not be negative");
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

}  // namespace

void register_rig(pyb::module_& m) {
  m.def(
      "serve",
      [](CardHandle& h, const std::string& host, std::uint16_t port, double reconnect_after_drop) {
        harness::ServeOptions o;
        o.host = host;
        o.port = port;
        o.reconnect_delay = ms(reconnect_after_drop);
        h.serve(std::move(o));
      },
      pyb::arg("card"), pyb::arg("host"), pyb::arg("port"), pyb::arg("reconnect_after_drop") = 1.0,
      pyb::call_guard<pyb::gil_scoped_release>());
  m.def(
      "unserve", [](CardHandle& h) { h.unserve(); }, pyb::call_guard<pyb::gil_scoped_release>());
  m.def("is_served", [](CardHandle& h) { return h.served() != nullptr; });
  m.def("serve_state",
        [](CardHandle& h) { return std::string(harness::to_string(served(h).state())); });
  m.def("serve_connections", [](CardHandle& h) { return served(h).connections(); });
  m.def("serve_apdus", [](CardHandle& h) { return served(h).apdus(); });
  m.def(
      "serve_remove", [](CardHandle& h) { served(h).remove(); },
      pyb::call_guard<pyb::gil_scoped_release>());
  m.def(
      "serve_insert", [](CardHandle& h) { served(h).insert(); },
      pyb::call_guard<pyb::gil_scoped_release>());
  m.def(
      "serve_wait",
      [](CardHandle& h, const std::string& state, double timeout) {
        auto& s = served(h);
        const auto want = parse_state(state);
        const auto t = ms(timeout);
        pyb::gil_scoped_release release;
        return s.wait_for(want, t);
      },
      pyb::arg("card"), pyb::arg("state"), pyb::arg("timeout"));
  m.def(
      "serve_wait_connections",
      [](CardHandle& h, std::uint64_t n, double timeout) {
        auto& s = served(h);
        const auto t = ms(timeout);
        pyb::gil_scoped_release release;
        return s.wait_connections(n, t);
      },
      pyb::arg("card"), pyb::arg("count"), pyb::arg("timeout"));
}

}  // namespace softcard::py
