#include "rig/private_world.h"

#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

namespace softcard::cli {

namespace fs = std::filesystem;

namespace {

std::string errno_text(int e) {
  return std::strerror(e);
}

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

void write_file(const fs::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("open " + path.string());
  const auto n = ::write(fd, text.data(), text.size());
  const int e = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    errno = e;
    throw_errno("write " + path.string());
  }
}

const char* const fallback_advice =
    "Use the system pcscd instead: install vsmartcard-vpcd (its reader 'Virtual PCD 00 00' "
    "listens on port 35963), make sure pcscd runs, then serve your card with "
    "`softcard run --vpcd 127.0.0.1:35963 IMAGE` and run your command in another terminal.";

// Ports on the host that nothing listens on, `count` consecutive ones starting at an even base.
std::uint16_t find_free_ports(unsigned count) {
  std::mt19937 gen(std::random_device{}());
  std::uniform_int_distribution<unsigned> dist(20000 / 2, 60000 / 2);
  for (int attempt = 0; attempt < 64; ++attempt) {
    const unsigned base = dist(gen) * 2;
    bool all_free = true;
    for (unsigned i = 0; i < count && all_free; ++i) {
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(static_cast<std::uint16_t>(base + i));
      a.sin_addr.s_addr = htonl(INADDR_ANY);
      all_free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ::close(fd);
    }
    if (all_free) return static_cast<std::uint16_t>(base);
  }
  throw WorldError("no free block of TCP ports found for vpcd");
}

}  // namespace

void bring_loopback_up() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw_errno("socket");
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
    const int e = errno;
    ::close(fd);
    errno = e;
    throw_errno("SIOCGIFFLAGS lo");
  }
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (::ioctl(fd, SIOCSIFFLAGS, &ifr) != 0) {
    const int e = errno;
    ::close(fd);
    errno = e;
    throw_errno("bringing lo up");
  }
  ::close(fd);
}

PrivateWorld::PrivateWorld(WorldOptions options) : options_(std::move(options)) {
  if (options_.slots == 0) options_.slots = 1;
  if (options_.slots > max_slots)
    throw WorldError("a private PC/SC world has at most " + std::to_string(max_slots) +
                     " reader slots (vpcd 3.3 keeps its state per slot number, so a second vpcd "
                     "reader entry in one pcscd steals the first one's slots); run several rigs "
                     "for more cards");
  if (::access(options_.pcscd.c_str(), X_OK) != 0)
    throw WorldError("pcscd not found at " + options_.pcscd.string() +
                     " (install the Debian package pcscd)");
  if (::access(options_.vpcd_driver.c_str(), R_OK) != 0)
    throw WorldError("vpcd driver not found at " + options_.vpcd_driver.string() +
                     " (install the Debian package vsmartcard-vpcd)");

  const char* tmp = std::getenv("TMPDIR");
  std::string templ =
      (tmp && *tmp ? std::string(tmp) : std::string("/tmp")) + "/softcard-rig.XXXXXX";
  if (!::mkdtemp(templ.data())) throw_errno("mkdtemp " + templ);
  dir_ = templ;
  // Clients of other users may use the private pcscd too, as with the system one.
  ::chmod(dir_.c_str(), 0755);
  socket_ = dir_ / "pcscd.comm";
  try {
    enter_namespaces();
    // In a private network namespace every port is ours: use vpcd's usual one.
    const std::uint16_t base = options_.private_network ? 0x8C7B : find_free_ports(2);
    for (unsigned i = 0; i < options_.slots; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "Virtual PCD 00 %02X", i);
      slots_.push_back({name, static_cast<std::uint16_t>(base + i)});
    }
    write_reader_conf();
    open_socket();
  } catch (...) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw;
  }
}

PrivateWorld::~PrivateWorld() {
  stop_pcscd();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void PrivateWorld::enter_namespaces() {
  int flags = CLONE_NEWNS | (options_.private_network ? CLONE_NEWNET : 0);
  const uid_t uid = ::geteuid();
  const gid_t gid = ::getegid();
  if (uid != 0) flags |= CLONE_NEWUSER;
  if (::unshare(flags) != 0) {
    const int e = errno;
    throw WorldError(std::string("cannot create a private PC/SC world: unshare(") +
                     (uid != 0 ? "user+" : "") + "mount" +
                     (options_.private_network ? "+network" : "") +
                     " namespaces) failed: " + errno_text(e) +
                     (uid != 0 ? ". Run as root, or allow unprivileged user namespaces "
                                 "(sysctl kernel.unprivileged_userns_clone=1). "
                               : ". The container or seccomp policy forbids namespaces. ") +
                     fallback_advice);
  }
  if (uid != 0) {
    // Map ourselves to root inside, so mounting and pcscd's checks work.
    write_file("/proc/self/setgroups", "deny");
    write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1");
    write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
  }
  // Nothing we mount may propagate back to the host (systemd makes / a shared mount).
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    const int e = errno;
    throw WorldError("cannot make mounts private in the new namespace: " + errno_text(e) + ". " +
                     fallback_advice);
  }
  make_run_pcscd_private();
  if (options_.private_network) bring_loopback_up();
}

