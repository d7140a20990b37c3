// The ordinary minidriver functions over the GIDS card edge (shared/reference/gids.md): files
// through the master-file DO, containers (cmapfile + keymap + key files), PIN, sign, decrypt.
#include <algorithm>
#include <cstring>

#include "md.h"

using namespace softcard;
using namespace softcard::md;

namespace {

constexpr std::uint16_t ef_mf = 0xA000, ef_ru = 0xA010, do_mf = 0xDF1F, do_keymap = 0xDF20,
                        do_cardcf = 0xDF22, do_cmap = 0xDF23;
constexpr std::size_t cmap_record = 86, keymap_record = 12;

Command make(std::uint8_t cla, std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, Bytes data = {},
             std::optional<std::uint32_t> ne = std::nullopt) {
  Command c;
  c.cla = cla, c.ins = ins, c.p1 = p1, c.p2 = p2, c.data = std::move(data), c.ne = ne;
  return c;
}

Bytes do_header(std::uint16_t dobj, std::size_t len) {
  Bytes out = {std::uint8_t(dobj >> 8), std::uint8_t(dobj)};
  if (len < 0x80) {
    out.push_back(std::uint8_t(len));
  } else if (len < 0x100) {
    out.push_back(0x81), out.push_back(std::uint8_t(len));
  } else {
    out.push_back(0x82), out.push_back(std::uint8_t(len >> 8)), out.push_back(std::uint8_t(len));
  }
  return out;
}

std::optional<Bytes> get_do(Context& ctx, std::uint16_t ef, std::uint16_t dobj) {
  Response r =
      ctx.card().transmit(make(0x00, 0xCB, std::uint8_t(ef >> 8), std::uint8_t(ef),
                               {0x5C, 0x02, std::uint8_t(dobj >> 8), std::uint8_t(dobj)}, 256));
  if (r.sw == Sw::file_not_found || r.sw == Sw::reference_not_found) return std::nullopt;
  if (r.sw != Sw::ok) fail(map_sw(r.sw));
  if (r.data.empty()) return Bytes{};
  ByteView v = find_tlv2(r.data, dobj);
  return Bytes(v.begin(), v.end());
}

void put_do(Context& ctx, std::uint16_t ef, std::uint16_t dobj, ByteView value) {
  Bytes data = do_header(dobj, value.size());
  append(data, value);
  ctx.card().exchange(make(0x00, 0xDB, std::uint8_t(ef >> 8), std::uint8_t(ef), data));
}

std::vector<CardFile> masterfile(Context& ctx) {
  auto mf = get_do(ctx, ef_mf, do_mf);
  if (!mf || mf->empty() || (*mf)[0] != 0x01) fail(SCARD_E_FILE_NOT_FOUND);
  std::vector<CardFile> out;
  for (std::size_t off = 1; off + 28 <= mf->size(); off += 28) {
    const std::uint8_t* r = mf->data() + off;
    CardFile f;
    f.dir.assign(reinterpret_cast<const char*>(r), strnlen(reinterpret_cast<const char*>(r), 9));
    f.name.assign(reinterpret_cast<const char*>(r + 9),
                  strnlen(reinterpret_cast<const char*>(r + 9), 9));
    f.dobj = static_cast<std::uint16_t>(ski::get_u32le(*mf, off + 20));
    f.ef = static_cast<std::uint16_t>(ski::get_u32le(*mf, off + 24));
    out.push_back(f);
  }
  return out;
}

std::string lower(LPSTR s) {
  std::string out = s ? s : "";
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

CardFile lookup(Context& ctx, LPSTR dir, LPSTR name) {
  const std::string d = lower(dir), n = lower(name);
  bool dir_seen = d.empty();
  for (const auto& f : masterfile(ctx)) {
    if (f.dir == d && f.name.empty()) dir_seen = true;
    if (f.dir == d && f.name == n && !n.empty()) return f;
  }
  fail(dir_seen ? SCARD_E_FILE_NOT_FOUND : SCARD_E_DIR_NOT_FOUND);
}

void bump_cardcf(Context& ctx, bool containers) {
  Bytes cf = get_do(ctx, ef_ru, do_cardcf).value_or(Bytes(6, 0));
  if (cf.size() < 6) cf.resize(6, 0);
  const std::size_t at = containers ? 2 : 4;
  unsigned v = (cf[at] | (cf[at + 1] << 8)) + 1;
  cf[at] = std::uint8_t(v), cf[at + 1] = std::uint8_t(v >> 8);
  put_do(ctx, ef_ru, do_cardcf, cf);
}

Bytes read_cmap(Context& ctx) {
  return get_do(ctx, ef_ru, do_cmap).value_or(Bytes{});
}

struct Container {
  bool valid = false;
  std::uint16_t sig_bits = 0, kx_bits = 0;
};

Container container(ByteView cmap, std::size_t idx) {
  Container c;
  if ((idx + 1) * cmap_record > cmap.size()) return c;
  const std::uint8_t* r = cmap.data() + idx * cmap_record;
  c.valid = (r[80] & CONTAINER_MAP_VALID_CONTAINER) != 0;
  c.sig_bits = static_cast<std::uint16_t>(r[82] | (r[83] << 8));
  c.kx_bits = static_cast<std::uint16_t>(r[84] | (r[85] << 8));
  return c;
}

std::uint8_t algid_for(unsigned bits) {
  switch (bits) {
    case 1024:
      return 0x06;
    case 2048:
      return 0x07;
    case 3072:
      return 0x08;
    case 4096:
      return 0x09;
    case 256:
      return 0x0C;
    case 384:
      return 0x0D;
    case 521:
      return 0x0E;
  }
  fail(SCARD_E_INVALID_PARAMETER);
}

bool is_ec_bits(unsigned bits) {
  return bits == 256 || bits == 384 || bits == 521;
}

Bytes crt(std::uint8_t tag, std::uint8_t mech, std::uint8_t kid) {
  return {tag, 0x09, 0x80, 0x01, mech, 0x83, 0x01, kid, 0x95, 0x01, 0x40};
}

Bytes key_file_fcp(std::uint8_t kid, std::uint8_t algid, bool key_exchange) {
  Bytes a5;
  if (key_exchange) {
    append(a5, crt(0xB8, algid, kid));
    append(a5, crt(0xB8, std::uint8_t(0x80 | algid), kid));
    append(a5, crt(0xB8, std::uint8_t(0x40 | algid), kid));
  }
  append(a5, crt(0xB6, std::uint8_t(0x10 | algid), kid));
  append(a5, crt(0xB6, std::uint8_t(0x50 | algid), kid));
  Bytes inner = {0x82, 0x01, 0x18, 0x83, 0x02, 0xB0, kid, 0x8C, 0x05, 0x8F, 0x10, 0x10, 0x10, 0x00};
  put_tlv(inner, 0xA5, a5);
  Bytes fcp;
  put_tlv(fcp, 0x62, inner);
  return fcp;
}

std::u16string random_guid(Context& ctx) {
  Bytes r = ctx.random(16);
  static const char* hex = "0123456789ABCDEF";
  std::u16string s = u"{";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back(u'-');
    s.push_back(static_cast<char16_t>(hex[r[i] >> 4]));
    s.push_back(static_cast<char16_t>(hex[r[i] & 15]));
  }
  s.push_back(u'}');
  return s;
}

void write_container_maps(Context& ctx, std::size_t idx, std::uint8_t algid, bool key_exchange,
                          unsigned bits) {
  const std::uint8_t kid = static_cast<std::uint8_t>(0x81 + idx);
  // keymap
  Bytes km = get_do(ctx, 0xA000, do_keymap).value_or(Bytes{});
  if (km.empty()) km.push_back(0x01);
  if (km.size() < 1 + (idx + 1) * keymap_record) km.resize(1 + (idx + 1) * keymap_record, 0);
  std::uint8_t* k = km.data() + 1 + idx * keymap_record;
  const std::uint8_t rec[12] = {
      0x01, 0, 0, 0, algid, std::uint8_t(key_exchange ? 0x9A : 0x9C), kid, 0xB0, 0xFF, 0xFF, 0, 0};
  std::memcpy(k, rec, 12);
  put_do(ctx, 0xA000, do_keymap, km);
  // cmapfile
  Bytes cmap = read_cmap(ctx);
  bool has_default = false;
  for (std::size_t i = 0; i * cmap_record < cmap.size(); ++i)
    if (i != idx && (cmap[i * cmap_record + 80] & CONTAINER_MAP_DEFAULT_CONTAINER))
      has_default = true;
  if (cmap.size() < (idx + 1) * cmap_record) cmap.resize((idx + 1) * cmap_record, 0);
  std::uint8_t* c = cmap.data() + idx * cmap_record;
  std::memset(c, 0, cmap_record);
  const std::u16string guid = random_guid(ctx);
  for (std::size_t i = 0; i < guid.size(); ++i)
    c[2 * i] = std::uint8_t(guid[i]), c[2 * i + 1] = std::uint8_t(guid[i] >> 8);
  c[80] = CONTAINER_MAP_VALID_CONTAINER | (has_default ? 0 : CONTAINER_MAP_DEFAULT_CONTAINER);
  const std::size_t at = key_exchange ? 84 : 82;
  c[at] = std::uint8_t(bits), c[at + 1] = std::uint8_t(bits >> 8);
  put_do(ctx, ef_ru, do_cmap, cmap);
}

void der_int(Bytes& out, ByteView be) {
  std::size_t i = 0;
  while (i + 1 < be.size() && be[i] == 0) ++i;
  Bytes v;
  v.reserve(be.size() - i + 1);
  if (i >= be.size() || (be[i] & 0x80)) v.push_back(0);
  v.insert(v.end(), be.begin() + static_cast<std::ptrdiff_t>(i), be.end());
  put_tlv(out, 0x02, v);
}

Bytes reversed(ByteView le) {
  return Bytes(le.rbegin(), le.rend());
}

// CAPI PRIVATEKEYBLOB (little-endian components) -> PKCS#1 RSAPrivateKey DER.
SecretBytes pkcs1_from_privatekeyblob(ByteView b, unsigned& bits_out) {
  if (b.size() < 20 || b[0] != PRIVATEKEYBLOB || b[1] != CUR_BLOB_VERSION)
    fail(SCARD_E_INVALID_PARAMETER);
  if (ski::get_u32le(b, 8) != RSA2_MAGIC) fail(SCARD_E_INVALID_PARAMETER);
  const unsigned bits = ski::get_u32le(b, 12);
  const std::size_t n = bits / 8, h = n / 2;
  if (bits % 16 || b.size() < 20 + n + 5 * h + n) fail(SCARD_E_INVALID_PARAMETER);
  Bytes e;
  DWORD pub = ski::get_u32le(b, 16);
  for (int i = 3; i >= 0; --i) e.push_back(std::uint8_t(pub >> (8 * i)));
  std::size_t off = 20;
  auto take = [&](std::size_t len) {
    Bytes v = reversed(b.subspan(off, len));
    off += len;
    return v;
  };
  Bytes mod = take(n), p = take(h), q = take(h), dp = take(h), dq = take(h), qi = take(h),
        d = take(n);
  Bytes body;
  der_int(body, Bytes{0});
  for (const Bytes* v : {&mod, &e, &d, &p, &q, &dp, &dq, &qi}) der_int(body, *v);
  Bytes der;
  put_tlv(der, 0x30, body);
  SecretBytes out(der);
  for (Bytes* v : {&p, &q, &dp, &dq, &qi, &d, &body, &der}) std::fill(v->begin(), v->end(), 0);
  bits_out = bits;
  return out;
}

Bytes publickeyblob(ByteView n, ByteView e, bool key_exchange) {
  Bytes out = {PUBLICKEYBLOB, CUR_BLOB_VERSION, 0, 0};
  ski::put_u32le(out, key_exchange ? CALG_RSA_KEYX : CALG_RSA_SIGN);
  ski::put_u32le(out, RSA1_MAGIC);
  std::size_t i = 0;
  while (i + 1 < n.size() && n[i] == 0) ++i;
  ByteView mod = n.subspan(i);
  ski::put_u32le(out, static_cast<DWORD>(mod.size() * 8));
  DWORD exp = 0;
  for (std::uint8_t b : e) exp = (exp << 8) | b;
  ski::put_u32le(out, exp);
  append(out, reversed(mod));
  return out;
}

void verify_user_pin(Context& ctx, ByteView pin, PDWORD attempts) {
  Response r = ctx.card().transmit(make(0x00, 0x20, 0x00, 0x80, Bytes(pin.begin(), pin.end())));
  if ((value(r.sw) & 0xFFF0) == 0x63C0) {
    if (attempts) *attempts = value(r.sw) & 0x0F;
    fail(SCARD_W_WRONG_CHV);
  }
  if (r.sw == Sw::auth_method_blocked) {
    if (attempts) *attempts = 0;
    fail(SCARD_W_CHV_BLOCKED);
  }
  if (r.sw != Sw::ok) fail(map_sw(r.sw));
}

// Activates the freshly created key file `kid`, records container `idx` in the cmapfile and key
// map, then generates or imports the key.
void create_container_key(Context& ctx, std::size_t idx, std::uint8_t kid, std::uint8_t algid,
                          bool kx, unsigned bits, bool gen, const SecretBytes& der) {
  ctx.card().exchange(make(0x00, 0x44, 0x00, 0x00));
  write_container_maps(ctx, idx, algid, kx, bits);
  if (gen) {
    ctx.card().exchange(
        make(0x00, 0x47, 0x00, 0x00, {0xAC, 0x06, 0x80, 0x01, algid, 0x83, 0x01, kid}, 256));
  } else {
    Bytes a5 = {0x83, 0x01, 0x02, 0x84, 0x01, 0x00};
    put_tlv(a5, 0x87, der.view());
    Bytes t = {0x84, 0x01, kid};
    put_tlv(t, 0xA5, a5);
    Bytes data;
    put_tlv(data, 0x70, t);
    ctx.card().exchange(make(0x00, 0xDB, 0x3F, 0xFF, data));
    std::fill(a5.begin(), a5.end(), 0), std::fill(t.begin(), t.end(), 0),
        std::fill(data.begin(), data.end(), 0);
  }
}

void delete_key_file(Context& ctx, std::uint8_t kid) {
  if (ctx.card().transmit(make(0x00, 0xA4, 0x00, 0x0C, {0xB0, kid})).sw == Sw::file_not_found)
    return;
  ctx.card().exchange(make(0x00, 0xE4, 0x00, 0x00));
}

// Deletes container idx: its key file, its cmapfile record and its key map record.
void remove_container(Context& ctx, std::size_t idx) {
  const std::uint8_t kid = static_cast<std::uint8_t>(0x81 + idx);
  Bytes cmap = read_cmap(ctx);
  delete_key_file(ctx, kid);
  if (cmap.size() >= (idx + 1) * cmap_record) {
    std::fill(cmap.begin() + idx * cmap_record, cmap.begin() + (idx + 1) * cmap_record, 0);
    put_do(ctx, ef_ru, do_cmap, cmap);
  }
  Bytes km = get_do(ctx, 0xA000, do_keymap).value_or(Bytes{});
  if (km.size() >= 1 + (idx + 1) * keymap_record) {
    std::fill(km.begin() + 1 + idx * keymap_record, km.begin() + 1 + (idx + 1) * keymap_record, 0);
    put_do(ctx, 0xA000, do_keymap, km);
  }
}

void mse(Context& ctx, std::uint8_t tmpl, std::uint8_t mech, std::uint8_t kid) {
  ctx.card().exchange(make(0x00, 0x22, 0x41, tmpl, {0x80, 0x01, mech, 0x84, 0x01, kid}));
}

}  // namespace

