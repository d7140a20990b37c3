#include "applets/iso/iso_applet.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

#include "applets/iso/iso_session.h"
#include "softcard/errors.h"
#include "softcard/life_cycle.h"

namespace softcard::iso {
namespace {

// Dispatch table keyed by INS; one handler family per source file.
constexpr std::array<std::pair<std::uint8_t, Handler>, 14> handlers{{
    {0x04, deactivate_file},
    {0x20, verify},
    {0x24, change_reference_data},
    {0x2C, reset_retry_counter},
    {0x44, activate_file},
    {0x84, get_challenge},
    {0xA4, select_file},
    {0xB0, read_binary},
    {0xD6, update_binary},
    {0xE0, create_file},
    {0xE4, delete_file},
    {0xE6, terminate_df},
    {0xE8, terminate_ef},
    {0xFE, terminate_card_usage},
}};

class IsoApplet final : public Applet {
 public:
  explicit IsoApplet(Bytes aid) : aid_(std::move(aid)) {}

  std::string_view name() const override { return applet_name; }
  const Bytes& aid() const override { return aid_; }
  void validate(const ObjectStore& store) const override { validate_records(store); }

  Response select(const Command& cmd, CardContext& ctx) override {
    if ((cmd.p2 & 0xF0) != 0) throw CardError(Sw::incorrect_p1p2);
    const auto mf = session_.tree.find(ctx.store(), {fs::mf_fid});
    if (!mf) throw CardError(Sw::file_not_found);  // not personalised
    Response r = selection_answer(cmd, *mf);
    session_.current_df = {fs::mf_fid};
    session_.current_ef.reset();
    return r;
  }

  void select_implicitly(CardContext&) override { session_.reset(); }

  Response process(const Command& cmd, CardContext& ctx) override {
    if (!cmd.interindustry()) return Sw::cla_not_supported;
    const auto it = std::find_if(handlers.begin(), handlers.end(),
                                 [&](const auto& h) { return h.first == cmd.ins; });
    if (it == handlers.end()) return Sw::ins_not_supported;
    return it->second(session_, cmd, ctx);
  }

  void deselect(CardContext&) override { session_.reset(); }
  void clear_volatile() override { session_.reset(); }

  AppletInspection inspect(const ObjectStore& store) const override {
    AppletInspection out;
    out.summary = "ISO file system:";
    const fs::FileTree tree(fs_prefix);
    for (const auto& path : tree.all(store)) {
      const auto h = tree.get(store, path);
      InspectedFile f;
      f.path = fs::to_string(path);
      f.fid = h.fid;
      f.df = h.is_df();
      f.df_name = h.df_name;
      f.life_cycle = life_cycle_name(h.life_cycle);
      f.size = h.size;
      if (!f.df) {
        const auto content = tree.content(store, path);
        f.content.assign(content.begin(), content.end());
      }
      for (std::size_t i = 0; i < fs::operation_count; ++i) {
        const auto op = static_cast<fs::Operation>(i);
        const bool applies = f.df ? (op != fs::Operation::read && op != fs::Operation::update)
                                  : op != fs::Operation::create;
        if (!applies) continue;
        if (!f.access.empty()) f.access += ' ';
        f.access += std::string(fs::to_string(op)) + "=" + h.rules[op].to_string();
      }
      out.files.push_back(std::move(f));
    }
    const security::PinManager pins(pin_prefix);
    for (const auto ref : pins.references(store)) {
      const auto rec = pins.find(store, ref);
      if (!rec) continue;
      out.pins.push_back(security::inspect_pin(*rec, "PIN"));
    }  // rec (with the value) is wiped here; only counters leave
    return out;
  }

 private:
  Bytes aid_;
  IsoSession session_;
};

}  // namespace

Bytes default_aid() {
  return {0xF0, 0x53, 0x43, 0x49, 0x53, 0x4F, 0x01};
}

std::unique_ptr<Applet> make_iso_applet(Bytes aid) {
  return std::make_unique<IsoApplet>(std::move(aid));
}

}  // namespace softcard::iso
