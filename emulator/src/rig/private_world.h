#pragma once
// A private PC/SC world for `softcard rig`: this process moves into new mount and network
// namespaces (plus a user namespace when not root), mounts a tmpfs over /run/pcscd so its own
// pcscd cannot collide with (or even see) the system one, brings up loopback, writes a vpcd reader
// configuration into a temporary directory and starts pcscd on a socket it created itself
// (systemd-style socket activation). That socket lives in the temporary directory, outside the
// mount namespace, so clients anywhere can reach the private pcscd with PCSCLITE_CSOCK_NAME.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace softcard::cli {

// The machine does not allow namespaces (or pcscd/vpcd are missing). The message says why and
// what to do instead.
class WorldError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// vpcd 3.3 serves two slots per pcscd: its per-slot state is indexed by slot number only, so a
// second reader entry silently takes over the first entry's slots (measured; see docs/vpcd.md).
inline constexpr unsigned max_slots = 2;

struct WorldOptions {
  unsigned slots = 1;           // vpcd reader slots, 1 or 2
  bool private_network = true;  // vpcd listens on all interfaces: keep it in its own netns
  std::filesystem::path pcscd = "/usr/sbin/pcscd";
  std::filesystem::path vpcd_driver = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
};

struct Slot {
  std::string reader;  // PC/SC reader name as clients see it
  std::uint16_t port;  // vpcd's port on 127.0.0.1 for this slot
};

class PrivateWorld {
 public:
  // Must be called while the process is still single-threaded (unshare requires it).
  explicit PrivateWorld(WorldOptions options);
  ~PrivateWorld();  // stops pcscd, removes the temporary directory
  PrivateWorld(const PrivateWorld&) = delete;
  PrivateWorld& operator=(const PrivateWorld&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& socket_path() const { return socket_; }
  const std::vector<Slot>& slots() const { return slots_; }
  pid_t pcscd_pid() const { return pcscd_; }
  bool private_network() const { return options_.private_network; }
  std::string pcscd_log_tail(std::size_t max_bytes = 4000) const;

  // Starts pcscd (readers appear, vpcd starts listening). Call once the directory is prepared.
  void start_pcscd();
  // Stops pcscd (SIGTERM, then SIGKILL after a bound) and reaps it. Idempotent.
  void stop_pcscd();
  // Called by whoever reaps children: pcscd has gone.
  void forget_pcscd() { pcscd_ = -1; }

 private:
  void enter_namespaces();
  void make_run_pcscd_private();
  void write_reader_conf();
  void open_socket();

  WorldOptions options_;
  std::filesystem::path dir_;
  std::filesystem::path socket_;
  std::vector<Slot> slots_;
  int listen_fd_ = -1;
  pid_t pcscd_ = -1;
};

// Brings `lo` up in the current network namespace.
void bring_loopback_up();

}  // namespace softcard::cli
