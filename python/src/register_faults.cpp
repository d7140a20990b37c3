// Fault rules, the latency profile and the trace buffer of a card.
#include <pybind11/stl.h>

#include "core.h"
#include "softcard/harness/rule_file.h"

namespace softcard::py {

namespace {

harness::Action parse_action(const std::string& s) {
  using harness::Action;
  for (auto a : {Action::answer_sw, Action::delay, Action::corrupt, Action::drop_link,
                 Action::tear_before, Action::tear_after})
    if (s == harness::to_string(a)) return a;
  throw pyb::value_error("unknown fault action '" + s +
                         "' (answer_sw, delay, corrupt, drop_link, tear_before, tear_after)");
}

// A Python callable kept by a rule; released with the GIL held, whichever thread drops it last.
std::function<bool(ByteView)> wrap_predicate(pyb::object fn) {
  std::shared_ptr<pyb::object> holder(new pyb::object(std::move(fn)), [](pyb::object* o) {
    if (!Py_IsInitialized()) return;  // interpreter gone: leak rather than crash
    pyb::gil_scoped_acquire gil;
    delete o;
  });
  return [holder](ByteView command) {
    pyb::gil_scoped_acquire gil;
    try {
      pyb::bytes b(reinterpret_cast<const char*>(command.data()), command.size());
      return pyb::bool_((*holder)(b)).cast<bool>();
    } catch (pyb::error_already_set& e) {
      throw std::runtime_error(std::string("predicate raised: ") + e.what());
    }
  };
}

pyb::dict rule_info(const harness::Rule& r) {
  pyb::dict d;
  d["id"] = r.id;
  d["label"] = r.label;
  d["action"] = std::string(harness::to_string(r.action));
  d["matched"] = r.matched;
  d["fired"] = r.fired;
  d["skip"] = r.skip;
  d["times"] = r.times;
  d["exhausted"] = r.exhausted();
  return d;
}

}  // namespace

void register_faults(pyb::module_& m) {
  m.def(
      "add_rule",
      [](CardHandle& h, const std::string& action, const pyb::bytes& mask, const pyb::bytes& value,
         pyb::object predicate, std::uint16_t sw, std::int64_t delay_us, std::int32_t corrupt_index,
         std::uint8_t corrupt_xor, std::uint32_t skip, std::uint32_t times,
         const std::string& label) {
        harness::Rule r;
        r.action = parse_action(action);
        auto mv = as_view(mask);
        auto vv = as_view(value);
        if (vv.size() > mv.size()) throw pyb::value_error("match value is longer than its mask");
        r.match.mask.assign(mv.begin(), mv.end());
        r.match.value.assign(vv.begin(), vv.end());
        if (!predicate.is_none()) {
          if (!PyCallable_Check(predicate.ptr()))
            throw pyb::type_error("predicate must be callable");
          r.match.predicate = wrap_predicate(std::move(predicate));
        }
        r.sw = sw;
        if (delay_us < 0) throw pyb::value_error("delay must not be negative");
        r.delay = std::chrono::microseconds(delay_us);
        r.corrupt_index = corrupt_index;
        r.corrupt_xor = corrupt_xor;
        r.skip = skip;
        r.times = times;
        r.label = label;
        auto& f = h.faulty();
        pyb::gil_scoped_release release;
        return f.add_rule(std::move(r));
      },
      pyb::arg("card"), pyb::arg("action"), pyb::arg("mask"), pyb::arg("value"),
      pyb::arg("predicate"), pyb::arg("sw"), pyb::arg("delay_us"), pyb::arg("corrupt_index"),
      pyb::arg("corrupt_xor"), pyb::arg("skip"), pyb::arg("times"), pyb::arg("label"));
  m.def("remove_rule", [](CardHandle& h, std::uint64_t id) {
    auto& f = h.faulty();
    pyb::gil_scoped_release release;
    return f.remove_rule(id);
  });
  m.def("clear_rules", [](CardHandle& h) {
    auto& f = h.faulty();
    pyb::gil_scoped_release release;
    f.clear_rules();
  });
  m.def("rules", [](CardHandle& h) {
    std::vector<harness::Rule> rules;
    auto& f = h.faulty();
    {
      pyb::gil_scoped_release release;
      rules = f.rules();
    }
    pyb::list out;
    for (const auto& r : rules) out.append(rule_info(r));
    return out;
  });
  m.def("rule", [](CardHandle& h, std::uint64_t id) -> pyb::object {
    auto r = h.faulty().rule(id);
    if (!r) return pyb::none();
    return rule_info(*r);
  });
  m.def("set_latency", [](CardHandle& h, std::int64_t per_command_us, std::int64_t per_byte_us) {
    if (per_command_us < 0 || per_byte_us < 0)
      throw pyb::value_error("latency must not be negative");
    h.faulty().set_latency(
        {std::chrono::microseconds(per_command_us), std::chrono::microseconds(per_byte_us)});
  });
  m.def("latency", [](CardHandle& h) {
    auto l = h.faulty().latency();
    return pyb::make_tuple(l.per_command.count(), l.per_byte.count());
  });
  m.def("note", [](CardHandle& h, std::string text) { h.faulty().note(std::move(text)); });

  m.def("trace_records", [](CardHandle& h) { return h.faulty().trace().snapshot(); });
  m.def("trace_clear", [](CardHandle& h) { h.faulty().trace().clear(); });
  m.def("trace_set_enabled", [](CardHandle& h, bool on) { h.faulty().trace().set_enabled(on); });
  m.def("trace_enabled", [](CardHandle& h) { return h.faulty().trace().enabled(); });
  m.def("trace_set_capacity",
        [](CardHandle& h, std::size_t n) { h.faulty().trace().set_capacity(n); });
  m.def("trace_capacity", [](CardHandle& h) { return h.faulty().trace().capacity(); });
  m.def("trace_overflowed", [](CardHandle& h) { return h.faulty().trace().overflowed(); });
  m.def("trace_epoch_ns", [](CardHandle& h) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               h.faulty().trace().epoch().time_since_epoch())
        .count();
  });
  // `softcard run --applet ... --faults FILE` (python -m softcard.run): the same file format and
  // rules as the C++ runner. Returns how many rules the file has (for every card).
  m.def(
      "apply_fault_file",
      [](CardHandle& h, const std::string& path, std::size_t index, std::size_t cards) {
        const auto file = harness::load_fault_file(path);
        file.check_cards(cards);
        file.apply(index, h.faulty());
        return file.rules.size();
      },
      pyb::arg("card"), pyb::arg("path"), pyb::arg("index"), pyb::arg("cards"));
}

}  // namespace softcard::py