namespace softcard::md {
std::optional<std::uint8_t> container_count_free(Context& ctx, DWORD* max) {
  Bytes cmap = read_cmap(ctx);
  if (max) *max = 126;
  unsigned used = 0;
  for (std::size_t i = 0; (i + 1) * cmap_record <= cmap.size(); ++i)
    if (container(cmap, i).valid) ++used;
  return static_cast<std::uint8_t>(126 - used);
}
}  // namespace softcard::md

extern "C" {

DWORD WINAPI MdCardReadFile(PCARD_DATA pCardData, LPSTR dir, LPSTR name, DWORD dwFlags,
                            PBYTE* ppbData, PDWORD pcbData) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!name || !*name || !ppbData || !pcbData) fail(SCARD_E_INVALID_PARAMETER);
    if (dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    CardFile f = lookup(ctx, dir, name);
    auto v = get_do(ctx, f.ef, f.dobj);
    if (!v) fail(SCARD_E_FILE_NOT_FOUND);
    *ppbData = csp_copy(pCardData, *v);
    *pcbData = static_cast<DWORD>(v->size());
  });
}

DWORD WINAPI MdCardWriteFile(PCARD_DATA pCardData, LPSTR dir, LPSTR name, DWORD dwFlags,
                             PBYTE pbData, DWORD cbData) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!name || !*name || (!pbData && cbData)) fail(SCARD_E_INVALID_PARAMETER);
    if (dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    CardFile f = lookup(ctx, dir, name);
    put_do(ctx, f.ef, f.dobj, ByteView{pbData, cbData});
  });
}

