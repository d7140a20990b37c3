// The "ski" section of a profile: pre-provisioned shared symmetric keys (docs/ski.md §7.2) and
// establishment keys generated on the card (docs/ski.md §13). Both are lists of objects.
#include "applets/gids/gids_personalize.h"
#include "applets/ski/ski_extension.h"
#include "personalize/profile_json.h"
#include "softcard/errors.h"

namespace softcard {

using nlohmann::json;
using namespace profile_json;

namespace {

void shared_keys(const json& keys, ObjectStore& store) {
  const std::string where = "ski.shared_keys";
  if (!keys.is_array())
    throw FieldError(where, "must be a list of {\"number\": 1..255, \"key\": \"<64 hex digits>\"}");
  std::vector<unsigned> seen;
  std::size_t i = 0;
  for (const auto& entry : keys) {
    const std::string w = where + "[" + std::to_string(i++) + "]";
    only_keys(entry, {"number", "key"}, w);
    if (!entry.contains("number")) throw FieldError(w, "missing field 'number'");
    const unsigned number = uint_at(entry, "number", w, 0, 1, 255);
    for (unsigned n : seen)
      if (n == number)
        throw FieldError(w + ".number", "key " + std::to_string(number) + " is given twice");
    seen.push_back(number);
    if (!entry.contains("key")) throw FieldError(w, "missing field 'key'");
    SecretBytes key(hex_at(entry, "key", w, {}));
    if (key.size() != 32) throw FieldError(w + ".key", "must be 32 bytes of hex (an AES-256 key)");
    ski::provision_shared_key(store, static_cast<std::uint8_t>(number), key.view());
  }
}

KeyPair generate(CryptoProvider& crypto, const std::string& algorithm, const std::string& where) {
  if (algorithm == "rsa1024") return crypto.generate_rsa(1024);
  if (algorithm == "rsa2048") return crypto.generate_rsa(2048);
  if (algorithm == "rsa3072") return crypto.generate_rsa(3072);
  if (algorithm == "rsa4096") return crypto.generate_rsa(4096);
  if (algorithm == "ecdh-p256") return crypto.generate_ec(Curve::p256);
  if (algorithm == "ecdh-p384") return crypto.generate_ec(Curve::p384);
  if (algorithm == "ecdh-p521") return crypto.generate_ec(Curve::p521);
  throw FieldError(where,
                   "must be one of rsa1024, rsa2048, rsa3072, rsa4096, ecdh-p256, ecdh-p384, "
                   "ecdh-p521");
}

void establishment_keys(const json& keys, ObjectStore& store, Rng& rng) {
  const std::string where = "ski.establishment_keys";
  if (!keys.is_array())
    throw FieldError(where,
                     "must be a list of {\"container\": 0..125, \"algorithm\": \"rsa2048\"...}");
  CryptoProvider crypto(rng);
  std::vector<unsigned> seen;
  std::size_t i = 0;
  for (const auto& entry : keys) {
    const std::string w = where + "[" + std::to_string(i++) + "]";
    only_keys(entry, {"container", "algorithm"}, w);
    if (!entry.contains("container")) throw FieldError(w, "missing field 'container'");
    const unsigned index = uint_at(entry, "container", w, 0, 0, 125);
    for (unsigned n : seen)
      if (n == index)
        throw FieldError(w + ".container",
                         "container " + std::to_string(index) + " is given twice");
    seen.push_back(index);
    if (!entry.contains("algorithm")) throw FieldError(w, "missing field 'algorithm'");
    const KeyPair key = generate(crypto, string_at(entry, "algorithm", w, ""), w + ".algorithm");
    try {
      gids::add_establishment_key(store, crypto, index, key);
    } catch (const CardError&) {
      // The only refusal left is a card without a container map.
      throw FieldError(w, "establishment keys need an initialized gids card (gids.state)");
    }
  }
}

}  // namespace

void personalize_ski_section(const json& section, ObjectStore& store, Rng& rng) {
  only_keys(section, {"shared_keys", "establishment_keys"}, "ski");
  if (section.contains("shared_keys")) shared_keys(section.at("shared_keys"), store);
  if (section.contains("establishment_keys"))
    establishment_keys(section.at("establishment_keys"), store, rng);
}

}  // namespace softcard
