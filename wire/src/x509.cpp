#include "softcard/wire/x509.h"

#include <cctype>
#include <stdexcept>

#include "softcard/wire/rsa_der.h"
#include "softcard/wire/tlv.h"

namespace softcard::wire::x509 {

namespace {
constexpr std::uint8_t tag_integer = 0x02;
constexpr std::uint8_t tag_bit_string = 0x03;
constexpr std::uint8_t tag_octet_string = 0x04;
constexpr std::uint8_t tag_null = 0x05;
constexpr std::uint8_t tag_oid = 0x06;
constexpr std::uint8_t tag_utf8 = 0x0C;
constexpr std::uint8_t tag_utc_time = 0x17;
constexpr std::uint8_t tag_generalized_time = 0x18;
constexpr std::uint8_t tag_sequence = 0x30;
constexpr std::uint8_t tag_set = 0x31;
constexpr std::uint8_t tag_boolean = 0x01;

void put_base128(Bytes& out, unsigned long long v) {
  Bytes tmp;
  do {
    tmp.push_back(static_cast<std::uint8_t>(v & 0x7F));
    v >>= 7;
  } while (v != 0);
  for (std::size_t i = tmp.size(); i-- > 0;)
    out.push_back(static_cast<std::uint8_t>(tmp[i] | (i ? 0x80 : 0x00)));
}

Bytes time_element(std::string_view t) {
  if (t.size() != 15 || t.back() != 'Z') throw std::invalid_argument("x509 time: YYYYMMDDHHMMSSZ");
  for (std::size_t i = 0; i < 14; ++i)
    if (!std::isdigit(static_cast<unsigned char>(t[i])))
      throw std::invalid_argument("x509 time: digits expected");
  const int year = std::stoi(std::string(t.substr(0, 4)));
  if (year >= 1950 && year <= 2049) {
    const std::string_view utc = t.substr(2);
    return tlv(tag_utc_time,
               ByteView(reinterpret_cast<const std::uint8_t*>(utc.data()), utc.size()));
  }
  return tlv(tag_generalized_time,
             ByteView(reinterpret_cast<const std::uint8_t*>(t.data()), t.size()));
}

// The complete element (tag, length, value) of a parsed object; DER lengths are minimal, so
// encoding again gives the original bytes.
Bytes element(const Tlv& t) {
  return tlv(t.tag, t.value);
}
}  // namespace

Bytes der_integer(ByteView be) {
  Bytes out;
  put_der_unsigned(out, be);  // the one INTEGER encoder (rsa_der.h)
  return out;
}

Bytes der_oid(std::string_view dotted) {
  std::vector<unsigned long long> arcs;
  std::size_t i = 0;
  while (i <= dotted.size()) {
    const std::size_t dot = dotted.find('.', i);
    const std::string_view part =
        dotted.substr(i, dot == std::string_view::npos ? std::string_view::npos : dot - i);
    if (part.empty() || part.size() > 18) throw std::invalid_argument("malformed OID");
    unsigned long long v = 0;
    for (char c : part) {
      if (c < '0' || c > '9') throw std::invalid_argument("malformed OID");
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    arcs.push_back(v);
    if (dot == std::string_view::npos) break;
    i = dot + 1;
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39))
    throw std::invalid_argument("malformed OID");
  Bytes body;
  put_base128(body, arcs[0] * 40 + arcs[1]);
  for (std::size_t k = 2; k < arcs.size(); ++k) put_base128(body, arcs[k]);
  return tlv(tag_oid, body);
}

Bytes der_sequence(ByteView content) {
  return tlv(tag_sequence, content);
}

Bytes name_cn(std::string_view cn) {
  Bytes atv = der_oid("2.5.4.3");
  append(atv, tlv(tag_utf8, ByteView(reinterpret_cast<const std::uint8_t*>(cn.data()), cn.size())));
  return der_sequence(tlv(tag_set, der_sequence(atv)));
}

Bytes validity(std::string_view not_before, std::string_view not_after) {
  Bytes body = time_element(not_before);
  append(body, time_element(not_after));
  return der_sequence(body);
}

Bytes sha256_with_rsa() {
  Bytes body = der_oid("1.2.840.113549.1.1.11");
  body.push_back(tag_null);
  body.push_back(0x00);
  return der_sequence(body);
}

Bytes ecdsa_with_sha256() {
  return der_sequence(der_oid("1.2.840.10045.4.3.2"));
}

Bytes encode_tbs(const TbsCertificate& t) {
  Bytes body = tlv(0xA0, der_integer(Bytes{0x02}));  // [0] version v3
  append(body, der_integer(t.serial));
  append(body, t.signature_algorithm);
  append(body, t.issuer);
  append(body, t.validity);
  append(body, t.subject);
  append(body, t.spki);
  if (!t.extensions.empty()) {
    Bytes list;
    for (const auto& e : t.extensions) {
      Bytes ext = der_oid(e.oid);
      if (e.critical) append(ext, Bytes{tag_boolean, 0x01, 0xFF});
      append(ext, tlv(tag_octet_string, e.value));
      append(list, der_sequence(ext));
    }
    append(body, tlv(0xA3, der_sequence(list)));
  }
  return der_sequence(body);
}

Bytes encode_certificate(ByteView tbs, ByteView signature_algorithm, ByteView signature) {
  Bytes body(tbs.begin(), tbs.end());
  append(body, signature_algorithm);
  Bytes bits{0x00};  // no unused bits
  append(bits, signature);
  append(body, tlv(tag_bit_string, bits));
  return der_sequence(body);
}

std::optional<CertificateFields> parse_certificate(ByteView der) {
  const auto top = parse_tlvs(der);
  if (!top || top->size() != 1 || (*top)[0].tag != tag_sequence) return std::nullopt;
  const auto cert = parse_tlvs((*top)[0].value);
  if (!cert || cert->size() != 3 || (*cert)[0].tag != tag_sequence) return std::nullopt;
  const auto tbs = parse_tlvs((*cert)[0].value);
  if (!tbs) return std::nullopt;
  std::size_t i = 0;
  if (i < tbs->size() && (*tbs)[i].tag == 0xA0) ++i;  // version
  // serial, signature, issuer, validity, subject, subjectPublicKeyInfo
  if (tbs->size() < i + 6) return std::nullopt;
  if ((*tbs)[i].tag != tag_integer) return std::nullopt;
  for (std::size_t k = i + 1; k < i + 6; ++k)
    if ((*tbs)[k].tag != tag_sequence) return std::nullopt;
  CertificateFields f;
  f.issuer = element((*tbs)[i + 2]);
  f.validity = element((*tbs)[i + 3]);
  f.subject = element((*tbs)[i + 4]);
  f.spki = element((*tbs)[i + 5]);
  return f;
}

}  // namespace softcard::wire::x509
