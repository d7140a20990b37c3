#include "softcard/trace/writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace softcard::trace {

namespace {

bool write_all(int fd, const std::string& line) {
  // O_APPEND: one write() is one atomic append on a local file system.
  const ssize_t n = ::write(fd, line.data(), line.size());
  return n == static_cast<ssize_t>(line.size());
}

}  // namespace

Writer::Writer(const std::string& path, bool truncate) : path_(path) {
  const int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0);
  fd_ = ::open(path.c_str(), flags, 0600);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "trace file " + path);
}

Writer::~Writer() {
  if (fd_ >= 0) ::close(fd_);
}

void Writer::write(Event event) {
  std::lock_guard lock(mutex_);
  if (event.kind == Kind::apdu) {
    const Decoded d = decoders_[event.card].decode(event.command, event.response);
    event.name = d.command;
    event.summary = d.title;
  } else if (event.kind == Kind::power_on || event.kind == Kind::power_off ||
             event.kind == Kind::reset) {
    decoders_[event.card].power_event();
  }
  const std::string line = to_json_line(event) + "\n";
  if (!write_all(fd_, line)) ++failed_;
}

std::uint64_t Writer::failed_writes() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

bool append_line(const std::string& path, const Event& event) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const bool ok = write_all(fd, to_json_line(event) + "\n");
  ::close(fd);
  return ok;
}

}  // namespace softcard::trace
