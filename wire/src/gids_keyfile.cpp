#include "softcard/wire/gids.h"
#include "softcard/wire/tlv.h"

namespace softcard::wire::gids {

Bytes encode_key_file_fcp(const KeyFileFcp& f) {
  const std::uint8_t c = f.pin_protected ? 0x10 : 0x00;
  Bytes crts;
  auto crt = [&](std::uint32_t tag, unsigned mech) {
    const Bytes v = {0x80, 0x01, static_cast<std::uint8_t>(mech), 0x83, 0x01, f.kid, 0x95,
                     0x01, 0x40};
    put_tlv(crts, tag, v);
  };
  if (f.key_exchange) {
    crt(0xB8, f.algid);
    crt(0xB8, 0x80u | f.algid);
    crt(0xB8, 0x40u | f.algid);
  }
  crt(0xB6, 0x10u | f.algid);
  crt(0xB6, 0x50u | f.algid);
  Bytes inner = {0x82, 0x01, 0x18, 0x83, 0x02, 0xB0, f.kid, 0x8C, 0x05, 0x8F, c, c, c, 0x00};
  put_tlv(inner, 0xA5, crts);
  return tlv(0x62, inner);
}

std::optional<std::vector<Crt>> fcp_crts(ByteView fcp) {
  const auto top = parse_tlvs(fcp);
  if (!top || top->empty()) return std::nullopt;
  const auto items = parse_tlvs((*top)[0].value);
  if (!items) return std::nullopt;
  const Tlv* a5 = find_tlv(*items, 0xA5);
  if (!a5) return std::nullopt;
  const auto crts = parse_tlvs(a5->value);
  if (!crts) return std::nullopt;
  std::vector<Crt> out;
  for (const auto& t : *crts) {
    Crt crt{t.tag, std::nullopt};
    if (auto fields = parse_tlvs(t.value))
      if (const Tlv* mech = find_tlv(*fields, 0x80); mech && mech->value.size() == 1)
        crt.mechanism = mech->value[0];
    out.push_back(crt);
  }
  return out;
}

}  // namespace softcard::wire::gids
