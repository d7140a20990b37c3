// Read-only inspection of a card's persistent state, for tests: identity, stored object names
// and sizes (never values: some are key material), and each applet's own description
// (Applet::inspect: files, PINs, sections of named items, containers; never secrets).
#include <pybind11/stl.h>

#include <variant>

#include "core.h"
#include "softcard/card_factory.h"
#include "softcard/inspection.h"
#include "softcard/life_cycle.h"

namespace softcard::py {

void register_store(pyb::module_& m) {
  m.def(
      "identity",
      [](CardHandle& h) {
        return h.faulty().with_card([](Card& card) {
          const CardIdentity id = read_identity(card.store());
          pyb::gil_scoped_acquire gil;
          pyb::dict d;
          d["profile"] = id.profile;
          d["serial"] = to_py(id.serial);
          d["atr"] = to_py(card.atr());
          d["applets"] = id.applets;
          const Bytes* lcs = card.store().get(keys::life_cycle);
          d["life_cycle"] = lcs && lcs->size() == 1
                                ? std::string(life_cycle_name(static_cast<LifeCycle>((*lcs)[0])))
                                : std::string("operational");
          return d;
        });
      },
      pyb::call_guard<pyb::gil_scoped_release>());

  m.def(
      "objects",
      [](CardHandle& h, const std::string& prefix) {
        return h.faulty().with_card([&](Card& card) {
          std::vector<std::pair<std::string, std::size_t>> out;
          for (const auto& key : card.store().keys(prefix))
            out.emplace_back(key, card.store().get(key)->size());
          return out;
        });
      },
      pyb::arg("card"), pyb::arg("prefix") = "", pyb::call_guard<pyb::gil_scoped_release>());

  // Values of objects that are public by construction (GIDS data objects, the card identity);
  // anything else (key files, PIN records) is refused.
  m.def(
      "public_object",
      [](CardHandle& h, const std::string& key) -> std::optional<pyb::bytes> {
        static const char* allowed[] = {"gids/do/", "card/"};
        bool ok = false;
        for (const char* prefix : allowed) ok = ok || key.rfind(prefix, 0) == 0;
        if (!ok)
          throw pyb::value_error("object '" + key +
                                 "' is not public (only gids/do/ and card/ are)");
        std::optional<Bytes> value;
        {
          pyb::gil_scoped_release release;
          value = h.faulty().with_card([&](Card& card) -> std::optional<Bytes> {
            const Bytes* v = card.store().get(key);
            if (!v) return std::nullopt;
            return *v;
          });
        }
        if (!value) return std::nullopt;
        return to_py(*value);
      },
      pyb::arg("card"), pyb::arg("key"));

  pyb::class_<InspectedFile>(m, "InspectedFile")
      .def_readonly("path", &InspectedFile::path)
      .def_readonly("fid", &InspectedFile::fid)
      .def_readonly("is_df", &InspectedFile::df)
      .def_property_readonly("df_name", [](const InspectedFile& f) { return to_py(f.df_name); })
      .def_readonly("life_cycle", &InspectedFile::life_cycle)
      .def_readonly("size", &InspectedFile::size)
      .def_property_readonly("content", [](const InspectedFile& f) { return to_py(f.content); })
      .def_readonly("access", &InspectedFile::access);

  pyb::class_<InspectedPin>(m, "InspectedPin")
      .def_readonly("label", &InspectedPin::label)
      .def_readonly("reference", &InspectedPin::reference)
      .def_readonly("min_length", &InspectedPin::min_length)
      .def_readonly("max_length", &InspectedPin::max_length)
      .def_readonly("max_tries", &InspectedPin::max_tries)
      .def_readonly("tries_left", &InspectedPin::tries_left)
      .def_readonly("padded", &InspectedPin::padded)
      .def_readonly("grants_admin", &InspectedPin::grants_admin)
      .def_readonly("unblock_reference", &InspectedPin::unblock_reference)
      .def_property_readonly("blocked", &InspectedPin::blocked);

  pyb::class_<InspectedContainer>(m, "InspectedContainer")
      .def_readonly("index", &InspectedContainer::index)
      .def_readonly("guid", &InspectedContainer::guid)
      .def_readonly("flags", &InspectedContainer::flags)
      .def_readonly("sig_key_bits", &InspectedContainer::sig_key_bits)
      .def_readonly("kx_key_bits", &InspectedContainer::kx_key_bits);

  pyb::class_<InspectionItem>(m, "InspectionItem")
      .def_readonly("name", &InspectionItem::name)
      .def_readonly("value", &InspectionItem::value)
      .def_readonly("level", &InspectionItem::level)
      .def_readonly("id", &InspectionItem::id)
      .def_property_readonly("data", [](const InspectionItem& i) { return to_py(i.data); });

  pyb::class_<InspectionSection>(m, "InspectionSection")
      .def_readonly("title", &InspectionSection::title)
      .def_readonly("items", &InspectionSection::items);

  pyb::class_<AppletInspection>(m, "AppletInspection")
      .def_readonly("summary", &AppletInspection::summary)
      .def_readonly("files", &AppletInspection::files)
      .def_readonly("pins", &AppletInspection::pins)
      .def_readonly("sections", &AppletInspection::sections)
      .def_readonly("containers", &AppletInspection::containers)
      .def_readonly("notes", &AppletInspection::notes)
      .def("render", [](const AppletInspection& in) { return render(in); });

  // The applet's own description of its persistent state (Applet::inspect), or None when the
  // card has no such applet.
  m.def(
      "inspect_applet",
      [](CardHandle& h, const std::string& name) {
        return h.faulty().with_card([&](Card& card) -> std::optional<AppletInspection> {
          const Applet* applet = card.find_applet(name);
          if (!applet) return std::nullopt;
          return applet->inspect(card.store());
        });
      },
      pyb::arg("card"), pyb::arg("applet"), pyb::call_guard<pyb::gil_scoped_release>());
}

}  // namespace softcard::py
