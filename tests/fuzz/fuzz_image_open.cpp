// Opening arbitrary image bytes: SqliteStore::open + make_card either serve a card or refuse with
// ImageError; never a crash, never another exception. A card that opens answers without 6F00.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_card.h"
#include "softcard/errors.h"

using namespace softcard;

namespace {

std::filesystem::path scratch_dir() {
  static const std::filesystem::path dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "softcard-fuzz-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) fuzz::oracle_failed("mkdtemp failed");
    return std::filesystem::path(tmpl);
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto dir = scratch_dir();
  const auto image = dir / "card.img";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(image, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  fuzz::DeterministicRng rng;
  CardOptions options;
  options.rng = &rng;
  std::unique_ptr<Card> card;
  try {
    card = open_card(image, std::move(options));
  } catch (const ImageError&) {
    return 0;
  } catch (const std::exception& e) {
    fuzz::oracle_failed(std::string("not an ImageError: ") + e.what());
  }
  card->power_on();
  for (const char* apdu : {"00A4040C00", "00A4000C023F00", "00B0000000", "00CA010000"}) {
    const Bytes r = card->transmit(from_hex(apdu));
    if (r.size() < 2) fuzz::oracle_failed("response shorter than a status word");
  }
  return 0;
}
