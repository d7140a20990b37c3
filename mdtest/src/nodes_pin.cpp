// pin.*: PIN verification (lengths and wrong bytes), attempts, deauthentication, change,
// challenge (size, randomness, non-repetition), admin challenge-response, session PINs.
// pin.block_* (block and unblock on card 2) are registered last: see register_pin_block_nodes.
#include <set>

#include "helpers.h"
#include "nodes.h"

namespace softcard::mdtest {

namespace {

DWORD auth_ex(CARD_DATA* cd, const Bytes& pin, DWORD* tries, DWORD flags = 0) {
  Bytes copy = pin;
  return cd->pfnCardAuthenticateEx(cd, ROLE_USER, flags, copy.empty() ? nullptr : copy.data(),
                                   static_cast<DWORD>(copy.size()), nullptr, nullptr, tries);
}

// A wrong PIN (by `mutate`) must give `expected`; then the right PIN restores the counter.
// `uses_try`: a PIN of a possible length costs a try; one longer than max_length does not (M13).
void wrong_pin(Registry& r, const std::string& name, const std::string& what, DWORD expected,
               std::function<Bytes(const Config&)> mutate, bool uses_try = true) {
  r.add("pin." + name, "CardAuthenticateEx with " + what + " -> then the right PIN succeeds",
        [=](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          Bytes bad = mutate(env.config());
          DWORD tries = 0xFFFFFFFF;
          const DWORD rc = auth_ex(cd, bad, &tries);
          check.rc(0, authenticate_user(cd, env.config()), "the right PIN afterwards");
          check.rc(expected, rc, "CardAuthenticateEx(" + what + ")");
          const DWORD want = env.config().pin_max_tries - (uses_try ? 1 : 0);
          if (expected == SCARD_W_WRONG_CHV)
            check.require(tries == want, "pcAttemptsRemaining " + std::to_string(tries) +
                                             ", expected " + std::to_string(want));
        });
}

Bytes challenge(Checker& check, CARD_DATA* cd) {
  PBYTE c = nullptr;
  DWORD cb = 0;
  check.rc(0, cd->pfnCardGetChallengeEx(cd, ROLE_ADMIN, &c, &cb, 0),
           "CardGetChallengeEx(ROLE_ADMIN)");
  Bytes out(c, c + cb);
  cd->pfnCspFree(c);
  return out;
}

std::size_t admin_challenge_size(const Config& c) {
  return c.admin_key.algorithm == "aes" ? 16 : 8;
}

}  // namespace

void register_pin_nodes(Registry& r) {
  r.add("pin.authenticate_ex", "CardAuthenticateEx(ROLE_USER, right PIN) -> 0",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          check.rc(0, authenticate_user(cs->cd(), env.config()), "CardAuthenticateEx");
        });
  r.add("pin.authenticate_legacy", "CardAuthenticatePin(\"user\", right PIN) -> 0",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          Bytes pin = pin_bytes(env.config().user_pin);
          std::u16string user = u"user";
          DWORD tries = 0;
          check.rc(0,
                   cs->cd()->pfnCardAuthenticatePin(cs->cd(), user.data(), pin.data(),
                                                    static_cast<DWORD>(pin.size()), &tries),
                   "CardAuthenticatePin");
        });
  r.add("pin.silent_context", "CardAuthenticateEx with CARD_PIN_SILENT_CONTEXT -> 0",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          DWORD tries = 0;
          check.rc(
              0,
              auth_ex(cs->cd(), pin_bytes(env.config().user_pin), &tries, CARD_PIN_SILENT_CONTEXT),
              "CardAuthenticateEx(CARD_PIN_SILENT_CONTEXT)");
        });
  wrong_pin(r, "length_0", "a PIN of length 0", SCARD_E_INVALID_PARAMETER,
            [](const Config&) { return Bytes(); });
  wrong_pin(r, "one_short", "the PIN minus its last byte", SCARD_W_WRONG_CHV, [](const Config& c) {
    Bytes p = pin_bytes(c.user_pin);
    p.pop_back();
    return p;
  });
  wrong_pin(r, "one_long", "the PIN plus one byte", SCARD_W_WRONG_CHV, [](const Config& c) {
    Bytes p = pin_bytes(c.user_pin);
    p.push_back('0');
    return p;
  });
  wrong_pin(
      r, "huge", "a 4096-byte PIN", SCARD_W_WRONG_CHV,
      [](const Config&) { return Bytes(4096, '1'); }, false);
  wrong_pin(
      r, "over_max_length", "a PIN of max_length + 1 bytes", SCARD_W_WRONG_CHV,
      [](const Config& c) { return Bytes(c.pin_max_length + 1, '7'); }, false);
  wrong_pin(r, "wrong_first_byte", "the first byte changed", SCARD_W_WRONG_CHV,
            [](const Config& c) {
              Bytes p = pin_bytes(c.user_pin);
              p.front() ^= 0x01;
              return p;
            });
  wrong_pin(r, "wrong_last_byte", "the last byte changed", SCARD_W_WRONG_CHV, [](const Config& c) {
    Bytes p = pin_bytes(c.user_pin);
    p.back() ^= 0x01;
    return p;
  });
  r.add("pin.deauthenticate_ex", "CardDeauthenticateEx(user): signing then needs the PIN again",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx");
          check.rc(0, cd->pfnCardDeauthenticateEx(cd, CREATE_PIN_SET(ROLE_USER), 0),
                   "CardDeauthenticateEx");
          DWORD s = 0;
          check.rc(0, get_property_dword(cd, CP_CARD_AUTHENTICATED_STATE, s), "state");
          check.require(!IS_PIN_SET(s, ROLE_USER), "still authenticated");
        });
  r.add("pin.deauthenticate_legacy", "CardDeauthenticate(\"user\") -> 0 and the state is cleared",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx");
          std::u16string user = u"user";
          check.rc(0, cd->pfnCardDeauthenticate(cd, user.data(), 0), "CardDeauthenticate");
          DWORD s = 0;
          check.rc(0, get_property_dword(cd, CP_CARD_AUTHENTICATED_STATE, s), "state");
          check.require(!IS_PIN_SET(s, ROLE_USER), "still authenticated");
        });
  r.add("pin.change_ex", "CardChangeAuthenticatorEx(CHANGEPIN): new PIN works, old fails; restored",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          Bytes old_pin = pin_bytes(env.config().user_pin), new_pin = old_pin;
          new_pin.back() = new_pin.back() == '9' ? '8' : '9';
          DWORD tries = 0;
          check.rc(0,
                   cd->pfnCardChangeAuthenticatorEx(
                       cd, PIN_CHANGE_FLAG_CHANGEPIN, ROLE_USER, old_pin.data(),
                       static_cast<DWORD>(old_pin.size()), ROLE_USER, new_pin.data(),
                       static_cast<DWORD>(new_pin.size()), 0, &tries),
                   "CardChangeAuthenticatorEx(old -> new)");
          const DWORD with_new = auth_ex(cd, new_pin, &tries);
          const DWORD with_old = auth_ex(cd, old_pin, &tries);
          const DWORD back = cd->pfnCardChangeAuthenticatorEx(
              cd, PIN_CHANGE_FLAG_CHANGEPIN, ROLE_USER, new_pin.data(),
              static_cast<DWORD>(new_pin.size()), ROLE_USER, old_pin.data(),
              static_cast<DWORD>(old_pin.size()), 0, &tries);
          check.rc(0, back, "CardChangeAuthenticatorEx(new -> old), restoring the PIN");
          check.rc(0, with_new, "CardAuthenticateEx(new PIN)");
          check.rc(SCARD_W_WRONG_CHV, with_old, "CardAuthenticateEx(old PIN)");
          check.rc(0, authenticate_user(cd, env.config()), "the right PIN afterwards");
        });
  r.add("pin.change_wrong_old",
        "CardChangeAuthenticatorEx with a wrong current PIN -> SCARD_W_WRONG_CHV",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          Bytes bad = pin_bytes(env.config().user_pin), new_pin = bad;
          bad.front() ^= 1;
          DWORD tries = 0;
          const DWORD rc = cd->pfnCardChangeAuthenticatorEx(
              cd, PIN_CHANGE_FLAG_CHANGEPIN, ROLE_USER, bad.data(), static_cast<DWORD>(bad.size()),
              ROLE_USER, new_pin.data(), static_cast<DWORD>(new_pin.size()), 0, &tries);
          check.rc(0, authenticate_user(cd, env.config()), "the right PIN afterwards");
          check.rc(SCARD_W_WRONG_CHV, rc, "CardChangeAuthenticatorEx(wrong old PIN)");
        });
  r.add("pin.change_legacy", "CardChangeAuthenticator(\"user\", old, new) and back -> 0",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          need(check, env.config(), cd->pfnCardChangeAuthenticator, "CardChangeAuthenticator");
          Bytes old_pin = pin_bytes(env.config().user_pin), new_pin = old_pin;
          new_pin.back() = new_pin.back() == '9' ? '8' : '9';
          std::u16string user = u"user";
          DWORD tries = 0;
          check.rc(0,
                   cd->pfnCardChangeAuthenticator(
                       cd, user.data(), old_pin.data(), static_cast<DWORD>(old_pin.size()),
                       new_pin.data(), static_cast<DWORD>(new_pin.size()), 0,
                       CARD_AUTHENTICATE_PIN_PIN, &tries),
                   "CardChangeAuthenticator(old -> new)");
          check.rc(0,
                   cd->pfnCardChangeAuthenticator(
                       cd, user.data(), new_pin.data(), static_cast<DWORD>(new_pin.size()),
                       old_pin.data(), static_cast<DWORD>(old_pin.size()), 0,
                       CARD_AUTHENTICATE_PIN_PIN, &tries),
                   "CardChangeAuthenticator(new -> old)");
        });
  r.add("pin.challenge_size", "CardGetChallengeEx(ROLE_ADMIN): 8 bytes (3DES) / 16 bytes (AES)",
        [](Env& env, Checker& check) {
          if (env.config().admin_key.algorithm == "none") check.skip("config: no admin key");
          auto cs = env.open(0);
          need(check, env.config(), cs->cd()->pfnCardGetChallengeEx, "CardGetChallengeEx");
          const Bytes c = challenge(check, cs->cd());
          check.require(c.size() == admin_challenge_size(env.config()),
                        "challenge of " + std::to_string(c.size()) + " bytes");
        });
  r.add("pin.challenge_random", "20 challenges: all different, bytes spread (not constant/counter)",
        [](Env& env, Checker& check) {
          if (env.config().admin_key.algorithm == "none") check.skip("config: no admin key");
          auto cs = env.open(0);
          need(check, env.config(), cs->cd()->pfnCardGetChallengeEx, "CardGetChallengeEx");
          std::set<Bytes> seen;
          std::set<BYTE> values;
          for (int i = 0; i < 20; ++i) {
            const Bytes c = challenge(check, cs->cd());
            check.require(seen.insert(c).second, "a challenge repeated: " + hex(c));
            values.insert(c.begin(), c.end());
          }
          // 160+ random bytes cover far more than 40 distinct values (expected ~120).
          check.require(values.size() > 40, "only " + std::to_string(values.size()) +
                                                " distinct byte values in 20 challenges");
        });
  r.add("pin.challenge_legacy", "CardGetChallenge returns the admin challenge (8/16 bytes)",
        [](Env& env, Checker& check) {
          if (env.config().admin_key.algorithm == "none") check.skip("config: no admin key");
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          need(check, env.config(), cd->pfnCardGetChallenge, "CardGetChallenge");
          PBYTE c = nullptr;
          DWORD cb = 0;
          check.rc(0, cd->pfnCardGetChallenge(cd, &c, &cb), "CardGetChallenge");
          cd->pfnCspFree(c);
          check.require(cb == admin_challenge_size(env.config()), "size " + std::to_string(cb));
        });
  r.add("pin.admin_authenticate",
        "challenge-response with the admin key -> 0, ROLE_ADMIN authenticated",
        [](Env& env, Checker& check) {
          if (env.config().admin_key.algorithm == "none") check.skip("config: no admin key");
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          need(check, env.config(), cd->pfnCardGetChallengeEx, "CardGetChallengeEx");
          check.rc(0, authenticate_admin(cd, env.config()),
                   "CardAuthenticateEx(ROLE_ADMIN, response)");
          DWORD s = 0;
          check.rc(0, get_property_dword(cd, CP_CARD_AUTHENTICATED_STATE, s), "state");
          check.require(IS_PIN_SET(s, ROLE_ADMIN), "ROLE_ADMIN not in the authenticated state");
        });
  r.add("pin.admin_wrong_response",
        "a wrong response -> SCARD_W_WRONG_CHV; the right one then works",
        [](Env& env, Checker& check) {
          if (env.config().admin_key.algorithm == "none") check.skip("config: no admin key");
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          need(check, env.config(), cd->pfnCardGetChallengeEx, "CardGetChallengeEx");
          Bytes resp = admin_response(env.config(), challenge(check, cd));
          resp[0] ^= 0xFF;
          DWORD tries = 0;
          const DWORD rc =
              cd->pfnCardAuthenticateEx(cd, ROLE_ADMIN, 0, resp.data(),
                                        static_cast<DWORD>(resp.size()), nullptr, nullptr, &tries);
          check.rc(0, authenticate_admin(cd, env.config()), "the right response afterwards");
          check.rc(SCARD_W_WRONG_CHV, rc, "CardAuthenticateEx(ROLE_ADMIN, wrong response)");
        });
  r.add("pin.authenticate_challenge_legacy",
        "CardGetChallenge + CardAuthenticateChallenge(response) -> 0",
        [](Env& env, Checker& check) {
          if (env.config().admin_key.algorithm == "none") check.skip("config: no admin key");
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          need(check, env.config(), cd->pfnCardGetChallenge, "CardGetChallenge");
          need(check, env.config(), cd->pfnCardAuthenticateChallenge, "CardAuthenticateChallenge");
          PBYTE c = nullptr;
          DWORD cb = 0;
          check.rc(0, cd->pfnCardGetChallenge(cd, &c, &cb), "CardGetChallenge");
          Bytes resp = admin_response(env.config(), Bytes(c, c + cb));
          cd->pfnCspFree(c);
          DWORD tries = 0;
          check.rc(0,
                   cd->pfnCardAuthenticateChallenge(cd, resp.data(),
                                                    static_cast<DWORD>(resp.size()), &tries),
                   "CardAuthenticateChallenge");
        });
  r.add("pin.session_pin",
        "GENERATE_SESSION_PIN, then a second context logs in with the session PIN",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          Bytes pin = pin_bytes(env.config().user_pin);
          if (!env.config().session_pin) {
            // The card issues session PINs only sealed for an SKI server (ski.session.*): the
            // plain flags must be refused as a missing feature, and nothing else may happen.
            PBYTE none = nullptr;
            DWORD cb_none = 0, t = 0;
            check.rc(SCARD_E_UNSUPPORTED_FEATURE,
                     cd->pfnCardAuthenticateEx(cd, ROLE_USER,
                                               CARD_AUTHENTICATE_GENERATE_SESSION_PIN, pin.data(),
                                               static_cast<DWORD>(pin.size()), &none, &cb_none, &t),
                     "CardAuthenticateEx(GENERATE_SESSION_PIN) on a card without session PINs");
            check.skip("config: pins.session_pin false (docs/mdtest.md, Skips)");
          }
          PBYTE session = nullptr;
          DWORD cb = 0, tries = 0;
          check.rc(0,
                   cd->pfnCardAuthenticateEx(cd, ROLE_USER, CARD_AUTHENTICATE_GENERATE_SESSION_PIN,
                                             pin.data(), static_cast<DWORD>(pin.size()), &session,
                                             &cb, &tries),
                   "CardAuthenticateEx(GENERATE_SESSION_PIN)");
          Bytes sp(session, session + cb);
          cd->pfnCspFree(session);
          check.require(!sp.empty(), "empty session PIN");
          Session second(env.library(), &cs->conn, env.config().card_name);
          check.rc(0, second.acquire(), "second CardAcquireContext");
          check.rc(0,
                   second->pfnCardAuthenticateEx(
                       second.cd(), ROLE_USER, CARD_AUTHENTICATE_SESSION_PIN, sp.data(),
                       static_cast<DWORD>(sp.size()), nullptr, nullptr, &tries),
                   "CardAuthenticateEx(SESSION_PIN) in the second context");
        });
}

}  // namespace softcard::mdtest