DWORD WINAPI MdCardEnumFiles(PCARD_DATA pCardData, LPSTR dir, LPSTR* pmszFileNames,
                             LPDWORD pdwcbFileName, DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!pmszFileNames || !pdwcbFileName || dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    const std::string d = lower(dir);
    Bytes out;
    bool dir_seen = d.empty();
    for (const auto& f : masterfile(ctx)) {
      if (f.dir != d) continue;
      if (f.name.empty()) {
        dir_seen = true;
        continue;
      }
      out.insert(out.end(), f.name.begin(), f.name.end());
      out.push_back(0);
    }
    if (!dir_seen) fail(SCARD_E_DIR_NOT_FOUND);
    out.push_back(0);
    *pmszFileNames = reinterpret_cast<LPSTR>(csp_copy(pCardData, out));
    *pdwcbFileName = static_cast<DWORD>(out.size());
  });
}

DWORD WINAPI MdCardGetFileInfo(PCARD_DATA pCardData, LPSTR dir, LPSTR name, PCARD_FILE_INFO pInfo) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!name || !*name || !pInfo) fail(SCARD_E_INVALID_PARAMETER);
    if (pInfo->dwVersion > CARD_FILE_INFO_CURRENT_VERSION) fail(ERROR_REVISION_MISMATCH);
    CardFile f = lookup(ctx, dir, name);
    auto v = get_do(ctx, f.ef, f.dobj);
    pInfo->dwVersion = CARD_FILE_INFO_CURRENT_VERSION;
    pInfo->cbFileSize = v ? static_cast<DWORD>(v->size()) : 0;
    switch (f.ef) {
      case 0xA010:
        pInfo->AccessCondition = EveryoneReadUserWriteAc;
        break;
      case 0xA011:
        pInfo->AccessCondition = UserWriteExecuteAc;
        break;
      case 0xA012:
        pInfo->AccessCondition = EveryoneReadAdminWriteAc;
        break;
      case 0xA013:
        pInfo->AccessCondition = UserReadWriteAc;
        break;
      case 0xA014:
        pInfo->AccessCondition = AdminReadWriteAc;
        break;
      default:
        pInfo->AccessCondition = UnknownAc;
        break;
    }
  });
}

