#include <cstdio>
#include <stdexcept>

#include "cli_checks.h"
#include "commands.h"
#include "key_options.h"
#include "softcard/crypto.h"
#include "softcard/personalize.h"

namespace softcard::cli {

void register_init(CLI::App& app) {
  auto* cmd = app.add_subcommand("init", "Create a card image from a profile");
  struct Options {
    std::string profile = "gids";
    std::string image;
    std::string serial;
    KeyOptions key;
  };
  auto opts = std::make_shared<Options>();
  cmd->add_option("--profile,-p", opts->profile,
                  "Built-in profile name (gids, gids-blank, iso) or a JSON profile file")
      ->capture_default_str();
  cmd->add_option("--serial", opts->serial,
                  "Card serial in hex (default: from the profile, or random)")
      ->check(hex_bytes());
  add_key_options(cmd, opts->key, "encrypt the new image's secret records under it");
  cmd->add_option("IMAGE", opts->image, "Card image file to create (must not exist)")->required();
  cmd->callback([opts] {
    OpenSslRng rng;
    const Profile profile = load_profile(opts->profile);
    PersonalizeOptions po;
    if (!opts->serial.empty()) po.serial = from_hex(opts->serial);
    po.image_key = opts->key.load();
    const CardIdentity id = create_image(opts->image, profile, rng, po);
    std::string applets;
    for (const auto& a : id.applets) applets += (applets.empty() ? "" : ", ") + a;
    std::printf("created %s from profile %s\n  serial  %s\n  applets %s\n", opts->image.c_str(),
                profile.name.c_str(), to_hex(id.serial).c_str(), applets.c_str());
    if (po.image_key) std::printf("  secret records encrypted under the image key\n");
  });
}

}  // namespace softcard::cli
