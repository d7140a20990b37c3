// Emits blobs made by the minidriver (no-card mode) as JSON-ish lines for the Python reference
// server to check, and opens blobs the reference server made (read from stdin).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "cardmod.h"
#include "softcard/bytes.h"
#include "softcard/crypto.h"
#include "softcard/ski_codec.h"

using namespace softcard;

static LPVOID WINAPI a(SIZE_T n) {
  return std::calloc(1, n);
}
static LPVOID WINAPI r(LPVOID p, SIZE_T n) {
  return std::realloc(p, n);
}
static void WINAPI f(LPVOID p) {
  std::free(p);
}

// Deterministic worked example for docs/ski.md §10.
static int example() {
  CryptoProvider c;
  auto line = [](const char* k, ByteView v) { std::cout << k << " " << to_hex(v, ' ') << "\n"; };
  auto info = [](std::string s, std::initializer_list<std::uint8_t> tail) {
    Bytes b(s.begin(), s.end());
    b.insert(b.end(), tail.begin(), tail.end());
    return b;
  };
  for (int m = 0; m < 2; ++m) {
    const bool gcm = m == 0;
    const Bytes sk =
        from_hex(gcm ? "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                     : "00112233445566778899aabbccddeeff");
    const ski::Alg alg = gcm ? ski::Alg::aes256 : ski::Alg::aes128;
    ski::SessionKey k = ski::make_session_key(c, alg, sk);
    k.mode = gcm ? ski::Mode::gcm : ski::Mode::cbc;
    k.iv = from_hex(gcm ? "a0a1a2a3a4a5a6a7a8a9aaab" : "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
    std::cout << (gcm ? "== AES-256 GCM, CSF_AUTHENTICATE ==\n"
                      : "== AES-128 CBC, CSF_AUTHENTICATE ==\n");
    line("SK      ", sk);
    line("base IV ", k.iv);
    line("key_id  ", k.id);
    SecretBytes kb = c.hkdf_sha256(
        {}, sk, info("softcard-ski-v1 keys", {std::uint8_t(alg), std::uint8_t(k.mode)}),
        sk.size() + 32);
    line("K_enc   ", kb.view().subspan(0, sk.size()));
    line("K_mac   ", kb.view().subspan(sk.size()));
    const Bytes plain = from_hex("07000000000000000100000006000000313233343536");
    line("P       ", plain);
    const Bytes nonce = from_hex("0001020304050607");
    Bytes blob = ski::seal(c, k, ski::csf::authenticate, ski::Direction::to_card, nonce, plain);
    const std::size_t hl = 28 + k.iv.size();
    line("H       ", ByteView(blob).subspan(0, hl));
    Bytes msg = {'I', 'V'};
    append(msg, ByteView(blob).subspan(0, hl));
    Bytes ivb = c.hmac_sha256(kb.view().subspan(sk.size()), msg);
    ivb.resize(gcm ? 12 : 16);
    line("IVb     ", ivb);
    line("C       ", ByteView(blob).subspan(hl, blob.size() - hl - 16));
    line("tag     ", ByteView(blob).subspan(blob.size() - 16));
    line("blob    ", blob);
    Bytes apdu = {0x80, 0x62, 0x03, 0x00, 0x00, 0x84, 0x01, 0x61, 0x87};
    if (blob.size() >= 0x80) apdu.push_back(0x81);
    apdu.push_back(std::uint8_t(blob.size()));
    append(apdu, blob);
    apdu[4] = std::uint8_t(apdu.size() - 5);
    apdu.push_back(0x00);
    line("APDU    ", apdu);
  }
  std::cout << "== shared key #1, AES-256 ==\n";
  const Bytes ks = from_hex("5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c");
  const Bytes ns = from_hex("101112131415161718191a1b1c1d1e1f"),
              nc = from_hex("202122232425262728292a2b2c2d2e2f");
  SecretBytes sk = ski::derive_shared(c, ks, 1, ski::Alg::aes256, ns, nc);
  line("KS      ", ks);
  Bytes sh = {'S', 'H', 1, 1, 3};
  append(sh, ns);
  line("hello S ", sh);
  Bytes ch = {'C', 'H', 1, 1, 3};
  append(ch, ns), append(ch, nc), append(ch, ski::compute_key_id(c, ski::Alg::aes256, sk.view()));
  line("hello C ", ch);
  line("SK      ", sk.view());
  std::cout << "== RSA key establishment: the wrapped plaintext ==\n";
  line("KeyData ", ski::key_data_blob(from_hex(
                       "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")));
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--example") return example();
  CARD_DATA cd{};
  cd.dwVersion = 7, cd.pfnCspAlloc = a, cd.pfnCspReAlloc = r, cd.pfnCspFree = f;
  if (CardAcquireContext(&cd, CARD_SECURE_KEY_INJECTION_NO_CARD_MODE)) return 2;
  // Out: one line per case: "enc <alg-name> <key hex> <mode> <iv hex> <function> <plain hex> <blob
  // hex>"
  struct Case {
    const char16_t* alg;
    const char* name;
    const char* key;
    const char16_t* mode;
    const char* mode_s;
    const char* iv;
  };
  const Case cases[] = {
      {u"AES", "AES", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
       u"ChainingModeGCM", "GCM", "a0a1a2a3a4a5a6a7a8a9aaab"},
      {u"AES", "AES", "000102030405060708090a0b0c0d0e0f", u"ChainingModeCBC", "CBC",
       "00000000000000000000000000000000"},
      {u"AES", "AES", "000102030405060708090a0b0c0d0e0f1011121314151617", u"ChainingModeCBC", "CBC",
       "0f0e0d0c0b0a09080706050403020100"},
      {u"3DES", "3DES", "0123456789abcdeffedcba987654321089abcdef01234567", u"ChainingModeCBC",
       "CBC", "1122334455667788"},
      {u"3DES_112", "3DES_112", "0123456789abcdeffedcba9876543210", u"ChainingModeCBC", "CBC",
       "0000000000000000"},
  };
  const Bytes plain = from_hex("0700000000000000010000000600000031323334353600");
  Bytes p2(plain.begin(), plain.end() - 1);  // CARD_AUTHENTICATE with PIN "123456"
  for (const auto& c : cases) {
    Bytes key = from_hex(c.key);
    Bytes blob = ski::key_data_blob(key);
    CARD_KEY_HANDLE h = 0;
    if (cd.pfnMDImportSessionKey(&cd, u"KeyDataBlob", c.alg, &h, blob.data(), DWORD(blob.size())))
      return 3;
    if (cd.pfnCardSetKeyProperty(&cd, h, u"ChainingMode", (PBYTE)c.mode,
                                 DWORD((std::u16string_view(c.mode).size() + 1) * 2), 0))
      return 4;
    Bytes iv = from_hex(c.iv);
    if (cd.pfnCardSetKeyProperty(&cd, h, u"IV", iv.data(), DWORD(iv.size()), 0)) return 5;
    for (int i = 0; i < 2; ++i) {
      PCARD_ENCRYPTED_DATA enc = nullptr;
      DWORD n = 0;
      if (cd.pfnMDEncryptData(&cd, h, u"Authenticate", p2.data(), DWORD(p2.size()), 0, &enc, &n))
        return 6;
      std::cout << "enc " << c.name << ' ' << c.key << ' ' << c.mode_s << ' ' << c.iv << " 03 "
                << to_hex(p2) << ' '
                << to_hex(ByteView{enc[0].pbEncryptedData, enc[0].cbEncryptedData}) << '\n';
      cd.pfnCspFree(enc);
    }
  }
  // In: "open <alg> <key> <mode> <iv> <blob>" (card->server session PIN blobs made by Python);
  // answers "ok <plain hex>" or "err <hex code>".
  std::string cmd, alg, key, mode, iv, blob;
  std::cout << "ready" << std::endl;
  while (std::cin >> cmd >> alg >> key >> mode >> iv >> blob) {
    Bytes k = ski::key_data_blob(from_hex(key));
    std::u16string alg16(alg.begin(), alg.end());
    std::u16string mode16 = mode == "GCM" ? u"ChainingModeGCM" : u"ChainingModeCBC";
    CARD_KEY_HANDLE h = 0;
    cd.pfnMDImportSessionKey(&cd, u"KeyDataBlob", alg16.c_str(), &h, k.data(), DWORD(k.size()));
    cd.pfnCardSetKeyProperty(&cd, h, u"ChainingMode", (PBYTE)mode16.c_str(),
                             DWORD((mode16.size() + 1) * 2), 0);
    Bytes ivb = from_hex(iv), b = from_hex(blob);
    cd.pfnCardSetKeyProperty(&cd, h, u"IV", ivb.data(), DWORD(ivb.size()), 0);
    CARD_ENCRYPTED_DATA ed{b.data(), DWORD(b.size())};
    BYTE out[256];
    DWORD len = 0;
    DWORD rc =
        cd.pfnCardProcessEncryptedData(&cd, h, u"Authenticate", &ed, 1, out, sizeof out, &len, 0);
    if (rc) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%08x", rc);
      std::cout << "err " << buf << std::endl;
    } else {
      std::cout << "ok " << to_hex(ByteView{out, len}) << std::endl;
    }
    cd.pfnCardDestroyKey(&cd, h);
  }
  cd.pfnCardDeleteContext(&cd);
  return 0;
}
