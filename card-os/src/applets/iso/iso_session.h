#pragma once
// What the ISO applet's handler families share: the persistent tree and PINs (views over the
// ObjectStore) and the volatile state (current DF/EF, security status).
#include <optional>

#include "applets/iso/iso_applet.h"
#include "fs/file_tree.h"
#include "security/pin.h"
#include "softcard/apdu.h"

namespace softcard::iso {

struct IsoSession {
  fs::FileTree tree{fs_prefix};
  security::PinManager pins{pin_prefix};
  security::SecurityState security;
  fs::Path current_df{fs::mf_fid};
  std::optional<fs::Path> current_ef;

  const fs::Path& current_file() const { return current_ef ? *current_ef : current_df; }
  void select(const fs::Path& path, const fs::FileHeader& header) {
    if (header.is_df()) {
      current_df = path;
      current_ef.reset();
    } else {
      current_df.assign(path.begin(), path.end() - 1);
      current_ef = path;
    }
  }
  void reset() {
    security.clear();
    current_df = {fs::mf_fid};
    current_ef.reset();
  }
};

using Handler = Response (*)(IsoSession&, const Command&, CardContext&);

// File commands (file_commands.cpp).
Response select_file(IsoSession&, const Command&, CardContext&);
Response read_binary(IsoSession&, const Command&, CardContext&);
Response update_binary(IsoSession&, const Command&, CardContext&);
Response create_file(IsoSession&, const Command&, CardContext&);
Response delete_file(IsoSession&, const Command&, CardContext&);
Response activate_file(IsoSession&, const Command&, CardContext&);
Response deactivate_file(IsoSession&, const Command&, CardContext&);
Response terminate_df(IsoSession&, const Command&, CardContext&);
Response terminate_ef(IsoSession&, const Command&, CardContext&);
// TERMINATE CARD USAGE (INS FE): the card life cycle becomes terminated, irreversibly; the card
// OS then refuses every command (6A81). Needs the MF's terminate condition.
Response terminate_card_usage(IsoSession&, const Command&, CardContext&);
// The answer to a successful selection of `path`, according to P2 (FCI/FCP/none) and the
// file's life cycle (6283 deactivated, 6285 terminated).
Response selection_answer(const Command& cmd, const fs::FileHeader& file);

// Security commands (security_commands.cpp).
Response verify(IsoSession&, const Command&, CardContext&);
Response change_reference_data(IsoSession&, const Command&, CardContext&);
Response reset_retry_counter(IsoSession&, const Command&, CardContext&);
Response get_challenge(IsoSession&, const Command&, CardContext&);

}  // namespace softcard::iso
