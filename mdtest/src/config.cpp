#include "config.h"

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

namespace softcard::mdtest {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& field, const std::string& why) {
  throw std::runtime_error("config: " + field + ": " + why);
}

void only_keys(const json& obj, const std::string& where, std::set<std::string> allowed) {
  if (!obj.is_object()) bad(where.empty() ? "(top level)" : where, "must be an object");
  for (const auto& [k, v] : obj.items())
    if (!allowed.count(k)) bad(where.empty() ? k : where + "." + k, "unknown field");
}

std::string path(const std::string& where, const std::string& key) {
  return where.empty() ? key : where + "." + key;
}

template <class T>
void get(const json& obj, const std::string& where, const std::string& key, T& out) {
  if (!obj.contains(key)) return;
  try {
    out = obj.at(key).get<T>();
  } catch (const json::exception&) {
    bad(path(where, key), "wrong type");
  }
}

std::vector<std::uint8_t> hex_bytes(const std::string& field, const std::string& hex) {
  if (hex.size() % 2) bad(field, "odd number of hex digits");
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    auto nib = [&](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      bad(field, "not hex");
    };
    out.push_back(static_cast<std::uint8_t>(nib(hex[i]) << 4 | nib(hex[i + 1])));
  }
  return out;
}

void check_members(const std::string& field, const std::vector<std::string>& values,
                   const std::set<std::string>& allowed) {
  for (const auto& v : values)
    if (!allowed.count(v)) bad(field, "unknown value \"" + v + "\"");
}

}  // namespace

