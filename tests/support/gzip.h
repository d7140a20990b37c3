#pragma once
// gzip (RFC 1952) of test data, for PIV certificates stored compressed (certificate info 71 = 01),
// as YubiKey hosts may write them.
#include <zlib.h>

#include "softcard/bytes.h"

namespace softcard::test {

inline Bytes gzip(ByteView in) {
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  Bytes out(deflateBound(&zs, uLong(in.size())) + 32);
  zs.next_in = const_cast<Bytef*>(in.data()), zs.avail_in = uInt(in.size());
  zs.next_out = out.data(), zs.avail_out = uInt(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace softcard::test
