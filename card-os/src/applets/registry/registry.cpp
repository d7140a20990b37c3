#include "softcard/card_factory.h"
#include "softcard/errors.h"

#include "applets/gids/gids_applet.h"
#include "applets/iso/iso_applet.h"
#include "applets/piv/piv_applet.h"
#include "applets/ski/ski_extension.h"

namespace softcard {

void AppletRegistry::add(std::string name, Factory factory) {
  factories_[std::move(name)] = std::move(factory);
}

std::unique_ptr<Applet> AppletRegistry::make(std::string_view name) const {
  auto it = factories_.find(std::string(name));
  if (it == factories_.end())
    throw ImageError("the card needs applet '" + std::string(name) +
                     "', which this softcard build does not have");
  return it->second();
}

std::vector<std::string> AppletRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, f] : factories_) out.push_back(name);
  return out;
}

AppletRegistry builtin_applets() {
  AppletRegistry r;
  r.add("iso", [] { return iso::make_iso_applet(); });
  // GIDS cards carry the secure key injection extension (docs/ski.md).
  r.add("gids", [] { return make_gids_applet(ski::make_ski_extension()); });
  r.add(piv_applet_name, [] { return make_piv_applet(); });
  r.add(yubikey_mgmt_applet_name, [] { return make_yubikey_mgmt_applet(); });
  return r;
}

std::unique_ptr<Card> make_card(std::unique_ptr<CardStore> store, CardOptions options,
                                const AppletRegistry& registry) {
  auto card = std::make_unique<Card>(std::move(store), std::move(options));
  const CardIdentity id = read_identity(card->store());
  if (id.applets.empty())
    throw ImageError("card image " + card->store().backend().describe() +
                     ": lists no applets (not personalized?)");
  const std::string image = "card image " + card->store().backend().describe();
  for (std::size_t i = 0; i < id.applets.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (id.applets[i] == id.applets[j])
        throw ImageError(image + ": lists applet '" + id.applets[i] + "' twice (" +
                         std::string(keys::applets) + ")");
  for (const auto& name : id.applets) card->install(registry.make(name));
  // A damaged record (an invalid stored ATR included) is an error now, not a 6F00 at the first
  // command.
  card->validate();
  return card;
}

std::unique_ptr<Card> open_card(const std::filesystem::path& image, CardOptions options,
                                OpenOptions open) {
  return make_card(SqliteStore::open(image, std::move(open)), std::move(options),
                   builtin_applets());
}

}  // namespace softcard
