// Image keys as the command line and the Python API take them (docs/card-image.md).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "softcard/errors.h"
#include "softcard/store.h"

namespace softcard {

namespace {

int hex_digit(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

SecretBytes read_all(int fd, const std::string& what) {
  // A key source larger than this is not a key (and must not be read into memory whole).
  constexpr std::size_t limit = 4096;
  SecretBytes buf(limit + 1);
  std::size_t n = 0;
  while (n < buf.size()) {
    const ssize_t r = ::read(fd, buf.data() + n, buf.size() - n);
    if (r == 0) break;
    if (r < 0) {
      if (errno == EINTR) continue;
      throw ImageError(what + ": cannot read: " + std::strerror(errno));
    }
    n += static_cast<std::size_t>(r);
  }
  if (n > limit) throw ImageError(what + ": too long to be an image key");
  buf.resize(n);
  return buf;
}

}  // namespace

SecretBytes parse_image_key(ByteView content, const std::string& what) {
  constexpr std::size_t n = SqliteStore::key_size;
  if (content.size() == n) return SecretBytes(content);
  ByteView text = content;
  if (!text.empty() && text.back() == '\n') text = text.first(text.size() - 1);
  if (text.size() == 2 * n) {
    SecretBytes key(n);
    bool ok = true;
    for (std::size_t i = 0; i < n; ++i) {
      const int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);
      ok = ok && hi >= 0 && lo >= 0;
      key.data()[i] = static_cast<std::uint8_t>(((hi & 0xF) << 4) | (lo & 0xF));
    }
    if (ok) return key;
  }
  throw ImageError(what + ": an image key is 32 bytes, or 64 hexadecimal digits (got " +
                   std::to_string(content.size()) + " bytes)");
}

SecretBytes read_image_key_file(const std::filesystem::path& path) {
  const std::string what = "key file " + path.string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw ImageError(what + ": cannot open: " + std::strerror(errno));
  SecretBytes content;
  try {
    content = read_all(fd, what);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return parse_image_key(content.view(), what);
}

SecretBytes read_image_key_fd(int fd) {
  const std::string what = "key file descriptor " + std::to_string(fd);
  if (fd < 0) throw ImageError(what + ": not a file descriptor");
  SecretBytes content = read_all(fd, what);
  return parse_image_key(content.view(), what);
}

}  // namespace softcard
