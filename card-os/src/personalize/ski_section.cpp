// The "ski" section of a profile: pre-provisioned shared symmetric keys (docs/ski.md §7.2).
// The documented form is a list of {number, key} objects.
#include "applets/ski/ski_extension.h"
#include "personalize/profile_json.h"

namespace softcard {

using nlohmann::json;
using namespace profile_json;

void personalize_ski_section(const json& section, ObjectStore& store) {
  const std::string where = "ski";
  only_keys(section, {"shared_keys"}, where);
  if (!section.contains("shared_keys")) return;
  const json& keys = section.at("shared_keys");
  if (!keys.is_array())
    throw FieldError(where + ".shared_keys",
                     "must be a list of {\"number\": 1..255, \"key\": \"<64 hex digits>\"}");
  std::vector<unsigned> seen;
  std::size_t i = 0;
  for (const auto& entry : keys) {
    const std::string w = where + ".shared_keys[" + std::to_string(i++) + "]";
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

}  // namespace softcard
