// APDU sequences against an applet built from the public extension point (softcard/applet_kit.h),
// the C++ half of every Python applet: store keys, PINs and key operations take their names and
// values from the input. A Python applet itself is not fuzzed here: libFuzzer would drive an
// embedded interpreter whose own behaviour dominates every run, while the code softcard adds
// between a Python applet and the card (scoped store, PinSet, KeyStore, status words) is all in
// this target; the Python-to-C++ answer conversion is covered by tests/python/test_applet.py.
// Oracles beyond crashes and sanitizers:
//  - no response is 6F00 (the applet maps std::invalid_argument, the kit's refusal of a bad
//    name, to 6A80 as a Python applet's ValueError would be its own choice);
//  - an error status leaves the store as it was, PIN records excepted (a try is committed
//    before the comparison);
//  - no response carries 8 bytes of a private key record the card holds or held.
#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "fuzz_support.h"
#include "softcard/applet_kit.h"
#include "softcard/card.h"
#include "softcard/status_word.h"

using namespace softcard;

namespace {

class FuzzApplet final : public Applet {
 public:
  FuzzApplet() : pins_("ext/f/pin/"), keys_("ext/f/key/") {}
  std::string_view name() const override { return "f"; }
  const Bytes& aid() const override { return aid_; }
  Response select(const Command&, CardContext&) override { return Sw::ok; }
  void clear_volatile() override { pins_.clear(); }

  void personalize(CardContext& ctx) {
    pins_.install(ctx.store(), kit::PinPolicy{0x82, 8, 8, 3, std::nullopt, std::nullopt},
                  from_hex("3132333435363738"));
    pins_.install(ctx.store(), kit::PinPolicy{0x81, 4, 8, 3, 0xFF, 0x82}, from_hex("31323334"));
    keys_.generate(ctx, "k", kit::KeySpec{});
  }

  Response process(const Command& c, CardContext& ctx) override {
    try {
      return run(c, ctx);
    } catch (const std::invalid_argument&) {
      return Sw::wrong_data;
    }
  }

 private:
  std::string name_of(const Command& c) { return std::string(c.data.begin(), c.data.end()); }

  Response run(const Command& c, CardContext& ctx) {
    kit::ScopedStore store(ctx.store(), "ext/f/");
    const ByteView d(c.data);
    const std::size_t split = std::min<std::size_t>(c.p1, d.size());
    switch (c.ins) {
      case 0x01:  // PUT: key = data[..P1], value = the rest (P2 bit 1: secret)
        if (c.p2 & 1)
          store.put_secret(std::string(d.begin(), d.begin() + split),
                           Bytes(d.begin() + split, d.end()));
        else
          store.put(std::string(d.begin(), d.begin() + split), Bytes(d.begin() + split, d.end()));
        return Sw::ok;
      case 0x02: {
        const Bytes* v = store.get(name_of(c));
        return v ? Response(*v) : Response(Sw::file_not_found);
      }
      case 0x03:
        store.erase(name_of(c));
        return Sw::ok;
      case 0x20:
        return c.data.empty() ? pins_.status(ctx.store(), c.p2) : pins_.verify(ctx, c.p2, d);
      case 0x24:
        return pins_.change(ctx, c.p2, d.first(split), d.subspan(split));
      case 0x2C:
        return pins_.unblock(ctx, c.p2, d.first(split),
                             (c.p1 & 0x80) ? std::nullopt : std::optional(d.subspan(split)));
      case 0x46: {
        if (!pins_.verified(0x81)) return Sw::security_not_satisfied;
        const Curve curves[] = {Curve::p256, Curve::p384, Curve::p521};
        return keys_.generate(ctx, name_of(c), kit::KeySpec{KeyType::ec, 0, curves[c.p1 % 3]});
      }
      case 0x48:
        return keys_.public_der(ctx, name_of(c));
      case 0x2A: {
        if (!pins_.verified(0x81)) return Sw::security_not_satisfied;
        return keys_.sign(ctx, "k", static_cast<kit::SignScheme>(c.p1 % 5), d);
      }
      case 0x2B: {
        const auto padding = c.p1 & 1 ? RsaPadding::oaep() : RsaPadding::pkcs1_v15();
        const SecretBytes plain = keys_.decrypt(ctx, "k", d, padding);
        return Bytes(plain.view().begin(), plain.view().end());
      }
      case 0x86: {
        const SecretBytes shared = keys_.ecdh(ctx, "k", d);
        return Response(Bytes(32, 0x5A), shared.size() == 32 ? Sw::ok : Sw::wrong_data);
      }
      case 0xE0:
        keys_.erase(ctx.store(), name_of(c));
        return Sw::ok;
      default:
        return Sw::ins_not_supported;
    }
  }

