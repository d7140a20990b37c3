// Card::transmit in process, ISO applet, SQLite card image in a fresh temporary directory.
//   BM_Select*         read-only: never touches the backend (the ObjectStore caches objects)
//   BM_UpdateBinary128 one committed SQLite transaction per APDU
// Rates are wall-clock (UseRealTime): the commit waits on the file system, not the CPU.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>

#include "iso_test_card.h"

namespace softcard::test {
namespace {

namespace fsys = std::filesystem;

class TempImage {
 public:
  TempImage() {
    std::string tmpl = (fsys::temp_directory_path() / "softcard-bench-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    create_test_image(path());
  }
  ~TempImage() {
    std::error_code ec;
    fsys::remove_all(dir_, ec);
  }
  fsys::path path() const { return dir_ / "card.img"; }

 private:
  fsys::path dir_;
};

void run(benchmark::State& state, std::string_view setup, const Bytes& apdu, bool vary) {
  TempImage image;
  IsoCard card(SqliteStore::open(image.path()));
  for (const auto& hex : {std::string_view("00a4080c0450005001"), setup})
    if (!hex.empty() && card.tx(hex) != "9000") {
      state.SkipWithError("setup failed");
      return;
    }
  Bytes cmd = apdu;
  std::uint8_t n = 0;
  for (auto _ : state) {
    if (vary) cmd.back() = ++n;  // a real change every time
    Bytes r = card.card->transmit(cmd);
    if (r.size() < 2 || r[r.size() - 2] != 0x90) {
      state.SkipWithError("APDU failed");
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_SelectByPathNoAnswer(benchmark::State& state) {
  run(state, "", from_hex("00a4080c0450005001"), false);
}
void BM_SelectByFidWithFcp(benchmark::State& state) {
  run(state, "", from_hex("00a40004023f0000"), false);
}
void BM_ReadBinary128(benchmark::State& state) {
  run(state, "", from_hex("00b0000080"), false);
}
void BM_UpdateBinary128(benchmark::State& state) {
  Bytes apdu = from_hex("00d6000080");
  apdu.resize(5 + 128, 0x5A);
  run(state, "002000810431323334", apdu, true);
}

BENCHMARK(BM_SelectByPathNoAnswer)->UseRealTime();
BENCHMARK(BM_SelectByFidWithFcp)->UseRealTime();
BENCHMARK(BM_ReadBinary128)->UseRealTime();
BENCHMARK(BM_UpdateBinary128)->UseRealTime();

}  // namespace
}  // namespace softcard::test
