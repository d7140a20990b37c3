// SKI entry points usable without a card (docs/ski.md §2, §5, §7): session keys held by the
// host library, blob encryption, key properties, the shared-key handshake, and
// CardProcessEncryptedData (forwarded to the card for card handles, decrypted here for host
// handles, e.g. the session PIN the card returns to the server).
#include <cstring>

#include "md.h"

using namespace softcard;
using namespace softcard::md;

namespace {

std::optional<std::uint8_t> csf_id(LPCWSTR name) {
  if (wide_equal(name, CSF_IMPORT_KEYPAIR)) return ski::csf::import_keypair;
  if (wide_equal(name, CSF_CHANGE_AUTHENTICATOR)) return ski::csf::change_authenticator;
  if (wide_equal(name, CSF_AUTHENTICATE)) return ski::csf::authenticate;
  return std::nullopt;
}

DWORD reject_code(ski::Reject r) {
  switch (r) {
    case ski::Reject::malformed:
      return SCARD_E_INVALID_PARAMETER;
    case ski::Reject::wrong_function:
      return SCARD_E_INVALID_PARAMETER;
    case ski::Reject::wrong_handle:
      return SCARD_E_INVALID_HANDLE;
    case ski::Reject::wrong_iv:
      return SCARD_E_INVALID_VALUE;
    case ski::Reject::tampered:
      return NTE_BAD_DATA;
    case ski::Reject::replayed:
      return SCARD_W_SECURITY_VIOLATION;
  }
  return SCARD_F_INTERNAL_ERROR;
}

std::u16string_view mode_name(ski::Mode m) {
  return m == ski::Mode::gcm ? std::u16string_view(SOFTCARD_CHAIN_MODE_GCM)
                             : std::u16string_view(CARD_CHAIN_MODE_CBC);
}

Bytes utf16_with_nul(std::u16string_view s) {
  Bytes out;
  for (char16_t c : s) {
    out.push_back(static_cast<std::uint8_t>(c));
    out.push_back(static_cast<std::uint8_t>(c >> 8));
  }
  out.push_back(0);
  out.push_back(0);
  return out;
}

std::optional<ski::Mode> parse_mode(ByteView b) {
  if (b.size() % 2) return std::nullopt;
  std::u16string s;
  for (std::size_t i = 0; i + 1 < b.size(); i += 2) {
    char16_t c = static_cast<char16_t>(b[i] | (b[i + 1] << 8));
    if (c == 0) break;
    s.push_back(c);
  }
  if (s == CARD_CHAIN_MODE_CBC) return ski::Mode::cbc;
  if (s == SOFTCARD_CHAIN_MODE_GCM) return ski::Mode::gcm;
  return std::nullopt;
}

// Card-side answer sizes of CardProcessEncryptedData (docs/ski.md D21).
std::size_t max_answer(std::uint8_t f) {
  if (f == ski::csf::authenticate) return 128;
  if (f == ski::csf::change_authenticator) return 8;
  return 0;
}

}  // namespace

