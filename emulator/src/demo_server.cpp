// Both ends of the demo's line protocol (see demo_server.h): the no-card server and the pipe the
// client talks to it through.
#include "demo_server.h"

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "demo_support.h"
#include "softcard/crypto.h"
#include "softcard/ski_codec.h"
#include "softcard/wire/key_blobs.h"
#include "softcard/wire/rsa_der.h"
#include "softcard/wire/ski.h"
#include "softcard_minidriver.h"

namespace softcard::cli::demo {

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

namespace {

// The CA side of key archival: a no-card minidriver context and at most one session key.
class Server {
 public:
  Server() { SoftcardPrepareCardData(&cd_); }
  ~Server() {
    if (h_) cd_.pfnCardDestroyKey(&cd_, h_);
    if (acquired_) cd_.pfnCardDeleteContext(&cd_);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  bool acquire() {
    acquired_ = CardAcquireContext(&cd_, CARD_SECURE_KEY_INJECTION_NO_CARD_MODE) == 0;
    return acquired_;
  }

  // One request line -> one answer line.
  std::string handle(const std::vector<std::string>& w) {
    const std::string& c = w[0];
    if (c == "shared-key") return shared_key_ = from_hex(w.at(1)), "ok";
    if (c == "trust") return trusted_.push_back(from_hex(w.at(1))), "ok";
    if (c == "ecdh-probe") return ecdh(from_hex(w.at(1)), false);
    if (c == "rsa") return wrap_s1(from_hex(w.at(1)));
    if (c == "archive") return archive_k2(std::stoi(w.at(1)), w.at(2));
    if (c == "shared-start") return shared_start();
    if (c == "shared-finish") return shared_finish(from_hex(w.at(1)));
    if (c == "ecdh") return ecdh(from_hex(w.at(1)));
    if (c == "auth")
      return seal_cbc(CSF_AUTHENTICATE,
                      wire::ski::encode_authenticate(
                          {DWORD(std::stoul(w.at(1), nullptr, 16)), ROLE_USER, from_hex(w.at(2))}));
    if (c == "change") return change_pin(from_hex(w.at(1)), from_hex(w.at(2)));
    if (c == "session-pin") return session_pin(from_hex(w.at(1)));
    return "error unknown command";
  }

 private:
  CARD_DATA cd_{};
  bool acquired_ = false;
  CryptoProvider crypto_;
  CARD_KEY_HANDLE h_ = 0;
  Bytes shared_key_;
  std::vector<Bytes> trusted_;  // SPKI DER of the establishment keys the provisioning published

  // The server sends a session key only through a key the card factory published as an
  // establishment key (docs/ski.md §13); whatever the client reports is checked against them.
  bool trusted(const PublicKey& key) {
    const Bytes der = crypto_.public_key_der(key);
    for (const Bytes& t : trusted_)
      if (t == der) return true;
    return false;
  }

  void set_props(const char16_t* mode, const Bytes& iv) {
    const DWORD cb = DWORD((std::u16string_view(mode).size() + 1) * 2);
    check(cd_.pfnCardSetKeyProperty(&cd_, h_, CKP_CHAINING_MODE, (PBYTE)mode, cb, 0),
          "CardSetKeyProperty(mode)");
    check(cd_.pfnCardSetKeyProperty(&cd_, h_, CKP_INITIALIZATION_VECTOR, (PBYTE)iv.data(),
                                    DWORD(iv.size()), 0),
          "CardSetKeyProperty(IV)");
  }

  Bytes encrypt(const char16_t* f, const Bytes& plain) {
    PCARD_ENCRYPTED_DATA enc = nullptr;
    DWORD n = 0;
    check(cd_.pfnMDEncryptData(&cd_, h_, f, (PBYTE)plain.data(), DWORD(plain.size()), 0, &enc, &n),
          "MDEncryptData");
    Bytes blob(enc[0].pbEncryptedData, enc[0].pbEncryptedData + enc[0].cbEncryptedData);
    cd_.pfnCspFree(enc);
    return blob;
  }

  void import(ByteView key) {
    if (h_) cd_.pfnCardDestroyKey(&cd_, h_);
    Bytes kb = wire::ski::key_data_blob(key);
    check(cd_.pfnMDImportSessionKey(&cd_, BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM, &h_, kb.data(),
                                    DWORD(kb.size())),
          "MDImportSessionKey");
    wire::wipe(kb);
  }

  // K1 PUBLICKEYBLOB -> S1 wrapped under K1.
  std::string wrap_s1(const Bytes& k1_blob) {
    const auto k1 = wire::decode_publickeyblob(k1_blob);
    if (!k1) return "error not a PUBLICKEYBLOB";
    const PublicKey k1_key = crypto_.import_rsa_public({k1->n, k1->e});
    if (!trusted(k1_key)) return "error K1 is not a published establishment key";
    SecretBytes s1(32);
    crypto_.random(s1.span());
    Bytes blob = wire::ski::key_data_blob(s1.view());
    Bytes wrapped = crypto_.rsa_encrypt(k1_key, blob, RsaPadding::oaep(HashAlg::sha256));
    wire::wipe(blob);
    import(s1.view());
    return "wrapped " + to_hex(wrapped);
  }

  // Generates K2, archives its public key at `der_path`, encrypts it for container `index`.
  std::string archive_k2(int index, const std::string& der_path) {
    const auto t0 = Clock::now();
    KeyPair k2 = crypto_.generate_rsa(2048);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    const Bytes der = crypto_.public_key_der(k2);
    std::ofstream(der_path, std::ios::binary)
        .write(reinterpret_cast<const char*>(der.data()), std::streamsize(der.size()));
    const auto parts = wire::decode_pkcs8_rsa(crypto_.export_private(k2).view());
    if (!parts) return "error K2 does not export as PKCS#8 RSA";
    Bytes kb = wire::encode_privatekeyblob(*parts, false);
    Bytes st =
        wire::ski::encode_import_keypair({std::uint8_t(index), ROLE_USER, AT_SIGNATURE, 2048, kb});
    Bytes iv(12);
    crypto_.random(iv);
    set_props(SOFTCARD_CHAIN_MODE_GCM, iv);
    Bytes blob = encrypt(CSF_IMPORT_KEYPAIR, st);
    wire::wipe(kb), wire::wipe(st);
    return "blob GCM " + to_hex(iv) + " " + to_hex(blob) + " " + std::to_string(ms);
  }

  std::string shared_start() {
    Bytes req = wire::ski::encode_shared_request({0x01, ski::Alg::aes256, shared_key_});
    PBYTE out = nullptr;
    DWORD len = 0;
    if (h_) cd_.pfnCardDestroyKey(&cd_, h_), h_ = 0;
    check(cd_.pfnCardGetSharedKeyHandle(&cd_, req.data(), DWORD(req.size()), &out, &len, &h_),
          "CardGetSharedKeyHandle(request)");
    wire::wipe(req);
    const std::string answer = "hello " + to_hex(ByteView{out, len});
    cd_.pfnCspFree(out);
    return answer;
  }

  std::string shared_finish(Bytes card_hello) {
    CARD_KEY_HANDLE h2 = 0;
    check(cd_.pfnCardGetSharedKeyHandle(&cd_, card_hello.data(), DWORD(card_hello.size()), nullptr,
                                        nullptr, &h2),
          "CardGetSharedKeyHandle(card hello)");
    return "ok";
  }

  // The card's ECDH public blob -> an ephemeral public blob; S2 imported here (`use`), or only
  // the ephemeral key for a probe.
  std::string ecdh(const Bytes& card_blob, bool use = true) {
    const auto card = wire::decode_bcrypt_ecckey_blob(card_blob);
    if (!card || card->curve_bits != 256) return "error not a P-256 public key blob";
    Bytes card_point = {0x04};
    append(card_point, card->x);
    append(card_point, card->y);
    if (!trusted(crypto_.import_ec_public({Curve::p256, card_point})))
      return "error the ECDH key is not a published establishment key";
    KeyPair eph = crypto_.generate_ec(Curve::p256);
    if (use) {
      SecretBytes z = crypto_.ecdh(eph, card_point);
      SecretBytes sk = ski::derive_ecdh(crypto_, z.view(), ski::Alg::aes256);
      import(sk.view());
    }
    const Bytes point = crypto_.ec_public(eph).point;
    wire::EccParts pub;
    pub.ecdh = true;
    pub.x.assign(point.begin() + 1, point.begin() + 33);
    pub.y.assign(point.begin() + 33, point.end());
    return "eph " + to_hex(wire::encode_bcrypt_ecckey_blob(pub));
  }

  std::string change_pin(const Bytes& old_pin, const Bytes& new_pin) {
    wire::ski::ChangeAuthenticator c;
    c.flags = PIN_CHANGE_FLAG_CHANGEPIN, c.auth_pin_id = ROLE_USER, c.target_pin_id = ROLE_USER;
    c.auth = old_pin, c.target = new_pin;
    return seal_cbc(CSF_CHANGE_AUTHENTICATOR, wire::ski::encode_change_authenticator(c));
  }

  std::string seal_cbc(const char16_t* f, Bytes plain) {
    Bytes iv(16);
    crypto_.random(iv);
    set_props(CARD_CHAIN_MODE_CBC, iv);
    const std::string answer = "blob CBC " + to_hex(iv) + " " + to_hex(encrypt(f, plain)) + " 0";
    wire::wipe(plain);
    return answer;
  }

  std::string session_pin(Bytes blob) {
    CARD_ENCRYPTED_DATA ed{blob.data(), DWORD(blob.size())};
    BYTE token[64];
    DWORD len = 0;
    check(cd_.pfnCardProcessEncryptedData(&cd_, h_, CSF_AUTHENTICATE, &ed, 1, token, sizeof token,
                                          &len, 0),
          "CardProcessEncryptedData(session PIN)");
    return "token " + to_hex(ByteView{token, len});
  }
};

}  // namespace

int run_server() {
  Server server;
  if (!server.acquire()) return 2;
  try {
    for (std::string line; std::getline(std::cin, line);) {
      auto w = split(line);
      if (w.empty()) continue;
      if (w[0] == "quit") break;
      std::cout << server.handle(w) << std::endl;
    }
  } catch (const std::exception& e) {
    std::cout << "error " << e.what() << std::endl;
    return 1;
  }
  return 0;
}

ServerProcess::ServerProcess() {
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

ServerProcess::~ServerProcess() {
  if (out_) {
    std::fputs("quit\n", out_);
    std::fclose(out_);
  }
  if (in_) std::fclose(in_);
  int st = 0;
  if (pid_ > 0) ::waitpid(pid_, &st, 0);
}

std::vector<std::string> ServerProcess::ask(const std::string& line) {
  std::fputs((line + "\n").c_str(), out_);
  std::fflush(out_);
  std::string answer;
  for (int c; (c = std::fgetc(in_)) != EOF && c != '\n';) answer.push_back(char(c));
  auto w = split(answer);
  if (w.empty() || w[0] == "error")
    throw DemoFailure("server: " + (answer.empty() ? "no answer" : answer));
  return w;
}

}  // namespace softcard::cli::demo
