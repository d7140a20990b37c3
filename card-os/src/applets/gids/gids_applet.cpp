// The GIDS applet: selection, the dispatch table keyed by INS (one handler family per file,
// see gids_session.h), the CLA 80 extension hook and the GidsApi the extension uses.
#include "applets/gids/gids_applet.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <sstream>

#include "applets/gids/gids_session.h"
#include "softcard/errors.h"

namespace softcard {

const Bytes& gids_aid() {
  static const Bytes aid = {0xA0, 0x00, 0x00, 0x03, 0x97, 0x42, 0x54, 0x46, 0x59, 0x02, 0x01};
  return aid;
}

namespace gids {
namespace {

Response get_data_simple(GidsSession&, const Command&, CardContext&) {
  return Sw::reference_not_found;  // no simple-TLV DOs (e.g. PnP 7F68)
}

// Dispatch table keyed by INS; one handler family per source file.
constexpr std::array<std::pair<std::uint8_t, Handler>, 15> handlers{{
    {0x20, verify},
    {0x22, manage_security_environment},
    {0x24, change_reference_data},
    {0x2A, perform_security_operation},
    {0x2C, reset_retry_counter},
    {0x44, activate_file},
    {0x47, generate_key_pair},
    {0x87, general_authenticate},
    {0xA4, select_file},
    {0xCA, get_data_simple},
    {0xCB, get_data},
    {0xDB, put_data},
    {0xE0, create_file},
    {0xE4, delete_file},
    {0xE6, terminate_df},
}};

// FCI hosts check (OpenSC reads the 4F version byte; Windows 10 needs the 61 template; 73/40
// announces the short "external" challenge-response).
Bytes select_fci() {
  Bytes fci = {0x61, 0x12, 0x4F, 0x0B};
  append(fci, gids_aid());
  append(fci, Bytes{0x73, 0x03, 0x40, 0x01, 0xC0});
  return fci;
}
constexpr Sw sw_terminated = make_sw(0x62, 0x85);

class GidsApplet final : public Applet, public GidsApi {
 public:
  explicit GidsApplet(std::unique_ptr<GidsExtension> extension)
      : extension_(std::move(extension)) {}

  // --- Applet ----------------------------------------------------------------------------------
  std::string_view name() const override { return "gids"; }
  const Bytes& aid() const override { return gids_aid(); }

  Response select(const Command& cmd, CardContext& ctx) override {
    // A fresh selection starts a fresh session: nothing verified, no environment.
    clear_volatile();
    if (cmd.p2 != 0x00 && cmd.p2 != 0x0C && cmd.p2 != 0x04) return Sw::incorrect_p1p2;
    const bool terminated = app_state(ctx.store()) == AppState::terminated;
    Response r;
    if (cmd.p2 != 0x0C) r.data = select_fci();
    r.sw = terminated ? sw_terminated : Sw::ok;
    return r;
  }
  void select_implicitly(CardContext&) override { clear_volatile(); }
  void deselect(CardContext&) override { clear_volatile(); }
  void clear_volatile() override {
    session_.reset();
    if (extension_) extension_->clear_volatile();
  }

  Response process(const Command& cmd, CardContext& ctx) override {
    if (!cmd.interindustry()) {
      // jCardSim's "install applet" (OpenSC's CI scripts send it first): nothing to install.
      if (cmd.cla == 0x80 && cmd.ins == 0xB8) return Sw::ok;
      if (extension_ && (cmd.cla & 0xF0) == 0x80) {
        if (auto r = extension_->process(cmd, ctx, *this)) return *r;
        return Sw::ins_not_supported;
      }
      return Sw::cla_not_supported;
    }
    if (app_state(ctx.store()) == AppState::terminated && cmd.ins != 0xA4)
      return Sw::conditions_not_satisfied;
    const auto it = std::find_if(handlers.begin(), handlers.end(),
                                 [&](const auto& h) { return h.first == cmd.ins; });
    if (it == handlers.end()) return Sw::ins_not_supported;
    return it->second(session_, cmd, ctx);
  }

  AppletInspection inspect(const ObjectStore& store) const override;
  void validate(const ObjectStore& store) const override { validate_records(store); }

  // --- GidsApi ---------------------------------------------------------------------------------
  Sw verify_pin(CardContext& ctx, ByteView pin) override {
    return session_.pins.verify(ctx, session_.security, user_pin_reference, pin);
  }
  bool pin_verified() const override { return session_.security.verified(user_pin_reference); }
  void deauthenticate_pin() override { session_.security.set_verified(user_pin_reference, false); }
  Sw change_pin(CardContext& ctx, ByteView old_pin, ByteView new_pin) override {
    return session_.pins.change(ctx, session_.security, user_pin_reference, old_pin, new_pin);
  }
  void unblock_pin(CardContext& ctx, std::optional<ByteView> new_pin) override {
    if (!session_.security.admin()) throw CardError(Sw::security_not_satisfied);
    session_.pins.reset_by_admin(ctx, session_.security, user_pin_reference, new_pin);
  }
  std::uint8_t pin_tries_left(const ObjectStore& store) const override {
    const auto pin = session_.pins.find(store, user_pin_reference);
    if (!pin) throw CardError(Sw::reference_not_found);
    return pin->tries_left;
  }
  bool admin_authenticated() const override { return session_.security.admin(); }
  std::optional<SecretBytes> admin_session_material() const override {
    return session_.session_material;
  }
  std::vector<ContainerRecord> containers(const ObjectStore& store) const override {
    return gids::containers(store);
  }
  void create_container_key(CardContext& ctx, std::size_t index, const KeyPair& key,
                            const ContainerKeyOptions& options) override {
    gids::create_container_key(session_, ctx, index, key, options);
  }
  const KeyPair& container_key_for(CardContext& ctx, std::size_t index,
                                   ContainerKeyUse use) override {
    return gids::container_key_for(session_, ctx, index, use);
  }
  PublicKey container_public_key(CardContext& ctx, std::size_t index) override {
    return gids::container_public_key(session_, ctx, index);
  }

 private:
  GidsSession session_;
  std::unique_ptr<GidsExtension> extension_;
};

AppletInspection GidsApplet::inspect(const ObjectStore& store) const {
  AppletInspection out;
  const AppState st = app_state(store);
  out.summary =
      std::string("GIDS applet, life cycle ") + (st == AppState::creation      ? "creation (blank)"
                                                 : st == AppState::operational ? "operational"
                                                                               : "terminated");
  for (std::uint8_t ref : session_.pins.references(store))
    if (const auto pin = session_.pins.find(store, ref))
      out.pins.push_back(
          security::inspect_pin(*pin, ref == user_pin_reference ? "user PIN" : "PUK"));
  inspect_records(store, out);
  if (extension_) extension_->inspect(store, out);
  return out;
}

}  // namespace
}  // namespace gids

std::unique_ptr<Applet> make_gids_applet(std::unique_ptr<gids::GidsExtension> extension) {
  return std::make_unique<gids::GidsApplet>(std::move(extension));
}

}  // namespace softcard
