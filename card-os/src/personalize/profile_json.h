#pragma once
// Inside the personalize module: the parsed profile document, typed field access whose errors
// name the field, and the per-applet section parsers (one file each).
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "softcard/card_factory.h"
#include "softcard/errors.h"
#include "softcard/personalize.h"
#include "softcard/rng.h"
#include "softcard/store.h"

namespace softcard {

struct ProfileDocument {
  nlohmann::json json;
};

// Built-in profile texts, name -> JSON text (generated at build time from profiles/*.json).
const std::vector<std::pair<std::string, std::string>>& builtin_profile_texts();

namespace profile_json {

// A problem with one field of the profile. `field` is its JSON path ("gids.user_pin.value",
// "iso.files[0].fid"; empty for the document itself). The profile's loader adds the file name:
// "profile FILE, field FIELD: PROBLEM" (docs/profiles.md, Errors).
class FieldError : public ProfileError {
 public:
  FieldError(std::string field, std::string problem)
      : ProfileError(field + ": " + problem),
        field_(std::move(field)),
        problem_(std::move(problem)) {}
  const std::string& field() const { return field_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string field_;
  std::string problem_;
};

// `where` + "." + `key` (just `key` at the top level).
std::string path(const std::string& where, const std::string& key);

// Typed access: each throws FieldError naming path(where, key).
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

// Per-applet sections; each lives in <applet>_section.cpp next to this file. They throw
// FieldError (or ProfileError for problems without one field).
void personalize_iso_section(const nlohmann::json& section, ObjectStore& store, Rng& rng,
                             CardIdentity& identity);
void personalize_gids_section(const nlohmann::json& section, ObjectStore& store, Rng& rng,
                              CardIdentity& identity);
// The PIV applet; `yubikey` is the top-level "yubikey" section (the YubiKey personality) or null.
void personalize_piv_section(const nlohmann::json& section, const nlohmann::json* yubikey,
                             ObjectStore& store, Rng& rng, CardIdentity& identity);
// Secure key injection settings of a GIDS card (top-level "ski" field): shared keys, and the
// establishment keys it generates with `rng` (docs/ski.md §13).
void personalize_ski_section(const nlohmann::json& section, ObjectStore& store, Rng& rng);

}  // namespace softcard
