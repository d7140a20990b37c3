// The "gids" section of a profile: JSON -> gids::GidsPersonalization (docs/profiles.md, GIDS
// section).
#include "applets/gids/gids_personalize.h"
#include "personalize/profile_json.h"

namespace softcard {

using nlohmann::json;
using namespace profile_json;

namespace {

std::string pin_value(const json& obj, const std::string& where) {
  const json& v = require(obj, "value", where);
  if (!v.is_string()) throw FieldError(where + ".value", "must be a string (the ASCII PIN)");
  return v.get<std::string>();
}

}  // namespace

void personalize_gids_section(const json& section, ObjectStore& store, Rng& rng,
                              CardIdentity& identity) {
  const std::string where = "gids";
  only_keys(section, {"state", "user_pin", "puk", "admin_key", "cardid"}, where);
  gids::GidsPersonalization p;
  const std::string state = string_at(section, "state", where, "initialized");
  if (state == "blank") {
    p.initialized = false;
  } else if (state != "initialized") {
    throw FieldError(where + ".state", "must be \"initialized\" or \"blank\"");
  }
  if (!p.initialized) {
    // A factory-fresh card has nothing else: the host's initialization chooses it all.
    for (const char* field : {"user_pin", "puk", "admin_key", "cardid"})
      if (section.contains(field))
        throw FieldError(where + "." + field,
                         std::string("a blank card has no ") + field +
                             " (gids-tool --initialize sets it); remove the field or use state "
                             "\"initialized\"");
    gids::personalize_gids(store, rng, p);
    return;
  }

  if (section.contains("user_pin")) {
    const json& pin = section.at("user_pin");
    const std::string w = where + ".user_pin";
    only_keys(pin, {"value", "min_length", "max_length", "max_tries"}, w);
    p.user_pin = pin_value(pin, w);
    p.pin_min_length = static_cast<std::uint8_t>(uint_at(pin, "min_length", w, 4, 4, 16));
    p.pin_max_length = static_cast<std::uint8_t>(uint_at(pin, "max_length", w, 16, 4, 16));
    p.pin_max_tries = static_cast<std::uint8_t>(uint_at(pin, "max_tries", w, 3, 1, 15));
    if (p.pin_min_length > p.pin_max_length)
      throw FieldError(w + ".min_length", "larger than max_length");
    if (p.user_pin.size() < p.pin_min_length || p.user_pin.size() > p.pin_max_length)
      throw FieldError(w + ".value", "must be " + std::to_string(p.pin_min_length) + " to " +
                                         std::to_string(p.pin_max_length) + " characters");
  }
  if (section.contains("puk") && !section.at("puk").is_null()) {
    const json& puk = section.at("puk");
    const std::string w = where + ".puk";
    only_keys(puk, {"value", "max_tries"}, w);
    p.puk = pin_value(puk, w);
    if (p.puk->size() < 4 || p.puk->size() > 16)
      throw FieldError(w + ".value", "must be 4 to 16 characters");
    p.puk_max_tries = static_cast<std::uint8_t>(uint_at(puk, "max_tries", w, 3, 1, 15));
  }
  {
    const std::string w = where + ".admin_key";
    const json admin = section.contains("admin_key") ? section.at("admin_key") : json::object();
    only_keys(admin, {"algorithm", "value"}, w);
    const std::string alg = string_at(admin, "algorithm", w, "3des");
    if (alg == "3des") {
      p.admin_key_algorithm = gids::AdminKeyAlgorithm::tdes;
    } else if (alg == "aes") {
      p.admin_key_algorithm = gids::AdminKeyAlgorithm::aes;
    } else {
      throw FieldError(w + ".algorithm", "must be \"3des\" or \"aes\"");
    }
    // gids-tool's documented default admin key is 24 zero bytes; we default to the same.
    const Bytes fallback(alg == "aes" ? 16 : 24, 0x00);
    const Bytes key = hex_at(admin, "value", w, fallback);
    const std::size_t n = key.size();
    if (alg == "3des" && n != 24 && n != 16)
      throw FieldError(w + ".value", "a 3DES admin key has 24 (or 16) bytes");
    if (alg == "aes" && n != 16 && n != 24 && n != 32)
      throw FieldError(w + ".value", "an AES admin key has 16, 24 or 32 bytes");
    p.admin_key = SecretBytes(view(key));
  }
  const std::string cardid = string_at(section, "cardid", where, "serial");
  if (cardid == "serial") {
    // Hosts show the cardid as the token serial: keep it equal to the card serial if it fits.
    if (identity.serial.size() == 16) p.cardid = identity.serial;
  } else if (cardid != "random") {
    p.cardid = hex_at(section, "cardid", where, {});
    if (p.cardid.size() != 16)
      throw FieldError(where + ".cardid", "must be \"serial\", \"random\" or 16 bytes of hex");
  }
  gids::personalize_gids(store, rng, p);
}

}  // namespace softcard
