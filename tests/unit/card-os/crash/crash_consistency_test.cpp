// Crash consistency of the SQLite card image under SIGKILL.
//
// A child process opens the image and streams state-changing APDUs at it: UPDATE BINARY of
// EF 5000/5001 (128 bytes = 16 copies of a big-endian counter, so a torn write is visible)
// and PIN 84 commands (VERIFY wrong at 3 tries, right at 2; RESET RETRY COUNTER by the
// administrator when a kill left it at 1). Before sending each APDU it
// reports through a pipe which state the image is in and which state the APDU leads to. The
// parent kills it with SIGKILL at a random moment, reopens the image, validates every record
// and checks the state is the one before or after the last APDU sent. A correct VERIFY has one
// more legal state: its try already spent and committed (before the comparison) but not yet
// restored, which is exactly the durability the PIN rules ask for.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "applets/iso/iso_applet.h"
#include "fs/file_tree.h"
#include "iso_test_card.h"
#include "security/pin.h"
#include "softcard/errors.h"

namespace softcard::test {
namespace {

namespace fsys = std::filesystem;

constexpr int kills = 250;
const fs::Path ef_path{fs::mf_fid, 0x5000, 0x5001};
constexpr std::uint8_t pin_ref = 0x84;

struct State {
  std::uint64_t counter = 0;
  std::uint8_t tries = 0;
  bool operator==(const State&) const = default;
};

struct Message {            // written atomically (< PIPE_BUF)
  std::uint32_t index = 0;  // 0 = "ready", i = about to send APDU i
  State before, after;
  std::uint8_t mid_tries = 0xFF;  // the extra legal tries value of a correct VERIFY
};

// Reads and validates the image; throws on anything malformed.
State read_state(const fsys::path& image) {
  ObjectStore store(SqliteStore::open(image));
  const fs::FileTree tree(iso::fs_prefix);
  for (const auto& p : tree.all(store)) (void)tree.get(store, p);  // every record decodes
  const security::PinManager pins(iso::pin_prefix);
  for (auto ref : pins.references(store)) (void)pins.find(store, ref);
  const ByteView c = tree.content(store, ef_path);
  if (c.size() != 128) throw std::runtime_error("EF 5001 has the wrong size");
  State s;
  for (int i = 0; i < 8; ++i) s.counter = (s.counter << 8) | c[i];
  for (std::size_t at = 8; at < 128; ++at)
    if (c[at] != c[at % 8]) throw std::runtime_error("torn write in EF 5001");
  s.tries = pins.find(store, pin_ref)->tries_left;
  return s;
}

[[noreturn]] void child(const fsys::path& image, int fd) {
  try {
    State s = read_state(image);
    IsoCard card(SqliteStore::open(image));
    auto send = [&](const Message& m, std::string_view hex) {
      if (::write(fd, &m, sizeof m) != sizeof m) _exit(3);
      return card.tx(hex);
    };
    // Session setup changes nothing persistent except PIN 81's counter, which we do not check.
    if (card.tx("00a4080c0450005001") != "9000") _exit(4);
    if (card.tx("002000810431323334") != "9000") _exit(5);
    if (card.tx("00200082083837363534333231") != "9000") _exit(5);
    Message ready;
    ready.before = ready.after = s;
    if (::write(fd, &ready, sizeof ready) != sizeof ready) _exit(3);
    for (std::uint32_t i = 1;; ++i) {
      Message m;
      m.index = i;
      m.before = m.after = s;
      std::string expected = "9000";
      std::string apdu;
      if (i % 4 == 0) {
        if (s.tries >= 3) {  // wrong PIN: one try spent
          apdu = "002000840430303030";
          m.after.tries = static_cast<std::uint8_t>(s.tries - 1);
          expected = to_hex(Bytes{0x63, static_cast<std::uint8_t>(0xC0 | m.after.tries)});
        } else if (s.tries == 2) {  // right PIN: spent, committed, compared, restored
          apdu = "002000840434333231";
          m.after.tries = 3;
          m.mid_tries = 1;
        } else {  // a kill left a spent try behind: the administrator resets the counter
          apdu = "002c0384";
          m.after.tries = 3;
        }
      } else {
        m.after.counter = s.counter + 1;
        Bytes data;
        for (int rep = 0; rep < 16; ++rep)
          for (int b = 7; b >= 0; --b)
            data.push_back(static_cast<std::uint8_t>(m.after.counter >> (8 * b)));
        apdu = "00d6000080" + to_hex(data);
      }
      if (send(m, apdu) != expected) _exit(6);
      s = m.after;
    }
  } catch (...) {
    _exit(7);
  }
}

TEST(CrashConsistency, SigkillDuringApduStreamLeavesBeforeOrAfterState) {
  const fsys::path dir =
      fsys::temp_directory_path() / ("softcard-crash-" + std::to_string(::getpid()));
  fsys::remove_all(dir);
  fsys::create_directories(dir);
  const fsys::path image = dir / "card.img";
  create_test_image(image);
  State state = read_state(image);
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> delay_us(0, 4000);
  int mid_apdu_kills = 0, max_index = 0, ended_before = 0, ended_after = 0, ended_mid = 0;

  for (int k = 0; k < kills; ++k) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      child(image, fds[1]);
    }
    ::close(fds[1]);
    // Wait for "ready" so most kills land in the APDU stream, then a random moment.
    Message m;
    std::vector<Message> got;
    if (::read(fds[0], &m, sizeof m) == sizeof m) got.push_back(m);
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "child stopped on its own (exit " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1)
        << ") at kill " << k;
    while (::read(fds[0], &m, sizeof m) == sizeof m) got.push_back(m);
    ::close(fds[0]);

    State now;
    ASSERT_NO_THROW(now = read_state(image)) << "kill " << k;
    if (got.empty() || got.back().index == 0) {
      EXPECT_EQ(now, state) << "kill " << k << " before the stream started";
    } else {
      const Message& last = got.back();
      ++mid_apdu_kills;
      max_index = std::max<int>(max_index, static_cast<int>(last.index));
      ASSERT_EQ(last.index == 1 ? state : last.before, last.before) << "kill " << k;
      const bool mid = last.mid_tries != 0xFF && now.counter == last.before.counter &&
                       now.tries == last.mid_tries;
      ended_before += now == last.before;
      ended_after += now == last.after && !(now == last.before);
      ended_mid += mid;
      EXPECT_TRUE(now == last.before || now == last.after || mid)
          << "kill " << k << " during APDU " << last.index << ": image has counter " << now.counter
          << " tries " << int(now.tries) << ", expected counter " << last.before.counter << "/"
          << last.after.counter << " tries " << int(last.before.tries) << "/"
          << int(last.after.tries);
    }
    state = now;
  }
  // The test must have exercised the stream, not just process start-up.
  EXPECT_GT(mid_apdu_kills, kills / 2);
  EXPECT_GT(max_index, 1);
  RecordProperty("kills_during_stream", mid_apdu_kills);
  std::printf(
      "%d kills, %d during the APDU stream (image at: before %d, after %d, PIN try spent %d); "
      "longest stream %d APDUs\n",
      kills, mid_apdu_kills, ended_before, ended_after, ended_mid, max_index);
  fsys::remove_all(dir);
}

}  // namespace
}  // namespace softcard::test