DWORD WINAPI MdCardCreateContainerEx(PCARD_DATA pCardData, BYTE idx, DWORD dwFlags, DWORD dwKeySpec,
                                     DWORD dwKeySize, PBYTE pbKeyData, PIN_ID PinId) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (PinId == ROLE_ADMIN) fail(SCARD_W_SECURITY_VIOLATION);
    if (PinId != ROLE_USER) fail(SCARD_E_INVALID_PARAMETER);
    if (idx >= 126) fail(SCARD_E_INVALID_PARAMETER);
    const bool gen = dwFlags == CARD_CREATE_CONTAINER_KEY_GEN,
               imp = dwFlags == CARD_CREATE_CONTAINER_KEY_IMPORT;
    if (!gen && !imp) fail(SCARD_E_INVALID_PARAMETER);
    bool ec = false, kx = true;
    unsigned bits = dwKeySize;
    switch (dwKeySpec) {
      case AT_KEYEXCHANGE:
        break;
      case AT_SIGNATURE:
        kx = false;
        break;
      case AT_ECDSA_P256:
      case AT_ECDSA_P384:
      case AT_ECDSA_P521:
      case AT_ECDHE_P256:
      case AT_ECDHE_P384:
      case AT_ECDHE_P521: {
        ec = true;
        kx = dwKeySpec >= AT_ECDHE_P256;
        const unsigned table[] = {256, 384, 521};
        bits = table[(dwKeySpec - AT_ECDSA_P256) % 3];
        if (gen && dwKeySize != 0 && dwKeySize != bits) fail(SCARD_E_INVALID_PARAMETER);
        break;
      }
      default:
        fail(SCARD_E_INVALID_PARAMETER);
    }
    if (imp && !pbKeyData) fail(SCARD_E_INVALID_PARAMETER);
    if (imp && ec) fail(SCARD_E_UNSUPPORTED_FEATURE);  // EC keys reach the card through SKI
    SecretBytes der;
    if (imp) {
      unsigned blob_bits = 0;
      // The blob carries its own size: BLOBHEADER + RSAPUBKEY, then 4.5 modulus lengths.
      const DWORD hdr_bits = ski::get_u32le(ByteView{pbKeyData, 20}, 12);
      if (hdr_bits < 1024 || hdr_bits > 4096 || hdr_bits % 1024) fail(SCARD_E_INVALID_PARAMETER);
      der = pkcs1_from_privatekeyblob({pbKeyData, 20 + (hdr_bits / 8) * 9 / 2}, blob_bits);
      if (dwKeySize && dwKeySize != blob_bits) fail(SCARD_E_INVALID_PARAMETER);
      bits = blob_bits;
    }
    if (!ec && (bits < 1024 || bits > 4096 || bits % 1024)) fail(SCARD_E_INVALID_PARAMETER);
    const std::uint8_t algid = algid_for(bits);
    const std::uint8_t kid = static_cast<std::uint8_t>(0x81 + idx);
    if (container(read_cmap(ctx), idx).valid) fail(SCARD_E_WRITE_TOO_MANY);
    bump_cardcf(ctx, true);
    // Key-exchange keys (AT_KEYEXCHANGE, AT_ECDHE_*) list decipher/ECDH CRTs (B8): the card refuses
    // ECDH and SKI key establishment with a key whose file lists only signature CRTs.
    const Command create_key_file = make(0x00, 0xE0, 0x00, 0x00, key_file_fcp(kid, algid, kx));
    if (ctx.card().transmit(create_key_file).sw == Sw::file_exists) {
      // The container is not in use, so a key file there is an orphan of an earlier failed
      // creation (each APDU commits on its own): remove it and create afresh.
      delete_key_file(ctx, kid);
      ctx.card().exchange(create_key_file);
    }
    // From here on the card holds a half-made container until the key is in: undo on failure so
    // the same index can be used again.
    try {
      create_container_key(ctx, idx, kid, algid, kx, bits, gen, der);
    } catch (...) {
      try {
        remove_container(ctx, idx);
      } catch (...) {
        // Best effort: the original failure is what the caller must see.
      }
      throw;
    }
  });
}

