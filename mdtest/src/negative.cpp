#include "negative.h"

namespace softcard::mdtest {

void neg(Registry& r, const std::string& function, const std::string& name, DWORD expected,
         const std::string& what, NegCall call, NegSetup setup) {
  r.add("neg." + function + "." + name, function + ": " + what + " -> " + error_name(expected),
        [=](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          if (setup.function && !env.config().implements(setup.function))
            check.skip(std::string("config: ") + setup.function + " not implemented");
          NegFixture fx{env, cd, nullptr};
          if (setup.container)
            fx.container = std::make_unique<TempContainer>(
                check, env, cd, setup.container,
                is_ecc_spec(setup.container) ? 0 : small_rsa(env.config()));
          if (setup.user)
            check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx(user) first");
          const DWORD rc = call(fx);
          // An entry point the card does not implement must exist and refuse with
          // SCARD_E_UNSUPPORTED_FEATURE ([DEVG]), which it may answer before or after checking
          // its parameters.
          const bool refused =
              !env.config().implements(function) && rc == DWORD(SCARD_E_UNSUPPORTED_FEATURE);
          check.rc(refused ? rc : expected, rc, function + ": " + what);
        });
}

std::vector<DWORD> bad_versions(std::initializer_list<DWORD> accepted) {
  std::vector<DWORD> out;
  for (DWORD v : {0u, 2u, 5u, 257u, 65538u}) {
    bool ok = false;
    for (DWORD a : accepted) ok = ok || a == v;
    if (!ok) out.push_back(v);
  }
  return out;
}

}  // namespace softcard::mdtest
