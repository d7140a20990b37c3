#pragma once
// Byte buffers used across the card OS boundary.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "softcard/wire/bytes.h"
#include "softcard/wire/endian.h"

namespace softcard {

// The wire library's byte types and helpers, under the names card-os code has always used.
using Bytes = wire::Bytes;
using ByteView = wire::ByteView;
using wire::append;
using wire::get_u16be;
using wire::put_u16be;

// Lower-case hex; `sep` (if non-zero) is put between bytes.
std::string to_hex(ByteView data, char sep = 0);
// Accepts upper/lower case hex with optional spaces/colons; throws std::invalid_argument.
Bytes from_hex(std::string_view hex);

inline ByteView view(const Bytes& b) {
  return {b.data(), b.size()};
}
inline ByteView view(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Secret material: wiped on destruction and never printed.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(ByteView v) : data_(v.begin(), v.end()) {}
  explicit SecretBytes(std::size_t n) : data_(n) {}
  SecretBytes(const SecretBytes&) = default;
  SecretBytes& operator=(const SecretBytes& other) {
    if (this != &other) {
      wipe();
      data_ = other.data_;
    }
    return *this;
  }
  SecretBytes(SecretBytes&& other) noexcept : data_(std::move(other.data_)) { other.data_.clear(); }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      wipe();
      data_ = std::move(other.data_);
      other.data_.clear();
    }
    return *this;
  }
  ~SecretBytes() { wipe(); }

  std::uint8_t* data() { return data_.data(); }
  const std::uint8_t* data() const { return data_.data(); }
  std::size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  ByteView view() const { return {data_.data(), data_.size()}; }
  std::span<std::uint8_t> span() { return {data_.data(), data_.size()}; }
  void resize(std::size_t n);
  void wipe() noexcept;

 private:
  std::vector<std::uint8_t> data_;
};

// Constant-time equality for secrets (length is not secret).
bool constant_time_equal(ByteView a, ByteView b) noexcept;

}  // namespace softcard
