#pragma once
// Personalization: JSON card profiles (docs/profiles.md) turned into card images, and the one
// factory every front-end (CLI, Python, demo, benches, test fixtures) makes new cards with.
// The JSON itself stays inside card-os: a Profile is a checked, opaque document.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "softcard/card.h"
#include "softcard/card_factory.h"
#include "softcard/rng.h"
#include "softcard/store.h"

namespace softcard {

struct ProfileDocument;  // the parsed JSON (card-os private)

struct Profile {
  std::string name;              // the profile's "name" field, else the built-in name/file stem
  std::filesystem::path source;  // the file it was read from; empty for built-in/inline ones
  // What errors call the profile: the file path, or the built-in / inline name.
  std::string label;
  std::shared_ptr<const ProfileDocument> document;
};

// Built-in profiles (profiles/*.json, embedded at build time), by name.
std::vector<std::string> builtin_profile_names();

// A built-in name ("gids", "gids-blank", "iso") or a path to a JSON file. Every problem throws
// ProfileError naming the file (or built-in name) and the field.
Profile load_profile(const std::string& name_or_path);
// A profile given as JSON text; `label` names it in errors (e.g. "inline").
Profile parse_profile(const std::string& label, const std::string& text);

struct PersonalizeOptions {
  Bytes serial;  // overrides the profile's serial when not empty
  // create_image: encrypt the image's secret records at rest under this 32-byte key.
  std::optional<SecretBytes> image_key;
};

// Writes the whole card described by the profile into the store (pending, not committed).
// Throws ProfileError naming the profile and the field; the caller rolls back.
CardIdentity personalize(const Profile& profile, ObjectStore& store, Rng& rng,
                         const PersonalizeOptions& options = {});

// Creates a new card image file from a profile. On any error nothing is left behind; an
// existing file is never touched (ImageError).
CardIdentity create_image(const std::filesystem::path& image, const Profile& profile, Rng& rng,
                          const PersonalizeOptions& options = {});

// The card factory: personalizes `store` (which must be empty) from the profile in one
// all-or-nothing write, then installs the card's applets from `registry`. The profile's random
// values (serial, cardid, ...) come from options.rng.
std::unique_ptr<Card> make_card(const Profile& profile, std::unique_ptr<CardStore> store,
                                CardOptions options, const PersonalizeOptions& personalize = {},
                                const AppletRegistry& registry = builtin_applets());

}  // namespace softcard
