// --trace-file FILE, the same on run, rig and demo.
#include "commands.h"

namespace softcard::cli {

void add_trace_file_option(CLI::App* cmd, std::string& path) {
  cmd->add_option("--trace-file", path,
                  "Record every APDU (secret data redacted), power event and host call into FILE "
                  "(JSON Lines, docs/trace.md; replaced if it exists). Read it with `softcard "
                  "trace show|diff|html`");
}

}  // namespace softcard::cli
