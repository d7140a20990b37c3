#include <cstdio>

#include "commands.h"
#include "key_options.h"
#include "softcard/card_factory.h"
#include "softcard/crypto.h"
#include "softcard/inspection.h"
#include "softcard/status_word.h"

namespace softcard::cli {

void register_inspect(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("inspect", "Print a card image: identity, file tree, PINs, objects");
  auto image = std::make_shared<std::string>();
  auto raw = std::make_shared<bool>(false);
  auto key = std::make_shared<KeyOptions>();
  cmd->add_option("IMAGE", *image, "Card image file")->required();
  cmd->add_flag("--objects", *raw, "Also list every stored object key and its size");
  add_key_options(cmd, *key, "the key the image was encrypted under");
  cmd->callback([image, raw, key] {
    OpenSslRng rng;
    CardOptions options;
    options.rng = &rng;
    OpenOptions open;
    open.read_only = true;  // inspect only reads: fine on a read-only file system
    open.key = key->load();
    auto card = open_card(*image, options, std::move(open));
    const CardIdentity id = read_identity(card->store());
    std::printf("card image %s\n", image->c_str());
    std::printf("  profile  %s\n", id.profile.c_str());
    std::printf("  serial   %s\n", to_hex(id.serial).c_str());
    const auto* sqlite = dynamic_cast<const SqliteStore*>(&card->store().backend());
    std::printf("  secrets  %s\n", sqlite && sqlite->encrypted() ? "encrypted under the image key"
                                                                 : "not encrypted (no image key)");
    std::printf("  ATR      %s\n", to_hex(card->atr(), ' ').c_str());
    const Bytes* lcs = card->store().get(keys::life_cycle);
    std::printf(
        "  state    %s\n",
        lcs && lcs->size() == 1 && (*lcs)[0] == static_cast<std::uint8_t>(LifeCycle::terminated)
            ? "terminated"
            : "in use");
    for (const auto& name : id.applets) {
      const Applet* applet = card->find_applet(name);
      std::printf("\napplet %s (AID %s)%s\n", name.c_str(),
                  applet ? to_hex(applet->aid()).c_str() : "?",
                  name == id.applets.front() ? ", default" : "");
      if (applet) {
        const std::string text = render(applet->inspect(card->store()));
        if (!text.empty()) std::printf("%s%s", text.c_str(), text.back() == '\n' ? "" : "\n");
      }
    }
    if (*raw) {
      std::printf("\nobjects\n");
      for (const auto& object : card->store().keys("")) {
        std::printf("  %-40s %zu bytes%s\n", object.c_str(), card->store().get(object)->size(),
                    card->store().is_secret(object) ? ", secret" : "");
      }
    }
  });
}

}  // namespace softcard::cli
