#include "applets/iso/iso_applet.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

#include "applets/iso/iso_session.h"
#include "softcard/errors.h"

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

const char* lcs_name(LifeCycle l) {
  switch (l) {
    case LifeCycle::creation:
      return "creation";
    case LifeCycle::initialisation:
      return "initialisation";
    case LifeCycle::operational:
      return "activated";
    case LifeCycle::deactivated:
      return "deactivated";
    case LifeCycle::terminated:
      return "terminated";
  }
  return "?";
}

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

  std::string describe(const ObjectStore& store) const override {
    std::string out = "ISO file system:\n";
    const fs::FileTree tree(fs_prefix);
    for (const auto& path : tree.all(store)) {
      const auto h = tree.get(store, path);
      out += std::string(2 * path.size(), ' ') + fs::to_string(path).substr(5 * (path.size() - 1));
      out += h.is_df() ? "  DF" : "  EF size " + std::to_string(h.size);
      if (!h.df_name.empty()) out += " name " + to_hex(h.df_name);
      out +=
          std::string("  ") + lcs_name(h.life_cycle) + "\n" + std::string(2 * path.size() + 4, ' ');
      const bool df = h.is_df();
      for (std::size_t i = 0; i < fs::operation_count; ++i) {
        const auto op = static_cast<fs::Operation>(i);
        const bool applies = df ? (op != fs::Operation::read && op != fs::Operation::update)
                                : op != fs::Operation::create;
        if (applies) out += std::string(" ") + fs::to_string(op) + "=" + h.rules[op].to_string();
      }
      out += "\n";
    }
    const security::PinManager pins(pin_prefix);
    const security::SecurityState none;
    for (const auto ref : pins.references(store)) {
      const auto info = pins.info(store, none, ref);
      char line[96];
      std::snprintf(line, sizeof line, "PIN %02x: %u/%u tries left, length %u..%u%s\n", ref,
                    info.tries_left, info.max_tries, info.min_length, info.max_length,
                    info.blocked() ? ", BLOCKED" : "");
      out += line;
    }
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
