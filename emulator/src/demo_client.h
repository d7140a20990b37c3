#pragma once
// The client role of `softcard demo` (this process): a GIDS card with the SKI extension served
// into a private PC/SC world, reached through pcsc-lite with softcard's minidriver, and the
// server (demo_server.h) as a child process. Each step prints one numbered line.
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cardmod.h"
#include "demo_server.h"
#include "demo_support.h"
#include "softcard/bytes.h"

namespace softcard::cli::demo {

class DemoClient {
 public:
  explicit DemoClient(bool all) : all_(all) {}
  // Sets up the world and the card, runs the scenario, tears down; returns the exit code.
  int run();

 private:
  // demo_scenario.cpp: the scenario, one function per phase, in order.
  int scenario(const Bytes& shared);
  void connect();
  void start_server(const Bytes& shared);
  void check_key_import_support();
  void verify_pin(const Bytes& pin, const std::string& what);
  void login();
  Bytes read_k1();
  void show_capabilities();
  CARD_KEY_HANDLE establish_s1(const Bytes& k1);
  // demo_client.cpp: what the client host cannot do with the establishment keys (§13).
  void k1_refuses_plain_decipher();
  void establishment_refuses_plain_ecdh(const Bytes& q);
  void inject_k2(CARD_KEY_HANDLE hs1, const std::string& k2_path);
  void prove_k2(const std::string& k2_path);
  void shared_key_and_session_pin();
  void ecc_and_change_pin();
  void disconnect();
  void opensc_lists_the_keys();
  void summary();

  // demo_client.cpp: how a step talks and what it measures.
  void say(const std::string& actor, const std::string& text);
  template <class F>
  auto timed(const std::string& name, F&& f) {
    const auto t0 = Clock::now();
    auto r = f();
    timings_.emplace_back(name,
                          std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    return r;
  }
  DWORD get_dword_property(LPCWSTR property, DWORD flags, const std::string& what);
  Bytes container_public(BYTE idx);
  // Sets mode and IV from a server "blob <mode> <iv> <blob> <ms>" line and processes the blob;
  // DemoFailure unless CardProcessEncryptedData returns `expect`.
  void set_and_process(CARD_KEY_HANDLE h, const std::vector<std::string>& blob_line,
                       const char16_t* f, Bytes* answer, DWORD expect = 0);

  bool all_;
  unsigned step_ = 0;
  std::vector<std::pair<std::string, double>> timings_;
  CARD_DATA cd_{};
  BYTE atr_[64] = {};
  SCARDCONTEXT hctx_ = 0;
  SCARDHANDLE hcard_ = 0;
  std::filesystem::path dir_;
  std::unique_ptr<ServerProcess> server_;
  // SPKI DER of each establishment key, as the card factory published it (docs/ski.md §13).
  std::vector<Bytes> establishment_keys_;
  Bytes wrapped_s1_;  // S1 under K1, as the client saw it
};

}  // namespace softcard::cli::demo
