#include "profile/profile.h"

#include <fstream>
#include <sstream>

#include "softcard/errors.h"

namespace softcard {

using nlohmann::json;

namespace profile_json {

const json& require(const json& obj, const std::string& key, const std::string& where) {
  if (!obj.contains(key)) throw ProfileError(where + ": missing field '" + key + "'");
  return obj.at(key);
}

std::string string_at(const json& obj, const std::string& key, const std::string& where,
                      const std::string& fallback) {
  if (!obj.contains(key)) return fallback;
  if (!obj.at(key).is_string()) throw ProfileError(where + "." + key + ": must be a string");
  return obj.at(key).get<std::string>();
}

Bytes hex_at(const json& obj, const std::string& key, const std::string& where,
             const Bytes& fallback) {
  if (!obj.contains(key)) return fallback;
  const json& v = obj.at(key);
  if (!v.is_string()) throw ProfileError(where + "." + key + ": must be a hex string");
  try {
    return from_hex(v.get<std::string>());
  } catch (const std::invalid_argument& e) {
    throw ProfileError(where + "." + key + ": " + e.what());
  }
}

unsigned uint_at(const json& obj, const std::string& key, const std::string& where,
                 unsigned fallback, unsigned min, unsigned max) {
  if (!obj.contains(key)) return fallback;
  const json& v = obj.at(key);
  if (!v.is_number_integer()) throw ProfileError(where + "." + key + ": must be an integer");
  const long long n = v.get<long long>();
  if (n < static_cast<long long>(min) || n > static_cast<long long>(max))
    throw ProfileError(where + "." + key + ": " + std::to_string(n) + " is out of range " +
                       std::to_string(min) + ".." + std::to_string(max));
  return static_cast<unsigned>(n);
}

bool bool_at(const json& obj, const std::string& key, const std::string& where, bool fallback) {
  if (!obj.contains(key)) return fallback;
  if (!obj.at(key).is_boolean()) throw ProfileError(where + "." + key + ": must be true or false");
  return obj.at(key).get<bool>();
}

void only_keys(const json& obj, const std::vector<std::string>& allowed, const std::string& where) {
  if (!obj.is_object()) throw ProfileError(where + ": must be a JSON object");
  for (const auto& [key, value] : obj.items()) {
    bool known = false;
    for (const auto& a : allowed) known = known || a == key;
    if (!known) throw ProfileError(where + ": unknown field '" + key + "'");
  }
}

}  // namespace profile_json

std::vector<std::string> builtin_profile_names() {
  std::vector<std::string> names;
  for (const auto& [name, text] : builtin_profile_texts()) names.push_back(name);
  return names;
}

Profile parse_profile(const std::string& name, const std::string& text) {
  Profile p;
  p.name = name;
  try {
    p.json = json::parse(text);
  } catch (const json::parse_error& e) {
    throw ProfileError("profile " + name + ": not valid JSON: " + e.what());
  }
  using namespace profile_json;
  const std::string where = "profile " + name;
  if (!p.json.is_object()) throw ProfileError(where + ": must be a JSON object");
  const unsigned version = uint_at(p.json, "softcard_profile", where, 0, 0, 1000);
  if (version != 1)
    throw ProfileError(where + ": field 'softcard_profile' must be 1 (the profile format version)");
  const json& applets = require(p.json, "applets", where);
  if (!applets.is_array() || applets.empty())
    throw ProfileError(where + ".applets: must be a non-empty list of applet names");
  std::vector<std::string> allowed{"softcard_profile", "name",    "description", "atr",
                                   "serial",           "applets", "ski"};
  for (const auto& a : applets) {
    if (!a.is_string()) throw ProfileError(where + ".applets: entries must be strings");
    allowed.push_back(a.get<std::string>());
  }
  only_keys(p.json, allowed, where);
  p.name = string_at(p.json, "name", where, name);
  return p;
}

Profile load_profile(const std::string& name_or_path) {
  for (const auto& [name, text] : builtin_profile_texts())
    if (name == name_or_path) return parse_profile(name, text);
  const std::filesystem::path path(name_or_path);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    std::string known;
    for (const auto& n : builtin_profile_names()) known += (known.empty() ? "" : ", ") + n;
    throw ProfileError("profile '" + name_or_path + "': neither a built-in profile (" + known +
                       ") nor a readable file");
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) throw ProfileError("profile " + path.string() + ": cannot read");
  Profile p = parse_profile(path.string(), text.str());
  p.source = path;
  return p;
}