DWORD WINAPI MdCardCreateContainer(PCARD_DATA pCardData, BYTE idx, DWORD dwFlags, DWORD dwKeySpec,
                                   DWORD dwKeySize, PBYTE pbKeyData) {
  return MdCardCreateContainerEx(pCardData, idx, dwFlags, dwKeySpec, dwKeySize, pbKeyData,
                                 ROLE_USER);
}

DWORD WINAPI MdCardDeleteContainer(PCARD_DATA pCardData, BYTE idx, DWORD dwReserved) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (dwReserved != 0 || idx >= 126) fail(SCARD_E_INVALID_PARAMETER);
    Bytes cmap = read_cmap(ctx);
    if (!container(cmap, idx).valid) fail(SCARD_E_NO_KEY_CONTAINER);
    bump_cardcf(ctx, true);
    remove_container(ctx, idx);
  });
}

DWORD WINAPI MdCardGetContainerInfo(PCARD_DATA pCardData, BYTE idx, DWORD dwFlags,
                                    PCONTAINER_INFO pInfo) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!pInfo || dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    if (pInfo->dwVersion > CONTAINER_INFO_CURRENT_VERSION) fail(ERROR_REVISION_MISMATCH);
    if (idx >= 126) fail(SCARD_E_NO_KEY_CONTAINER);
    Container c = container(read_cmap(ctx), idx);
    if (!c.valid) fail(SCARD_E_NO_KEY_CONTAINER);
    const bool kx = c.kx_bits != 0;
    const unsigned bits = kx ? c.kx_bits : c.sig_bits;
    const std::uint8_t kid = static_cast<std::uint8_t>(0x81 + idx);
    Bytes r = ctx.card().exchange(make(
        0x00, 0xCB, 0x3F, 0xFF, {0x70, 0x08, 0x84, 0x01, kid, 0xA5, 0x03, 0x7F, 0x49, 0x80}, 256));
    ByteView pk = find_tlv2(r, 0x7F49);
    if (pk.empty()) fail(SCARD_E_UNEXPECTED);
    Bytes blob;
    if (is_ec_bits(bits)) {
      auto point = find_tlv(pk, 0x86);
      const std::size_t f = (bits + 7) / 8;
      if (!point || point->size() != 1 + 2 * f || (*point)[0] != 0x04) fail(SCARD_E_UNEXPECTED);
      static const DWORD ecdh[] = {BCRYPT_ECDH_PUBLIC_P256_MAGIC, BCRYPT_ECDH_PUBLIC_P384_MAGIC,
                                   BCRYPT_ECDH_PUBLIC_P521_MAGIC};
      static const DWORD ecdsa[] = {BCRYPT_ECDSA_PUBLIC_P256_MAGIC, BCRYPT_ECDSA_PUBLIC_P384_MAGIC,
                                    BCRYPT_ECDSA_PUBLIC_P521_MAGIC};
      const int i = bits == 256 ? 0 : bits == 384 ? 1 : 2;
      ski::put_u32le(blob, kx ? ecdh[i] : ecdsa[i]);
      ski::put_u32le(blob, static_cast<DWORD>(f));
      append(blob, point->subspan(1));
    } else {
      auto n = find_tlv(pk, 0x81);
      auto e = find_tlv(pk, 0x82);
      if (!n || !e) fail(SCARD_E_UNEXPECTED);
      blob = publickeyblob(*n, *e, kx);
    }
    pInfo->dwVersion = CONTAINER_INFO_CURRENT_VERSION;
    pInfo->dwReserved = 0;
    pInfo->cbSigPublicKey = 0, pInfo->pbSigPublicKey = nullptr;
    pInfo->cbKeyExPublicKey = 0, pInfo->pbKeyExPublicKey = nullptr;
    if (kx) {
      pInfo->pbKeyExPublicKey = csp_copy(pCardData, blob);
      pInfo->cbKeyExPublicKey = static_cast<DWORD>(blob.size());
    } else {
      pInfo->pbSigPublicKey = csp_copy(pCardData, blob);
      pInfo->cbSigPublicKey = static_cast<DWORD>(blob.size());
    }
  });
}

