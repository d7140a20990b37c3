// PC/SC round-trip benchmark. Run it inside a rig that serves softcard on slot 0 and leaves slot 1
// empty for the minimal responder:
//
//   softcard rig --profile iso --slots 2 -- pcsc_bench [--count N] [--slow-count M]
//
// It starts (as a child process of itself) a minimal responder on slot 1 with the same socket
// options as softcard (TCP_NODELAY, TCP_QUICKACK re-armed around every read), waits for both cards
// with SCardGetStatusChange, then runs the same client loop (SCardTransmit of SELECT MF on one
// connection) against both, interleaved, and prints APDU/s and the ratio. Then it swaps in a
// responder WITHOUT quickack on slot 1 to show the delayed-ACK stall.
//
//   pcsc_bench respond HOST:PORT [--no-quickack]   the responder alone (answers 9000 to everything)
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

// ---- minimal responder: blocking socket, one read loop, no framework ----

bool read_exact(int fd, std::uint8_t* p, std::size_t n, bool quickack) {
  const int one = 1;
  while (n > 0) {
    if (quickack) setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    const ssize_t r = recv(fd, p, n, 0);
    if (r <= 0) return false;
    if (quickack) setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

int respond(const char* hostport, bool quickack) {
  std::string hp(hostport);
  const auto colon = hp.rfind(':');
  const std::string host = hp.substr(0, colon);
  const int port = std::atoi(hp.c_str() + colon + 1);
  static const std::uint8_t atr[] = {0x3B, 0x80, 0x80, 0x01, 0x01};
  std::vector<std::uint8_t> buf(65537);
  while (true) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, host.c_str(), &a.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close(fd);
      usleep(20000);  // vpcd not listening yet: retry (benchmark helper, not product code)
      continue;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::uint8_t hdr[2];
    while (read_exact(fd, hdr, 2, quickack)) {
      const std::size_t len = (std::size_t(hdr[0]) << 8) | hdr[1];
      if (len == 0 || !read_exact(fd, buf.data(), len, quickack)) break;
      std::uint8_t out[2 + sizeof atr];
      std::size_t n = 0;
      if (len == 1) {
        if (buf[0] != 0x04) continue;  // power on/off/reset: no answer
        out[0] = 0;
        out[1] = sizeof atr;
        std::memcpy(out + 2, atr, sizeof atr);
        n = 2 + sizeof atr;
      } else {
        const std::uint8_t ok[] = {0x00, 0x02, 0x90, 0x00};
        std::memcpy(out, ok, sizeof ok);
        n = sizeof ok;
      }
      if (send(fd, out, n, MSG_NOSIGNAL) != static_cast<ssize_t>(n)) break;
    }
    close(fd);
  }
}

// ---- client side ----

void check(LONG rv, const char* what) {
  if (rv != SCARD_S_SUCCESS) {
    std::fprintf(stderr, "pcsc_bench: %s: %s\n", what, pcsc_stringify_error(rv));
    std::exit(2);
  }
}

std::string env_or_die(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) {
    std::fprintf(stderr,
                 "pcsc_bench: %s is not set: run me under `softcard rig --card IMAGE --slots 2 -- "
                 "pcsc_bench`\n",
                 name.c_str());
    std::exit(2);
  }
  return v;
}

