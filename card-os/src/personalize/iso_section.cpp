// The "iso" section of a profile: JSON -> iso::IsoProfile (docs/profiles.md, ISO section).
#include <cstdio>
#include <map>

#include "applets/iso/iso_applet.h"
#include "applets/iso/iso_profile.h"
#include "personalize/profile_json.h"

namespace softcard {

using nlohmann::json;
using namespace profile_json;

namespace {

// "always", "never", "admin", "pin:81", or alternatives joined by '|'.
security::AccessCondition parse_condition(const std::string& text, const std::string& where) {
  security::AccessCondition result = security::AccessCondition::never();
  std::size_t start = 0;
  bool any = false;
  while (start <= text.size()) {
    const std::size_t bar = text.find('|', start);
    const std::string part =
        text.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    security::AccessCondition alt;
    if (part == "always") {
      alt = security::AccessCondition::always();
    } else if (part == "never") {
      alt = security::AccessCondition::never();
    } else if (part == "admin") {
      alt = security::AccessCondition::admin();
    } else if (part.rfind("pin:", 0) == 0 && part.size() == 6) {
      Bytes ref;
      try {
        ref = from_hex(part.substr(4));
      } catch (const std::invalid_argument&) {
        throw FieldError(where, "bad PIN reference in '" + text + "'");
      }
      alt = security::AccessCondition::pin(ref.at(0));
    } else {
      throw FieldError(where, "'" + part +
                                  "' is not an access condition (always, never, admin, pin:XX, "
                                  "joined by |)");
    }
    result = any ? (result | alt) : alt;
    any = true;
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return result;
}

fs::AccessRules parse_access(const json& j, const std::string& where, fs::AccessRules rules) {
  static const std::vector<std::pair<std::string, fs::Operation>> ops = {
      {"read", fs::Operation::read},          {"update", fs::Operation::update},
      {"delete", fs::Operation::delete_file}, {"create", fs::Operation::create},
      {"activate", fs::Operation::activate},  {"deactivate", fs::Operation::deactivate},
      {"terminate", fs::Operation::terminate}};
  std::vector<std::string> names;
  for (const auto& [name, op] : ops) names.push_back(name);
  only_keys(j, names, where);
  for (const auto& [name, op] : ops)
    if (j.contains(name))
      rules[op] = parse_condition(string_at(j, name, where, ""), where + "." + name);
  return rules;
}

std::uint16_t parse_fid(const json& j, const std::string& where) {
  const Bytes fid = hex_at(j, "fid", where, {});
  if (fid.size() != 2) throw FieldError(where + ".fid", "must be 2 bytes of hex, e.g. \"5000\"");
  return static_cast<std::uint16_t>((fid[0] << 8) | fid[1]);
}

LifeCycle parse_life_cycle(const json& j, const std::string& where) {
  const std::string s = string_at(j, "life_cycle", where, "operational");
  if (s == "operational") return LifeCycle::operational;
  if (s == "creation") return LifeCycle::creation;
  if (s == "initialisation" || s == "initialization") return LifeCycle::initialisation;
  if (s == "deactivated") return LifeCycle::deactivated;
  throw FieldError(where + ".life_cycle",
                   "'" + s + "' is not one of operational, creation, initialisation, deactivated");
}

// DF names already used on the card (the MF's included), hex -> field that uses it: the file
// system refuses a second DF with the same name.
using DfNames = std::map<std::string, std::string>;

std::string fid_hex(std::uint16_t fid) {
  char text[8];
  std::snprintf(text, sizeof text, "%04X", fid);
  return text;
}

std::vector<iso::FileSpec> parse_files(const json& list, const std::string& where,
                                       std::uint16_t parent_fid, DfNames& df_names);

iso::FileSpec parse_file(const json& j, const std::string& where, std::uint16_t parent_fid,
                         DfNames& df_names) {
  only_keys(j,
            {"fid", "type", "name", "size", "content", "text", "life_cycle", "access", "children"},
            where);
  iso::FileSpec f;
  f.fid = parse_fid(j, where);
  // The file system's own rules, checked here so the error names the field.
  if (f.fid == 0x3F00 || f.fid == 0x3FFF || f.fid == 0xFFFF)
    throw FieldError(where + ".fid", fid_hex(f.fid) +
                                         " is reserved (3F00 is the MF, 3FFF and FFFF are "
                                         "reserved by ISO 7816-4)");
  if (f.fid == parent_fid)
    throw FieldError(where + ".fid", fid_hex(f.fid) + " is the FID of the parent DF");
  const std::string type = string_at(j, "type", where, "ef");
  if (type != "ef" && type != "df") throw FieldError(where + ".type", "must be \"ef\" or \"df\"");
  f.df = type == "df";
  f.life_cycle = parse_life_cycle(j, where);
  if (j.contains("access")) f.access = parse_access(j.at("access"), where + ".access", f.access);
  if (f.df) {
    for (const char* ef_only : {"size", "content", "text"})
      if (j.contains(ef_only)) throw FieldError(where + "." + ef_only, "only an EF has content");
    f.df_name = hex_at(j, "name", where, {});
    if (f.df_name.size() > 16) throw FieldError(where + ".name", "a DF name has at most 16 bytes");
    if (!f.df_name.empty()) {
      const auto [it, fresh] = df_names.emplace(to_hex(f.df_name), where + ".name");
      if (!fresh)
        throw FieldError(where + ".name",
                         "DF name " + to_hex(f.df_name) + " is already used by " + it->second);
    }
    if (j.contains("children"))
      f.children = parse_files(j.at("children"), where + ".children", f.fid, df_names);
  } else {
    if (j.contains("name") || j.contains("children"))
      throw FieldError(where, "only a DF has a name or children");
    if (j.contains("content") && j.contains("text"))
      throw FieldError(where, "give either content (hex) or text, not both");
    f.content = j.contains("text") ? [&] {
      const std::string t = string_at(j, "text", where, "");
      return Bytes(t.begin(), t.end());
    }() : hex_at(j, "content", where, {});
    f.size = static_cast<std::uint16_t>(uint_at(j, "size", where, 0, 0, 32767));
    if (f.size && f.content.size() > f.size)
      throw FieldError(where + ".content", std::to_string(f.content.size()) +
                                               " bytes do not fit size " + std::to_string(f.size));
  }
  return f;
}

std::vector<iso::FileSpec> parse_files(const json& list, const std::string& where,
                                       std::uint16_t parent_fid, DfNames& df_names) {
  if (!list.is_array()) throw FieldError(where, "must be a list");
  std::vector<iso::FileSpec> files;
  std::map<std::uint16_t, std::string> fids;  // FIDs are unique among siblings
  std::size_t i = 0;
  for (const auto& entry : list) {
    const std::string w = where + "[" + std::to_string(i++) + "]";
    files.push_back(parse_file(entry, w, parent_fid, df_names));
    const auto [it, fresh] = fids.emplace(files.back().fid, w);
    if (!fresh)
      throw FieldError(w + ".fid", fid_hex(files.back().fid) + " is already used by " + it->second +
                                       " in the same DF");
  }
  return files;
}

security::PinRecord parse_pin(const json& j, const std::string& where) {
  only_keys(j,
            {"reference", "value", "value_hex", "min_length", "max_length", "max_tries", "pad_byte",
             "unblock_reference", "grants_admin"},
            where);
  security::PinRecord pin;
  const Bytes ref = hex_at(j, "reference", where, {});
  if (ref.size() != 1)
    throw FieldError(where + ".reference", "must be one byte of hex, e.g. \"81\"");
  pin.reference = ref[0];
  pin.min_length = static_cast<std::uint8_t>(uint_at(j, "min_length", where, 4, 1, 127));
  pin.max_length = static_cast<std::uint8_t>(uint_at(j, "max_length", where, 8, 1, 127));
  if (pin.min_length > pin.max_length)
    throw FieldError(where + ".min_length", "exceeds max_length");
  pin.max_tries = static_cast<std::uint8_t>(uint_at(j, "max_tries", where, 3, 1, 15));
  pin.tries_left = pin.max_tries;
  if (j.contains("pad_byte")) {
    const Bytes pad = hex_at(j, "pad_byte", where, {});
    if (pad.size() != 1) throw FieldError(where + ".pad_byte", "must be one byte of hex");
    pin.pad_byte = pad[0];
  }
  if (j.contains("unblock_reference")) {
    const Bytes u = hex_at(j, "unblock_reference", where, {});
    if (u.size() != 1) throw FieldError(where + ".unblock_reference", "must be one byte of hex");
    pin.unblock_reference = u[0];
  }
  pin.grants_admin = bool_at(j, "grants_admin", where, false);
  if (j.contains("value") == j.contains("value_hex"))
    throw FieldError(where, "give exactly one of value (text) or value_hex");
  if (j.contains("value")) {
    const std::string v = string_at(j, "value", where, "");
    pin.value = SecretBytes(view(v));
  } else {
    pin.value = SecretBytes(hex_at(j, "value_hex", where, {}));
  }
  if (pin.value.size() < pin.min_length || pin.value.size() > pin.max_length)
    throw FieldError(where + ".value", "length must be between min_length and max_length");
  return pin;
}

}  // namespace

void personalize_iso_section(const json& section, ObjectStore& store, Rng& /*rng*/,
                             CardIdentity& /*identity*/) {
  const std::string where = "iso";
  only_keys(section, {"mf_name", "mf_access", "files", "pins"}, where);
  iso::IsoProfile p;
  p.mf_name = hex_at(section, "mf_name", where, {});
  if (section.contains("mf_access"))
    p.mf_access = parse_access(section.at("mf_access"), where + ".mf_access", p.mf_access);
  if (p.mf_name.size() > 16) throw FieldError(where + ".mf_name", "a DF name has at most 16 bytes");
  DfNames df_names{
      {to_hex(p.mf_name.empty() ? iso::default_aid() : p.mf_name), where + ".mf_name (the MF)"}};
  if (section.contains("files"))
    p.files = parse_files(section.at("files"), where + ".files", 0x3F00, df_names);
  if (section.contains("pins")) {
    if (!section.at("pins").is_array()) throw FieldError(where + ".pins", "must be a list");
    std::map<std::uint8_t, std::string> refs;
    std::size_t i = 0;
    for (const auto& pin : section.at("pins")) {
      const std::string w = where + ".pins[" + std::to_string(i++) + "]";
      p.pins.push_back(parse_pin(pin, w));
      const auto [it, fresh] = refs.emplace(p.pins.back().reference, w);
      if (!fresh)
        throw FieldError(w + ".reference", "PIN " + to_hex(Bytes{p.pins.back().reference}) +
                                               " is already defined by " + it->second);
    }
    for (std::size_t k = 0; k < p.pins.size(); ++k) {
      const auto& u = p.pins[k].unblock_reference;
      if (u && !refs.count(*u))
        throw FieldError(where + ".pins[" + std::to_string(k) + "].unblock_reference",
                         "PIN " + to_hex(Bytes{*u}) + " is not defined in iso.pins");
    }
  }
  iso::personalize(store, p);
}

}  // namespace softcard
