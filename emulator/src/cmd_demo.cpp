// softcard demo: the minidriver v7 Secure Key Injection scenario (CA key archival, 31 steps of
// Microsoft's SKI page) run for real: a GIDS card with the SKI extension is served into a private
// PC/SC world (own pcscd + vpcd), the client talks to it through pcsc-lite with softcard's
// minidriver, and the server is a separate process using the same library in no-card mode.
// `--all` adds the shared-symmetric, ECC and CSF_AUTHENTICATE / CSF_CHANGE_AUTHENTICATOR flows.
#include <CLI/CLI.hpp>

#include "commands.h"

#if defined(SOFTCARD_HAVE_MINIDRIVER) && defined(SOFTCARD_HAVE_VPCD) && \
    __has_include("applets/ski/ski_extension.h") && __has_include("applets/gids/gids_applet.h")
#define SOFTCARD_DEMO_AVAILABLE 1
#endif

#ifdef SOFTCARD_DEMO_AVAILABLE
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "applets/gids/gids_applet.h"
#include "applets/gids/gids_personalize.h"
#include "applets/ski/ski_codec.h"
#include "applets/ski/ski_extension.h"
#include "cardmod.h"
#include "rig/pcsc_wait.h"
#include "rig/private_world.h"
#include "softcard/card.h"
#include "softcard/crypto.h"
#include "softcard/vpcd/bridge.h"
#include "softcard/vpcd/card_adapter.h"
#include "softcard_minidriver.h"