  Bytes aid_ = from_hex("F0000000F0");
  kit::PinSet pins_;
  kit::KeyStore keys_;
};

bool is_pin(const std::string& key) {
  return key.rfind("ext/f/pin/", 0) == 0;
}

void check_no_key_bytes(const Bytes& response, const ObjectMap& objects) {
  constexpr std::size_t window = 8;
  for (const auto& [k, v] : objects) {
    if (k.rfind("ext/f/key/", 0) != 0 || v.size() < 40) continue;
    // The tail of a PKCS#8 holds the private scalar and public point: look at its first half.
    for (std::size_t i = 36; i + window <= v.size() && i < 36 + 32; ++i)
      if (std::search(response.begin(), response.end(), v.begin() + i, v.begin() + i + window) !=
          response.end())
        fuzz::oracle_failed("a response carries private key bytes: " + to_hex(response));
  }
}

// The personalized records, made once (key generation and OpenSSL set-up per input would leave
// the fuzzer a few runs per second).
const StoredObjects& personalized() {
  static const StoredObjects objects = [] {
    fuzz::DeterministicRng rng;
    ObjectStore store(std::make_unique<MemoryStore>());
    kit::SetupContext setup(store, rng);
    FuzzApplet().personalize(setup);
    store.commit();
    return store.backend().load();
  }();
  return objects;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::DeterministicRng rng;
  auto mem = std::make_unique<MemoryStore>();
  ChangeSet all;
  for (const auto& [k, v] : personalized().values)
    all.writes.emplace_back(k, v, personalized().secret.count(k) != 0);
  mem->apply(all);
  const MemoryStore* backend = mem.get();
  CardOptions options;
  options.rng = &rng;
  Card card(std::move(mem), options);
  card.install(std::make_unique<FuzzApplet>());
  card.transmit(from_hex("00A4040005F0000000F0"));
  fuzz::Splitter in(data, size);
  ObjectMap held = backend->objects();
  while (!in.done()) {
    const Bytes apdu = in.chunk();
    const ObjectMap before = backend->objects();
    const Bytes r = card.transmit(apdu);
    const std::uint16_t sw = static_cast<std::uint16_t>((r[r.size() - 2] << 8) | r.back());
    if (sw == 0x6F00) fuzz::oracle_failed("6F00 to " + to_hex(apdu));
    if (!is_success(static_cast<Sw>(sw))) {
      const ObjectMap& after = backend->objects();
      for (const auto* pair : {&before, &after}) {
        const ObjectMap& other = pair == &before ? after : before;
        for (const auto& [k, v] : *pair) {
          if (is_pin(k)) continue;
          auto it = other.find(k);
          if (it == other.end() || it->second != v)
            fuzz::oracle_failed("error " + to_hex(Bytes(r.end() - 2, r.end())) + " to " +
                                to_hex(apdu) + " changed " + k);
        }
      }
    }
    for (const auto& [k, v] : backend->objects()) held.insert_or_assign(k, v);
    check_no_key_bytes(r, held);
  }
  return 0;
}
