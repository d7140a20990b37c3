#pragma once
// Builds cards from images: which applets a card has is recorded in the image (keys::applets),
// and the registry maps those names to the applet implementations this build contains.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "softcard/atr.h"  // atr_problem, the rule write_identity applies
#include "softcard/card.h"

namespace softcard {

class AppletRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Applet>()>;
  void add(std::string name, Factory factory);
  // Throws ImageError naming the applet when this build does not have it.
  std::unique_ptr<Applet> make(std::string_view name) const;
  bool has(std::string_view name) const { return factories_.count(std::string(name)) != 0; }
  std::vector<std::string> names() const;

 private:
  std::map<std::string, Factory> factories_;
};

// Every applet built into this softcard.
AppletRegistry builtin_applets();

// Installs the applets listed in the store (first = default applet) on a new Card, then checks
// every record (Card::validate). Throws ImageError when the image lists no applet, an applet
// twice, one this build lacks, a stored ATR that is not a valid ATR, or a damaged record: all
// before any command.
std::unique_ptr<Card> make_card(std::unique_ptr<CardStore> store, CardOptions options,
                                const AppletRegistry& registry);
// Opens an existing card image (exclusively; shared when read-only) with the built-in applets.
std::unique_ptr<Card> open_card(const std::filesystem::path& image, CardOptions options,
                                OpenOptions open = {});

// The card identity every image carries (written at personalization).
struct CardIdentity {
  Bytes atr;                         // empty = default ATR
  Bytes serial;                      // unique per card (hosts cache by serial)
  std::vector<std::string> applets;  // first = default applet
  std::string profile;               // name of the profile the card was made from
};
// Throws ProfileError for an identity no card could be opened with (no applet, an applet twice,
// an invalid ATR).
void write_identity(ObjectStore& store, const CardIdentity& identity);
CardIdentity read_identity(const ObjectStore& store);

}  // namespace softcard