void PrivateWorld::make_run_pcscd_private() {
  // pcscd refuses to start when /run/pcscd/pcscd.comm exists, and writes its pid file there.
  const char* run_pcscd = "/run/pcscd";
  struct stat st {};
  if (::stat(run_pcscd, &st) != 0) {
    // pcscd would create it itself; if /run is not writable, cover /run with a private tmpfs.
    if (::mkdir(run_pcscd, 0755) != 0 && errno != EEXIST) {
      if (::mount("softcard-rig", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0) {
        const int e = errno;
        throw WorldError("cannot prepare /run/pcscd: " + errno_text(e) + ". " + fallback_advice);
      }
      if (::mkdir(run_pcscd, 0755) != 0) throw_errno("mkdir /run/pcscd");
    }
  }
  if (::mount("softcard-rig", run_pcscd, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0) {
    const int e = errno;
    throw WorldError("cannot mount a private tmpfs on /run/pcscd: " + errno_text(e) + ". " +
                     fallback_advice);
  }
}

void PrivateWorld::write_reader_conf() {
  fs::create_directory(dir_ / "reader.conf.d");
  // One vpcd reader entry = two slots on CHANNELID and CHANNELID + 1.
  std::ofstream conf(dir_ / "reader.conf.d" / "softcard-rig");
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%04X", static_cast<unsigned>(slots_.front().port));
  conf << "FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME /dev/null:" << hex << "\nLIBPATH "
       << options_.vpcd_driver.string() << "\nCHANNELID " << hex << "\n";
  conf.close();
  if (!conf) throw std::runtime_error("cannot write " + (dir_ / "reader.conf.d").string());
}

void PrivateWorld::open_socket() {
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);  // handed to pcscd as fd 3
  if (listen_fd_ < 0) throw_errno("socket");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = socket_.string();
  if (path.size() >= sizeof addr.sun_path)
    throw WorldError("socket path too long for AF_UNIX: " + path +
                     " (set TMPDIR to a shorter directory)");
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw_errno("bind " + path);
  ::chmod(path.c_str(), 0666);
  if (::listen(listen_fd_, 128) != 0) throw_errno("listen " + path);
}

void PrivateWorld::start_pcscd() {
  const fs::path log = dir_ / "pcscd.log";
  const std::string conf = (dir_ / "reader.conf.d").string();
  const std::string exe = options_.pcscd.string();
  // Everything the child needs is prepared before fork (the parent may have threads by now).
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e) {
    const std::string_view v(*e);
    if (!v.starts_with("LISTEN_PID=") && !v.starts_with("LISTEN_FDS=") &&
        !v.starts_with("LISTEN_FDNAMES="))
      env_text.emplace_back(v);
  }
  env_text.emplace_back("LISTEN_FDS=1");
  env_text.emplace_back("LISTEN_PID=");  // completed in the child with its own pid
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  char listen_pid[32] = "LISTEN_PID=";
  envp[env_text.size() - 1] = listen_pid;
  const char* argv[] = {exe.c_str(), "--foreground", "--config", conf.c_str(), nullptr};
  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) throw_errno("open " + log.string());
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out);
    throw_errno("fork");
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    ::setpgid(0, 0);  // a Ctrl-C meant for COMMAND must not kill pcscd first
    ::dup2(out, 1);
    ::dup2(out, 2);
    const int in = ::open("/dev/null", O_RDONLY);
    if (in >= 0) ::dup2(in, 0);
    if (listen_fd_ != 3)
      ::dup2(listen_fd_, 3);  // dup2 clears close-on-exec
    else
      ::fcntl(3, F_SETFD, 0);
    // LISTEN_PID must name pcscd itself.
    int n = ::getpid();
    char digits[16];
    int len = 0;
    do {
      digits[len++] = static_cast<char>('0' + n % 10);
      n /= 10;
    } while (n > 0);
    int at = 11;
    while (len > 0) listen_pid[at++] = digits[--len];
    listen_pid[at] = 0;
    ::execve(exe.c_str(), const_cast<char* const*>(argv), envp.data());
    ::_exit(127);
  }
  ::close(out);
  // Only pcscd holds the socket now: if it dies, clients get an error instead of a hang.
  ::close(listen_fd_);
  listen_fd_ = -1;
  pcscd_ = pid;
}

void PrivateWorld::stop_pcscd() {
  if (pcscd_ <= 0) return;
  ::kill(pcscd_, SIGTERM);
  // Bounded wait: pcscd normally exits within milliseconds.
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (true) {
    const pid_t r = ::waitpid(pcscd_, &status, WNOHANG);
    if (r == pcscd_ || (r < 0 && errno == ECHILD)) break;
    if (clock::now() > deadline) {
      ::kill(pcscd_, SIGKILL);
      ::waitpid(pcscd_, &status, 0);
      break;
    }
    // pcscd gives no event for "exited" other than SIGCHLD, which the caller may consume; poll
    // briefly instead of sleeping a fixed time.
    struct timespec ts {
      0, 2'000'000
    };
    ::nanosleep(&ts, nullptr);
  }
  pcscd_ = -1;
}

std::string PrivateWorld::pcscd_log_tail(std::size_t max_bytes) const {
  std::ifstream in(dir_ / "pcscd.log");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  return text;
}

}  // namespace softcard::cli