pid_t spawn_responder(const char* self, const std::string& hostport, bool quickack) {
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    if (quickack)
      execl(self, self, "respond", hostport.c_str(), static_cast<char*>(nullptr));
    else
      execl(self, self, "respond", hostport.c_str(), "--no-quickack", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// Waits until every reader has a card (present = true) or none (present = false).
void wait_state(SCARDCONTEXT ctx, const std::vector<std::string>& readers, bool present) {
  std::vector<SCARD_READERSTATE> st(readers.size());
  for (std::size_t i = 0; i < readers.size(); ++i) {
    st[i].szReader = readers[i].c_str();
    st[i].dwCurrentState = SCARD_STATE_UNAWARE;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    bool all = true;
    for (auto& s : st)
      all = all && s.dwEventState && (((s.dwEventState & SCARD_STATE_PRESENT) != 0) == present);
    if (all) return;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      std::fprintf(stderr, "pcsc_bench: cards not %s in time\n", present ? "present" : "gone");
      std::exit(2);
    }
    const LONG rv = SCardGetStatusChange(ctx, static_cast<DWORD>(left), st.data(),
                                         static_cast<DWORD>(st.size()));
    if (rv != SCARD_E_TIMEOUT) check(rv, "SCardGetStatusChange");
    for (auto& s : st) s.dwCurrentState = s.dwEventState & ~SCARD_STATE_CHANGED;
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double loop(SCARDCONTEXT ctx, const std::string& reader, int count) {
  SCARDHANDLE card;
  DWORD proto;
  check(SCardConnect(ctx, reader.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                     &card, &proto),
        "SCardConnect");
  const SCARD_IO_REQUEST* pci = proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
  const BYTE select_mf[] = {0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00};
  BYTE resp[258];
  auto once = [&] {
    DWORD len = sizeof resp;
    check(SCardTransmit(card, pci, select_mf, sizeof select_mf, nullptr, resp, &len),
          "SCardTransmit");
  };
  for (int i = 0; i < 20; ++i) once();  // warm-up
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) once();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  SCardDisconnect(card, SCARD_LEAVE_CARD);
  return count / s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "respond") == 0)
    return respond(argv[2], !(argc >= 4 && std::strcmp(argv[3], "--no-quickack") == 0));
  int count = 10000, slow_count = 100, rounds = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--count") == 0)
      count = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--slow-count") == 0)
      slow_count = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--rounds") == 0)
      rounds = std::max(1, std::atoi(argv[i + 1]));
  }
  const std::string softcard_reader = env_or_die("SOFTCARD_RIG_READER_0");
  const std::string responder_reader = env_or_die("SOFTCARD_RIG_READER_1");
  const std::string responder_vpcd = env_or_die("SOFTCARD_RIG_VPCD_1");
  pid_t responder = spawn_responder(argv[0], responder_vpcd, true);

  SCARDCONTEXT ctx;
  check(SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx), "SCardEstablishContext");
  wait_state(ctx, {softcard_reader, responder_reader}, true);

  // Interleave short rounds so load from other processes hits both alike; report medians.
  std::vector<double> sc_rounds, mr_rounds;
  const int per_round = std::max(1, count / rounds);
  for (int round = 0; round < rounds; ++round) {
    mr_rounds.push_back(loop(ctx, responder_reader, per_round));
    sc_rounds.push_back(loop(ctx, softcard_reader, per_round));
  }
  const double sc = median(sc_rounds);
  const double mr = median(mr_rounds);
  double slow_rate = 0;
  kill(responder, SIGTERM);
  waitpid(responder, nullptr, 0);
  responder = -1;
  if (slow_count > 0) {
    wait_state(ctx, {responder_reader}, false);
    responder = spawn_responder(argv[0], responder_vpcd, false);
    wait_state(ctx, {responder_reader}, true);
    slow_rate = loop(ctx, responder_reader, slow_count);
  }
  std::printf(
      "SELECT MF round trips through pcscd + vpcd, one connection, %d APDUs each in %d "
      "interleaved rounds (median of rounds):\n",
      per_round * rounds, rounds);
  std::printf("  softcard                                 %8.0f APDU/s  (%6.1f us/APDU)\n", sc,
              1e6 / sc);
  std::printf("  minimal responder (NODELAY + QUICKACK)   %8.0f APDU/s  (%6.1f us/APDU)\n", mr,
              1e6 / mr);
  std::printf("  ratio softcard / minimal responder       %8.2f\n", sc / mr);
  if (slow_count > 0)
    std::printf(
        "  minimal responder WITHOUT QUICKACK       %8.1f APDU/s  (%6.1f ms/APDU, %d APDUs)\n",
        slow_rate, 1e3 / slow_rate, slow_count);
  SCardReleaseContext(ctx);
  if (responder > 0) {
    kill(responder, SIGTERM);
    waitpid(responder, nullptr, 0);
  }
  return sc / mr >= 0.9 ? 0 : 3;
}