DWORD WINAPI MdCardAuthenticatePin(PCARD_DATA pCardData, LPWSTR pwszUserId, PBYTE pbPin,
                                   DWORD cbPin, PDWORD pcAttempts) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!pwszUserId || !pbPin || cbPin == 0) fail(SCARD_E_INVALID_PARAMETER);
    if (!wide_equal(pwszUserId, u"user")) fail(SCARD_E_INVALID_PARAMETER);
    verify_user_pin(ctx, {pbPin, cbPin}, pcAttempts);
  });
}

DWORD WINAPI MdCardAuthenticateEx(PCARD_DATA pCardData, PIN_ID PinId, DWORD dwFlags,
                                  PBYTE pbPinData, DWORD cbPinData, PBYTE* ppbSessionPin,
                                  PDWORD pcbSessionPin, PDWORD pcAttempts) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (PinId != ROLE_USER) fail(SCARD_E_INVALID_PARAMETER);
    if (dwFlags & (CARD_AUTHENTICATE_GENERATE_SESSION_PIN | CARD_AUTHENTICATE_SESSION_PIN))
      fail(SCARD_E_UNSUPPORTED_FEATURE);  // session PINs exist only through CSF_AUTHENTICATE (SKI)
    if (dwFlags & ~DWORD(CARD_PIN_SILENT_CONTEXT)) fail(SCARD_E_INVALID_PARAMETER);
    if (!pbPinData || cbPinData == 0) fail(SCARD_E_INVALID_PARAMETER);
    (void)ppbSessionPin, (void)pcbSessionPin;
    verify_user_pin(ctx, {pbPinData, cbPinData}, pcAttempts);
  });
}

