#include "env.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include "errors.h"

namespace softcard::mdtest {

Env::Env(Config config, const Library& lib, RunOptions options)
    : config_(std::move(config)), lib_(lib), options_(std::move(options)) {}

void Env::resolve_readers() {
  if (resolved_) return;
  resolved_ = true;
  if (!config_.readers.empty()) {
    readers_ = config_.readers;
    return;
  }
  // No names configured: the readers holding a card, waiting a little for slow readers.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(config_.reader_wait_seconds);
  do {
    pcsc::readers_with_card(readers_);
    if (readers_.size() >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (std::chrono::steady_clock::now() < deadline);
  if (readers_.size() > 2) readers_.resize(2);
}

const std::string& Env::reader(int index) {
  resolve_readers();
  if (index >= static_cast<int>(readers_.size()))
    throw NodeSkip("needs reader " + std::to_string(index + 1) + " (only " +
                   std::to_string(readers_.size()) + " reader(s) with a card)");
  return readers_[index];
}

std::unique_ptr<CardSession> Env::prepare(int index, DWORD version) {
  const std::string& name = reader(index);
  auto cs = std::make_unique<CardSession>();
  DWORD rc = pcsc::connect(name, cs->conn);
  if (rc != 0 && pcsc::wait_card(name, true, config_.reader_wait_seconds))
    rc = pcsc::connect(name, cs->conn);
  if (rc != 0) throw NodeFailure("cannot connect to reader \"" + name + "\": " + error_name(rc));
  cs->session = std::make_unique<Session>(lib_, &cs->conn, config_.card_name, version);
  return cs;
}

std::unique_ptr<CardSession> Env::open(int index, DWORD version) {
  auto cs = prepare(index, version);
  // The base CSP calls CardAcquireContext inside a transaction; without one, another process's
  // acquisition (it selects the applet and reads files) can interleave with ours.
  if (const DWORD t = pcsc::begin_transaction(cs->conn); t != 0)
    throw NodeFailure("SCardBeginTransaction failed: " + error_name(t), 0, t);
  const DWORD rc = (*cs)->acquire();
  pcsc::end_transaction(cs->conn);
  if (rc != 0) throw NodeFailure("CardAcquireContext failed: " + error_name(rc), 0, rc);
  return cs;
}

std::unique_ptr<Session> Env::open_no_card() {
  auto s = std::make_unique<Session>(lib_, nullptr, config_.card_name);
  const DWORD rc = s->acquire(CARD_SECURE_KEY_INJECTION_NO_CARD_MODE);
  if (rc != 0)
    throw NodeFailure("CardAcquireContext(NO_CARD_MODE) failed: " + error_name(rc), 0, rc);
  return s;
}

void Env::run_hook(const std::string& command, const char* what) {
  if (command.empty()) throw NodeSkip(std::string("no ") + what + " hook configured");
  const int status = std::system(command.c_str());
  if (status != 0)
    throw NodeFailure(std::string(what) + " hook failed (status " + std::to_string(status) +
                      "): " + command);
}

}  // namespace softcard::mdtest
