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

}  // namespace softcard::fuzz
