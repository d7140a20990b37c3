// The SKI extension of the GIDS applet: the dispatch table keyed by INS (one handler family per
// file, see ski_session.h), the session it keeps, and shared-key provisioning.
#include "applets/ski/ski_extension.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "applets/ski/ski_session.h"
#include "applets/ski/ski_tlv.h"
#include "softcard/errors.h"

namespace softcard::ski {

void SkiSession::reset() {
  for (auto& s : slots) s.reset();
  for (auto& a : agreements) a.reset();
  session_pin.reset();
  real_pin.reset();
}

std::size_t SkiSession::free_slots() const {
  std::size_t n = 0;
  for (const auto& s : slots) n += !s;
  return n;
}

std::uint8_t SkiSession::store_key(SessionKey key) {
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (!slots[i]) {
      slots[i] = std::move(key);
      return static_cast<std::uint8_t>(first_session_ref + i);
    }
  }
  reject(Sw::not_enough_memory);
}

SessionKey& SkiSession::slot(std::uint8_t ref) {
  if (ref < first_session_ref || ref >= first_session_ref + session_slots)
    reject(Sw::reference_not_found);
  auto& s = slots[ref - first_session_ref];
  if (!s) reject(Sw::reference_not_found);
  return *s;
}

Response key_ref_answer(std::uint8_t ref) {
  Bytes out;
  put_tlv(out, 0x84, Bytes{ref});
  return Response(out);
}

std::string shared_key_name(std::uint8_t number) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "ski/shared/%02x", number);
  return buf;
}

namespace {

// Dispatch table keyed by INS (CLA 80).
constexpr std::array<std::pair<std::uint8_t, Handler>, 10> handlers{{
    {0x50, capabilities},
    {0x52, import_session_key},
    {0x54, shared_key},
    {0x56, construct_dh},
    {0x58, derive},
    {0x5A, destroy_dh},
    {0x5C, set_property},
    {0x5E, get_property},
    {0x60, destroy_key},
    {0x62, process_encrypted},
}};

class SkiExtension final : public gids::GidsExtension {
 public:
  std::optional<Response> process(const Command& cmd, CardContext& ctx,
                                  gids::GidsApi& gids) override {
    if (cmd.cla != 0x80) return std::nullopt;
    const auto it = std::find_if(handlers.begin(), handlers.end(),
                                 [&](const auto& h) { return h.first == cmd.ins; });
    if (it == handlers.end()) return std::nullopt;
    return it->second(session_, cmd, ctx, gids);
  }

  void clear_volatile() override { session_.reset(); }

  // The pre-provisioned shared keys by number (their values never leave the card); sessions are
  // volatile and not part of the image.
  void inspect(const ObjectStore& store, AppletInspection& out) const override {
    const std::string prefix = "ski/shared/";
    const auto keys = store.keys(prefix);
    InspectionSection& s = out.add_section("secure key injection");
    s.items.push_back(
        {"SKI", "protocol v1, " + std::to_string(keys.size()) + " shared key(s)", 0, 0, {}});
    for (const auto& key : keys) {
      const std::string number = key.substr(prefix.size());
      s.items.push_back({"shared key " + number,
                         "AES-256",
                         1,
                         static_cast<std::uint32_t>(std::strtoul(number.c_str(), nullptr, 16)),
                         {}});
    }
  }

 private:
  SkiSession session_;
};

}  // namespace

std::unique_ptr<gids::GidsExtension> make_ski_extension() {
  return std::make_unique<SkiExtension>();
}

void provision_shared_key(ObjectStore& store, std::uint8_t number, ByteView key) {
  if (key.size() != 32) throw ProfileError("SKI shared key must be 32 bytes");
  store.put_secret(shared_key_name(number), Bytes(key.begin(), key.end()));
}

}  // namespace softcard::ski
