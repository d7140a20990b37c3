#pragma once
// A fresh card with the ISO applet personalised from the ISO test profile, made by the card
// factory (softcard/personalize.h) and shared by the ISO applet tests, the APDU scripts, the
// crash test and the benchmark. Public headers only: the benchmark includes it too.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "softcard/card.h"
#include "softcard/card_factory.h"
#include "softcard/personalize.h"
#include "softcard/rng.h"
#include "softcard/store.h"

namespace softcard::test {

// Deterministic bytes 00 01 02 ... so GET CHALLENGE answers are predictable in scripts.
class CountingRng final : public Rng {
 public:
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = next_++;
  }

 private:
  std::uint8_t next_ = 0;
};

// The fixed profile of docs/iso-applet.md (the same card as iso::test_profile(); a unit test
// checks they write identical objects). Its serial is fixed, so making it draws no random bytes:
//   PIN 81 user "1234" (4..8, 3 tries, PUK 83), PIN 82 SO "87654321" (8, 3 tries, admin),
//   PIN 83 PUK "12345678" (8, 5 tries), PIN 84 "4321" padded with FF to 8 (3 tries).
//   3F00 MF (name = applet AID; create: admin)
//     2F00 EF 32 bytes "softcard test card" (read always, update admin)
//     5000 DF name A0000000015053 (create: PIN 81 or admin; delete: admin)
//       5001 EF 128 bytes (read always, update PIN 81 or admin)
//       5002 EF 16 bytes "secret" (read PIN 81, update PIN 81)
//       5003 EF 8 bytes (read never, update never)
//     6000 DF name A0000000016000 (everything admin, read always)
//       6001 EF 300 bytes 00 01 02 ... (read always)
inline std::string iso_test_profile_json() {
  Bytes counting(300);
  for (std::size_t i = 0; i < counting.size(); ++i) counting[i] = static_cast<std::uint8_t>(i);
  return R"({
  "softcard_profile": 1, "name": "iso-test", "serial": "5346540001", "applets": ["iso"],
  "iso": {
    "pins": [
      {"reference": "81", "value": "1234", "min_length": 4, "max_length": 8, "max_tries": 3,
       "unblock_reference": "83"},
      {"reference": "82", "value": "87654321", "min_length": 8, "max_length": 8, "max_tries": 3,
       "grants_admin": true},
      {"reference": "83", "value": "12345678", "min_length": 8, "max_length": 8, "max_tries": 5},
      {"reference": "84", "value": "4321", "min_length": 4, "max_length": 8, "max_tries": 3,
       "pad_byte": "FF"}
    ],
    "files": [
      {"fid": "2F00", "size": 32, "text": "softcard test card"},
      {"fid": "5000", "type": "df", "name": "A0000000015053",
       "access": {"create": "pin:81|admin"},
       "children": [
         {"fid": "5001", "size": 128, "access": {"update": "pin:81|admin"}},
         {"fid": "5002", "size": 16, "text": "secret",
          "access": {"read": "pin:81", "update": "pin:81"}},
         {"fid": "5003", "size": 8, "access": {"read": "never", "update": "never"}}
       ]},
      {"fid": "6000", "type": "df", "name": "A0000000016000",
       "children": [{"fid": "6001", "size": 300, "content": ")" +
         to_hex(counting) + R"("}]}
    ]
  }
})";
}

inline Profile iso_test_profile() {
  return parse_profile("iso-test", iso_test_profile_json());
}

struct IsoCard {
  CountingRng rng;
  MemoryStore* memory = nullptr;  // owned by the card
  std::unique_ptr<Card> card;

  // A card over `backend`, an image already made from the test profile (create_image).
  explicit IsoCard(std::unique_ptr<CardStore> backend) {
    card = make_card(std::move(backend), options(), builtin_applets());
  }
  // A fresh in-memory card.
  static std::unique_ptr<IsoCard> fresh() {
    auto c = std::make_unique<IsoCard>();
    auto mem = std::make_unique<MemoryStore>();
    c->memory = mem.get();
    c->card = make_card(iso_test_profile(), std::move(mem), c->options());
    return c;
  }

  Bytes transmit(std::string_view hex) { return card->transmit(from_hex(hex)); }
  std::string tx(std::string_view hex) { return to_hex(transmit(hex)); }
  ObjectStore& store() { return card->store(); }

  IsoCard() = default;

 private:
  CardOptions options() {
    CardOptions o;
    o.rng = &rng;
    return o;
  }
};

// Writes the test card into a new image file (the crash test and the benchmark).
inline void create_test_image(const std::filesystem::path& image) {
  CountingRng rng;
  create_image(image, iso_test_profile(), rng);
}

}  // namespace softcard::test
