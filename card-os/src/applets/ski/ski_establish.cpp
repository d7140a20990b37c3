// Session key establishment (docs/ski.md §7): IMPORT SESSION KEY (52, RSA unwrap with a
// container key), GET SHARED KEY HANDLE (54), CONSTRUCT DH AGREEMENT (56), DERIVE SESSION KEY
// (58), DESTROY DH AGREEMENT (5A). Container keys are used only through
// GidsApi::container_key_for, i.e. after the key file's ACL and key usage checks a GIDS decipher
// or ECDH with the same key would get.
#include <array>

#include "applets/ski/ski_session.h"
#include "applets/ski/ski_tlv.h"
#include "softcard/errors.h"

namespace softcard::ski {

Response import_session_key(SkiSession& s, const Command& cmd, CardContext& ctx,
                            gids::GidsApi& gids) {
  if (cmd.p2 != 0) reject(Sw::incorrect_p1p2);
  auto alg_req = need_tlv(cmd.data, 0x80);
  auto pad = need_tlv(cmd.data, 0x81);
  auto label = find_tlv(cmd.data, 0x82);
  auto ct = need_tlv(cmd.data, 0x87);
  if (alg_req.size() != 1 || pad.size() != 1) reject(Sw::wrong_data);
  if (!alg_from_id(alg_req[0])) reject(Sw::function_not_supported);  // D27: unknown id = 6A81
  RsaPadding padding;
  switch (pad[0]) {
    case padding_id::pkcs1:
      padding = RsaPadding::pkcs1_v15();
      break;
    case padding_id::oaep_sha1:
      padding = RsaPadding::oaep(HashAlg::sha1);
      break;
    case padding_id::oaep_sha256:
      padding = RsaPadding::oaep(HashAlg::sha256);
      break;
    default:
      reject(Sw::function_not_supported);
  }
  if (label) {
    if (padding.mode != RsaPaddingMode::oaep) reject(Sw::wrong_data);
    padding.label.assign(label->begin(), label->end());
  }
  // D18: key establishment needs the user PIN (checked first); the key itself then goes through
  // the key file's ACL as a GIDS decipher would, and must be an establishment key (6984).
  if (!gids.pin_verified()) reject(Sw::security_not_satisfied);
  if (s.free_slots() == 0) reject(Sw::not_enough_memory);
  const gids::ContainerKeyUse use = padding.mode == RsaPaddingMode::oaep
                                        ? gids::ContainerKeyUse::decipher_oaep
                                        : gids::ContainerKeyUse::decipher_pkcs1;
  const KeyPair& key = gids.container_key_for(ctx, cmd.p1, use);
  if (key.key_type() != KeyType::rsa) reject(Sw::function_not_supported);
  if (ct.size() != key.size_bytes()) reject(sw_unwrap_failed);
  SecretBytes plain;
  try {
    plain = ctx.crypto().rsa_decrypt(key, ct, padding);
  } catch (const CryptoError&) {
    reject(sw_unwrap_failed);  // one answer for every unwrap failure
  }
  auto sk = parse_key_data_blob(plain.view());
  if (!sk) reject(sw_unwrap_failed);
  std::optional<Alg> alg;
  const Alg requested = static_cast<Alg>(alg_req[0]);
  if (block_alg(requested) == BlockAlg::aes)
    alg = alg_from_name(u"AES", sk->size());
  else if (key_length(requested) == sk->size())
    alg = requested;
  // The key length comes out of the unwrapped plaintext: a distinct status would be an oracle
  // on the decryption (D28).
  if (!alg) reject(sw_unwrap_failed);
  return key_ref_answer(s.store_key(make_session_key(ctx.crypto(), *alg, sk->view())));
}

Response shared_key(SkiSession& s, const Command& cmd, CardContext& ctx, gids::GidsApi&) {
  if (cmd.p1p2() != 0) reject(Sw::incorrect_p1p2);
  auto hello = need_tlv(cmd.data, 0x87);
  if (hello.size() != 21 || hello[0] != 'S' || hello[1] != 'H' || hello[2] != 0x01)
    reject(Sw::wrong_data);
  auto alg = alg_from_id(hello[4]);
  if (!alg) reject(Sw::function_not_supported);
  const Bytes* ks = ctx.store().get(shared_key_name(hello[3]));
  if (!ks || ks->size() != 32) reject(Sw::reference_not_found);
  if (s.free_slots() == 0) reject(Sw::not_enough_memory);
  std::array<std::uint8_t, shared_nonce_length> nc{};
  ctx.rng().fill(nc);
  ByteView ns = hello.subspan(5, 16);
  SecretBytes sk = derive_shared(ctx.crypto(), *ks, hello[3], *alg, ns, nc);
  SessionKey key = make_session_key(ctx.crypto(), *alg, sk.view());
  Bytes card_hello = {'C', 'H', 0x01, hello[3], hello[4]};
  append(card_hello, ns);
  append(card_hello, nc);
  append(card_hello, key.id);
  const std::uint8_t ref = s.store_key(std::move(key));
  Bytes out;
  put_tlv(out, 0x84, Bytes{ref});
  put_tlv(out, 0x87, card_hello);
  return Response(out);
}

Response construct_dh(SkiSession& s, const Command& cmd, CardContext& ctx, gids::GidsApi& gids) {
  if (cmd.p2 != 0) reject(Sw::incorrect_p1p2);
  auto point = need_tlv(cmd.data, 0x86);
  if (!gids.pin_verified()) reject(Sw::security_not_satisfied);  // D18, as in IMPORT SESSION KEY
  std::size_t free = dh_slots;
  for (std::size_t i = 0; i < dh_slots; ++i)
    if (!s.agreements[i]) {
      free = i;
      break;
    }
  if (free == dh_slots) reject(Sw::not_enough_memory);
  const KeyPair& key = gids.container_key_for(ctx, cmd.p1, gids::ContainerKeyUse::key_agreement);
  if (key.key_type() != KeyType::ec) reject(Sw::function_not_supported);
  try {
    s.agreements[free] = ctx.crypto().ecdh(key, point);
  } catch (const CryptoError&) {
    reject(Sw::wrong_data);
  }
  Bytes out;
  put_tlv(out, 0x85, Bytes{std::uint8_t(free)});
  return Response(out);
}

Response derive(SkiSession& s, const Command& cmd, CardContext& ctx, gids::GidsApi&) {
  if (cmd.p2 != 0x01) reject(Sw::incorrect_p1p2);  // only "return a key handle"
  if (cmd.p1 >= dh_slots || !s.agreements[cmd.p1]) reject(Sw::reference_not_found);
  auto a = need_tlv(cmd.data, 0x80);
  if (a.size() != 1) reject(Sw::wrong_data);
  if (!alg_from_id(a[0])) reject(Sw::function_not_supported);
  if (s.free_slots() == 0) reject(Sw::not_enough_memory);
  SecretBytes sk = derive_ecdh(ctx.crypto(), s.agreements[cmd.p1]->view(), static_cast<Alg>(a[0]));
  s.agreements[cmd.p1].reset();  // consumed: one agreement, one session key
  return key_ref_answer(
      s.store_key(make_session_key(ctx.crypto(), static_cast<Alg>(a[0]), sk.view())));
}

Response destroy_dh(SkiSession& s, const Command& cmd, CardContext&, gids::GidsApi&) {
  if (cmd.p1 >= dh_slots || !s.agreements[cmd.p1]) reject(Sw::reference_not_found);
  s.agreements[cmd.p1].reset();
  return Response(Sw::ok);
}

}  // namespace softcard::ski
