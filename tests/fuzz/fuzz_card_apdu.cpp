// APDU sequences against an in-memory card through Card::transmit, one card edge per binary
// (SOFTCARD_FUZZ_EDGE: iso, gids, ski, piv). Oracles beyond crashes and sanitizers:
//  - no response is 6F00 (an internal error is a bug, whatever the input);
//  - an error status leaves the store exactly as it was (PIN records excepted: a try is spent and
//    committed before the comparison, by design);
//  - no response carries the card's secrets the harness put there (admin key, SKI shared key).
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "fuzz_card.h"
#include "fuzz_piv_setup.h"
#include "softcard/status_word.h"

using namespace softcard;

namespace {

// Secrets chosen by the harness; long and patterned so a leak cannot be a coincidence.
const char* const admin_key_hex = "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718";
const char* const shared_key_hex =
    "6d64746573742d7368617265642d6b65792d30312d6d64746573742d30312121";

Profile card_profile() {
  const std::string edge = SOFTCARD_FUZZ_EDGE;
  if (edge == "iso") return load_profile("iso");
  if (edge == "piv")  // the YubiKey personality, the harness's secret as the 9B key
    return parse_profile("fuzz", R"({"softcard_profile": 1, "name": "fuzz-piv",
      "serial": "0011223344556677", "applets": ["piv", "yubikey-mgmt"],
      "piv": {"management_key": {"algorithm": "3des", "value": ")" +
                                     std::string(admin_key_hex) + R"("}},
      "yubikey": {"firmware": "5.7.0", "serial": 12345678, "attestation_key": "eccp256"}})");
  std::string text = R"({"softcard_profile": 1, "name": "fuzz-gids", "serial": "0011223344556677",
    "applets": ["gids"],
    "gids": {"state": "initialized",
             "user_pin": {"value": "123456", "min_length": 4, "max_length": 16, "max_tries": 3},
             "admin_key": {"algorithm": "3des", "value": ")" +
                     std::string(admin_key_hex) + R"("}, "cardid": "serial"})";
  if (edge == "ski")
    text += R"(, "ski": {"shared_keys": [{"number": 1, "key": ")" + std::string(shared_key_hex) +
            R"("}]})";
  return parse_profile("fuzz", text + "}");
}

StoredObjects card_objects(const AppletRegistry& registry) {
  StoredObjects objects = fuzz::personalized_objects(card_profile());
  if (std::string(SOFTCARD_FUZZ_EDGE) == "piv")
    return fuzz::with_piv_keys(objects, registry, from_hex(admin_key_hex));
  return objects;
}

struct World {
  AppletRegistry registry = builtin_applets();
  StoredObjects objects = card_objects(registry);
  std::vector<Bytes> secrets = {from_hex(admin_key_hex), from_hex(shared_key_hex)};
};

World& world() {
  static World w;  // libFuzzer calls us in one process: personalize once
  return w;
}

bool is_pin_record(const std::string& key) {
  return key.find("pin") != std::string::npos;
}

void check_unchanged(const ObjectMap& before, const ObjectMap& after, const Bytes& apdu,
                     std::uint16_t sw) {
  auto differs = [](const ObjectMap& a, const ObjectMap& b, std::string& key) {
    for (const auto& [k, v] : a) {
      if (is_pin_record(k)) continue;
      auto it = b.find(k);
      if (it == b.end() || it->second != v) return key = k, true;
    }
    return false;
  };
  std::string key;
  if (differs(before, after, key) || differs(after, before, key))
    fuzz::oracle_failed("error " + to_hex(Bytes{std::uint8_t(sw >> 8), std::uint8_t(sw)}) + " to " +
                        to_hex(apdu) + " changed record " + key);
}

void check_no_secret(const Bytes& response, const std::vector<Bytes>& secrets) {
  constexpr std::size_t window = 8;
  for (const Bytes& s : secrets)
    for (std::size_t i = 0; i + window <= s.size(); ++i)
      if (std::search(response.begin(), response.end(), s.begin() + i, s.begin() + i + window) !=
          response.end())
        fuzz::oracle_failed("a response carries secret bytes: " + to_hex(response));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  fuzz::DeterministicRng rng;
  const MemoryStore* backend = nullptr;
  auto card = fuzz::card_from(w.objects, rng, w.registry, &backend);
  fuzz::Splitter in(data, size);
  for (int n = 0; !in.done() && n < 64; ++n) {
    const Bytes apdu = in.chunk();
    const ObjectMap before = backend->objects();
    const Bytes r = card->transmit(apdu);
    if (r.size() < 2) fuzz::oracle_failed("response shorter than a status word");
    const std::uint16_t sw = std::uint16_t(r[r.size() - 2] << 8 | r.back());
    if (sw == 0x6F00) fuzz::oracle_failed("6F00 for " + to_hex(apdu));
    const std::uint8_t sw1 = sw >> 8;
    const bool success = sw == 0x9000 || sw1 == 0x61 || sw1 == 0x62 || sw1 == 0x63;
    if (!success) check_unchanged(before, backend->objects(), apdu, sw);
    check_no_secret(r, w.secrets);
  }
  return 0;
}
