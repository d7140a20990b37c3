// Profile parse + personalize: any text either becomes a card that opens and answers, or is
// refused with a ProfileError (never a raw parser or library exception). A profile that was
// accepted must give a card image that opens (an accepted profile can never make a dead image).
#include <cstdint>
#include <string>

#include "fuzz_card.h"
#include "softcard/errors.h"

using namespace softcard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  fuzz::DeterministicRng rng;
  StoredObjects objects;
  try {
    ObjectStore store(std::make_unique<MemoryStore>());
    personalize(parse_profile("fuzz", text), store, rng);
    store.commit();
    objects = store.backend().load();
  } catch (const ProfileError&) {
    return 0;
  } catch (const std::exception& e) {
    fuzz::oracle_failed(std::string("not a ProfileError: ") + e.what());
  }
  const MemoryStore* backend = nullptr;
  std::unique_ptr<Card> card;
  try {
    card = fuzz::card_from(objects, rng, builtin_applets(), &backend);
  } catch (const std::exception& e) {
    fuzz::oracle_failed(std::string("an accepted profile made a card that does not open: ") +
                        e.what());
  }
  card->power_on();
  const Bytes r = card->transmit(from_hex("00A4000C023F00"));
  if (r.size() < 2 || (r[r.size() - 2] == 0x6F && r.back() == 0))
    fuzz::oracle_failed("a personalized card answers SELECT MF with 6F00");
  return 0;
}
