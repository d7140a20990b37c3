// Read-only inspection of a card's persistent state, for tests: identity, stored object names
// and sizes (never values: some are key material), the ISO file tree with contents, PIN status
// (never values), and the GIDS container map through the GIDS applet's public API.
#include <pybind11/stl.h>

#include <variant>

#include "core.h"
#include "fs/file_tree.h"
#include "security/pin.h"
#include "softcard/card_factory.h"

#include "applets/gids/gids_api.h"

namespace softcard::py {

namespace {

const char* lcs_name(LifeCycle lcs) {
  switch (lcs) {
    case LifeCycle::creation:
      return "creation";
    case LifeCycle::initialisation:
      return "initialisation";
    case LifeCycle::operational:
      return "operational";
    case LifeCycle::deactivated:
      return "deactivated";
    case LifeCycle::terminated:
      return "terminated";
  }
  return "unknown";
}

struct FileInfo {
  std::string path;
  std::uint16_t fid;
  bool df;
  Bytes df_name;
  std::string life_cycle;
  std::size_t size;
  Bytes content;
};

struct PinStatus {
  std::uint8_t reference, min_length, max_length, max_tries, tries_left;
  bool padded, grants_admin;
  std::optional<std::uint8_t> unblock_reference;
};

std::string utf16_to_utf8(const std::u16string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::uint32_t c = s[i];
    if (c >= 0xD800 && c < 0xDC00 && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] < 0xE000) {
      c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
      ++i;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

gids::GidsApi* gids_api(Card& card) {
  return dynamic_cast<gids::GidsApi*>(card.find_applet("gids"));
}

}  // namespace

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
                                ? std::string(lcs_name(static_cast<LifeCycle>((*lcs)[0])))
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

  m.def(
      "describe_applet",
      [](CardHandle& h, const std::string& name) {
        return h.faulty().with_card([&](Card& card) -> std::string {
          const Applet* applet = card.find_applet(name);
          if (!applet) throw std::invalid_argument("the card has no applet '" + name + "'");
          return applet->describe(card.store());
        });
      },
      pyb::call_guard<pyb::gil_scoped_release>());

  pyb::class_<FileInfo>(m, "FileInfo")
      .def_readonly("path", &FileInfo::path)
      .def_readonly("fid", &FileInfo::fid)
      .def_readonly("is_df", &FileInfo::df)
      .def_property_readonly("df_name", [](const FileInfo& f) { return to_py(f.df_name); })
      .def_readonly("life_cycle", &FileInfo::life_cycle)
      .def_readonly("size", &FileInfo::size)
      .def_property_readonly("content", [](const FileInfo& f) { return to_py(f.content); });

  // ISO 7816-4 file tree stored by fs::FileTree under `prefix` (e.g. "iso/fs/").
  m.def(
      "files",
      [](CardHandle& h, const std::string& prefix) {
        return h.faulty().with_card([&](Card& card) {
          const fs::FileTree tree(prefix);
          std::vector<FileInfo> out;
          for (const auto& path : tree.all(card.store())) {
            const auto header = tree.get(card.store(), path);
            FileInfo f;
            f.path = fs::to_string(path);
            f.fid = header.fid;
            f.df = header.is_df();
            f.df_name = header.df_name;
            f.life_cycle = lcs_name(header.life_cycle);
            f.size = header.size;
            if (!f.df) {
              auto c = tree.content(card.store(), path);
              f.content.assign(c.begin(), c.end());
            }
            out.push_back(std::move(f));
          }
          return out;
        });
      },
      pyb::call_guard<pyb::gil_scoped_release>());

  pyb::class_<PinStatus>(m, "PinStatus")
      .def_readonly("reference", &PinStatus::reference)
      .def_readonly("min_length", &PinStatus::min_length)
      .def_readonly("max_length", &PinStatus::max_length)
      .def_readonly("max_tries", &PinStatus::max_tries)
      .def_readonly("tries_left", &PinStatus::tries_left)
      .def_readonly("padded", &PinStatus::padded)
      .def_readonly("grants_admin", &PinStatus::grants_admin)
      .def_readonly("unblock_reference", &PinStatus::unblock_reference)
      .def_property_readonly("blocked", [](const PinStatus& p) { return p.tries_left == 0; });

  // PINs stored by security::PinManager under `prefix` (e.g. "iso/pin/", "gids/pin/").
  m.def(
      "pins",
      [](CardHandle& h, const std::string& prefix) {
        return h.faulty().with_card([&](Card& card) {
          const security::PinManager pins(prefix);
          std::vector<PinStatus> out;
          for (auto ref : pins.references(card.store())) {
            auto rec = pins.find(card.store(), ref);
            if (!rec) continue;
            out.push_back({rec->reference, rec->min_length, rec->max_length, rec->max_tries,
                           rec->tries_left, rec->pad_byte.has_value(), rec->grants_admin,
                           rec->unblock_reference});
          }  // rec (with the value) is wiped here; only counters leave
          return out;
        });
      },
      pyb::call_guard<pyb::gil_scoped_release>());

  m.attr("has_gids_api") = pyb::bool_(true);
  // The cmapfile as records via the GIDS applet, or None when the card has no GIDS applet.
  m.def("gids_containers", [](CardHandle& h) -> pyb::object {
    std::optional<std::vector<gids::ContainerRecord>> records;
    {
      pyb::gil_scoped_release release;
      records =
          h.faulty().with_card([](Card& card) -> std::optional<std::vector<gids::ContainerRecord>> {
            auto* api = gids_api(card);
            if (!api) return std::nullopt;
            return api->containers(card.store());
          });
    }
    if (!records) return pyb::none();
    pyb::list out;
    for (const auto& r : *records)
      out.append(pyb::make_tuple(utf16_to_utf8(r.guid), r.flags, r.sig_key_bits, r.kx_key_bits));
    return out;
  });
  m.def("gids_pin_tries_left", [](CardHandle& h) -> std::optional<int> {
    pyb::gil_scoped_release release;
    return h.faulty().with_card([](Card& card) -> std::optional<int> {
      auto* api = gids_api(card);
      if (!api) return std::nullopt;
      return api->pin_tries_left(card.store());
    });
  });
}

}  // namespace softcard::py