DWORD WINAPI MdCardDeauthenticate(PCARD_DATA pCardData, LPWSTR pwszUserId, DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!pwszUserId || dwFlags != 0) fail(SCARD_E_INVALID_PARAMETER);
    ctx.card().exchange(make(0x00, 0x20, 0x00, 0x82));
  });
}

DWORD WINAPI MdCardDeauthenticateEx(PCARD_DATA pCardData, PIN_SET PinId, DWORD dwFlags) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (dwFlags != 0 || PinId == 0) fail(SCARD_E_INVALID_PARAMETER);
    ctx.card().exchange(make(0x00, 0x20, 0x00, 0x82));
  });
}

DWORD WINAPI MdCardChangeAuthenticatorEx(PCARD_DATA pCardData, DWORD dwFlags, PIN_ID auth,
                                         PBYTE pbAuth, DWORD cbAuth, PIN_ID target, PBYTE pbTarget,
                                         DWORD cbTarget, DWORD cRetryCount, PDWORD pcAttempts) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (dwFlags == PIN_CHANGE_FLAG_UNBLOCK)
      fail(SCARD_E_UNSUPPORTED_FEATURE);  // needs GIDS admin auth: use SKI
    if (dwFlags != PIN_CHANGE_FLAG_CHANGEPIN || auth != ROLE_USER || target != ROLE_USER ||
        cRetryCount != 0)
      fail(SCARD_E_INVALID_PARAMETER);
    if (!pbAuth || !cbAuth || !pbTarget || !cbTarget) fail(SCARD_E_INVALID_PARAMETER);
    Bytes data(pbAuth, pbAuth + cbAuth);
    data.insert(data.end(), pbTarget, pbTarget + cbTarget);
    Response r = ctx.card().transmit(make(0x00, 0x24, 0x00, 0x80, data));
    std::fill(data.begin(), data.end(), 0);
    if ((value(r.sw) & 0xFFF0) == 0x63C0) {
      if (pcAttempts) *pcAttempts = value(r.sw) & 0x0F;
      fail(SCARD_W_WRONG_CHV);
    }
    if (r.sw == Sw::auth_method_blocked) {
      if (pcAttempts) *pcAttempts = 0;
      fail(SCARD_W_CHV_BLOCKED);
    }
    if (r.sw != Sw::ok) fail(map_sw(r.sw));
  });
}