extern "C" {

DWORD WINAPI MdMDImportSessionKey(PCARD_DATA pCardData, LPCWSTR pwszBlobType, LPCWSTR pwszAlgId,
                                  PCARD_KEY_HANDLE phKey, PBYTE pbInput, DWORD cbInput) {
  return guard([&] {
    Context& ctx = context_for(pCardData, true);
    if (!phKey || !pbInput || cbInput == 0 || !pwszAlgId) fail(SCARD_E_INVALID_PARAMETER);
    if (!wide_equal(pwszBlobType, BCRYPT_KEY_DATA_BLOB)) fail(SCARD_E_INVALID_PARAMETER);
    auto key = ski::parse_key_data_blob({pbInput, cbInput});
    if (!key) fail(SCARD_E_INVALID_PARAMETER);
    auto alg = ski::alg_from_name(wide(pwszAlgId), key->size());
    if (!alg) fail(SCARD_E_INVALID_PARAMETER);
    HostKey hk;
    hk.sk = ski::make_session_key(ctx.crypto, *alg, key->view());
    *phKey = ctx.add_key(std::move(hk));
  });
}

DWORD WINAPI MdMDEncryptData(PCARD_DATA pCardData, CARD_KEY_HANDLE hKey, LPCWSTR pwszSecureFunction,
                             PBYTE pbInput, DWORD cbInput, DWORD dwFlags,
                             PCARD_ENCRYPTED_DATA* ppEncryptedData, PDWORD pcEncryptedData) {
  return guard([&] {
    Context& ctx = context_for(pCardData, true);
    if (!pbInput || cbInput == 0 || !ppEncryptedData || !pcEncryptedData)
      fail(SCARD_E_INVALID_PARAMETER);
    if (dwFlags & ~DWORD(CARD_BLOCK_PADDING)) fail(SCARD_E_INVALID_PARAMETER);
    auto f = csf_id(pwszSecureFunction);
    if (!f) fail(SCARD_E_INVALID_PARAMETER);
    HostKey& k = ctx.key(hKey);
    if (k.on_card || k.pending || k.sk.key.empty()) fail(SCARD_E_INVALID_HANDLE);
    // The structure is checked here so the server learns about its own mistakes before the card
    // does (the card checks everything again).
    if (!wire::ski::well_formed(*f, {pbInput, cbInput})) fail(SCARD_E_INVALID_PARAMETER);
    if (!ski::mode_allowed(k.sk.alg, k.sk.mode) ||
        k.sk.iv.size() != ski::iv_length(k.sk.alg, k.sk.mode))
      fail(SCARD_E_INVALID_PARAMETER);
    ski::SessionKey next = k.sk;  // commit the sequence number only once the output exists
    Bytes blob = ski::seal(ctx.crypto, next, *f, ski::Direction::to_card,
                           ctx.random(ski::nonce_length), {pbInput, cbInput});
    PBYTE mem = csp_alloc(pCardData, sizeof(CARD_ENCRYPTED_DATA) + blob.size());
    auto* arr = reinterpret_cast<PCARD_ENCRYPTED_DATA>(mem);
    arr->pbEncryptedData = mem + sizeof(CARD_ENCRYPTED_DATA);
    arr->cbEncryptedData = static_cast<DWORD>(blob.size());
    std::memcpy(arr->pbEncryptedData, blob.data(), blob.size());
    k.sk.next_out_seq = next.next_out_seq;
    *ppEncryptedData = arr;
    *pcEncryptedData = 1;
  });
}

DWORD WINAPI MdCardGetSharedKeyHandle(PCARD_DATA pCardData, PBYTE pbInput, DWORD cbInput,
                                      PBYTE* ppbOutput, PDWORD pcbOutput, PCARD_KEY_HANDLE phKey) {
  return guard([&] {
    Context& ctx = context_for(pCardData, true);
    if (!phKey || !pbInput || cbInput < 5) fail(SCARD_E_INVALID_PARAMETER);
    ByteView in{pbInput, cbInput};
    if (in[2] != 0x01 || !ski::alg_from_id(in[4])) fail(SCARD_E_INVALID_PARAMETER);
    if (in[0] == 'S' && in[1] == 'R') {  // server request: start the handshake
      const auto req = wire::ski::decode_shared_request(in);
      if (!req || !ppbOutput || !pcbOutput) fail(SCARD_E_INVALID_PARAMETER);
      HostKey hk;
      hk.pending = true;
      hk.shared_number = req->number;
      hk.shared_key = SecretBytes(req->shared_key);
      hk.sk.alg = req->alg;
      hk.pending_ns = ctx.random(ski::shared_nonce_length);
      const Bytes hello = wire::ski::encode_server_hello({req->number, req->alg, hk.pending_ns});
      *ppbOutput = csp_copy(pCardData, hello);
      *pcbOutput = static_cast<DWORD>(hello.size());
      *phKey = ctx.add_key(std::move(hk));
      return;
    }
    if (in[0] == 'S' && in[1] == 'H') {  // client: forward the server hello to the card
      const auto hello = wire::ski::decode_server_hello(in);
      if (!hello || !ppbOutput || !pcbOutput) fail(SCARD_E_INVALID_PARAMETER);
      if (ctx.no_card) fail(SCARD_E_UNSUPPORTED_FEATURE);
      Command cmd;
      cmd.cla = 0x80;
      cmd.ins = 0x54;
      put_tlv(cmd.data, 0x87, in);
      cmd.ne = 256;
      Bytes r = ctx.card().exchange(cmd);
      auto kr = find_tlv(r, 0x84);
      auto ch = find_tlv(r, 0x87);
      if (!kr || kr->size() != 1 || !ch || !wire::ski::decode_card_hello(*ch))
        fail(SCARD_E_UNEXPECTED);
      HostKey hk;
      hk.on_card = true;
      hk.card_ref = (*kr)[0];
      hk.sk.alg = hello->alg;
      hk.sk.iv = Bytes(ski::block_length(hello->alg), 0);
      PBYTE out = csp_copy(pCardData, *ch);
      *ppbOutput = out;
      *pcbOutput = static_cast<DWORD>(ch->size());
      *phKey = ctx.add_key(std::move(hk));
      return;
    }
    if (in[0] == 'C' && in[1] == 'H') {  // server: finish with the card hello
      const auto hello = wire::ski::decode_card_hello(in);
      if (!hello) fail(SCARD_E_INVALID_PARAMETER);
      for (auto& [h, k] : ctx.keys) {
        if (!k.pending || k.shared_number != hello->number || k.sk.alg != hello->alg ||
            !constant_time_equal(k.pending_ns, hello->ns))
          continue;
        SecretBytes sk = ski::derive_shared(ctx.crypto, k.shared_key.view(), hello->number,
                                            hello->alg, hello->ns, hello->nc);
        ski::SessionKey s = ski::make_session_key(ctx.crypto, hello->alg, sk.view());
        if (!constant_time_equal(s.id, hello->key_id)) fail(NTE_BAD_DATA);
        k.sk = std::move(s);
        k.pending = false;
        k.shared_key.wipe();
        k.pending_ns.clear();
        if (pcbOutput) *pcbOutput = 0;
        if (ppbOutput) *ppbOutput = nullptr;
        *phKey = h;
        return;
      }
      fail(SCARD_E_INVALID_PARAMETER);
    }
    fail(SCARD_E_INVALID_PARAMETER);
  });
}

DWORD WINAPI MdCardDestroyKey(PCARD_DATA pCardData, CARD_KEY_HANDLE hKey) {
  return guard([&] {
    Context& ctx = context_for(pCardData, true);
    HostKey& k = ctx.key(hKey);
    if (k.on_card && ctx.channel) {
      Command cmd;
      cmd.cla = 0x80;
      cmd.ins = 0x60;
      cmd.p2 = k.card_ref;
      Response r = ctx.channel->transmit(cmd);
      // 6A88: the card already forgot the key (reset, power off); the host handle still goes.
      if (r.sw != Sw::ok && r.sw != Sw::reference_not_found) {
        ctx.keys.erase(hKey);
        fail(SCARD_E_INVALID_HANDLE);
      }
    }
    ctx.keys.erase(hKey);
  });
}

DWORD WINAPI MdCardGetAlgorithmProperty(PCARD_DATA pCardData, LPCWSTR pwszAlgId,
                                        LPCWSTR pwszProperty, PBYTE pbData, DWORD cbData,
                                        PDWORD pdwDataLen, DWORD dwFlags) {
  return guard([&] {
    context_for(pCardData, true);
    if (dwFlags != 0 || !pwszAlgId || !pwszProperty || !pdwDataLen) fail(SCARD_E_INVALID_PARAMETER);
    const auto alg = wide(pwszAlgId);
    const bool aes = alg == CARD_AES_ALGORITHM;
    if (!aes && alg != CARD_3DES_ALGORITHM && alg != CARD_3DES_112_ALGORITHM)
      fail(SCARD_E_INVALID_PARAMETER);
    if (wide_equal(pwszProperty, CKP_BLOCK_LENGTH)) {
      copy_out(pbData, cbData, pdwDataLen, dword_bytes(aes ? 16 : 8));
    } else if (wide_equal(pwszProperty, CKP_CHAINING_MODE)) {
      copy_out(pbData, cbData, pdwDataLen,
               aes ? multi_sz({CARD_CHAIN_MODE_CBC, SOFTCARD_CHAIN_MODE_GCM})
                   : multi_sz({CARD_CHAIN_MODE_CBC}));
    } else if (wide_equal(pwszProperty, SOFTCARD_KEY_LENGTHS)) {
      Bytes v;
      if (aes) {
        wire::put_u32le(v, 128), wire::put_u32le(v, 256), wire::put_u32le(v, 64);
      } else {
        const DWORD bits = alg == CARD_3DES_ALGORITHM ? 192 : 128;
        wire::put_u32le(v, bits), wire::put_u32le(v, bits), wire::put_u32le(v, 0);
      }
      copy_out(pbData, cbData, pdwDataLen, v);
    } else {
      fail(SCARD_E_INVALID_PARAMETER);
    }
  });
}

DWORD WINAPI MdCardGetKeyProperty(PCARD_DATA pCardData, CARD_KEY_HANDLE hKey, LPCWSTR pwszProperty,
                                  PBYTE pbData, DWORD cbData, PDWORD pdwDataLen, DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, true);
    if (dwFlags != 0 || !pwszProperty || !pdwDataLen) fail(SCARD_E_INVALID_PARAMETER);
    HostKey& k = ctx.key(hKey);
    if (wide_equal(pwszProperty, CKP_CHAINING_MODE)) {
      copy_out(pbData, cbData, pdwDataLen, utf16_with_nul(mode_name(k.sk.mode)));
    } else if (wide_equal(pwszProperty, CKP_INITIALIZATION_VECTOR)) {
      copy_out(pbData, cbData, pdwDataLen, k.sk.iv);
    } else if (wide_equal(pwszProperty, CKP_BLOCK_LENGTH)) {
      copy_out(pbData, cbData, pdwDataLen,
               dword_bytes(static_cast<DWORD>(ski::block_length(k.sk.alg))));
    } else {
      fail(SCARD_E_INVALID_PARAMETER);
    }
  });
}

