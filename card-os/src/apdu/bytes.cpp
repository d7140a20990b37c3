#include "softcard/bytes.h"

#include <stdexcept>

namespace softcard {

std::string to_hex(ByteView data, char sep) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * (sep ? 3 : 2));
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (sep && i) out.push_back(sep);
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 0x0F]);
  }
  return out;
}

namespace {
int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Bytes from_hex(std::string_view hex) {
  Bytes out;
  int high = -1;
  for (char c : hex) {
    if (c == ' ' || c == ':' || c == '\t' || c == '\n' || c == '\r') continue;
    const int n = nibble(c);
    if (n < 0) throw std::invalid_argument("invalid hex character '" + std::string(1, c) + "'");
    if (high < 0) {
      high = n;
    } else {
      out.push_back(static_cast<std::uint8_t>((high << 4) | n));
      high = -1;
    }
  }
  if (high >= 0) throw std::invalid_argument("odd number of hex digits");
  return out;
}

void SecretBytes::wipe() noexcept {
  // volatile stores so the compiler cannot drop the wipe of memory about to be freed.
  volatile std::uint8_t* p = data_.data();
  for (std::size_t i = 0; i < data_.size(); ++i) p[i] = 0;
}

void SecretBytes::resize(std::size_t n) {
  if (n >= data_.size()) {
    // Growing may reallocate: move through a wiped copy so no stale secret stays behind.
    std::vector<std::uint8_t> grown(n);
    std::copy(data_.begin(), data_.end(), grown.begin());
    wipe();
    data_.swap(grown);
  } else {
    volatile std::uint8_t* p = data_.data();
    for (std::size_t i = n; i < data_.size(); ++i) p[i] = 0;
    data_.resize(n);
  }
}

bool constant_time_equal(ByteView a, ByteView b) noexcept {
  if (a.size() != b.size()) return false;
  volatile std::uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff = diff | static_cast<std::uint8_t>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace softcard
