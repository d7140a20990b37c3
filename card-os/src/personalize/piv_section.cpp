// The "piv" section of a profile and its "yubikey" personality: JSON -> piv::PivPersonalization
// (docs/profiles.md, PIV section).
#include <cstdio>

#include "applets/piv/piv_personalize.h"
#include "personalize/profile_json.h"

namespace softcard {

using nlohmann::json;
using namespace profile_json;

namespace {

std::string secret_value(const json& obj, const std::string& where, const std::string& fallback) {
  const std::string v = string_at(obj, "value", where, fallback);
  if (v.size() < 6 || v.size() > 8)
    throw FieldError(path(where, "value"), "must be 6 to 8 characters");
  return v;
}

std::uint8_t management_algorithm(const std::string& name, const std::string& where) {
  if (name == "3des") return 0x03;
  if (name == "aes128") return 0x08;
  if (name == "aes192") return 0x0A;
  if (name == "aes256") return 0x0C;
  throw FieldError(where, "must be \"3des\", \"aes128\", \"aes192\" or \"aes256\"");
}

piv::YubiKeyPersonalization yubikey_section(const json& y) {
  const std::string where = "yubikey";
  only_keys(y, {"firmware", "serial", "form_factor", "touch", "attestation_key"}, where);
  piv::YubiKeyPersonalization out;
  const std::string fw = string_at(y, "firmware", where, "5.7.0");
  unsigned a = 0, b = 0, c = 0;
  char extra = 0;
  if (std::sscanf(fw.c_str(), "%u.%u.%u%c", &a, &b, &c, &extra) != 3 || a > 255 || b > 255 ||
      c > 255 || !(a == 5 || (a == 4 && b >= 3)))
    throw FieldError(path(where, "firmware"),
                     "must be a version \"4.3.x\" .. \"5.x.y\" (e.g. \"4.3.7\", \"5.7.0\")");
  out.version = {static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b),
                 static_cast<std::uint8_t>(c)};
  if (y.contains("serial") && !(y.at("serial").is_string() && y.at("serial") == "random"))
    out.serial = uint_at(y, "serial", where, 0, 1, 99999999);
  static const std::pair<const char*, std::uint8_t> form_factors[] = {
      {"usb-a-keychain", 0x01}, {"usb-a-nano", 0x02},      {"usb-c-keychain", 0x03},
      {"usb-c-nano", 0x04},     {"usb-c-lightning", 0x05}, {"usb-a-bio", 0x06},
      {"usb-c-bio", 0x07}};
  const std::string ff = string_at(y, "form_factor", where, "usb-a-keychain");
  bool found = false;
  for (const auto& [name, code] : form_factors)
    if (ff == name) {
      out.form_factor = code;
      found = true;
    }
  if (!found)
    throw FieldError(path(where, "form_factor"),
                     "must be one of usb-a-keychain, usb-a-nano, usb-c-keychain, usb-c-nano, "
                     "usb-c-lightning, usb-a-bio, usb-c-bio");
  const std::string touch = string_at(y, "touch", where, "granted");
  if (touch != "granted" && touch != "timeout")
    throw FieldError(path(where, "touch"), "must be \"granted\" or \"timeout\"");
  out.touch_times_out = touch == "timeout";
  const std::string att = string_at(y, "attestation_key", where, "rsa2048");
  if (att == "rsa2048")
    out.attestation_algorithm = 0x07;
  else if (att == "rsa1024")
    out.attestation_algorithm = 0x06;
  else if (att == "eccp256")
    out.attestation_algorithm = 0x11;
  else if (att == "eccp384")
    out.attestation_algorithm = 0x14;
  else
    throw FieldError(path(where, "attestation_key"),
                     "must be \"rsa2048\", \"rsa1024\", \"eccp256\" or \"eccp384\"");
  return out;
}

}  // namespace

void personalize_piv_section(const json& section, const json* yubikey, ObjectStore& store, Rng& rng,
                             CardIdentity&) {
  const std::string where = "piv";
  only_keys(section, {"pin", "puk", "management_key", "chuid", "ccc"}, where);
  piv::PivPersonalization p;
  if (section.contains("pin")) {
    const json& pin = section.at("pin");
    const std::string w = path(where, "pin");
    only_keys(pin, {"value", "max_tries"}, w);
    p.pin = secret_value(pin, w, p.pin);
    p.pin_tries = static_cast<std::uint8_t>(uint_at(pin, "max_tries", w, 3, 1, 15));
  }
  if (section.contains("puk")) {
    const json& puk = section.at("puk");
    const std::string w = path(where, "puk");
    only_keys(puk, {"value", "max_tries"}, w);
    p.puk = secret_value(puk, w, p.puk);
    p.puk_tries = static_cast<std::uint8_t>(uint_at(puk, "max_tries", w, 3, 1, 15));
  }
  if (section.contains("management_key")) {
    const json& mk = section.at("management_key");
    const std::string w = path(where, "management_key");
    only_keys(mk, {"algorithm", "value"}, w);
    p.management_algorithm =
        management_algorithm(string_at(mk, "algorithm", w, "3des"), path(w, "algorithm"));
    const Bytes key = hex_at(mk, "value", w, {});
    const std::size_t want = p.management_algorithm == 0x08   ? 16
                             : p.management_algorithm == 0x0C ? 32
                                                              : 24;
    if (!key.empty() && key.size() != want)
      throw FieldError(path(w, "value"),
                       "must be " + std::to_string(want) + " bytes of hex for this algorithm");
    if (key.empty() && want != 24)
      throw FieldError(path(w, "value"),
                       "required for aes128/aes256 (the factory key has 24 bytes)");
    p.management_key = SecretBytes(view(key));
  }
  p.chuid = bool_at(section, "chuid", where, true);
  p.ccc = bool_at(section, "ccc", where, true);
  if (yubikey) p.yubikey = yubikey_section(*yubikey);
  const bool aes = p.management_algorithm != 0x03;
  if (aes && p.yubikey &&
      (p.yubikey->version[0] < 5 || (p.yubikey->version[0] == 5 && p.yubikey->version[1] < 4)))
    throw FieldError("piv.management_key.algorithm", "AES needs firmware 5.4 or later");
  CryptoProvider crypto(rng);
  piv::personalize_piv(store, rng, crypto, p);
}

}  // namespace softcard
