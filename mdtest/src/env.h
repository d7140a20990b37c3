#pragma once
// Everything a node needs: the configuration, the library, the readers, sessions on them.
#include <memory>
#include <string>
#include <vector>

#include "alloc.h"
#include "config.h"
#include "module.h"
#include "pcsc_link.h"
#include "registry.h"

namespace softcard::mdtest {

// A PC/SC connection and a CARD_DATA on it (the session is released before the connection).
struct CardSession {
  pcsc::Connection conn;
  std::unique_ptr<Session> session;
  Session* operator->() { return session.get(); }
  Session& operator*() { return *session; }
  CARD_DATA* cd() { return session->cd(); }
  ~CardSession() {
    session.reset();
    pcsc::disconnect(conn);
  }
};

struct RunOptions {
  std::string self_exe;     // this program, for the two-process stress node
  std::string config_path;  // passed on to child processes
  std::string library_path;
};

class Env {
 public:
  Env(Config config, const Library& lib, RunOptions options);

  const Config& config() const { return config_; }
  const Library& library() const { return lib_; }
  const RunOptions& options() const { return options_; }
  AllocTracker& tracker() { return tracker_; }

  // Reader `index` (0 or 1), resolved on first use; skips the node when it is not there.
  const std::string& reader(int index);
  std::size_t readers_known() {
    resolve_readers();
    return readers_.size();
  }
  // A CARD_DATA on reader `index`, connected but not acquired (for CardAcquireContext nodes).
  std::unique_ptr<CardSession> prepare(int index = 0, DWORD version = CARD_DATA_CURRENT_VERSION);
  // The same, acquired; the node fails when CardAcquireContext does.
  std::unique_ptr<CardSession> open(int index = 0, DWORD version = CARD_DATA_CURRENT_VERSION);
  // A CARD_DATA in no-card mode (CARD_SECURE_KEY_INJECTION_NO_CARD_MODE), acquired.
  std::unique_ptr<Session> open_no_card();

  // Runs a configured hook through the shell; fails the node when it exits nonzero.
  void run_hook(const std::string& command, const char* what);

 private:
  void resolve_readers();
  Config config_;
  const Library& lib_;
  RunOptions options_;
  AllocTracker tracker_;
  std::vector<std::string> readers_;
  bool resolved_ = false;
};

}  // namespace softcard::mdtest
