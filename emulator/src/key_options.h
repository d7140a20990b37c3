#pragma once
// --key-file / --key-fd: the image key of encrypted card images (docs/card-image.md), for
// init, inspect, run and rig.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "softcard/bytes.h"

namespace softcard::cli {

struct KeyOptions {
  std::string file;
  int fd = -1;
  // The key, read once; nullopt when neither option was given. Throws ImageError naming the
  // file or descriptor.
  std::optional<SecretBytes> load() const;
};

// `what` completes the help text: e.g. "encrypt the new image under it".
void add_key_options(CLI::App* cmd, KeyOptions& options, const std::string& what);

}  // namespace softcard::cli
