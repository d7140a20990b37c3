// Reading profiles: built-in names, files and inline JSON; the checks every profile passes
// before any section is looked at; typed field access for the section parsers.
#include <fstream>
#include <set>
#include <sstream>

#include "personalize/profile_json.h"

namespace softcard {

using nlohmann::json;

namespace profile_json {

std::string path(const std::string& where, const std::string& key) {
  return where.empty() ? key : where + "." + key;
}

const json& require(const json& obj, const std::string& key, const std::string& where) {
  if (!obj.contains(key)) throw FieldError(where, "missing field '" + key + "'");
  return obj.at(key);
}

std::string string_at(const json& obj, const std::string& key, const std::string& where,
                      const std::string& fallback) {
  if (!obj.contains(key)) return fallback;
  if (!obj.at(key).is_string()) throw FieldError(path(where, key), "must be a string");
  return obj.at(key).get<std::string>();
}

Bytes hex_at(const json& obj, const std::string& key, const std::string& where,
             const Bytes& fallback) {
  if (!obj.contains(key)) return fallback;
  const json& v = obj.at(key);
  if (!v.is_string()) throw FieldError(path(where, key), "must be a hex string");
  try {
    return from_hex(v.get<std::string>());
  } catch (const std::invalid_argument& e) {
    throw FieldError(path(where, key), e.what());
  }
}

unsigned uint_at(const json& obj, const std::string& key, const std::string& where,
                 unsigned fallback, unsigned min, unsigned max) {
  if (!obj.contains(key)) return fallback;
  const json& v = obj.at(key);
  if (!v.is_number_integer()) throw FieldError(path(where, key), "must be an integer");
  // Unsigned values beyond long long are still out of range, never wrapped.
  if (v.is_number_unsigned() && v.get<unsigned long long>() > max)
    throw FieldError(path(where, key), v.dump() + " is out of range " + std::to_string(min) + ".." +
                                           std::to_string(max));
  const long long n = v.get<long long>();
  if (n < static_cast<long long>(min) || n > static_cast<long long>(max))
    throw FieldError(path(where, key), std::to_string(n) + " is out of range " +
                                           std::to_string(min) + ".." + std::to_string(max));
  return static_cast<unsigned>(n);
}

bool bool_at(const json& obj, const std::string& key, const std::string& where, bool fallback) {
  if (!obj.contains(key)) return fallback;
  if (!obj.at(key).is_boolean()) throw FieldError(path(where, key), "must be true or false");
  return obj.at(key).get<bool>();
}

void only_keys(const json& obj, const std::vector<std::string>& allowed, const std::string& where) {
  if (!obj.is_object()) throw FieldError(where, "must be a JSON object");
  for (const auto& [key, value] : obj.items()) {
    bool known = false;
    for (const auto& a : allowed) known = known || a == key;
    if (!known) throw FieldError(where, "unknown field '" + key + "'");
  }
}

}  // namespace profile_json

namespace {

// The applets a profile may list, each with its own section parser.
const std::vector<std::string>& known_applets() {
  static const std::vector<std::string> names{"iso", "gids", "piv", "yubikey-mgmt"};
  return names;
}

// The checks that need no section parser: format version, applet list, top-level fields.
void check_document(const json& doc) {
  using namespace profile_json;
  if (!doc.is_object()) throw FieldError("", "must be a JSON object");
  const unsigned version = uint_at(doc, "softcard_profile", "", 0, 0, 1000);
  if (version != 1)
    throw FieldError("softcard_profile",
                     doc.contains("softcard_profile")
                         ? "must be 1 (the profile format version)"
                         : "missing (it must be 1, the profile format version)");
  const json& applets = require(doc, "applets", "");
  if (!applets.is_array() || applets.empty())
    throw FieldError("applets", "must be a non-empty list of applet names");
  std::vector<std::string> allowed{"softcard_profile", "name",    "description", "atr",
                                   "serial",           "applets", "ski",         "yubikey"};
  std::set<std::string> seen;
  std::size_t i = 0;
  for (const auto& a : applets) {
    const std::string field = "applets[" + std::to_string(i++) + "]";
    if (!a.is_string()) throw FieldError(field, "must be a string (an applet name)");
    const std::string name = a.get<std::string>();
    bool known = false;
    for (const auto& k : known_applets()) known = known || k == name;
    if (!known)
      throw FieldError(field,
                       "unknown applet '" + name + "' (known: iso, gids, piv, yubikey-mgmt)");
    // An image lists each applet once: a second copy could never be installed at open.
    if (!seen.insert(name).second)
      throw FieldError(field,
                       "applet '" + name + "' is listed twice (each applet is installed once)");
    if (name == "yubikey-mgmt" && !doc.contains("yubikey"))
      throw FieldError(field, "the YubiKey management application needs the \"yubikey\" section");
    if (name != "yubikey-mgmt") allowed.push_back(name);  // it has no section of its own
  }
  only_keys(doc, allowed, "");
  if (doc.contains("yubikey") && !seen.count("piv"))
    throw FieldError("yubikey",
                     "the YubiKey personality is part of the piv applet, which this "
                     "profile lacks");
  if (doc.contains("description")) (void)string_at(doc, "description", "", "");
}

}  // namespace

std::vector<std::string> builtin_profile_names() {
  std::vector<std::string> names;
  for (const auto& [name, text] : builtin_profile_texts()) names.push_back(name);
  return names;
}

Profile parse_profile(const std::string& label, const std::string& text) {
  Profile p;
  p.name = label;
  p.label = label;
  const std::string prefix = "profile " + label;
  auto doc = std::make_shared<ProfileDocument>();
  try {
    doc->json = json::parse(text);
  } catch (const json::exception& e) {
    // Syntax errors and numbers that do not fit (1e400) alike.
    throw ProfileError(prefix + ": not valid JSON: " + e.what());
  }
  try {
    check_document(doc->json);
    p.name = profile_json::string_at(doc->json, "name", "", label);
  } catch (const profile_json::FieldError& e) {
    throw ProfileError(prefix + (e.field().empty() ? "" : ", field " + e.field()) + ": " +
                       e.problem());
  }
  p.document = std::move(doc);
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
  if (p.name == path.string()) p.name = path.stem().string();
  p.source = path;
  return p;
}

}  // namespace softcard
