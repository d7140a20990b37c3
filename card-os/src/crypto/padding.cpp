#include "crypto/padding.h"

#include <algorithm>

namespace softcard::padding {

SecretBytes pad(BlockPadding scheme, ByteView data, std::size_t block) {
  std::size_t total = data.size();
  switch (scheme) {
    case BlockPadding::none:
      if (data.size() % block != 0)
        throw CryptoError(CryptoErrc::invalid_argument,
                          "data length is not a multiple of the block size");
      break;
    case BlockPadding::pkcs7:
    case BlockPadding::iso7816:
      total = (data.size() / block + 1) * block;  // always at least one padding byte
      break;
  }
  SecretBytes out(total);
  std::copy(data.begin(), data.end(), out.data());
  const std::size_t fill = total - data.size();
  if (scheme == BlockPadding::pkcs7) {
    std::fill_n(out.data() + data.size(), fill, static_cast<std::uint8_t>(fill));
  } else if (scheme == BlockPadding::iso7816) {
    out.data()[data.size()] = 0x80;  // the rest is already zero
  }
  return out;
}

std::size_t unpadded_length(BlockPadding scheme, ByteView data, std::size_t block) {
  auto bad = [] { throw CryptoError(CryptoErrc::bad_padding, "block padding check failed"); };
  switch (scheme) {
    case BlockPadding::none:
      return data.size();
    case BlockPadding::pkcs7: {
      if (data.empty()) bad();
      const std::size_t n = data.back();
      if (n == 0 || n > block || n > data.size()) bad();
      for (std::size_t i = data.size() - n; i < data.size(); ++i)
        if (data[i] != n) bad();
      return data.size() - n;
    }
    case BlockPadding::iso7816: {
      // At most one block of padding: 80 followed by zeros.
      std::size_t i = data.size();
      const std::size_t stop = data.size() > block ? data.size() - block : 0;
      while (i > stop && data[i - 1] == 0x00) --i;
      if (i == stop || data[i - 1] != 0x80) bad();
      return i - 1;
    }
  }
  bad();
  return 0;
}

}  // namespace softcard::padding
