// APDU values and status words: parsing, names, descriptions.
#include <pybind11/stl.h>

#include <variant>

#include "core.h"
#include "softcard/apdu.h"
#include "softcard/status_word.h"

namespace softcard::py {

void register_apdu(pyb::module_& m) {
  m.def(
      "describe_sw", [](std::uint16_t sw) { return describe(static_cast<Sw>(sw)); }, pyb::arg("sw"),
      "Readable meaning of a status word, e.g. '6982 security status not satisfied'.");
  m.def(
      "is_success", [](std::uint16_t sw) { return is_success(static_cast<Sw>(sw)); },
      pyb::arg("sw"));
  m.def(
      "command_name",
      [](const pyb::bytes& apdu) -> std::string {
        auto parsed = parse_command(as_view(apdu));
        if (!std::holds_alternative<Command>(parsed)) return "MALFORMED";
        return command_name(std::get<Command>(parsed));
      },
      pyb::arg("apdu"));
  // Returns (cla, ins, p1, p2, data, ne or None, extended); raises ValueError with the SW.
  m.def(
      "parse_command",
      [](const pyb::bytes& apdu) {
        auto parsed = parse_command(as_view(apdu));
        if (auto* sw = std::get_if<Sw>(&parsed))
          throw pyb::value_error("malformed C-APDU: " + describe(*sw));
        const auto& c = std::get<Command>(parsed);
        pyb::object ne = c.ne ? pyb::object(pyb::int_(*c.ne)) : pyb::object(pyb::none());
        return pyb::make_tuple(c.cla, c.ins, c.p1, c.p2, to_py(c.data), ne, c.extended);
      },
      pyb::arg("apdu"));
  m.def(
      "encode_command",
      [](std::uint8_t cla, std::uint8_t ins, std::uint8_t p1, std::uint8_t p2,
         const pyb::bytes& data, std::optional<std::uint32_t> ne, bool extended) {
        Command c;
        c.cla = cla;
        c.ins = ins;
        c.p1 = p1;
        c.p2 = p2;
        auto v = as_view(data);
        c.data.assign(v.begin(), v.end());
        c.ne = ne;
        c.extended = extended;
        return to_py(encode(c));
      },
      pyb::arg("cla"), pyb::arg("ins"), pyb::arg("p1"), pyb::arg("p2"),
      pyb::arg("data") = pyb::bytes(), pyb::arg("ne") = pyb::none(), pyb::arg("extended") = false);
  m.def(
      "carries_secret",
      [](const pyb::bytes& apdu) {
        auto parsed = parse_command(as_view(apdu));
        return std::holds_alternative<Command>(parsed) && carries_secret(std::get<Command>(parsed));
      },
      pyb::arg("apdu"));
}

}  // namespace softcard::py