DWORD WINAPI MdCardSignData(PCARD_DATA pCardData, PCARD_SIGNING_INFO pInfo) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!pInfo || !pInfo->pbData || pInfo->cbData == 0) fail(SCARD_E_INVALID_PARAMETER);
    if (pInfo->dwVersion < CARD_SIGNING_INFO_BASIC_VERSION ||
        pInfo->dwVersion > CARD_SIGNING_INFO_CURRENT_VERSION)
      fail(ERROR_REVISION_MISMATCH);
    const DWORD spec = pInfo->dwKeySpec;
    const bool ec_spec = spec >= AT_ECDSA_P256 && spec <= AT_ECDSA_P521;
    if (spec != AT_KEYEXCHANGE && spec != AT_SIGNATURE && !ec_spec) fail(SCARD_E_INVALID_PARAMETER);
    Container c = container(read_cmap(ctx), pInfo->bContainerIndex);
    if (!c.valid) fail(SCARD_E_NO_KEY_CONTAINER);
    const unsigned bits = c.kx_bits ? c.kx_bits : c.sig_bits;
    const std::uint8_t kid = static_cast<std::uint8_t>(0x81 + pInfo->bContainerIndex);
    ByteView hash{pInfo->pbData, pInfo->cbData};
    if (is_ec_bits(bits) != ec_spec)
      fail(SCARD_E_INVALID_PARAMETER);  // key spec names the other kind
    if (ec_spec) {
      const unsigned table[] = {256, 384, 521};
      if (table[spec - AT_ECDSA_P256] != bits) fail(SCARD_E_INVALID_PARAMETER);
      if (pInfo->dwVersion >= 2 && (pInfo->dwSigningFlags & CARD_PADDING_INFO_PRESENT))
        fail(SCARD_E_INVALID_PARAMETER);
      // ECDSA signs the hash as given (aiHashAlg only names it); the card answers r || s, each
      // big-endian and field-sized, which is also CNG's ECDSA signature format: no reversal.
      mse(ctx, 0xB6, static_cast<std::uint8_t>(0x50 | algid_for(bits)), kid);
      Bytes sig =
          ctx.card().exchange(make(0x00, 0x2A, 0x9E, 0x9A, Bytes(hash.begin(), hash.end()), 256));
      pInfo->pbSignedData = csp_copy(pCardData, sig);
      pInfo->cbSignedData = static_cast<DWORD>(sig.size());
      return;
    }
    if (pInfo->dwVersion >= 2 && (pInfo->dwSigningFlags & CARD_PADDING_INFO_PRESENT) &&
        pInfo->dwPaddingType != CARD_PADDING_PKCS1)
      fail(SCARD_E_UNSUPPORTED_FEATURE);
    Bytes di;
    switch (pInfo->aiHashAlg) {
      case 0:
        di.assign(hash.begin(), hash.end());
        break;
      case CALG_SSL3_SHAMD5:
        di.assign(hash.begin(), hash.end());
        break;
      case CALG_SHA1:
        di = digest_info(HashAlg::sha1, hash);
        break;
      case CALG_SHA_256:
        di = digest_info(HashAlg::sha256, hash);
        break;
      case CALG_SHA_384:
        di = digest_info(HashAlg::sha384, hash);
        break;
      case CALG_SHA_512:
        di = digest_info(HashAlg::sha512, hash);
        break;
      default:
        fail(SCARD_E_UNSUPPORTED_FEATURE);
    }
    mse(ctx, 0xB6, static_cast<std::uint8_t>(0x50 | algid_for(bits)), kid);
    Bytes sig = ctx.card().exchange(make(0x00, 0x2A, 0x9E, 0x9A, di, 256));
    Bytes le = reversed(sig);  // CAPI byte order
    pInfo->pbSignedData = csp_copy(pCardData, le);
    pInfo->cbSignedData = static_cast<DWORD>(le.size());
  });
}

DWORD WINAPI MdCardRSADecrypt(PCARD_DATA pCardData, PCARD_RSA_DECRYPT_INFO pInfo) {
  return guard([&] {
    Context& ctx = context_for(pCardData, false);
    if (!pInfo || !pInfo->pbData) fail(SCARD_E_INVALID_PARAMETER);
    if (pInfo->dwVersion < CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION &&
        pCardData->dwVersion == CARD_DATA_CURRENT_VERSION)
      fail(ERROR_REVISION_MISMATCH);
    if (pInfo->dwKeySpec != AT_KEYEXCHANGE) fail(SCARD_E_INVALID_PARAMETER);
    Container c = container(read_cmap(ctx), pInfo->bContainerIndex);
    if (!c.valid || !c.kx_bits) fail(SCARD_E_NO_KEY_CONTAINER);
    if (is_ec_bits(c.kx_bits) || pInfo->cbData != c.kx_bits / 8u) fail(SCARD_E_INVALID_PARAMETER);
    std::uint8_t mech = 0;
    switch (pInfo->dwPaddingType) {
      case CARD_PADDING_PKCS1:
        mech = 0x40;
        break;
      case CARD_PADDING_NONE:
        mech = 0x00;
        break;
      case CARD_PADDING_OAEP: {
        auto* o = static_cast<BCRYPT_OAEP_PADDING_INFO*>(pInfo->pPaddingInfo);
        if (o && ((o->pszAlgId && !wide_equal(o->pszAlgId, u"SHA1")) || o->cbLabel))
          fail(SCARD_E_UNSUPPORTED_FEATURE);
        mech = 0x80;
        break;
      }
      default:
        fail(SCARD_E_INVALID_PARAMETER);
    }
    const std::uint8_t kid = static_cast<std::uint8_t>(0x81 + pInfo->bContainerIndex);
    mse(ctx, 0xB8, static_cast<std::uint8_t>(mech | algid_for(c.kx_bits)), kid);
    Bytes ct = reversed({pInfo->pbData, pInfo->cbData});
    Bytes pt = ctx.card().exchange(make(0x00, 0x2A, 0x80, 0x86, ct, 256));
    Bytes le = reversed(pt);
    std::memcpy(pInfo->pbData, le.data(), le.size());
    pInfo->cbData = static_cast<DWORD>(le.size());
    std::fill(pt.begin(), pt.end(), 0), std::fill(le.begin(), le.end(), 0);
  });
}

}  // extern "C"