Config parse_config(const std::string& json_text) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(std::string("config: not valid JSON: ") + e.what());
  }
  Config c;
  only_keys(
      j, "",
      {"library", "card_name", "readers", "reader_wait_seconds", "pins", "keys", "sign", "decrypt",
       "kdfs", "functions", "read_only", "ski", "hooks", "speed", "stress", "block_pin"});
  get(j, "", "library", c.library);
  get(j, "", "card_name", c.card_name);
  get(j, "", "readers", c.readers);
  get(j, "", "reader_wait_seconds", c.reader_wait_seconds);
  get(j, "", "read_only", c.read_only);
  get(j, "", "block_pin", c.block_pin);
  get(j, "", "kdfs", c.kdfs);
  check_members("kdfs", c.kdfs, {"HASH", "HMAC", "SP800_56A_CONCAT", "HKDF"});
  if (c.readers.size() > 2) bad("readers", "at most two readers");
  if (c.reader_wait_seconds < 0) bad("reader_wait_seconds", "negative");

  if (j.contains("pins")) {
    const json& p = j["pins"];
    only_keys(p, "pins",
              {"user", "min_length", "max_length", "max_tries", "admin_key", "session_pin"});
    get(p, "pins", "user", c.user_pin);
    get(p, "pins", "min_length", c.pin_min_length);
    get(p, "pins", "max_length", c.pin_max_length);
    get(p, "pins", "max_tries", c.pin_max_tries);
    get(p, "pins", "session_pin", c.session_pin);
    if (c.pin_min_length == 0 || c.pin_min_length > c.pin_max_length)
      bad("pins.min_length", "must be 1..max_length");
    if (c.user_pin.size() < c.pin_min_length || c.user_pin.size() > c.pin_max_length)
      bad("pins.user", "length outside min_length..max_length");
    if (c.pin_max_tries == 0) bad("pins.max_tries", "must be at least 1");
    if (p.contains("admin_key")) {
      const json& a = p["admin_key"];
      only_keys(a, "pins.admin_key", {"algorithm", "value"});
      get(a, "pins.admin_key", "algorithm", c.admin_key.algorithm);
      std::string hex;
      get(a, "pins.admin_key", "value", hex);
      c.admin_key.value = hex_bytes("pins.admin_key.value", hex);
    }
  }
  const auto& ak = c.admin_key;
  if (ak.algorithm == "3des") {
    if (ak.value.size() != 24) bad("pins.admin_key.value", "3des needs 24 bytes");
  } else if (ak.algorithm == "aes") {
    const auto n = ak.value.size();
    if (n != 16 && n != 24 && n != 32) bad("pins.admin_key.value", "aes needs 16, 24 or 32 bytes");
  } else if (ak.algorithm != "none") {
    bad("pins.admin_key.algorithm", "must be 3des, aes or none");
  }

  if (j.contains("keys")) {
    const json& k = j["keys"];
    only_keys(k, "keys", {"rsa_generate", "rsa_import", "ecc_generate", "provisioned"});
    get(k, "keys", "rsa_generate", c.rsa_generate);
    get(k, "keys", "rsa_import", c.rsa_import);
    get(k, "keys", "ecc_generate", c.ecc_generate);
    check_members("keys.ecc_generate", c.ecc_generate, {"P-256", "P-384", "P-521"});
    for (auto bits : c.rsa_generate)
      if (bits < 512 || bits > 16384 || bits % 8) bad("keys.rsa_generate", "bad RSA size");
    for (auto bits : c.rsa_import)
      if (bits < 512 || bits > 16384 || bits % 8) bad("keys.rsa_import", "bad RSA size");
    if (k.contains("provisioned")) {
      const json& list = k["provisioned"];
      if (!list.is_array()) bad("keys.provisioned", "must be a list");
      const std::map<std::string, unsigned> ec_bits = {
          {"AT_ECDSA_P256", 256}, {"AT_ECDSA_P384", 384}, {"AT_ECDSA_P521", 521},
          {"AT_ECDHE_P256", 256}, {"AT_ECDHE_P384", 384}, {"AT_ECDHE_P521", 521}};
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string where = "keys.provisioned[" + std::to_string(i) + "]";
        only_keys(list[i], where, {"index", "spec", "bits"});
        ProvisionedKey p;
        get(list[i], where, "index", p.index);
        get(list[i], where, "spec", p.spec);
        get(list[i], where, "bits", p.bits);
        if (p.index > 254) bad(where + ".index", "must be 0..254");
        if (auto e = ec_bits.find(p.spec); e != ec_bits.end()) {
          if (p.bits && p.bits != e->second) bad(where + ".bits", "not the curve's size");
          p.bits = e->second;
        } else if (p.spec != "AT_KEYEXCHANGE" && p.spec != "AT_SIGNATURE") {
          bad(where + ".spec", "unknown key spec \"" + p.spec + "\"");
        } else if (p.bits < 512 || p.bits > 16384 || p.bits % 8) {
          bad(where + ".bits", "bad RSA size");
        }
        c.provisioned.push_back(p);
      }
    }
  }
  const std::set<std::string> hash_names{"sha1", "sha256", "sha384", "sha512"};
  if (j.contains("sign")) {
    const json& s = j["sign"];
    only_keys(s, "sign", {"paddings", "hashes"});
    get(s, "sign", "paddings", c.sign_paddings);
    get(s, "sign", "hashes", c.hashes);
    check_members("sign.paddings", c.sign_paddings, {"pkcs1", "pss"});
    check_members("sign.hashes", c.hashes, hash_names);
  }
  if (j.contains("decrypt")) {
    const json& d = j["decrypt"];
    only_keys(d, "decrypt", {"paddings", "oaep_hashes", "oaep_labels"});
    get(d, "decrypt", "paddings", c.decrypt_paddings);
    get(d, "decrypt", "oaep_hashes", c.oaep_hashes);
    get(d, "decrypt", "oaep_labels", c.oaep_labels);
    check_members("decrypt.paddings", c.decrypt_paddings, {"pkcs1", "oaep", "none"});
    check_members("decrypt.oaep_hashes", c.oaep_hashes, hash_names);
  }
  if (j.contains("functions")) {
    const json& f = j["functions"];
    if (!f.is_object()) bad("functions", "must be an object");
    for (const auto& [name, v] : f.items()) {
      if (!v.is_boolean()) bad("functions." + name, "must be true or false");
      c.functions[name] = v.get<bool>();
    }
  }
  if (j.contains("ski")) {
    const json& s = j["ski"];
    only_keys(s, "ski",
              {"supported", "import", "algorithms", "protocol", "shared_key", "establishment"});
    get(s, "ski", "supported", c.ski);
    get(s, "ski", "import", c.ski_import);
    get(s, "ski", "algorithms", c.ski_algorithms);
    get(s, "ski", "protocol", c.ski_protocol);
    if (!c.ski_protocol.empty() && c.ski_protocol != "softcard")
      bad("ski.protocol", "only \"softcard\" is known");
    if (s.contains("shared_key")) {
      const json& k = s["shared_key"];
      only_keys(k, "ski.shared_key", {"number", "value"});
      get(k, "ski.shared_key", "number", c.ski_shared_number);
      std::string hex;
      get(k, "ski.shared_key", "value", hex);
      c.ski_shared_key = hex_bytes("ski.shared_key.value", hex);
      if (c.ski_shared_number < 0 || c.ski_shared_number > 255)
        bad("ski.shared_key.number", "must be 0..255");
      if (c.ski_shared_key.size() != 32) bad("ski.shared_key.value", "must be 32 bytes");
    }
    if (s.contains("establishment")) {
      const json& e = s["establishment"];
      only_keys(e, "ski.establishment", {"rsa", "ecc"});
      get(e, "ski.establishment", "rsa", c.ski_establishment_rsa);
      get(e, "ski.establishment", "ecc", c.ski_establishment_ecc);
      for (int v : {c.ski_establishment_rsa, c.ski_establishment_ecc})
        if (v < -1 || v > 254) bad("ski.establishment", "container indexes are 0..254");
    }
    check_members("ski.import", c.ski_import, {"rsa", "ecc", "shared"});
    check_members("ski.algorithms", c.ski_algorithms, {"AES", "3DES", "3DES_112"});
  }
  if (j.contains("hooks")) {
    const json& h = j["hooks"];
    only_keys(h, "hooks", {"remove", "insert", "reset"});
    get(h, "hooks", "remove", c.hook_remove);
    get(h, "hooks", "insert", c.hook_insert);
    get(h, "hooks", "reset", c.hook_reset);
    if (c.hook_remove.empty() != c.hook_insert.empty())
      bad("hooks", "remove and insert go together");
  }
  if (j.contains("speed")) {
    only_keys(j["speed"], "speed", {"repeat"});
    get(j["speed"], "speed", "repeat", c.speed_repeat);
    if (c.speed_repeat == 0) bad("speed.repeat", "must be at least 1");
  }
  if (j.contains("stress")) {
    only_keys(j["stress"], "stress", {"threads", "iterations"});
    get(j["stress"], "stress", "threads", c.stress_threads);
    get(j["stress"], "stress", "iterations", c.stress_iterations);
    if (c.stress_threads == 0 || c.stress_iterations == 0)
      bad("stress", "threads and iterations must be at least 1");
  }
  return c;
}

}  // namespace softcard::mdtest
