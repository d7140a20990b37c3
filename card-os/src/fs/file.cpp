#include "fs/file.h"

#include <cstdio>

#include "security/compact_acl.h"
#include "softcard/errors.h"
#include "softcard/wire/tlv.h"

namespace softcard::fs {
namespace {

using security::AccessCondition;
using security::Alternative;
using wire::parse_tlvs;
using wire::put_tlv;
using wire::Tlv;

// Access mode byte bits (ISO 7816-4 table 17/18); an operation not listed for a file type
// does not apply to it.
struct AmBit {
  Operation op;
  std::uint8_t ef_bits;  // bits that mean `op` on an EF
  std::uint8_t df_bits;  // bits that mean `op` on a DF
};
constexpr AmBit am_bits[] = {
    {Operation::read, 0x01, 0x00},          {Operation::update, 0x02 | 0x04, 0x00},
    {Operation::create, 0x00, 0x02 | 0x04}, {Operation::deactivate, 0x08, 0x08},
    {Operation::activate, 0x10, 0x10},      {Operation::terminate, 0x20, 0x20},
    {Operation::delete_file, 0x40, 0x40},
};
// The bit we write (the first of the mask: update -> 02 "update", create -> 02|04).
std::uint8_t am_bits_for(const AmBit& b, bool is_df) {
  if (is_df) return b.df_bits;
  return b.op == Operation::update ? 0x02 : b.ef_bits;
}

constexpr std::uint8_t uq_external_auth = 0x80;
constexpr std::uint8_t uq_user_auth_knowledge = 0x08;

Bytes encode_alternative(const Alternative& alt) {
  Bytes out;
  switch (alt.kind) {
    case Alternative::Kind::always:
      put_tlv(out, 0x90, {});
      break;
    case Alternative::Kind::pin: {
      Bytes crt;
      const std::uint8_t ref[] = {alt.reference};
      const std::uint8_t uq[] = {uq_user_auth_knowledge};
      put_tlv(crt, 0x83, ref);
      put_tlv(crt, 0x95, uq);
      put_tlv(out, 0xA4, crt);
      break;
    }
    case Alternative::Kind::admin: {
      Bytes crt;
      const std::uint8_t uq[] = {uq_external_auth};
      put_tlv(crt, 0x95, uq);
      put_tlv(out, 0xA4, crt);
      break;
    }
    case Alternative::Kind::pin_and_admin: {
      // AND template (AF) of the two CRTs; parse_condition does not accept it back (the file
      // system never makes such a condition itself).
      Bytes both;
      append(both, encode_alternative({Alternative::Kind::pin, alt.reference}));
      append(both, encode_alternative({Alternative::Kind::admin, 0}));
      put_tlv(out, 0xAF, both);
      break;
    }
  }
  return out;
}

Bytes encode_condition(const AccessCondition& c) {
  Bytes out;
  if (c.is_never()) {
    put_tlv(out, 0x97, {});
  } else if (c.is_always()) {
    put_tlv(out, 0x90, {});
  } else if (c.alternatives().size() == 1) {
    out = encode_alternative(c.alternatives().front());
  } else {
    Bytes inner;
    for (const auto& alt : c.alternatives()) append(inner, encode_alternative(alt));
    put_tlv(out, 0xA0, inner);
  }
  return out;
}

[[noreturn]] void bad_data() {
  throw CardError(Sw::wrong_data);
}

std::vector<Tlv> tlvs_or_throw(ByteView d) {
  auto t = parse_tlvs(d);
  if (!t) throw CardError(Sw::lc_inconsistent_with_tlv);
  return std::move(*t);
}

AccessCondition parse_condition(const Tlv& sc) {
  switch (sc.tag) {
    case 0x90:
      return AccessCondition::always();
    case 0x97:
      return AccessCondition::never();
    case 0xA0: {
      AccessCondition any;
      for (const auto& inner : tlvs_or_throw(sc.value)) any = any | parse_condition(inner);
      return any;
    }
    case 0xA4: {
      std::optional<std::uint8_t> ref, uq;
      for (const auto& d : tlvs_or_throw(sc.value)) {
        if (d.value.size() != 1) bad_data();
        if (d.tag == 0x83)
          ref = d.value[0];
        else if (d.tag == 0x95)
          uq = d.value[0];
        else
          bad_data();
      }
      if (uq == uq_user_auth_knowledge && ref) return AccessCondition::pin(*ref);
      if (uq == uq_external_auth) return AccessCondition::admin();
      bad_data();
    }
    default:
      bad_data();  // AND templates, SM and other conditions are not supported
  }
}

void apply_am(AccessRules& rules, std::uint8_t am, bool is_df, const AccessCondition& c) {
  for (const auto& b : am_bits)
    if (am & (is_df ? b.df_bits : b.ef_bits)) rules[b.op] = c;
}

// The ISO file system has no PIN or key that a compact condition byte could name: only 00
// (always) and FF (never) are accepted; anything else needs the expanded form (AB).
AccessCondition iso_compact_condition(std::uint8_t sc) {
  if (sc != 0x00 && sc != 0xFF) bad_data();
  return security::compact_condition(sc, security::CompactScheme{});
}

LifeCycle parse_lcs(std::uint8_t b) {
  if (b == 0x01) return LifeCycle::creation;
  if (b == 0x03) return LifeCycle::initialisation;
  if (b == 0x05 || b == 0x07) return LifeCycle::operational;
  if (b == 0x04 || b == 0x06) return LifeCycle::deactivated;
  bad_data();  // a file cannot be created terminated (or with an unknown LCS)
}

void put_fcp_objects(Bytes& out, const FileHeader& f) {
  if (!f.is_df()) {
    Bytes size;
    put_u16be(size, f.size);
    put_tlv(out, 0x80, size);
  }
  const std::uint8_t desc[] = {static_cast<std::uint8_t>(f.type)};
  put_tlv(out, 0x82, desc);
  Bytes fid;
  put_u16be(fid, f.fid);
  put_tlv(out, 0x83, fid);
  if (!f.df_name.empty()) put_tlv(out, 0x84, f.df_name);
  const std::uint8_t lcs[] = {static_cast<std::uint8_t>(f.life_cycle)};
  put_tlv(out, 0x8A, lcs);
  put_tlv(out, 0xAB, encode_security_attributes(f));
}

}  // namespace

std::string to_string(const Path& path) {
  std::string out;
  char buf[8];
  for (auto fid : path) {
    if (!out.empty()) out += '/';
    std::snprintf(buf, sizeof buf, "%04X", fid);
    out += buf;
  }
  return out;
}

const char* to_string(Operation op) {
  switch (op) {
    case Operation::read:
      return "read";
    case Operation::update:
      return "update";
    case Operation::delete_file:
      return "delete";
    case Operation::create:
      return "create";
    case Operation::activate:
      return "activate";
    case Operation::deactivate:
      return "deactivate";
    case Operation::terminate:
      return "terminate";
  }
  return "?";
}

AccessRules AccessRules::all(const AccessCondition& c) {
  AccessRules r;
  r.by_op.fill(c);
  return r;
}

void check_access(const FileHeader& file, Operation op, const security::SecurityState& state) {
  switch (file.life_cycle) {
    case LifeCycle::terminated:
      if (op != Operation::delete_file) throw CardError(Sw::function_not_supported);
      break;
    case LifeCycle::deactivated:
      if (op != Operation::activate && op != Operation::delete_file && op != Operation::terminate)
        throw CardError(Sw::conditions_not_satisfied);
      break;
    case LifeCycle::creation:
    case LifeCycle::initialisation:
      return;  // personalisation: security attributes are not in force yet
    case LifeCycle::operational:
      break;
  }
  security::require(file.rules[op], state);
}

Bytes encode_security_attributes(const FileHeader& f) {
  // Group operations with equal conditions under one access mode byte.
  Bytes out;
  bool done[std::size(am_bits)] = {};
  for (std::size_t i = 0; i < std::size(am_bits); ++i) {
    if (done[i] || am_bits_for(am_bits[i], f.is_df()) == 0) continue;
    const AccessCondition& c = f.rules[am_bits[i].op];
    std::uint8_t am = 0;
    for (std::size_t j = i; j < std::size(am_bits); ++j) {
      const std::uint8_t bits = am_bits_for(am_bits[j], f.is_df());
      if (!done[j] && bits && f.rules[am_bits[j].op] == c) {
        am |= bits;
        done[j] = true;
      }
    }
    const std::uint8_t am_byte[] = {am};
    put_tlv(out, 0x80, am_byte);
    append(out, encode_condition(c));
  }
  return out;
}

AccessRules parse_security_attributes(ByteView ab, bool is_df) {
  AccessRules rules;  // operations not mentioned: never
  std::optional<std::uint8_t> am;
  bool had_condition = true;
  for (const auto& d : tlvs_or_throw(ab)) {
    if (d.tag == 0x80) {
      if (d.value.size() != 1 || !had_condition) bad_data();
      am = d.value[0];
      had_condition = false;
      continue;
    }
    if (!am) bad_data();  // command-header access modes (81..8F) are not supported
    const AccessCondition c = parse_condition(d);
    // Several SC DOs after one AM DO: any of them suffices.
    for (const auto& b : am_bits) {
      if (!(*am & (is_df ? b.df_bits : b.ef_bits))) continue;
      rules[b.op] = had_condition ? rules[b.op] | c : c;
    }
    had_condition = true;
  }
  if (!had_condition) bad_data();
  return rules;
}

Bytes encode_fcp(const FileHeader& f) {
  Bytes inner, out;
  put_fcp_objects(inner, f);
  put_tlv(out, 0x62, inner);
  return out;
}

Bytes encode_fci(const FileHeader& f) {
  Bytes inner, out;
  put_fcp_objects(inner, f);
  put_tlv(out, 0x6F, inner);
  return out;
}

FileHeader parse_fcp(ByteView data) {
  const auto outer = tlvs_or_throw(data);
  if (outer.size() != 1 || outer[0].tag != 0x62) bad_data();
  FileHeader f;
  bool have_fid = false, have_type = false, have_rules = false;
  std::optional<std::uint16_t> size;
  for (const auto& d : tlvs_or_throw(outer[0].value)) {
    switch (d.tag) {
      case 0x80:
        if (d.value.empty() || d.value.size() > 2) bad_data();
        size = d.value.size() == 1 ? d.value[0] : static_cast<std::uint16_t>(get_u16be(d.value, 0));
        break;
      case 0x81:  // total size including structural information: nothing to do
        break;
      case 0x82:
        if (d.value.empty()) bad_data();
        if (d.value[0] == 0x38)
          f.type = FileType::df;
        else if ((d.value[0] & 0xBF) == 0x01)
          f.type = FileType::transparent;  // b7: shareable
        else
          bad_data();  // record and BER-TLV structures are not supported
        have_type = true;
        break;
      case 0x83:
        if (d.value.size() != 2) bad_data();
        f.fid = static_cast<std::uint16_t>(get_u16be(d.value, 0));
        have_fid = true;
        break;
      case 0x84:
        if (d.value.empty() || d.value.size() > 16) bad_data();
        f.df_name.assign(d.value.begin(), d.value.end());
        break;
      case 0x8A:
        if (d.value.size() != 1) bad_data();
        f.life_cycle = parse_lcs(d.value[0]);
        break;
      case 0xAB:
        if (have_rules) bad_data();
        // Decoded after the loop: the meaning of the AM bits depends on the file type.
        have_rules = true;
        break;
      case 0x8C:
        if (have_rules || d.value.empty()) bad_data();
        have_rules = true;
        break;
      default:  // proprietary and optional objects (85, A5, 88, ...) are ignored
        break;
    }
  }
  (void)have_type;
  if (!have_fid) bad_data();
  if (f.fid == mf_fid || f.fid == 0x3FFF || f.fid == 0xFFFF) bad_data();
  if (!f.is_df() && !f.df_name.empty()) bad_data();
  if (f.is_df() && size) bad_data();
  if (!f.is_df()) f.size = size.value_or(0);
  f.rules = AccessRules::all(AccessCondition::always());  // no security attributes: no restriction
  for (const auto& d : tlvs_or_throw(outer[0].value)) {
    if (d.tag == 0xAB) f.rules = parse_security_attributes(d.value, f.is_df());
    if (d.tag == 0x8C) {
      const security::CompactAcl acl = security::parse_compact_acl(d.value);
      AccessRules rules;
      for (int bit = 6; bit >= 0; --bit) {
        const auto am_bit = static_cast<std::uint8_t>(1u << bit);
        if (auto sc = acl.condition(am_bit))
          apply_am(rules, am_bit, f.is_df(), iso_compact_condition(*sc));
      }
      f.rules = rules;
    }
  }
  return f;
}

}  // namespace softcard::fs
