#pragma once
// Card profiles: JSON documents describing a card (ATR, serial, applets and their
// personalization). Built-in profiles come from profiles/*.json; users copy and edit them.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "softcard/card_factory.h"
#include "softcard/rng.h"
#include "softcard/store.h"

namespace softcard {

struct Profile {
  std::string name;              // built-in name or file stem
  std::filesystem::path source;  // empty for built-in profiles
  nlohmann::json json;
};

// Built-in profile texts, name -> JSON text (generated at build time).
const std::vector<std::pair<std::string, std::string>>& builtin_profile_texts();
std::vector<std::string> builtin_profile_names();

// A built-in name ("gids", "gids-blank", "iso") or a path to a JSON file. Throws ProfileError
// naming the file and the problem.
Profile load_profile(const std::string& name_or_path);
Profile parse_profile(const std::string& name, const std::string& text);

struct PersonalizeOptions {
  Bytes serial;  // overrides the profile's serial when not empty
  // create_image: encrypt the image's secret records at rest under this 32-byte key.
  std::optional<SecretBytes> image_key;
};

// Writes the whole card described by the profile into the store (not committed).
CardIdentity personalize(const Profile& profile, ObjectStore& store, Rng& rng,
                         const PersonalizeOptions& options = {});

// Creates a new card image file from a profile. On any error nothing is left behind.
CardIdentity create_image(const std::filesystem::path& image, const Profile& profile, Rng& rng,
                          const PersonalizeOptions& options = {});

// Per-applet sections; each lives in <applet>_profile.cpp next to this file.
void personalize_iso_section(const nlohmann::json& section, ObjectStore& store, Rng& rng,
                             CardIdentity& identity);
void personalize_gids_section(const nlohmann::json& section, ObjectStore& store, Rng& rng,
                              CardIdentity& identity);
// Secure key injection settings of a GIDS card (top-level "ski" field).
void personalize_ski_section(const nlohmann::json& section, ObjectStore& store,
                             const std::string& where);

// Helpers for section parsers: typed access with errors naming the JSON path.
namespace profile_json {
const nlohmann::json& require(const nlohmann::json& obj, const std::string& key,
                              const std::string& where);
std::string string_at(const nlohmann::json& obj, const std::string& key, const std::string& where,
                      const std::string& fallback);
Bytes hex_at(const nlohmann::json& obj, const std::string& key, const std::string& where,
             const Bytes& fallback);
unsigned uint_at(const nlohmann::json& obj, const std::string& key, const std::string& where,
                 unsigned fallback, unsigned min, unsigned max);
bool bool_at(const nlohmann::json& obj, const std::string& key, const std::string& where,
             bool fallback);
// Rejects keys not in `allowed` (typos must not be silently ignored).
void only_keys(const nlohmann::json& obj, const std::vector<std::string>& allowed,
               const std::string& where);
}  // namespace profile_json

}  // namespace softcard