DWORD WINAPI MdCardSetKeyProperty(PCARD_DATA pCardData, CARD_KEY_HANDLE hKey, LPCWSTR pwszProperty,
                                  PBYTE pbInput, DWORD cbInput, DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, true);
    if (dwFlags != 0 || !pwszProperty || !pbInput || cbInput == 0) fail(SCARD_E_INVALID_PARAMETER);
    HostKey& k = ctx.key(hKey);
    ByteView in{pbInput, cbInput};
    std::uint8_t prop = 0;
    Bytes card_value;
    if (wide_equal(pwszProperty, CKP_CHAINING_MODE)) {
      auto m = parse_mode(in);
      if (!m || !ski::mode_allowed(k.sk.alg, *m)) fail(SCARD_E_INVALID_PARAMETER);
      prop = 1;
      card_value = {std::uint8_t(*m)};
    } else if (wide_equal(pwszProperty, CKP_INITIALIZATION_VECTOR)) {
      // Either length is accepted; it must fit the mode when the key is used (docs/ski.md D10).
      if (cbInput != 12 && cbInput != ski::block_length(k.sk.alg)) fail(SCARD_E_INVALID_PARAMETER);
      if (cbInput == 12 && ski::block_alg(k.sk.alg) != BlockAlg::aes)
        fail(SCARD_E_INVALID_PARAMETER);
      prop = 2;
      card_value.assign(in.begin(), in.end());
    } else {
      fail(SCARD_E_INVALID_PARAMETER);  // BlockLength is read-only; others unknown
    }
    if (k.on_card) {
      Command cmd;
      cmd.cla = 0x80;
      cmd.ins = 0x5C;
      cmd.p1 = prop;
      cmd.p2 = k.card_ref;
      cmd.data = card_value;
      ctx.card().exchange(cmd);
    }
    if (prop == 1)
      k.sk.mode = static_cast<ski::Mode>(card_value[0]);
    else
      k.sk.iv = card_value;
  });
}

