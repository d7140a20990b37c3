#pragma once
// Shared between the register_*.cpp files of softcard._core: the card handle Python holds and
// the registration entry points.
#include <pybind11/pybind11.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "softcard/card.h"
#include "softcard/crypto.h"
#include "softcard/harness/faulty_card.h"
#include "softcard/harness/served_card.h"

namespace softcard::py {

namespace pyb = pybind11;
namespace faults = harness;  // the fault layer is the harness library (harness/)

// Zero-copy view of a Python bytes object (valid while the object lives).
inline ByteView as_view(const pyb::bytes& b) {
  char* data = nullptr;
  Py_ssize_t size = 0;
  PyBytes_AsStringAndSize(b.ptr(), &data, &size);
  return {reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(size)};
}
inline pyb::bytes to_py(const Bytes& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Raised (as softcard.LinkDropped / softcard.CardTorn) when a fault cut the exchange in-process.
struct LinkDroppedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct CardTornError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One card as Python sees it: the Card, the fault layer in front of it, and (optionally) a vpcd
// serving thread. Every method raises ValueError once closed.
class CardHandle {
 public:
  CardHandle(std::unique_ptr<Card> card, std::string where);
  ~CardHandle();

  Card& card();
  faults::FaultyCard& faulty();
  const std::string& where() const { return where_; }
  bool closed() const { return !card_; }
  void close();

  faults::ServedCard* served() { return served_.get(); }
  void serve(faults::ServeOptions options);
  void unserve();

  // Owned here because CardOptions keeps a pointer to it.
  static std::unique_ptr<Rng> make_rng() { return std::make_unique<OpenSslRng>(); }
  std::unique_ptr<Rng> rng;

 private:
  std::unique_ptr<Card> card_;
  std::unique_ptr<faults::FaultyCard> faulty_;
  std::unique_ptr<faults::ServedCard> served_;
  std::string where_;
};

void register_apdu(pyb::module_& m);
void register_trace(pyb::module_& m);
void register_faults(pyb::module_& m);
void register_card(pyb::module_& m);
void register_store(pyb::module_& m);
void register_rig(pyb::module_& m);
void register_minidriver(pyb::module_& m);
void register_wire(pyb::module_& m);
void register_applet(pyb::module_& m);

}  // namespace softcard::py