namespace softcard::cli {
namespace {

using Clock = std::chrono::steady_clock;

LPVOID WINAPI md_alloc(SIZE_T n) {
  return std::calloc(1, n);
}
LPVOID WINAPI md_realloc(LPVOID p, SIZE_T n) {
  return std::realloc(p, n);
}
void WINAPI md_free(LPVOID p) {
  std::free(p);
}

void prepare(CARD_DATA& cd) {
  std::memset(&cd, 0, sizeof cd);
  cd.dwVersion = CARD_DATA_CURRENT_VERSION;
  cd.pfnCspAlloc = md_alloc, cd.pfnCspReAlloc = md_realloc, cd.pfnCspFree = md_free;
}

struct DemoFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string hexrc(DWORD rc) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08X", rc);
  return b;
}

void check(DWORD rc, const std::string& what) {
  if (rc != 0) throw DemoFailure(what + " failed: " + hexrc(rc));
}

std::vector<std::string> split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Server role: a separate process, no card, driven line by line over stdin/stdout.

int run_server() {
  CARD_DATA cd;
  prepare(cd);
  if (CardAcquireContext(&cd, CARD_SECURE_KEY_INJECTION_NO_CARD_MODE)) return 2;
  CryptoProvider crypto;
  CARD_KEY_HANDLE h = 0;
  Bytes shared_key;
  auto reply = [](const std::string& s) { std::cout << s << std::endl; };
  auto set_props = [&](const char16_t* mode, const Bytes& iv) {
    const DWORD cb = DWORD((std::u16string_view(mode).size() + 1) * 2);
    check(cd.pfnCardSetKeyProperty(&cd, h, CKP_CHAINING_MODE, (PBYTE)mode, cb, 0),
          "CardSetKeyProperty(mode)");
    check(cd.pfnCardSetKeyProperty(&cd, h, CKP_INITIALIZATION_VECTOR, (PBYTE)iv.data(),
                                   DWORD(iv.size()), 0),
          "CardSetKeyProperty(IV)");
  };
  auto encrypt = [&](const char16_t* f, const Bytes& plain) {
    PCARD_ENCRYPTED_DATA enc = nullptr;
    DWORD n = 0;
    check(cd.pfnMDEncryptData(&cd, h, f, (PBYTE)plain.data(), DWORD(plain.size()), 0, &enc, &n),
          "MDEncryptData");
    Bytes blob(enc[0].pbEncryptedData, enc[0].pbEncryptedData + enc[0].cbEncryptedData);
    cd.pfnCspFree(enc);
    return blob;
  };
  auto import = [&](ByteView key) {
    if (h) cd.pfnCardDestroyKey(&cd, h);
    Bytes kb = ski::key_data_blob(key);
    check(cd.pfnMDImportSessionKey(&cd, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM, &h, kb.data(),
                                   DWORD(kb.size())),
          "MDImportSessionKey");
  };
  try {
    for (std::string line; std::getline(std::cin, line);) {
      auto w = split(line);
      if (w.empty()) continue;
      if (w[0] == "quit") break;
      if (w[0] == "shared-key") {
        shared_key = from_hex(w[1]);
        reply("ok");
      } else if (w[0] == "rsa") {  // K1 PUBLICKEYBLOB -> wrapped S1
        Bytes b = from_hex(w[1]);
        const DWORD bits = ski::get_u32le(b, 12), exp = ski::get_u32le(b, 16);
        RsaPublic pub;
        pub.n.assign(b.rbegin(), b.rbegin() + bits / 8);
        for (int i = 3; i >= 0; --i)
          if (!pub.e.empty() || ((exp >> (8 * i)) & 0xFF))
            pub.e.push_back(std::uint8_t(exp >> (8 * i)));
        SecretBytes s1(32);
        crypto.random(s1.span());
        Bytes blob = ski::key_data_blob(s1.view());
        Bytes wrapped = crypto.rsa_encrypt(crypto.import_rsa_public(pub), blob,
                                           RsaPadding::oaep(HashAlg::sha256));
        std::fill(blob.begin(), blob.end(), 0);
        import(s1.view());
        reply("wrapped " + to_hex(wrapped));
      } else if (w[0] ==
                 "archive") {  // generate K2, archive its public key, encrypt it for the card
        const auto t0 = Clock::now();
        KeyPair k2 = crypto.generate_rsa(2048);
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
        std::ofstream(w[2], std::ios::binary)
            .write(reinterpret_cast<const char*>(crypto.public_key_der(k2).data()),
                   std::streamsize(crypto.public_key_der(k2).size()));
        // PRIVATEKEYBLOB from the PKCS#8 encoding (RSAPrivateKey inside).
        SecretBytes p8 = crypto.export_private(k2);
        auto seq = [](ByteView d, std::size_t& pos) {
          pos++;  // tag
          std::size_t len = d[pos++];
          if (len & 0x80) {
            const std::size_t k = len & 0x7F;
            len = 0;
            for (std::size_t i = 0; i < k; ++i) len = (len << 8) | d[pos++];
          }
          ByteView v = d.subspan(pos, len);
          pos += len;
          return v;
        };
        std::size_t pos = 0;
        ByteView outer = seq(p8.view(), pos);
        pos = 0;
        seq(outer, pos), seq(outer, pos);
        ByteView rsa = seq(outer, pos);
        pos = 0;
        ByteView body = seq(rsa, pos);
        std::vector<ByteView> ints;
        pos = 0;
        while (pos < body.size()) ints.push_back(seq(body, pos));
        auto le = [](ByteView be, std::size_t n) {
          std::size_t i = 0;
          while (i < be.size() && be[i] == 0) ++i;
          Bytes out(be.rbegin(), be.rend() - static_cast<std::ptrdiff_t>(i));
          out.resize(n, 0);
          return out;
        };
        Bytes kb = {PRIVATEKEYBLOB, CUR_BLOB_VERSION, 0, 0};
        ski::put_u32le(kb, CALG_RSA_SIGN), ski::put_u32le(kb, RSA2_MAGIC), ski::put_u32le(kb, 2048);
        ski::put_u32le(kb, 65537);
        append(kb, le(ints[1], 256));
        for (int i : {4, 5, 6, 7, 8}) append(kb, le(ints[i], 128));
        append(kb, le(ints[3], 256));
        Bytes st;
        ski::put_u32le(st, 7);
        st.push_back(std::uint8_t(std::stoi(w[1]))), st.push_back(0), st.push_back(0),
            st.push_back(0);
        ski::put_u32le(st, ROLE_USER), ski::put_u32le(st, AT_SIGNATURE), ski::put_u32le(st, 2048);
        ski::put_u32le(st, DWORD(kb.size()));
        append(st, kb);
        Bytes iv(12);
        crypto.random(iv);
        set_props(SOFTCARD_CHAIN_MODE_GCM, iv);
        Bytes blob = encrypt(CSF_IMPORT_KEYPAIR, st);
        std::fill(kb.begin(), kb.end(), 0), std::fill(st.begin(), st.end(), 0);
        reply("blob GCM " + to_hex(iv) + " " + to_hex(blob) + " " + std::to_string(ms));
      } else if (w[0] == "shared-start") {
        Bytes req = {'S', 'R', 0x01, 0x01, std::uint8_t(ski::Alg::aes256), 32};
        append(req, shared_key);
        PBYTE out = nullptr;
        DWORD len = 0;
        if (h) cd.pfnCardDestroyKey(&cd, h), h = 0;
        check(cd.pfnCardGetSharedKeyHandle(&cd, req.data(), DWORD(req.size()), &out, &len, &h),
              "CardGetSharedKeyHandle(request)");
        reply("hello " + to_hex(ByteView{out, len}));
        cd.pfnCspFree(out);
      } else if (w[0] == "shared-finish") {
        Bytes ch = from_hex(w[1]);
        CARD_KEY_HANDLE h2 = 0;
        check(cd.pfnCardGetSharedKeyHandle(&cd, ch.data(), DWORD(ch.size()), nullptr, nullptr, &h2),
              "CardGetSharedKeyHandle(card hello)");
        reply("ok");
      } else if (w[0] == "ecdh") {  // card ECDH public blob -> ephemeral public blob
        Bytes b = from_hex(w[1]);
        EcPublic card;
        card.curve = Curve::p256;
        card.point = {0x04};
        append(card.point, ByteView(b).subspan(8));
        KeyPair eph = crypto.generate_ec(Curve::p256);
        SecretBytes z = crypto.ecdh(eph, card.point);
        SecretBytes sk = ski::derive_ecdh(crypto, z.view(), ski::Alg::aes256);
        import(sk.view());
        Bytes pub;
        ski::put_u32le(pub, BCRYPT_ECDH_PUBLIC_P256_MAGIC), ski::put_u32le(pub, 32);
        Bytes point = crypto.ec_public(eph).point;
        append(pub, ByteView(point).subspan(1));
        reply("eph " + to_hex(pub));
      } else if (w[0] == "auth" || w[0] == "change") {
        Bytes st;
        const char16_t* f = CSF_AUTHENTICATE;
        if (w[0] == "auth") {  // auth <flags> <pin hex>
          Bytes pin = from_hex(w[2]);
          ski::put_u32le(st, 7), ski::put_u32le(st, DWORD(std::stoul(w[1], nullptr, 16))),
              ski::put_u32le(st, ROLE_USER);
          ski::put_u32le(st, DWORD(pin.size()));
          append(st, pin);
        } else {  // change <old hex> <new hex>
          f = CSF_CHANGE_AUTHENTICATOR;
          Bytes a = from_hex(w[1]), n = from_hex(w[2]);
          ski::put_u32le(st, 7), ski::put_u32le(st, PIN_CHANGE_FLAG_CHANGEPIN),
              ski::put_u32le(st, ROLE_USER);
          ski::put_u32le(st, DWORD(a.size())), ski::put_u32le(st, ROLE_USER),
              ski::put_u32le(st, DWORD(n.size()));
          ski::put_u32le(st, 0);
          append(st, a), append(st, n);
        }
        Bytes iv(16);
        crypto.random(iv);
        set_props(CARD_CHAIN_MODE_CBC, iv);
        reply("blob CBC " + to_hex(iv) + " " + to_hex(encrypt(f, st)) + " 0");
      } else if (w[0] == "session-pin") {
        Bytes blob = from_hex(w[1]);
        CARD_ENCRYPTED_DATA ed{blob.data(), DWORD(blob.size())};
        BYTE token[64];
        DWORD len = 0;
        check(cd.pfnCardProcessEncryptedData(&cd, h, CSF_AUTHENTICATE, &ed, 1, token, sizeof token,
                                             &len, 0),
              "CardProcessEncryptedData(session PIN)");
        reply("token " + to_hex(ByteView{token, len}));
      } else {
        reply("error unknown command");
      }
    }
  } catch (const std::exception& e) {
    std::cout << "error " << e.what() << std::endl;
    return 1;
  }
  if (h) cd.pfnCardDestroyKey(&cd, h);
  cd.pfnCardDeleteContext(&cd);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Client role (this process): the card in a private PC/SC world, the server as a child process.

class ServerProcess {
 public:
  ServerProcess() {
    int to[2], from[2];
    if (::pipe(to) || ::pipe(from)) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(to[0], 0), ::dup2(from[1], 1);
      ::close(to[0]), ::close(to[1]), ::close(from[0]), ::close(from[1]);
      // Exec our own binary through the /proc link itself: a path read from it can point outside
      // the process's root (e.g. in a chroot after the rig's mount namespace changes).
      ::execl("/proc/self/exe", "softcard", "demo", "--server", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(to[0]), ::close(from[1]);
    out_ = ::fdopen(to[1], "w");
    in_ = ::fdopen(from[0], "r");
  }
  ~ServerProcess() {
    if (out_) {
      std::fputs("quit\n", out_);
      std::fclose(out_);
    }
    if (in_) std::fclose(in_);
    int st = 0;
    if (pid_ > 0) ::waitpid(pid_, &st, 0);
  }
  pid_t pid() const { return pid_; }
  std::vector<std::string> ask(const std::string& line) {
    std::fputs((line + "\n").c_str(), out_);
    std::fflush(out_);
    std::string answer;
    for (int c; (c = std::fgetc(in_)) != EOF && c != '\n';) answer.push_back(char(c));
    auto w = split(answer);
    if (w.empty() || w[0] == "error")
      throw DemoFailure("server: " + (answer.empty() ? "no answer" : answer));
    return w;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  FILE* in_ = nullptr;
};

struct Demo {
  bool all = false;
  unsigned step = 0;
  std::vector<std::pair<std::string, double>> timings;
  CARD_DATA cd{};
  std::filesystem::path dir;

  void say(const std::string& actor, const std::string& text) {
    std::printf("%3u. [%s] %s\n", ++step, actor.c_str(), text.c_str());
    std::fflush(stdout);
  }
  template <class F>
  auto timed(const std::string& name, F&& f) {
    const auto t0 = Clock::now();
    auto r = f();
    timings.emplace_back(name,
                         std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    return r;
  }

  Bytes container_public(BYTE idx) {
    CONTAINER_INFO ci{};
    ci.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
    check(cd.pfnCardGetContainerInfo(&cd, idx, 0, &ci), "CardGetContainerInfo");
    PBYTE p = ci.pbKeyExPublicKey ? ci.pbKeyExPublicKey : ci.pbSigPublicKey;
    DWORD n = ci.pbKeyExPublicKey ? ci.cbKeyExPublicKey : ci.cbSigPublicKey;
    Bytes out(p, p + n);
    cd.pfnCspFree(p);
    return out;
  }

  CARD_KEY_HANDLE set_and_process(CARD_KEY_HANDLE h, const std::vector<std::string>& blob_line,
                                  const char16_t* f, Bytes* answer, DWORD expect = 0) {
    const std::u16string mode = blob_line[1] == "GCM" ? u"ChainingModeGCM" : u"ChainingModeCBC";
    Bytes iv = from_hex(blob_line[2]), blob = from_hex(blob_line[3]);
    check(cd.pfnCardSetKeyProperty(&cd, h, CKP_CHAINING_MODE, (PBYTE)mode.c_str(),
                                   DWORD((mode.size() + 1) * 2), 0),
          "CardSetKeyProperty(ChainingMode)");
    check(
        cd.pfnCardSetKeyProperty(&cd, h, CKP_INITIALIZATION_VECTOR, iv.data(), DWORD(iv.size()), 0),
        "CardSetKeyProperty(IV)");
    CARD_ENCRYPTED_DATA ed{blob.data(), DWORD(blob.size())};
    BYTE out[256];
    DWORD len = 0;
    const DWORD rc = cd.pfnCardProcessEncryptedData(&cd, h, f, &ed, 1, answer ? out : nullptr,
                                                    sizeof out, &len, 0);
    if (rc != expect)
      throw DemoFailure("CardProcessEncryptedData returned " + hexrc(rc) + ", expected " +
                        hexrc(expect));
    if (answer) answer->assign(out, out + len);
    return h;
  }

  int run() {
    // 0. The world.
    WorldOptions wo;
    wo.slots = 1;
    if (const char* p = std::getenv("SOFTCARD_PCSCD")) wo.pcscd = p;
    PrivateWorld world(wo);
    dir = world.dir();
    OpenSslRng rng;
    auto store = std::make_unique<MemoryStore>();
    CardOptions co;
    co.rng = &rng;
    Card card(std::move(store), std::move(co));
    card.install(make_gids_applet(ski::make_ski_extension()));
    gids::GidsPersonalization gp;
    gp.user_pin = "123456";
    Bytes admin(24), shared(32);
    rng.fill(admin), rng.fill(shared);
    gp.admin_key = SecretBytes(admin);
    gids::personalize_gids(card.store(), rng, gp);
    ski::provision_shared_key(card.store(), 1, shared);
    card.store().commit();
    ::setenv("PCSCLITE_CSOCK_NAME", world.socket_path().c_str(), 1);
    world.start_pcscd();
    vpcd::Bridge bridge;
    vpcd::CardAdapter adapter(card);
    vpcd::LinkOptions link;
    link.mode = vpcd::Mode::connect;
    link.endpoint = {"127.0.0.1", world.slots()[0].port};
    link.name = "demo card";
    bridge.add(adapter, link);
    bridge.start();
    wait_for_readers({world.slots()[0].reader}, Clock::now() + std::chrono::seconds(30));
    wait_for_cards({world.slots()[0].reader}, Clock::now() + std::chrono::seconds(30));
    say("rig", "private pcscd + vpcd up; GIDS card with the SKI extension in reader '" +
                   world.slots()[0].reader + "'");
    int rc = 1;
    try {
      rc = scenario(shared);
    } catch (const std::exception& e) {
      std::printf("\nFAILED at step %u: %s\n", step, e.what());
      rc = 1;
    }
    bridge.stop();
    bridge.wait();
    world.stop_pcscd();
    return rc;
  }

  int scenario(const Bytes& shared) {
    SCARDCONTEXT hctx = 0;
    SCARDHANDLE hcard = 0;
    BYTE atr[64];
    DWORD atr_len = sizeof atr;
    char reader[256];
    check(SoftcardConnect(nullptr, &hctx, &hcard, atr, &atr_len, reader, sizeof reader),
          "SoftcardConnect");
    prepare(cd);
    char16_t name[] = u"softcard GIDS";
    cd.pbAtr = atr, cd.cbAtr = atr_len, cd.pwszCardName = name, cd.hSCardCtx = hctx,
    cd.hScard = hcard;
    check(CardAcquireContext(&cd, 0), "CardAcquireContext");
    say("C", "CardAcquireContext over PC/SC: CARD_DATA v" + std::to_string(cd.dwVersion) +
                 ", ATR " + to_hex(ByteView{atr, atr_len}));
    ServerProcess server;
    server.ask("shared-key " + to_hex(shared));
    say("S",
        "server started as a separate process (pid " + std::to_string(server.pid()) +
            "): CardAcquireContext(CARD_SECURE_KEY_INJECTION_NO_CARD_MODE), no card, no reader");

    // Steps 3-4: key import support
    BYTE buf[512];
    DWORD len = 0;
    timed("CardGetProperty(CP_KEY_IMPORT_SUPPORT)", [&] {
      check(cd.pfnCardGetProperty(&cd, CP_KEY_IMPORT_SUPPORT, buf, 4, &len, 0),
            "CardGetProperty(CP_KEY_IMPORT_SUPPORT)");
      return 0;
    });
    const DWORD support = ski::get_u32le({buf, 4}, 0);
    say("C", "CardGetProperty(CP_KEY_IMPORT_SUPPORT) = " + hexrc(support) +
                 " (PLAIN_TEXT|RSA_KEYEST|ECC_KEYEST|SHARED_SYMMETRIC)");
    if (!(support & CARD_KEY_IMPORT_RSA_KEYEST))
      throw DemoFailure("card does not offer RSA key establishment");

    BYTE pin[] = {'1', '2', '3', '4', '5', '6'};
    char16_t user[] = u"user";
    DWORD left = 0;
    check(cd.pfnCardAuthenticatePin(&cd, user, pin, 6, &left), "CardAuthenticatePin");
    say("C", "CardAuthenticatePin(\"user\"): PIN verified");

    // Step 5: find or create a container
    PBYTE cmap = nullptr;
    char mscp[] = "mscp", cmapfile[] = "cmapfile";
    check(cd.pfnCardReadFile(&cd, mscp, cmapfile, 0, &cmap, &len), "CardReadFile(mscp/cmapfile)");
    bool usable = len >= 86 && (cmap[80] & CONTAINER_MAP_VALID_CONTAINER) &&
                  (cmap[84] | (cmap[85] << 8)) >= 2048;
    cd.pfnCspFree(cmap);
    say("C", "CardReadFile(mscp/cmapfile): " + std::to_string(len / 86) + " record(s), " +
                 (usable ? "container 0 is usable" : "no usable key-exchange container"));
    if (!usable) {
      timed("K1 RSA-2048 on-card key generation", [&] {
        check(cd.pfnCardCreateContainerEx(&cd, 0, CARD_CREATE_CONTAINER_KEY_GEN, AT_KEYEXCHANGE,
                                          2048, nullptr, ROLE_USER),
              "CardCreateContainerEx(KEY_GEN)");
        return 0;
      });
      say("card",
          "CardCreateContainerEx(0, KEY_GEN, AT_KEYEXCHANGE, 2048, ROLE_USER): K1 generated on "
          "card (" +
              std::to_string(int(timings.back().second)) + " ms)");
    }
    Bytes k1 = container_public(0);
    say("C", "CardGetContainerInfo(0): K1 public key, PUBLICKEYBLOB of " +
                 std::to_string(k1.size()) + " bytes");
    check(cd.pfnCardGetProperty(&cd, CP_ENUM_ALGORITHMS, buf, sizeof buf, &len,
                                CARD_CIPHER_OPERATION),
          "CP_ENUM_ALGORITHMS");
    std::string algs;
    for (const char16_t* p = (const char16_t*)buf; *p;
         p += std::char_traits<char16_t>::length(p) + 1)
      algs += (algs.empty() ? "" : ",") + std::string(p, p + std::char_traits<char16_t>::length(p));
    check(cd.pfnCardGetProperty(&cd, CP_PADDING_SCHEMES, buf, 4, &len, CARD_ASYMMETRIC_OPERATION),
          "CP_PADDING_SCHEMES");
    const DWORD pads = ski::get_u32le({buf, 4}, 0);
    say("C", "capabilities: CP_ENUM_ALGORITHMS(cipher) = " + algs +
                 "; CP_PADDING_SCHEMES(asymmetric) = " + hexrc(pads) +
                 " (PKCS1|OAEP); CP_CHAINING_MODES = CBC,GCM");

    // Steps 15-23: session key S1
    auto w = timed("S1: server wrap + client CardImportSessionKey", [&] {
      auto wrapped = server.ask("rsa " + to_hex(k1));
      say("S",
          "generated S1 (AES-256), encrypted it under K1 with RSA-OAEP(SHA-256); "
          "MDImportSessionKey(KeyDataBlob, AES)");
      Bytes ct = from_hex(wrapped[1]);
      BCRYPT_OAEP_PADDING_INFO oaep{u"SHA256", nullptr, 0};
      CARD_KEY_HANDLE h = 0;
      check(cd.pfnCardImportSessionKey(&cd, 0, &oaep, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM, &h,
                                       ct.data(), DWORD(ct.size()), CARD_PADDING_OAEP),
            "CardImportSessionKey");
      return h;
    });
    const CARD_KEY_HANDLE hs1 = w;
    say("card",
        "CardImportSessionKey(container 0, OAEP-SHA256): card unwrapped S1 into a volatile slot; "
        "client holds only handle " +
            std::to_string(hs1));

    // Steps 24-30: K2
    const std::string k2_path = (dir / "k2-public.der").string();
    auto blob = server.ask("archive 1 " + k2_path);
    timings.emplace_back("K2 RSA-2048 key generation (server, no card)", std::stod(blob[4]));
    say("S", "generated K2 (RSA-2048, " + blob[4] +
                 " ms), archived its public key, set IV + ChainingModeGCM, " +
                 "MDEncryptData(CSF_IMPORT_KEYPAIR -> container 1): one blob of " +
                 std::to_string(blob[3].size() / 2) + " bytes");
    {
      Bytes tampered = from_hex(blob[3]);
      tampered[tampered.size() / 2] ^= 0x01;
      auto bad = blob;
      bad[3] = to_hex(tampered);
      set_and_process(hs1, bad, CSF_IMPORT_KEYPAIR, nullptr, NTE_BAD_DATA);
      say("C",
          "a tampered copy (one bit flipped) is refused: NTE_BAD_DATA (card SW 6988), card "
          "unchanged");
    }
    timed("K2 import on card (CardProcessEncryptedData)", [&] {
      set_and_process(hs1, blob, CSF_IMPORT_KEYPAIR, nullptr);
      return 0;
    });
    say("card",
        "CardSetKeyProperty(ChainingMode, IV) + CardProcessEncryptedData(CSF_IMPORT_KEYPAIR): card "
        "decrypted K2 with S1 and created container 1");
    set_and_process(hs1, blob, CSF_IMPORT_KEYPAIR, nullptr, SCARD_W_SECURITY_VIOLATION);
    say("C", "replaying the same blob is refused: SCARD_W_SECURITY_VIOLATION (card SW 6985)");

    // Proof: sign with K2 on card, verify with the archived public key (openssl CLI).
    CryptoProvider crypto;
    Bytes challenge(32);
    crypto.random(challenge);
    Bytes hash = crypto.digest(HashAlg::sha256, challenge);
    CARD_SIGNING_INFO si{};
    si.dwVersion = 1, si.bContainerIndex = 1, si.dwKeySpec = AT_SIGNATURE,
    si.aiHashAlg = CALG_SHA_256;
    si.pbData = hash.data(), si.cbData = DWORD(hash.size());
    timed("K2 signature on card (CardSignData)", [&] {
      check(cd.pfnCardSignData(&cd, &si), "CardSignData");
      return 0;
    });
    Bytes sig(si.pbSignedData, si.pbSignedData + si.cbSignedData);
    cd.pfnCspFree(si.pbSignedData);
    std::reverse(sig.begin(), sig.end());
    std::ofstream((dir / "challenge.bin").string(), std::ios::binary)
        .write((const char*)challenge.data(), 32);
    std::ofstream((dir / "sig.bin").string(), std::ios::binary)
        .write((const char*)sig.data(), std::streamsize(sig.size()));
    say("card", "CardSignData(container 1, SHA-256): the card signed a random challenge with K2");
    const std::string verify = "openssl dgst -sha256 -verify " + k2_path +
                               " -keyform DER -signature " + (dir / "sig.bin").string() + " " +
                               (dir / "challenge.bin").string() + " >/dev/null 2>&1";
    if (std::system(verify.c_str()) != 0)
      throw DemoFailure("openssl could not verify the signature with the archived K2 public key");
    say("S", "openssl dgst -verify with the archived K2 public key: Verified OK");

    check(cd.pfnCardDestroyKey(&cd, hs1), "CardDestroyKey");
    say("C", "CardDestroyKey(S1): the card slot is wiped");

    if (all) {
      // Shared symmetric key + CSF_AUTHENTICATE with a session PIN.
      auto hello = server.ask("shared-start");
      PBYTE out = nullptr;
      CARD_KEY_HANDLE hsh = 0;
      Bytes sh = from_hex(hello[1]);
      check(cd.pfnCardGetSharedKeyHandle(&cd, sh.data(), DWORD(sh.size()), &out, &len, &hsh),
            "CardGetSharedKeyHandle");
      Bytes ch(out, out + len);
      cd.pfnCspFree(out);
      server.ask("shared-finish " + to_hex(ch));
      say("S+C",
          "shared key #1: server hello (NS) -> CardGetSharedKeyHandle -> card hello (NC, key id) "
          "-> server; both derived a fresh AES-256 session key");
      Bytes answer;
      set_and_process(hsh,
                      server.ask("auth 10000000 " + to_hex(Bytes{'1', '2', '3', '4', '5', '6'})),
                      CSF_AUTHENTICATE, &answer);
      const DWORD cb = ski::get_u32le(answer, 4);
      say("card", "CSF_AUTHENTICATE(GENERATE_SESSION_PIN): PIN verified under encryption, " +
                      std::to_string(ski::get_u32le(answer, 8)) +
                      " tries left; encrypted session PIN (" + std::to_string(cb) +
                      " bytes) returned");
      auto token = server.ask("session-pin " + to_hex(ByteView(answer).subspan(12, cb)));
      say("S", "CardProcessEncryptedData in no-card mode: server recovered the " +
                   std::to_string(token[1].size() / 2) + "-byte session PIN");
      auto session_auth = server.ask("auth 20000000 " + token[1]);
      timed("CSF_AUTHENTICATE on card (CardProcessEncryptedData)", [&] {
        set_and_process(hsh, session_auth, CSF_AUTHENTICATE, &answer);
        return 0;
      });
      say("card", "CSF_AUTHENTICATE(SESSION_PIN): the user is authenticated with the session PIN");
      Bytes wrong;
      set_and_process(hsh, server.ask("auth 0 " + to_hex(Bytes{'0', '0', '0', '0'})),
                      CSF_AUTHENTICATE, &wrong, SCARD_W_WRONG_CHV);
      say("card", "CSF_AUTHENTICATE with a wrong PIN: SCARD_W_WRONG_CHV, " +
                      std::to_string(ski::get_u32le(wrong, 8)) + " tries left");
      check(cd.pfnCardDestroyKey(&cd, hsh), "CardDestroyKey");

      // ECC key establishment + CSF_CHANGE_AUTHENTICATOR.
      check(cd.pfnCardAuthenticatePin(&cd, user, pin, 6, &left), "CardAuthenticatePin");
      timed("ECDH P-256 container key generation", [&] {
        check(cd.pfnCardCreateContainerEx(&cd, 2, CARD_CREATE_CONTAINER_KEY_GEN, AT_ECDHE_P256, 0,
                                          nullptr, ROLE_USER),
              "CardCreateContainerEx(AT_ECDHE_P256)");
        return 0;
      });
      Bytes q = container_public(2);
      say("card",
          "CardCreateContainerEx(2, KEY_GEN, AT_ECDHE_P256): on-card ECDH key; public blob " +
              std::to_string(q.size()) + " bytes");
      auto eph = server.ask("ecdh " + to_hex(q));
      say("S",
          "ephemeral P-256 key, Z = ECDH(e, Q), S2 = HKDF-SHA256(Z, \"softcard-ski-v1 ecdh\"); "
          "MDImportSessionKey");
      Bytes epub = from_hex(eph[1]);
      CARD_DH_AGREEMENT_INFO ai{};
      ai.dwVersion = CARD_DH_AGREEMENT_INFO_VERSION, ai.bContainerIndex = 2,
      ai.dwPublicKey = DWORD(epub.size()), ai.pbPublicKey = epub.data();
      const auto dh0 = Clock::now();
      check(cd.pfnCardConstructDHAgreement(&cd, &ai), "CardConstructDHAgreement");
      char16_t kdf[] = u"HKDF", aes[] = u"AES";
      CARD_DERIVE_KEY dk{};
      dk.dwVersion = CARD_DERIVE_KEY_VERSION_TWO, dk.dwFlags = CARD_RETURN_KEY_HANDLE,
      dk.pwszKDF = kdf;
      dk.bSecretAgreementIndex = ai.bSecretAgreementIndex, dk.pwszAlgId = aes, dk.dwKeyLen = 256;
      check(cd.pfnCardDeriveKey(&cd, &dk), "CardDeriveKey");
      timings.emplace_back("ECDH agreement + HKDF session key on card",
                           std::chrono::duration<double, std::milli>(Clock::now() - dh0).count());
      say("card",
          "CardConstructDHAgreement + CardDeriveKey(CARD_RETURN_KEY_HANDLE, HKDF): S2 stays on "
          "card, handle " +
              std::to_string(dk.hKey));
      set_and_process(dk.hKey,
                      server.ask("change " + to_hex(Bytes{'1', '2', '3', '4', '5', '6'}) + " " +
                                 to_hex(Bytes{'2', '4', '6', '8', '1', '3', '5', '7'})),
                      CSF_CHANGE_AUTHENTICATOR, &answer);
      say("card",
          "CSF_CHANGE_AUTHENTICATOR(CHANGEPIN) under S2: user PIN changed without the client "
          "seeing old or new PIN");
      BYTE newpin[] = {'2', '4', '6', '8', '1', '3', '5', '7'};
      check(cd.pfnCardAuthenticatePin(&cd, user, newpin, 8, &left), "CardAuthenticatePin(new PIN)");
      say("C", "CardAuthenticatePin with the new PIN: OK");
      check(cd.pfnCardDestroyKey(&cd, dk.hKey), "CardDestroyKey");
    }

    cd.pfnCardDeleteContext(&cd);
    SoftcardDisconnect(hctx, hcard);

    // OpenSC sees the injected container as an ordinary one.
    const std::string p15 = "pkcs15-tool --list-keys 2>&1";
    std::string listing;
    if (FILE* p = ::popen(p15.c_str(), "r")) {
      char line[512];
      while (std::fgets(line, sizeof line, p)) listing += line;
      ::pclose(p);
    }
    std::size_t keys = 0;
    for (std::size_t pos = 0; (pos = listing.find("Private RSA Key", pos)) != std::string::npos;
         ++pos)
      ++keys;
    if (keys < 2) throw DemoFailure("pkcs15-tool --list-keys does not list K1 and K2:\n" + listing);
    say("OpenSC",
        "pkcs15-tool --list-keys lists " + std::to_string(keys) +
            " private keys as ordinary GIDS containers, the injected K2 (container 1) among them");

    std::printf(
        "\nSummary: secure key injection ran end to end through pcscd + vpcd; every check "
        "passed.\n");
    std::printf("Time per step (key generation vs protocol; APDUs go through pcscd and vpcd):\n");
    for (const auto& [what, ms] : timings) std::printf("  %-55s %8.1f ms\n", what.c_str(), ms);
    return 0;
  }
};

}  // namespace

void register_demo(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "demo", "Secure Key Injection end to end (CA key archival) through a private pcscd + vpcd");
  auto all = std::make_shared<bool>(false);
  auto server = std::make_shared<bool>(false);
  cmd->add_flag(
      "--all", *all,
      "Also run the shared-symmetric, ECC, CSF_AUTHENTICATE and CSF_CHANGE_AUTHENTICATOR flows");
  cmd->add_flag("--server", *server, "Internal: the no-card server process")->group("");
  cmd->callback([all, server] {
    if (*server) {
      const int rc = run_server();
      if (rc) throw CLI::RuntimeError(rc);
      return;
    }
    Demo demo;
    demo.all = *all;
    const int rc = demo.run();
    if (rc) throw CLI::RuntimeError(rc);
  });
}

}  // namespace softcard::cli

#else  // !SOFTCARD_DEMO_AVAILABLE

namespace softcard::cli {
void register_demo(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "demo",
      "Secure Key Injection end to end (not built: needs the minidriver, vpcd bridge and SKI)");
  cmd->allow_extras();
  cmd->callback([] { throw CLI::RuntimeError(1); });
}
}  // namespace softcard::cli

#endif
