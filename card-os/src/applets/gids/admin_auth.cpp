// Administrator authentication with the admin key 0x80 (key file B080): MSE SET A4 and
// GENERAL AUTHENTICATE (87), mutual (OpenSC gids-tool, msclmd) and external (Windows 10
// "short" challenge-response). 3DES-CBC with a zero IV as the hosts do it; AES as an option.
#include "applets/gids/gids_session.h"
#include "softcard/errors.h"
#include "softcard/wire/tlv.h"

namespace softcard::gids {

namespace {
constexpr std::size_t mutual_random_size = 16;  // R1, R2

const wire::Tlv* find(const std::vector<wire::Tlv>& tlvs, unsigned tag) {
  for (const auto& t : tlvs)
    if (t.tag == tag) return &t;
  return nullptr;
}

// Step 1 of either authentication: `size` random bytes of the card's go out as 7C { 81 R }, and
// the administrator is no longer authenticated.
Bytes start_challenge(GidsSession& s, Rng& rng, GidsSession::Challenge c, std::size_t size) {
  c.card_random = SecretBytes(size);
  rng.fill(c.card_random.span());
  Bytes out, inner;
  wire::put_tlv(inner, 0x81, c.card_random.view());
  wire::put_tlv(out, 0x7C, inner);
  s.challenge = std::move(c);
  s.security.set_admin(false);
  return out;
}
}  // namespace

Response mse_authentication(GidsSession& s, const Command& cmd, CardContext& ctx) {
  // 00 22 C1|81|41 A4 { 83|84 01 80 [80 01 alg] }
  const auto tlvs = wire::parse_tlvs(cmd.data);
  if (!tlvs) throw CardError(Sw::wrong_data);
  const wire::Tlv* ref = find(*tlvs, 0x83);
  if (!ref) ref = find(*tlvs, 0x84);
  if (!ref || ref->value.size() != 1) throw CardError(Sw::wrong_data);
  const auto ef = find_ef(ctx.store(), static_cast<std::uint16_t>(0xB000 | ref->value[0]));
  if (!ef || ef->key_kind != KeyKind::symmetric) throw CardError(Sw::reference_not_found);
  check_ef(s, ctx.store(), *ef, op_key_mse);
  s.auth_key = ref->value[0];
  s.challenge.reset();
  return Sw::ok;
}

Response general_authenticate(GidsSession& s, const Command& cmd, CardContext& ctx) {
  const std::uint8_t key_ref = cmd.p2 != 0x00 ? cmd.p2 : s.auth_key.value_or(admin_key_reference);
  const auto ef = find_ef(ctx.store(), static_cast<std::uint16_t>(0xB000 | key_ref));
  if (!ef || ef->key_kind != KeyKind::symmetric) throw CardError(Sw::reference_not_found);
  if (!ef->active()) throw CardError(Sw::conditions_not_satisfied);
  const BlockAlg alg = ef->sym_alg == SymAlg::aes ? BlockAlg::aes : BlockAlg::tdes;
  const std::size_t block = block_size(alg);
  const CipherSpec spec{alg, BlockMode::cbc, BlockPadding::none};
  const Bytes iv(block, 0);

  const auto top = wire::parse_tlvs(cmd.data);
  if (!top || top->size() != 1 || (*top)[0].tag != 0x7C) throw CardError(Sw::wrong_data);
  const auto items = wire::parse_tlvs((*top)[0].value);
  if (!items || items->size() != 1) throw CardError(Sw::wrong_data);
  const wire::Tlv& item = (*items)[0];

  if (item.tag == 0x81 && item.value.empty()) {
    // External authentication, step 1: a one-block challenge for the host to encrypt.
    GidsSession::Challenge c;
    c.mutual = false;
    return start_challenge(s, ctx.rng(), std::move(c), block);
  }
  if (item.tag == 0x81) {
    // Mutual authentication, step 1: host random R1 in, card random R2 out.
    if (item.value.size() != mutual_random_size) throw CardError(Sw::wrong_data);
    GidsSession::Challenge c;
    c.mutual = true;
    c.host_random = SecretBytes(item.value);
    s.session_material.reset();
    return start_challenge(s, ctx.rng(), std::move(c), mutual_random_size);
  }
  if (item.tag != 0x82) throw CardError(Sw::wrong_data);
  if (!s.challenge) throw CardError(Sw::conditions_not_satisfied);
  // One answer per challenge, right or wrong.
  GidsSession::Challenge c = std::move(*s.challenge);
  s.challenge.reset();

  if (!c.mutual) {
    if (item.value.size() != block) throw CardError(Sw::wrong_data);
    const Bytes expected = ctx.crypto().encrypt(spec, ef->key.view(), iv, c.card_random.view());
    if (!constant_time_equal(expected, item.value)) throw CardError(Sw::security_not_satisfied);
    s.security.set_admin(true);
    return Sw::ok;
  }

  // Mutual, step 2: host sends E(R2 || R1 || Z1) with Z1 = random bytes ending in 80 (one block).
  const std::size_t n = 2 * mutual_random_size + block;
  if (item.value.size() != n) throw CardError(Sw::wrong_data);
  const SecretBytes plain = ctx.crypto().decrypt(spec, ef->key.view(), iv, item.value);
  const ByteView p = plain.view();
  // Every check runs whatever the first ones found (no early exit on a wrong R2).
  const bool r2_ok = constant_time_equal(p.first(mutual_random_size), c.card_random.view());
  const bool r1_ok =
      constant_time_equal(p.subspan(mutual_random_size, mutual_random_size), c.host_random.view());
  const bool pad_ok = p[n - 1] == 0x80;
  if (!(r2_ok && r1_ok && pad_ok)) throw CardError(Sw::security_not_satisfied);
  // Card answers E(R1 || R2 || Z2) with Z2 = random bytes ending in 80.
  SecretBytes answer(n);
  std::copy(c.host_random.view().begin(), c.host_random.view().end(), answer.data());
  std::copy(c.card_random.view().begin(), c.card_random.view().end(),
            answer.data() + mutual_random_size);
  ctx.rng().fill(answer.span().subspan(2 * mutual_random_size, block - 1));
  answer.data()[n - 1] = 0x80;
  const Bytes cryptogram = ctx.crypto().encrypt(spec, ef->key.view(), iv, answer.view());
  SecretBytes material(2 * (block - 1));
  std::copy(p.begin() + 2 * mutual_random_size, p.begin() + static_cast<std::ptrdiff_t>(n - 1),
            material.data());
  std::copy(answer.data() + 2 * mutual_random_size, answer.data() + n - 1,
            material.data() + (block - 1));
  s.session_material = std::move(material);
  s.security.set_admin(true);
  Bytes out, inner;
  wire::put_tlv(inner, 0x82, cryptogram);
  wire::put_tlv(out, 0x7C, inner);
  return out;
}

}  // namespace softcard::gids
