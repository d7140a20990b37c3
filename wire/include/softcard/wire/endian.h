#pragma once
// Fixed-width integers in both byte orders. Readers take the offset of the first byte; the
// caller has checked that `at + width <= b.size()` (every decoder in wire does so first).
#include <cstddef>
#include <cstdint>

#include "softcard/wire/bytes.h"

namespace softcard::wire {

namespace detail {
template <typename T, bool Big>
inline void put(Bytes& out, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    const std::size_t shift = 8 * (Big ? sizeof(T) - 1 - i : i);
    out.push_back(static_cast<std::uint8_t>(v >> shift));
  }
}
template <typename T, bool Big>
inline T get(ByteView b, std::size_t at) {
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    const std::size_t shift = 8 * (Big ? sizeof(T) - 1 - i : i);
    v = static_cast<T>(v | static_cast<T>(static_cast<T>(b[at + i]) << shift));
  }
  return v;
}
}  // namespace detail

inline void put_u16be(Bytes& out, std::uint16_t v) {
  detail::put<std::uint16_t, true>(out, v);
}
inline void put_u32be(Bytes& out, std::uint32_t v) {
  detail::put<std::uint32_t, true>(out, v);
}
inline void put_u64be(Bytes& out, std::uint64_t v) {
  detail::put<std::uint64_t, true>(out, v);
}
inline void put_u16le(Bytes& out, std::uint16_t v) {
  detail::put<std::uint16_t, false>(out, v);
}
inline void put_u32le(Bytes& out, std::uint32_t v) {
  detail::put<std::uint32_t, false>(out, v);
}
inline void put_u64le(Bytes& out, std::uint64_t v) {
  detail::put<std::uint64_t, false>(out, v);
}

inline std::uint16_t get_u16be(ByteView b, std::size_t at) {
  return detail::get<std::uint16_t, true>(b, at);
}
inline std::uint32_t get_u32be(ByteView b, std::size_t at) {
  return detail::get<std::uint32_t, true>(b, at);
}
inline std::uint64_t get_u64be(ByteView b, std::size_t at) {
  return detail::get<std::uint64_t, true>(b, at);
}
inline std::uint16_t get_u16le(ByteView b, std::size_t at) {
  return detail::get<std::uint16_t, false>(b, at);
}
inline std::uint32_t get_u32le(ByteView b, std::size_t at) {
  return detail::get<std::uint32_t, false>(b, at);
}
inline std::uint64_t get_u64le(ByteView b, std::size_t at) {
  return detail::get<std::uint64_t, false>(b, at);
}

// Byte order reversal (CAPI blobs and signatures are little-endian, the card's are big-endian).
inline Bytes reversed(ByteView b) {
  return Bytes(b.rbegin(), b.rend());
}

}  // namespace softcard::wire