namespace {

Bytes parse_atr(const json& j, const std::string& where) {
  Bytes atr = profile_json::hex_at(j, "atr", where, {});
  if (atr.empty()) return atr;
  if (atr.size() < 2 || atr.size() > 33)
    throw ProfileError(where + ".atr: an ATR has 2 to 33 bytes");
  if (atr[0] != 0x3B && atr[0] != 0x3F)
    throw ProfileError(where + ".atr: must start with TS 3B or 3F");
  return atr;
}

}  // namespace

CardIdentity personalize(const Profile& profile, ObjectStore& store, Rng& rng,
                         const PersonalizeOptions& options) {
  using namespace profile_json;
  const std::string where = "profile " + profile.name;
  CardIdentity id;
  id.profile = profile.name;
  id.atr = parse_atr(profile.json, where);
  id.serial = options.serial;
  if (id.serial.empty()) {
    const std::string serial = string_at(profile.json, "serial", where, "random");
    if (serial == "random") {
      id.serial.resize(16);
      rng.fill(id.serial);
    } else {
      id.serial = hex_at(profile.json, "serial", where, {});
    }
  }
  if (id.serial.empty() || id.serial.size() > 32)
    throw ProfileError(where + ".serial: must be \"random\" or 1 to 32 bytes of hex");
  for (const auto& a : profile.json.at("applets")) id.applets.push_back(a.get<std::string>());
  for (const auto& name : id.applets) {
    const json section = profile.json.contains(name) ? profile.json.at(name) : json::object();
    if (name == "iso") {
#if SOFTCARD_HAVE_ISO_APPLET
      personalize_iso_section(section, store, rng, id);
#else
      throw ProfileError(where + ": applet 'iso' is not built into this softcard");
#endif
    } else if (name == "gids") {
#if SOFTCARD_HAVE_GIDS
      personalize_gids_section(section, store, rng, id);
#else
      throw ProfileError(where + ": applet 'gids' is not built into this softcard");
#endif
    } else {
      throw ProfileError(where + ".applets: unknown applet '" + name + "' (known: iso, gids)");
    }
  }
  if (profile.json.contains("ski")) {
    bool gids = false;
    for (const auto& name : id.applets) gids = gids || name == "gids";
    if (!gids)
      throw ProfileError(
          where +
          ".ski: secure key injection is part of the gids applet, which this profile lacks");
#if SOFTCARD_HAVE_SKI
    personalize_ski_section(profile.json.at("ski"), store, where + ".ski");
#else
    throw ProfileError(where + ".ski: secure key injection is not built into this softcard");
#endif
  }
  write_identity(store, id);
  return id;
}

CardIdentity create_image(const std::filesystem::path& image, const Profile& profile, Rng& rng,
                          const PersonalizeOptions& options) {
  // Personalize in memory first so a bad profile never leaves a half-made file behind.
  ObjectStore staging(std::make_unique<MemoryStore>());
  CardIdentity id = personalize(profile, staging, rng, options);
  staging.commit();
  auto store = SqliteStore::create(image, options.image_key);  // refuses an existing file
  try {
    store->apply(staging.snapshot());
  } catch (...) {
    store.reset();  // the file is ours (create() refused existing ones): remove it whole
    std::error_code ec;
    std::filesystem::remove(image, ec);
    std::filesystem::remove(image.string() + "-wal", ec);
    std::filesystem::remove(image.string() + "-shm", ec);
    throw;
  }
  return id;
}

}  // namespace softcard
