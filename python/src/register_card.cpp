// In-process cards: create from a profile (image file or memory), open an image, power, ATR,
// transmit (GIL released), close.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <filesystem>

#include "core.h"
#include "softcard/card_factory.h"
#include "softcard/errors.h"
#include "softcard/personalize.h"
#include "softcard/store.h"

namespace softcard::py {

CardHandle::CardHandle(std::unique_ptr<Card> card, std::string where)
    : card_(std::move(card)), where_(std::move(where)) {
  faulty_ = std::make_unique<faults::FaultyCard>(*card_);
}

CardHandle::~CardHandle() {
  close();
}

Card& CardHandle::card() {
  if (!card_) throw pyb::value_error("the card is closed");
  return *card_;
}

faults::FaultyCard& CardHandle::faulty() {
  if (!card_) throw pyb::value_error("the card is closed");
  return *faulty_;
}

void CardHandle::close() {
  served_.reset();  // joins the serving thread before the card goes
  faulty_.reset();
  card_.reset();  // closes the image (releases its lock)
}

void CardHandle::serve(faults::ServeOptions options) {
  if (!card_) throw pyb::value_error("the card is closed");
  if (served_) throw pyb::value_error("the card is already served; call unserve() first");
  served_ = std::make_unique<faults::ServedCard>(*faulty_, std::move(options));
  served_->start();
}

void CardHandle::unserve() {
  served_.reset();
}

namespace {

// An image key given as Python bytes (None: no key).
std::optional<SecretBytes> key_from(const std::optional<pyb::bytes>& key) {
  if (!key) return std::nullopt;
  return SecretBytes(as_view(*key));
}

CardOptions options_for(Rng& rng) {
  CardOptions o;
  o.rng = &rng;
  return o;
}

Profile profile_from(const std::string& profile) {
  // A JSON document given inline, or a built-in name / file path.
  const auto first = profile.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && profile[first] == '{') return parse_profile("inline", profile);
  return load_profile(profile);
}

std::unique_ptr<CardHandle> create_card(std::optional<std::filesystem::path> path,
                                        const std::string& profile, const Bytes& serial,
                                        std::optional<SecretBytes> key) {
  auto rng = CardHandle::make_rng();
  const Profile p = profile_from(profile);
  PersonalizeOptions po;
  po.serial = serial;
  po.image_key = key;
  std::unique_ptr<Card> card;
  if (path) {
    create_image(*path, p, *rng, po);
    OpenOptions open;
    open.key = std::move(key);
    card = open_card(*path, options_for(*rng), std::move(open));
  } else {
    if (key) throw ImageError("an image key needs an image file (path is None)");
    card = make_card(p, std::make_unique<MemoryStore>(), options_for(*rng), po);
  }
  auto handle = std::make_unique<CardHandle>(std::move(card), path ? path->string() : "<memory>");
  handle->rng = std::move(rng);
  return handle;
}

std::unique_ptr<CardHandle> open_image(const std::filesystem::path& path,
                                       std::optional<SecretBytes> key) {
  auto rng = CardHandle::make_rng();
  OpenOptions open;
  open.key = std::move(key);
  auto card = open_card(path, options_for(*rng), std::move(open));
  auto handle = std::make_unique<CardHandle>(std::move(card), path.string());
  handle->rng = std::move(rng);
  return handle;
}

pyb::bytes transmit(CardHandle& h, const pyb::bytes& command) {
  auto& f = h.faulty();
  const ByteView cmd = as_view(command);  // `command` is kept alive by the caller
  faults::Exchange ex;
  {
    pyb::gil_scoped_release release;
    ex = f.transmit(cmd);
  }
  switch (ex.outcome) {
    case faults::Outcome::answered:
      break;
    case faults::Outcome::dropped:
      throw LinkDroppedError("fault injected: the link dropped, no answer");
    case faults::Outcome::torn:
      throw CardTornError("fault injected: power torn, no answer (card is off)");
  }
  return to_py(ex.response);
}

}  // namespace

void register_card(pyb::module_& m) {
  static pyb::exception<LinkDroppedError> link_dropped(m, "LinkDropped", PyExc_ConnectionError);
  static pyb::exception<CardTornError> card_torn(m, "CardTorn", PyExc_ConnectionError);
  pyb::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const LinkDroppedError& e) {
      PyErr_SetString(link_dropped.ptr(), e.what());
    } catch (const CardTornError& e) {
      PyErr_SetString(card_torn.ptr(), e.what());
    }
  });
  static pyb::exception<ImageError> image_error(m, "ImageError", PyExc_OSError);
  static pyb::exception<ProfileError> profile_error(m, "ProfileError", PyExc_ValueError);
  pyb::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ImageError& e) {
      PyErr_SetString(image_error.ptr(), e.what());
    } catch (const ProfileError& e) {
      PyErr_SetString(profile_error.ptr(), e.what());
    }
  });

  pyb::class_<CardHandle>(m, "CoreCard", "Native card handle (private; use softcard.Card).")
      .def_static(
          "create",
          [](std::optional<std::filesystem::path> path, const std::string& profile,
             const pyb::bytes& serial, const std::optional<pyb::bytes>& key) {
            const auto v = as_view(serial);
            const Bytes s(v.begin(), v.end());
            auto k = key_from(key);
            pyb::gil_scoped_release release;
            return create_card(std::move(path), profile, s, std::move(k));
          },
          pyb::arg("path"), pyb::arg("profile"), pyb::arg("serial") = pyb::bytes(),
          pyb::arg("key") = pyb::none())
      .def_static(
          "open",
          [](const std::filesystem::path& path, const std::optional<pyb::bytes>& key) {
            auto k = key_from(key);
            pyb::gil_scoped_release release;
            return open_image(path, std::move(k));
          },
          pyb::arg("path"), pyb::arg("key") = pyb::none())
      .def("transmit", &transmit, pyb::arg("command"))
      .def(
          "power_on", [](CardHandle& h) { h.faulty().power_on(); },
          pyb::call_guard<pyb::gil_scoped_release>())
      .def(
          "power_off", [](CardHandle& h) { h.faulty().power_off(); },
          pyb::call_guard<pyb::gil_scoped_release>())
      .def(
          "reset", [](CardHandle& h) { h.faulty().reset(); },
          pyb::call_guard<pyb::gil_scoped_release>())
      .def_property_readonly("atr",
                             [](CardHandle& h) {
                               Bytes atr;
                               {
                                 pyb::gil_scoped_release release;
                                 atr = h.faulty().atr();
                               }
                               return to_py(atr);
                             })
      .def_property_readonly("powered",
                             [](CardHandle& h) {
                               pyb::gil_scoped_release release;
                               return h.faulty().powered();
                             })
      .def_property_readonly("where", &CardHandle::where)
      .def_property_readonly("closed", &CardHandle::closed)
      .def("close", &CardHandle::close, pyb::call_guard<pyb::gil_scoped_release>());

  m.def("builtin_applets", [] { return builtin_applets().names(); });
  // Every build has the GIDS applet with secure key injection (kept for older callers).
  m.attr("has_ski") = pyb::bool_(true);
  m.def("builtin_profiles", [] { return builtin_profile_names(); });
}

}  // namespace softcard::py
