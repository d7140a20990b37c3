#include "key_options.h"

#include "softcard/store.h"

namespace softcard::cli {

std::optional<SecretBytes> KeyOptions::load() const {
  if (!file.empty()) return read_image_key_file(file);
  if (fd >= 0) return read_image_key_fd(fd);
  return std::nullopt;
}

void add_key_options(CLI::App* cmd, KeyOptions& options, const std::string& what) {
  auto* file = cmd->add_option("--key-file", options.file,
                               "Image key file (32 bytes, or 64 hex digits): " + what);
  auto* fd = cmd->add_option("--key-fd", options.fd,
                             "Read the image key from this open file descriptor instead (e.g. "
                             "3 with `3<card.key`); read to its end")
                 ->check(CLI::NonNegativeNumber);
  file->excludes(fd);
}

}  // namespace softcard::cli