DWORD WINAPI MdCardProcessEncryptedData(PCARD_DATA pCardData, CARD_KEY_HANDLE hKey,
                                        LPCWSTR pwszSecureFunction,
                                        PCARD_ENCRYPTED_DATA pEncryptedData, DWORD cEncryptedData,
                                        PBYTE pbOutput, DWORD cbOutput, PDWORD pdwOutputLen,
                                        DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, true);
    if (dwFlags != 0 || !pEncryptedData || cEncryptedData != 1) fail(SCARD_E_INVALID_PARAMETER);
    if (!pEncryptedData[0].pbEncryptedData || pEncryptedData[0].cbEncryptedData == 0)
      fail(SCARD_E_INVALID_PARAMETER);
    auto f = csf_id(pwszSecureFunction);
    if (!f) fail(SCARD_E_INVALID_PARAMETER);
    ByteView blob{pEncryptedData[0].pbEncryptedData, pEncryptedData[0].cbEncryptedData};
    HostKey& k = ctx.key(hKey);
    if (!k.on_card) {
      // Host handle: decrypt what the card sent back (the session PIN of CSF_AUTHENTICATE).
      if (*f != ski::csf::authenticate || k.pending || k.sk.key.empty())
        fail(SCARD_E_INVALID_PARAMETER);
      if (!pdwOutputLen) fail(SCARD_E_INVALID_PARAMETER);
      auto r = ski::open(ctx.crypto, k.sk, ski::csf::session_pin, ski::Direction::to_server, blob);
      if (auto* rej = std::get_if<ski::Reject>(&r)) fail(reject_code(*rej));
      auto& o = std::get<ski::Opened>(r);
      *pdwOutputLen = static_cast<DWORD>(o.plaintext.size());
      if (!pbOutput || cbOutput < o.plaintext.size()) fail(ERROR_INSUFFICIENT_BUFFER);
      if (!o.plaintext.empty()) std::memcpy(pbOutput, o.plaintext.data(), o.plaintext.size());
      k.sk.last_in_seq = o.seq;
      return;
    }
    // Card handle: the blob is single-use, so the output buffer is checked before sending.
    if (pbOutput && cbOutput < max_answer(*f)) {
      if (pdwOutputLen) *pdwOutputLen = static_cast<DWORD>(max_answer(*f));
      fail(ERROR_INSUFFICIENT_BUFFER);
    }
    Command cmd;
    cmd.cla = 0x80;
    cmd.ins = 0x62;
    cmd.p1 = *f;
    put_tlv(cmd.data, 0x84, Bytes{k.card_ref});
    put_tlv(cmd.data, 0x87, blob);
    cmd.ne = 256;
    Response r = ctx.card().transmit(cmd);
    Bytes answer = r.data;
    DWORD rc = SCARD_S_SUCCESS;
    if (r.sw != Sw::ok) {
      const bool wrong_pin = (value(r.sw) & 0xFFF0) == 0x63C0;
      const bool blocked = r.sw == Sw::auth_method_blocked;
      if (!(wrong_pin || blocked) || *f == ski::csf::import_keypair) fail(map_sw(r.sw, true));
      const DWORD left = wrong_pin ? (value(r.sw) & 0x0F) : 0;
      answer = *f == ski::csf::authenticate
                   ? wire::ski::encode_authenticate_response({left, {}})
                   : wire::ski::encode_change_authenticator_response({left});
      rc = wrong_pin ? SCARD_W_WRONG_CHV : SCARD_W_CHV_BLOCKED;
    }
    if (pdwOutputLen) *pdwOutputLen = static_cast<DWORD>(answer.size());
    // An empty answer has no data pointer, and memcpy from null is undefined even for 0 bytes.
    if (pbOutput && !answer.empty()) std::memcpy(pbOutput, answer.data(), answer.size());
    if (rc) fail(rc);
  });
}

}  // extern "C"
