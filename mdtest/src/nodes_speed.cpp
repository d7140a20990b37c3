// speed.*: execution times reported against CMCK's published limits. These nodes fail only when
// the call fails; the time is reported (message and summary), never judged: a shared CI machine
// must not turn slowness into a red build.
#include <chrono>
#include <cstdio>

#include "helpers.h"
#include "nodes.h"
#include "verify.h"

namespace softcard::mdtest {

void register_speed_nodes(Registry& r);

namespace {

using Clock = std::chrono::steady_clock;

struct Timing {
  double total_ms = 0, max_ms = 0;
  unsigned n = 0;
};

template <class F>
Timing measure(unsigned n, F&& f) {
  Timing t;
  for (unsigned i = 0; i < n; ++i) {
    const auto start = Clock::now();
    f();
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    t.total_ms += ms;
    t.max_ms = std::max(t.max_ms, ms);
    ++t.n;
  }
  return t;
}

// "CardX: 20 calls, avg 1.2 ms, max 3.4 ms, total 24 ms (CMCK limit: ...)"
std::string report(const char* what, const Timing& t, const char* limit) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "%s: %u calls, avg %.1f ms, max %.1f ms, total %.0f ms (CMCK limit: %s)", what, t.n,
                t.total_ms / t.n, t.max_ms, t.total_ms, limit);
  return buf;
}

void speed_node(Registry& r, const std::string& name, const char* what, const char* limit,
                std::function<void(Env&, Checker&, CARD_DATA*, unsigned, Timing&)> body) {
  r.add("speed." + name, std::string("time of ") + what + " (reported, not judged)",
        [=](Env& env, Checker& check) {
          auto cs = env.open(0);
          Timing t;
          body(env, check, cs->cd(), env.config().speed_repeat, t);
          check.last_what = report(what, t, limit);
        });
}

}  // namespace

void register_speed_nodes(Registry& r) {
  speed_node(r, "acquire_context", "CardAcquireContext + CardDeleteContext", "none published",
             [](Env& env, Checker& check, CARD_DATA*, unsigned n, Timing& t) {
               auto cs = env.prepare(0);
               t = measure(n, [&] {
                 Session s(env.library(), &cs->conn, env.config().card_name);
                 check.rc(0, s.acquire(), "CardAcquireContext");
               });
             });
  speed_node(r, "authenticate_pin", "CardAuthenticatePin", "775 ms per call",
             [](Env& env, Checker& check, CARD_DATA* cd, unsigned n, Timing& t) {
               Bytes pin = pin_bytes(env.config().user_pin);
               std::u16string user = u"user";
               t = measure(n, [&] {
                 DWORD tries = 0;
                 check.rc(0,
                          cd->pfnCardAuthenticatePin(cd, user.data(), pin.data(),
                                                     static_cast<DWORD>(pin.size()), &tries),
                          "CardAuthenticatePin");
               });
             });
  speed_node(r, "read_cmapfile", "CardReadFile(mscp/cmapfile)", "none published",
             [](Env&, Checker& check, CARD_DATA* cd, unsigned n, Timing& t) {
               t = measure(n, [&] {
                 Bytes v;
                 check.rc(0, read_file(cd, "mscp", "cmapfile", v), "CardReadFile");
               });
             });
  speed_node(r, "sign_rsa", "CardSignData (RSA-2048, SHA-256)", "4500 ms per 20 signatures",
             [](Env& env, Checker& check, CARD_DATA* cd, unsigned n, Timing& t) {
               TempContainer k(check, env, cd, AT_SIGNATURE, 2048);
               Bytes digest = verify::digest("sha256", Bytes{'s'});
               t = measure(n, [&] {
                 CARD_SIGNING_INFO info{};
                 info.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
                 info.bContainerIndex = k.index;
                 info.dwKeySpec = AT_SIGNATURE;
                 info.aiHashAlg = CALG_SHA_256;
                 info.pbData = digest.data();
                 info.cbData = static_cast<DWORD>(digest.size());
                 check.rc(0, cd->pfnCardSignData(cd, &info), "CardSignData");
                 cd->pfnCspFree(info.pbSignedData);
               });
             });
  speed_node(r, "rsa_decrypt", "CardRSADecrypt (RSA-2048, PKCS#1)", "none published",
             [](Env& env, Checker& check, CARD_DATA* cd, unsigned n, Timing& t) {
               TempContainer k(check, env, cd, AT_KEYEXCHANGE, 2048);
               auto key = verify::from_capi_public(k.public_blob);
               const Bytes c =
                   verify::reversed(verify::rsa_encrypt(key.get(), Bytes(16, 5), "pkcs1"));
               t = measure(n, [&] {
                 Bytes data = c;
                 CARD_RSA_DECRYPT_INFO info{};
                 info.dwVersion = CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION;
                 info.bContainerIndex = k.index;
                 info.dwKeySpec = AT_KEYEXCHANGE;
                 info.pbData = data.data();
                 info.cbData = static_cast<DWORD>(data.size());
                 info.dwPaddingType = CARD_PADDING_PKCS1;
                 check.rc(0, cd->pfnCardRSADecrypt(cd, &info), "CardRSADecrypt");
               });
             });
  speed_node(r, "generate_rsa_2048", "CardCreateContainer(KEY_GEN, RSA-2048) + delete",
             "none published", [](Env& env, Checker& check, CARD_DATA* cd, unsigned, Timing& t) {
               need_writable_card(check, env.config());
               // Key generation is slow everywhere: three runs, not speed.repeat.
               t = measure(3, [&] { TempContainer k(check, env, cd, AT_KEYEXCHANGE, 2048); });
             });
}

}  // namespace softcard::mdtest
