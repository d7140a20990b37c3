#pragma once
// Cards for the fuzz targets: personalized once from a profile, cloned into a fresh in-memory
// store per input.
#include <memory>
#include <string>

#include "fuzz_support.h"
#include "softcard/card.h"
#include "softcard/card_factory.h"
#include "softcard/personalize.h"
#include "softcard/store.h"

namespace softcard::fuzz {

// The fixed RNG of personalization. Not the card's seed: with one seed, a value the card draws
// at run time (a certificate serial, a challenge) would repeat bytes of a personalized key.
inline constexpr std::uint64_t personalization_seed = 0xD1B54A32D192ED03ull;

// The committed objects (and which are secret) of a card personalized from `profile` with a
// fixed RNG.
inline StoredObjects personalized_objects(const Profile& profile) {
  DeterministicRng rng(personalization_seed);
  ObjectStore store(std::make_unique<MemoryStore>());
  personalize(profile, store, rng);
  store.commit();
  return store.backend().load();
}

// A fresh in-memory card holding `objects`; `backend` points at its store for snapshots.
inline std::unique_ptr<Card> card_from(const StoredObjects& objects, Rng& rng,
                                       const AppletRegistry& registry,
                                       const MemoryStore** backend) {
  auto store = std::make_unique<MemoryStore>();
  ChangeSet all;
  for (const auto& [k, v] : objects.values)
    all.writes.emplace_back(k, v, objects.secret.count(k) != 0);
  store->apply(all);
  *backend = store.get();
  CardOptions options;
  options.rng = &rng;
  return make_card(std::move(store), std::move(options), registry);
}

// One card per process, put back into its personalized state before every input. Making a card
// per input cost about half of each input's time: every card makes its own OpenSSL library
// context (so its randomness is its own Rng), and the first use of each algorithm in a fresh
// context builds OpenSSL's method tables. Reuse is exact: the records are restored through the
// card's own store and checked byte for byte (secrecy included; a card that cannot be restored is
// rebuilt), the card is powered off (every applet's volatile state goes) and its Rng reseeded.
// OpenSSL draws no randomness of its own (the card's Rng is its only source, no DRBG in between),
// so an input sees exactly what a fresh card would show it: SOFTCARD_FUZZ_CHECK_REUSE=1 makes the
// APDU targets replay every input on a fresh card too and compare every response.
class ReusedCard {
 public:
  ReusedCard(const StoredObjects& objects, const AppletRegistry& registry)
      : objects_(objects), registry_(registry) {
    rebuild();
  }

  // The card, as personalized, not powered, its Rng at the start of its stream.
  Card& fresh() {
    card_->power_off();  // rolls back anything pending, clears every applet's volatile state
    if (backend_->objects() != objects_.values || backend_->secret_keys() != objects_.secret) {
      restore();
      if (backend_->objects() != objects_.values || backend_->secret_keys() != objects_.secret)
        rebuild();
    }
    rng_.reseed();
    return *card_;
  }
  const MemoryStore& backend() const { return *backend_; }
  std::size_t rebuilds() const { return rebuilds_; }

 private:
  void rebuild() {
    card_ = card_from(objects_, rng_, registry_, &backend_);
    ++rebuilds_;
  }
  // The writes that undo the input's, as one transaction of the card's store.
  void restore() {
    ObjectStore& s = card_->store();
    const ObjectMap now = backend_->objects();
    for (const auto& [k, v] : now)
      if (!objects_.values.count(k)) s.erase(k);
    for (const auto& [k, v] : objects_.values) {
      const auto it = now.find(k);
      const bool secret = objects_.secret.count(k) != 0;
      if (it != now.end() && it->second == v && backend_->secret_keys().count(k) == secret)
        continue;
      if (secret)
        s.put_secret(k, v);
      else
        s.put(k, v);
    }
    s.commit();
  }

  const StoredObjects& objects_;
  const AppletRegistry& registry_;
  DeterministicRng rng_;  // the card's
  const MemoryStore* backend_ = nullptr;
  std::unique_ptr<Card> card_;
  std::size_t rebuilds_ = 0;
};

}  // namespace softcard::fuzz
