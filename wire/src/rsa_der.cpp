#include "softcard/wire/rsa_der.h"

#include "softcard/wire/tlv.h"

namespace softcard::wire {

namespace {
constexpr std::uint32_t der_integer = 0x02, der_octet_string = 0x04, der_sequence = 0x30;

// The elements of the single SEQUENCE that makes up `der`.
std::optional<std::vector<Tlv>> sequence_items(ByteView der) {
  const auto top = parse_tlvs(der);
  if (!top || top->size() != 1 || (*top)[0].tag != der_sequence) return std::nullopt;
  return parse_tlvs((*top)[0].value);
}
}  // namespace

void put_der_unsigned(Bytes& out, ByteView be) {
  Bytes v = strip_leading_zeros(be);
  if (v.empty()) v.push_back(0);
  if (v[0] & 0x80) v.insert(v.begin(), 0x00);
  put_tlv(out, der_integer, v);
  wipe(v);
}

Bytes encode_rsa_private_key(const RsaParts& key) {
  Bytes body;
  put_der_unsigned(body, Bytes{0});
  for (const Bytes* v : {&key.n, &key.e, &key.d, &key.p, &key.q, &key.dp, &key.dq, &key.qinv})
    put_der_unsigned(body, *v);
  Bytes out = tlv(der_sequence, body);
  wipe(body);
  return out;
}

std::optional<RsaParts> decode_rsa_private_key(ByteView der) {
  const auto items = sequence_items(der);
  if (!items || items->size() != 9) return std::nullopt;
  for (const auto& t : *items)
    if (t.tag != der_integer || t.value.empty() || (t.value[0] & 0x80)) return std::nullopt;
  if ((*items)[0].value.size() != 1 || (*items)[0].value[0] != 0) return std::nullopt;
  RsaParts k;
  Bytes* fields[] = {&k.n, &k.e, &k.d, &k.p, &k.q, &k.dp, &k.dq, &k.qinv};
  for (std::size_t i = 0; i < 8; ++i) *fields[i] = strip_leading_zeros((*items)[i + 1].value);
  unsigned top_bits = 0;
  for (std::uint8_t b = k.n[0]; b; b >>= 1) ++top_bits;
  k.bits = static_cast<unsigned>((k.n.size() - 1) * 8 + top_bits);
  return k;
}

std::optional<RsaParts> decode_pkcs8_rsa(ByteView der) {
  const auto items = sequence_items(der);
  if (!items || items->size() < 3) return std::nullopt;
  if ((*items)[0].tag != der_integer || (*items)[1].tag != der_sequence ||
      (*items)[2].tag != der_octet_string)
    return std::nullopt;
  return decode_rsa_private_key((*items)[2].value);
}

}  // namespace softcard::wire
