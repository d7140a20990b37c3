// The vpcd codec: arbitrary bytes fed in arbitrary splits must decode to the same frames as one
// feed, never crash, and every decoded frame must re-encode to exactly the bytes it came from.
#include <cstdint>
#include <optional>
#include <vector>

#include "fuzz_support.h"
#include "softcard/vpcd/codec.h"

using namespace softcard;
using namespace softcard::vpcd;

namespace {

struct Outcome {
  std::vector<Frame> frames;
  bool failed = false;
};

Outcome decode(ByteView stream, const std::vector<std::size_t>& cuts, std::size_t limit) {
  Decoder d(limit);
  Outcome out;
  std::size_t pos = 0;
  auto drain = [&] {
    try {
      while (auto f = d.next()) out.frames.push_back(*f);
    } catch (const ProtocolError&) {
      out.failed = true;
    }
  };
  for (std::size_t cut : cuts) {
    if (out.failed) break;
    const std::size_t n = std::min(cut, stream.size() - pos);
    d.feed(stream.subspan(pos, n));
    pos += n;
    drain();
  }
  if (!out.failed && pos < stream.size()) {
    d.feed(stream.subspan(pos));
    drain();
  }
  if (out.failed != d.failed()) fuzz::oracle_failed("failed() disagrees with the thrown error");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  // Header: a payload limit and the read sizes to split the stream into.
  const std::size_t limit = 1 + ((std::size_t(data[0]) << 8) | data[1]);
  const std::size_t ncuts = data[2] % 16;
  if (size < 3 + ncuts) return 0;
  std::vector<std::size_t> cuts;
  for (std::size_t i = 0; i < ncuts; ++i) cuts.push_back(data[3 + i]);
  const ByteView stream(data + 3 + ncuts, size - 3 - ncuts);

  const Outcome whole = decode(stream, {}, limit);
  const Outcome split = decode(stream, cuts, limit);
  if (whole.failed != split.failed || whole.frames != split.frames)
    fuzz::oracle_failed("the split changed what was decoded");

  // Round trip: the frames re-encode to the prefix of the stream they were decoded from.
  Bytes again;
  for (const Frame& f : whole.frames) {
    const Bytes one = encode(f);
    if (one.size() < 3) fuzz::oracle_failed("a decoded frame encodes to less than 3 bytes");
    again.insert(again.end(), one.begin(), one.end());
  }
  if (again.size() > stream.size() || !std::equal(again.begin(), again.end(), stream.begin()))
    fuzz::oracle_failed("decode then encode is not the identity");
  return 0;
}
