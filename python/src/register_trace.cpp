// The APDU trace: records of exchanges, power events, rule changes and notes.
#include <pybind11/chrono.h>
#include <pybind11/stl.h>

#include <variant>

#include "core.h"
#include "softcard/apdu.h"
#include "softcard/harness/trace_file.h"
#include "softcard/trace/writer.h"

namespace softcard::py {

namespace {

double seconds(faults::Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

void register_trace(pyb::module_& m) {
  using faults::Record;
  pyb::class_<Record>(m, "TraceRecord", "One trace entry (see softcard.trace).")
      .def_readonly("seq", &Record::seq)
      .def_property_readonly("kind",
                             [](const Record& r) { return std::string(faults::to_string(r.kind)); })
      .def_property_readonly(
          "start_ns",
          [](const Record& r) {
            return std::chrono::duration_cast<std::chrono::nanoseconds>(r.start.time_since_epoch())
                .count();
          })
      .def_property_readonly("duration", [](const Record& r) { return seconds(r.duration); })
      .def_property_readonly("command", [](const Record& r) { return to_py(r.command); })
      .def_readonly("redacted", &Record::redacted)
      .def_property_readonly("response", [](const Record& r) { return to_py(r.response); })
      .def_property_readonly(
          "outcome", [](const Record& r) { return std::string(faults::to_string(r.outcome)); })
      .def_readonly("faults", &Record::faults)
      .def_readonly("note", &Record::note)
      .def_property_readonly("name",
                             [](const Record& r) -> std::string {
                               if (r.kind != faults::RecordKind::apdu)
                                 return faults::to_string(r.kind);
                               auto parsed = parse_command(view(r.command));
                               if (!std::holds_alternative<Command>(parsed)) return "MALFORMED";
                               return command_name(std::get<Command>(parsed));
                             })
      .def_property_readonly("sw", [](const Record& r) -> std::optional<std::uint16_t> {
        if (r.kind != faults::RecordKind::apdu || r.response.size() < 2) return std::nullopt;
        return static_cast<std::uint16_t>((r.response[r.response.size() - 2] << 8) |
                                          r.response.back());
      });

  // The trace file format (docs/trace.md), written by the same code as --trace-file.
  m.def(
      "trace_save",
      [](CardHandle& h, const std::string& path, const std::string& card) {
        trace::Writer writer(path, true);
        for (const auto& r : h.faulty().trace().snapshot())
          writer.write(harness::to_trace_event(r, card, ""));
      },
      pyb::arg("handle"), pyb::arg("path"), pyb::arg("card"));

  m.def("steady_now_ns", [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               faults::Clock::now().time_since_epoch())
        .count();
  });
}

}  // namespace softcard::py
