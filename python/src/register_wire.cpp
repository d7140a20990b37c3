// The byte formats a Python SKI server builds (docs/ski.md §7, §8), from the wire library: the
// same encoders the card decodes with, so Python holds no second copy of the layouts.
#include "core.h"
#include "softcard/wire/key_blobs.h"
#include "softcard/wire/ski.h"

namespace softcard::py {

namespace {
Bytes to_bytes(const pyb::bytes& b) {
  const ByteView v = as_view(b);
  return Bytes(v.begin(), v.end());
}
pyb::bytes from_bytes(const Bytes& b) {
  return pyb::bytes(reinterpret_cast<const char*>(b.data()), b.size());
}
}  // namespace

void register_wire(pyb::module_& m) {
  m.def(
      "wire_key_data_blob",
      [](const pyb::bytes& key) { return from_bytes(wire::ski::key_data_blob(as_view(key))); },
      pyb::arg("key"));
  m.def(
      "wire_privatekeyblob",
      [](const pyb::bytes& n, const pyb::bytes& e, const pyb::bytes& d, const pyb::bytes& p,
         const pyb::bytes& q, const pyb::bytes& dp, const pyb::bytes& dq, const pyb::bytes& qinv,
         bool key_exchange) {
        wire::RsaParts k;
        k.n = to_bytes(n), k.e = to_bytes(e), k.d = to_bytes(d), k.p = to_bytes(p);
        k.q = to_bytes(q), k.dp = to_bytes(dp), k.dq = to_bytes(dq), k.qinv = to_bytes(qinv);
        Bytes blob = wire::encode_privatekeyblob(k, key_exchange);
        pyb::bytes out = from_bytes(blob);
        wire::wipe(blob);
        return out;
      },
      pyb::arg("n"), pyb::arg("e"), pyb::arg("d"), pyb::arg("p"), pyb::arg("q"), pyb::arg("dp"),
      pyb::arg("dq"), pyb::arg("qinv"), pyb::arg("key_exchange"));
  m.def(
      "wire_decode_publickeyblob",
      [](const pyb::bytes& blob) {
        auto k = wire::decode_publickeyblob(as_view(blob));
        if (!k) throw pyb::value_error("not a CAPI RSA PUBLICKEYBLOB");
        return pyb::make_tuple(from_bytes(k->n), from_bytes(k->e));
      },
      pyb::arg("blob"));
  m.def(
      "wire_import_keypair",
      [](unsigned index, std::uint32_t key_spec, std::uint32_t key_bits, const pyb::bytes& blob,
         std::uint32_t pin_id) {
        if (index > 0xFF) throw pyb::value_error("container index out of range");
        return from_bytes(wire::ski::encode_import_keypair(
            {static_cast<std::uint8_t>(index), pin_id, key_spec, key_bits, as_view(blob)}));
      },
      pyb::arg("index"), pyb::arg("key_spec"), pyb::arg("key_bits"), pyb::arg("blob"),
      pyb::arg("pin_id"));
  m.def(
      "wire_authenticate",
      [](const pyb::bytes& pin, std::uint32_t flags, std::uint32_t pin_id) {
        return from_bytes(wire::ski::encode_authenticate({flags, pin_id, as_view(pin)}));
      },
      pyb::arg("pin"), pyb::arg("flags"), pyb::arg("pin_id"));
}

}  // namespace softcard::py
