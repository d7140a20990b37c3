// Profile -> card: the identity fields, each applet's section, and the factory that makes a
// card (or an image file) from the result in one all-or-nothing write.
#include "personalize/profile_json.h"

namespace softcard {

using nlohmann::json;

namespace {

Bytes parse_atr(const json& doc) {
  Bytes atr = profile_json::hex_at(doc, "atr", "", {});
  if (atr.empty()) return atr;
  if (const std::string why = atr_problem(atr); !why.empty())
    throw profile_json::FieldError("atr", why);
  return atr;
}

CardIdentity personalize_document(const json& doc, const std::string& name, ObjectStore& store,
                                  Rng& rng, const PersonalizeOptions& options) {
  using namespace profile_json;
  CardIdentity id;
  id.profile = name;
  id.atr = parse_atr(doc);
  id.serial = options.serial;
  if (id.serial.empty()) {
    const std::string serial = string_at(doc, "serial", "", "random");
    if (serial == "random") {
      id.serial.resize(16);
      rng.fill(id.serial);
    } else {
      id.serial = hex_at(doc, "serial", "", {});
    }
  }
  if (id.serial.empty() || id.serial.size() > 32)
    throw FieldError("serial", "must be \"random\" or 1 to 32 bytes of hex");
  for (const auto& a : doc.at("applets")) id.applets.push_back(a.get<std::string>());
  for (const auto& applet : id.applets) {
    const json section = doc.contains(applet) ? doc.at(applet) : json::object();
    if (applet == "iso") personalize_iso_section(section, store, rng, id);
    if (applet == "gids") personalize_gids_section(section, store, rng, id);
    if (applet == "piv")
      personalize_piv_section(section, doc.contains("yubikey") ? &doc.at("yubikey") : nullptr,
                              store, rng, id);
  }
  if (doc.contains("ski")) {
    bool gids = false;
    for (const auto& applet : id.applets) gids = gids || applet == "gids";
    if (!gids)
      throw FieldError("ski",
                       "secure key injection is part of the gids applet, which this profile lacks");
    personalize_ski_section(doc.at("ski"), store, rng);
  }
  write_identity(store, id);
  return id;
}

// Writes the personalized card into a fresh staging store, so that a bad profile never
// touches the caller's store, and returns every object as one change set.
ChangeSet personalized_objects(const Profile& profile, Rng& rng, const PersonalizeOptions& options,
                               CardIdentity& identity) {
  ObjectStore staging(std::make_unique<MemoryStore>());
  identity = personalize(profile, staging, rng, options);
  staging.commit();
  return staging.snapshot();  // secret records stay marked secret
}

}  // namespace

CardIdentity personalize(const Profile& profile, ObjectStore& store, Rng& rng,
                         const PersonalizeOptions& options) {
  const std::string prefix = "profile " + (profile.label.empty() ? profile.name : profile.label);
  if (!profile.document) throw ProfileError(prefix + ": empty (not loaded or parsed)");
  try {
    return personalize_document(profile.document->json, profile.name, store, rng, options);
  } catch (const profile_json::FieldError& e) {
    throw ProfileError(prefix + (e.field().empty() ? "" : ", field " + e.field()) + ": " +
                       e.problem());
  } catch (const ProfileError& e) {
    throw ProfileError(prefix + ": " + e.what());
  } catch (const json::exception& e) {
    throw ProfileError(prefix + ": " + e.what());
  }
}

CardIdentity create_image(const std::filesystem::path& image, const Profile& profile, Rng& rng,
                          const PersonalizeOptions& options) {
  // Personalize in memory first so a bad profile never leaves a half-made file behind.
  CardIdentity id;
  const ChangeSet all = personalized_objects(profile, rng, options, id);
  auto store = SqliteStore::create(image, options.image_key);  // refuses an existing file
  try {
    store->apply(all);
  } catch (...) {
    store.reset();  // the file is ours (create() refused existing ones): remove it whole
    std::error_code ec;
    std::filesystem::remove(image, ec);
    std::filesystem::remove(image.string() + "-wal", ec);
    std::filesystem::remove(image.string() + "-shm", ec);
    throw;
  }
  return id;
}

std::unique_ptr<Card> make_card(const Profile& profile, std::unique_ptr<CardStore> store,
                                CardOptions options, const PersonalizeOptions& personalize,
                                const AppletRegistry& registry) {
  if (!options.rng) throw std::invalid_argument("make_card: CardOptions::rng is required");
  if (!store->load().values.empty())
    throw ImageError("card store " + store->describe() + " already holds a card");
  CardIdentity id;
  store->apply(personalized_objects(profile, *options.rng, personalize, id));
  return make_card(std::move(store), std::move(options), registry);
}

}  // namespace softcard
