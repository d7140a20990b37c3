// APDU sequences against an in-memory card through Card::transmit, one card edge per binary
// (SOFTCARD_FUZZ_EDGE: iso, gids, ski, piv, piv_plain; fuzz_edges.h). Oracles beyond crashes and
// sanitizers, on every response (also to the APDUs of the harness steps, fuzz_harness_ops.h):
//  - no response is 6F00 (an internal error is a bug, whatever the input);
//  - an error status leaves the store exactly as it was (PIN records excepted: a try is spent and
//    committed before the comparison, by design);
//  - no response carries 8 bytes of the symmetric secrets the harness put there (admin key, SKI
//    shared key, also the PIV management key);
//  - no response carries 16 bytes of a private component of any key the card holds or held during
//    the input (fuzz_key_oracle.h).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "fuzz_harness_ops.h"
#include "fuzz_key_oracle.h"
#include "softcard/status_word.h"

using namespace softcard;

namespace {

struct World {
  std::string edge = SOFTCARD_FUZZ_EDGE;
  StoredObjects objects = fuzz::edge_objects(edge);
  AppletRegistry registry = builtin_applets();
  std::vector<Bytes> secrets = fuzz::edge_secrets();
  fuzz::PrivateKeyOracle keys;  // the keys of the personalized card, learned once
  CryptoProvider host_crypto;   // the harness's own (host side)
  // SOFTCARD_FUZZ_TRACE set: every command and response on stderr (to read a replayed input).
  bool trace = std::getenv("SOFTCARD_FUZZ_TRACE") != nullptr;
  // SOFTCARD_FUZZ_CHECK_REUSE set: every input runs on the reused card and on a fresh one, and
  // the two must answer alike (fuzz_card.h says why they do).
  bool check_reuse = std::getenv("SOFTCARD_FUZZ_CHECK_REUSE") != nullptr;
  fuzz::ReusedCard card{objects, registry};
  fuzz::EstablishmentKeys establishment = fuzz::establishment_keys(objects, host_crypto);
  World() { keys.learn(objects.values); }
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

// One input's card and oracles.
class Run {
 public:
  Run(World& w, Card& card, const MemoryStore& backend)
      : w_(w), card_(card), backend_(backend), known_(backend.objects()), keys_(&w.keys) {}

  Bytes send(const Bytes& apdu) {
    const std::size_t applies = backend_.apply_count();
    const Bytes r = card_.transmit(apdu);
    if (w_.trace) std::fprintf(stderr, "> %s\n< %s\n", to_hex(apdu).c_str(), to_hex(r).c_str());
    transcript_.push_back(r);
    if (r.size() < 2) fuzz::oracle_failed("response shorter than a status word");
    const std::uint16_t sw = fuzz::sw_of(r);
    if (sw == 0x6F00) fuzz::oracle_failed("6F00 for " + to_hex(apdu));
    const std::uint8_t sw1 = sw >> 8;
    const bool success = sw == 0x9000 || sw1 == 0x61 || sw1 == 0x62 || sw1 == 0x63;
    // Every write goes through one apply() of the backend: no apply, no change to look at.
    if (backend_.apply_count() != applies) {
      const ObjectMap& after = backend_.objects();
      if (!success) check_unchanged(known_, after, apdu, sw);
      keys_.learn(after);
      known_ = after;
    }
    check_no_secret(r, w_.secrets);
    keys_.check(r, backend_.objects(), apdu);
    return r;
  }

  void step(const Bytes& chunk) {
    const bool harness_step = chunk.size() >= 2 && chunk[0] == 0xFE;
    if (harness_step && w_.edge == "ski") {
      ski_.step([this](const Bytes& a) { return send(a); }, chunk);
    } else if (harness_step && chunk[1] == 0x00 && (w_.edge == "piv" || w_.edge == "piv_plain")) {
      fuzz::piv_management_auth([this](const Bytes& a) { return send(a); }, w_.host_crypto,
                                host_rng_);
    } else {
      send(chunk);
    }
  }

  const std::vector<Bytes>& transcript() const { return transcript_; }

 private:
  World& w_;
  Card& card_;
  const MemoryStore& backend_;
  ObjectMap known_;                                         // the store after the last apply
  fuzz::DeterministicRng host_rng_{0x0123456789ABCDEFull};  // the harness's nonces
  fuzz::PrivateKeyOracle keys_;
  fuzz::SkiHost ski_{w_.host_crypto, host_rng_, w_.establishment};
  std::vector<Bytes> transcript_;
};

std::vector<Bytes> run_input(World& w, Card& card, const MemoryStore& backend,
                             const std::uint8_t* data, std::size_t size) {
  Run run(w, card, backend);
  fuzz::Splitter in(data, size);
  for (int n = 0; !in.done() && n < 64; ++n) run.step(in.chunk());
  return run.transcript();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  const auto reused = run_input(w, w.card.fresh(), w.card.backend(), data, size);
  if (w.check_reuse) {
    fuzz::DeterministicRng rng;
    const MemoryStore* backend = nullptr;
    auto card = fuzz::card_from(w.objects, rng, w.registry, &backend);
    if (run_input(w, *card, *backend, data, size) != reused)
      fuzz::oracle_failed("the reused card answered unlike a fresh one");
  }
  return 0;
}
