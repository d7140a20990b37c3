// Applets written in Python: the command object they receive, the core they call back into
// (store, PINs, keys: softcard/applet_kit.h) and their installation on a card.
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "py_applet.h"
#include "softcard/errors.h"

namespace softcard::py {

namespace {

Bytes copy(const pyb::bytes& b) {
  const ByteView v = as_view(b);
  return Bytes(v.begin(), v.end());
}

pyb::bytes secret_to_py(const SecretBytes& s) {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

kit::SignScheme parse_scheme(const std::string& s) {
  if (s == "pkcs1") return kit::SignScheme::rsa_pkcs1;
  if (s == "pss") return kit::SignScheme::rsa_pss;
  if (s == "raw") return kit::SignScheme::rsa_raw;
  if (s == "ecdsa") return kit::SignScheme::ecdsa;
  if (s == "ecdsa-der") return kit::SignScheme::ecdsa_der;
  throw pyb::value_error("unknown signature scheme '" + s +
                         "' (pkcs1, pss, raw, ecdsa, ecdsa-der)");
}

kit::KeySpec parse_spec(const std::string& s) {
  kit::KeySpec spec;
  if (s == "ec-p256" || s == "ec-p384" || s == "ec-p521") {
    spec.type = KeyType::ec;
    spec.curve = s == "ec-p256" ? Curve::p256 : s == "ec-p384" ? Curve::p384 : Curve::p521;
    return spec;
  }
  for (unsigned bits : {1024u, 2048u, 3072u, 4096u})
    if (s == "rsa" + std::to_string(bits)) {
      spec.type = KeyType::rsa;
      spec.rsa_bits = bits;
      return spec;
    }
  throw pyb::value_error("unknown key kind '" + s +
                         "' (ec-p256, ec-p384, ec-p521, rsa1024, rsa2048, rsa3072, rsa4096)");
}

RsaPadding parse_padding(const std::string& s) {
  if (s == "pkcs1") return RsaPadding::pkcs1_v15();
  if (s == "oaep") return RsaPadding::oaep(HashAlg::sha1);
  if (s == "oaep-sha256") return RsaPadding::oaep(HashAlg::sha256);
  if (s == "raw") return RsaPadding::raw();
  throw pyb::value_error("unknown padding '" + s + "' (pkcs1, oaep, oaep-sha256, raw)");
}

void install(CardHandle& h, pyb::object obj, const std::string& name, const pyb::bytes& aid,
             bool make_default) {
  if (h.served()) throw pyb::value_error("install applets before serving the card");
  Card& card = h.card();
  if (card.find_applet(name))
    throw pyb::value_error("the card already has an applet named '" + name + "'");
  Bytes aid_bytes = copy(aid);
  if (aid_bytes.size() < 5 || aid_bytes.size() > 16)
    throw pyb::value_error("an AID has 5 to 16 bytes");
  auto core = std::make_shared<AppletCore>(name);
  obj.attr("_softcard_core") = pyb::cast(core);
  auto applet = std::make_unique<PyApplet>(obj, core, std::move(aid_bytes));
  applet->personalize_if_new(card.store(), *h.rng);
  card.install(std::move(applet));
  if (make_default) card.set_default_applet(name);
}

void register_command(pyb::module_& m) {
  pyb::class_<Command>(m, "Command", "A parsed C-APDU, as an applet receives it.")
      .def(pyb::init([](std::uint8_t cla, std::uint8_t ins, std::uint8_t p1, std::uint8_t p2,
                        const pyb::bytes& data, std::optional<std::uint32_t> le) {
             Command c;
             c.cla = cla;
             c.ins = ins;
             c.p1 = p1;
             c.p2 = p2;
             c.data = copy(data);
             c.ne = le;
             return c;
           }),
           pyb::arg("cla"), pyb::arg("ins"), pyb::arg("p1") = 0, pyb::arg("p2") = 0,
           pyb::arg("data") = pyb::bytes(), pyb::arg("le") = pyb::none())
      .def_readonly("cla", &Command::cla)
      .def_readonly("ins", &Command::ins)
      .def_readonly("p1", &Command::p1)
      .def_readonly("p2", &Command::p2)
      .def_property_readonly("data", [](const Command& c) { return to_py(c.data); })
      .def_readonly("le", &Command::ne)
      .def_readonly("extended", &Command::extended)
      .def_property_readonly("p1p2", &Command::p1p2)
      .def_property_readonly("case", &Command::iso_case)
      .def("__bytes__", [](const Command& c) { return to_py(encode(c)); })
      .def("__repr__", [](const Command& c) {
        return "<Command " + to_hex(encode(c)) + " " + command_name(c) + ">";
      });
}

void register_core(pyb::module_& m) {
  using Core = AppletCore;
  pyb::class_<Core, std::shared_ptr<Core>>(m, "AppletCore",
                                           "The card side of one Python applet (private).")
      .def_property_readonly("name", &Core::name)
      .def_property_readonly("prefix", &Core::prefix)
      // store
      .def("get",
           [](Core& c, const std::string& key) -> std::optional<pyb::bytes> {
             const Bytes* v = c.store().get(key);
             if (!v) return std::nullopt;
             return to_py(*v);
           })
      .def("put",
           [](Core& c, const std::string& key, const pyb::bytes& value, bool secret) {
             auto s = c.store();
             if (secret)
               s.put_secret(key, copy(value));
             else
               s.put(key, copy(value));
           })
      .def("erase", [](Core& c, const std::string& key) { c.store().erase(key); })
      .def("is_secret", [](Core& c, const std::string& key) { return c.store().is_secret(key); })
      .def("keys", [](Core& c, const std::string& prefix) { return c.store().keys(prefix); })
      // PINs
      .def("pin_install",
           [](Core& c, std::uint8_t ref, const pyb::bytes& value, std::uint8_t min_length,
              std::uint8_t max_length, std::uint8_t max_tries, std::optional<std::uint8_t> pad,
              std::optional<std::uint8_t> unblock) {
             kit::PinPolicy p{ref, min_length, max_length, max_tries, pad, unblock};
             c.pins().install(c.ctx().store(), p, as_view(value));
           })
      .def("pin_has", [](Core& c, std::uint8_t ref) { return c.pins().has(c.ctx().store(), ref); })
      .def("pin_verify",
           [](Core& c, std::uint8_t ref, const pyb::bytes& pin) {
             return value(c.pins().verify(c.ctx(), ref, as_view(pin)));
           })
      .def("pin_status",
           [](Core& c, std::uint8_t ref) { return value(c.pins().status(c.ctx().store(), ref)); })
      .def("pin_verified", [](Core& c, std::uint8_t ref) { return c.pins().verified(ref); })
      .def("pin_deauthenticate",
           [](Core& c, std::uint8_t ref) { c.pins().deauthenticate(c.ctx().store(), ref); })
      .def("pin_change",
           [](Core& c, std::uint8_t ref, const pyb::bytes& old_pin, const pyb::bytes& new_pin) {
             return value(c.pins().change(c.ctx(), ref, as_view(old_pin), as_view(new_pin)));
           })
      .def("pin_unblock",
           [](Core& c, std::uint8_t ref, const pyb::bytes& puk,
              const std::optional<pyb::bytes>& new_pin) {
             std::optional<ByteView> np;
             if (new_pin) np = as_view(*new_pin);
             return value(c.pins().unblock(c.ctx(), ref, as_view(puk), np));
           })
      .def("pin_state",
           [](Core& c, std::uint8_t ref) {
             const auto s = c.pins().state(c.ctx().store(), ref);
             pyb::dict d;
             d["reference"] = s.reference;
             d["min_length"] = s.min_length;
             d["max_length"] = s.max_length;
             d["max_tries"] = s.max_tries;
             d["tries_left"] = s.tries_left;
             d["verified"] = s.verified;
             return d;
           })
      // keys
      .def("key_generate",
           [](Core& c, const std::string& name, const std::string& kind) {
             return to_py(c.keys().generate(c.ctx(), name, parse_spec(kind)));
           })
      .def("key_import",
           [](Core& c, const std::string& name, const pyb::bytes& pkcs8) {
             return to_py(c.keys().import_private(c.ctx(), name, as_view(pkcs8)));
           })
      .def("key_has",
           [](Core& c, const std::string& name) { return c.keys().has(c.ctx().store(), name); })
      .def("key_erase",
           [](Core& c, const std::string& name) { c.keys().erase(c.ctx().store(), name); })
      .def("key_names", [](Core& c) { return c.keys().names(c.ctx().store()); })
      .def("key_public",
           [](Core& c, const std::string& name) {
             return to_py(c.keys().public_der(c.ctx(), name));
           })
      .def("key_sign",
           [](Core& c, const std::string& name, const std::string& scheme, const pyb::bytes& in) {
             return to_py(c.keys().sign(c.ctx(), name, parse_scheme(scheme), as_view(in)));
           })
      .def("key_decrypt",
           [](Core& c, const std::string& name, const pyb::bytes& in, const std::string& padding) {
             return secret_to_py(
                 c.keys().decrypt(c.ctx(), name, as_view(in), parse_padding(padding)));
           })
      .def("key_ecdh",
           [](Core& c, const std::string& name, const pyb::bytes& point) {
             return secret_to_py(c.keys().ecdh(c.ctx(), name, as_view(point)));
           })
      .def("key_export",
           [](Core& c, const std::string& name) {
             return secret_to_py(c.keys().export_private(c.ctx(), name));
           })
      // misc
      .def("random",
           [](Core& c, std::size_t n) {
             if (n > 65536) throw pyb::value_error("at most 65536 random bytes at once");
             Bytes out(n);
             c.ctx().rng().fill(out);
             return to_py(out);
           })
      .def("log", [](Core& c, const std::string& level, const std::string& text) {
        const LogLevel l = level == "debug"     ? LogLevel::debug
                           : level == "warning" ? LogLevel::warning
                           : level == "error"   ? LogLevel::error
                                                : LogLevel::info;
        c.ctx().log(l, c.name() + ": " + text);
      });
}

}  // namespace

void register_applet(pyb::module_& m) {
  // A status word a kit call answers (6A88 unknown PIN, 6581 failed counter write...) reaches
  // the Python applet as softcard.StatusWordError; uncaught, it becomes the command's answer.
  pyb::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const CardError& e) {
      PyErr_SetObject(status_word_error_type().ptr(), pyb::int_(value(e.sw())).ptr());
    }
  });
  register_command(m);
  register_core(m);
  m.def("install_applet", &install, pyb::arg("card"), pyb::arg("applet"), pyb::arg("name"),
        pyb::arg("aid"), pyb::arg("default") = false);
  // --key-file / --key-fd content as `softcard run` reads it (32 bytes, or 64 hex digits and an
  // optional newline); ImageError naming `what` otherwise.
  m.def("parse_image_key", [](const pyb::bytes& content, const std::string& what) {
    return secret_to_py(parse_image_key(as_view(content), what));
  });
  m.def("set_default_applet", [](CardHandle& h, const std::string& name) {
    if (h.served()) throw pyb::value_error("set the default applet before serving the card");
    if (!h.card().find_applet(name))
      throw pyb::value_error("the card has no applet '" + name + "'");
    h.card().set_default_applet(name);
  });
  // Test hook for the GIL contract: `count` exchanges of `apdu` run on a native thread while the
  // calling thread keeps the GIL; returns how many completed within `timeout` seconds (the rest
  // finish after the GIL is released, before this returns).
  m.def(
      "_gil_probe",
      [](CardHandle& h, const pyb::bytes& apdu, int count, double timeout) {
        const Bytes cmd = copy(apdu);
        auto& card = h.faulty();
        std::atomic<int> done{0};
        std::thread worker([&] {
          for (int i = 0; i < count; ++i) {
            card.transmit(cmd);
            ++done;
          }
        });
        const auto deadline = std::chrono::steady_clock::now() +
                              std::chrono::microseconds(static_cast<std::int64_t>(timeout * 1e6));
        while (done < count && std::chrono::steady_clock::now() < deadline)
          std::this_thread::sleep_for(std::chrono::milliseconds(1));  // GIL still held
        const int within = done;
        pyb::gil_scoped_release release;
        worker.join();
        return within;
      },
      pyb::arg("card"), pyb::arg("apdu"), pyb::arg("count"), pyb::arg("timeout"));
  // `count` exchanges of one APDU from a native loop (GIL released): benchmarks the card path
  // without the Python caller's own cost. Returns the last response.
  m.def(
      "transmit_many",
      [](CardHandle& h, const pyb::bytes& apdu, std::size_t count) {
        const Bytes cmd = copy(apdu);
        auto& card = h.faulty();
        Bytes last;
        {
          pyb::gil_scoped_release release;
          for (std::size_t i = 0; i < count; ++i) last = card.transmit(cmd).response;
        }
        return to_py(last);
      },
      pyb::arg("card"), pyb::arg("apdu"), pyb::arg("count"));
}

}  // namespace softcard::py
