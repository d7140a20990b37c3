// stress.*: two processes, two cards, five threads. reconnect.*: card reset and removal in the
// middle of a session. memory.*: a failing allocator and leak checks. pin.block_*: block and
// unblock (card 2, last, because a minidriver that cannot unblock leaves the card blocked).
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "helpers.h"
#include "nodes.h"
#include "ski_support.h"
#include "verify.h"

extern char** environ;

namespace softcard::mdtest {

void register_speed_nodes(Registry& r);

namespace {

// Authenticates and signs `n` times with the ECDSA container `index`, verifying each signature.
// Each round runs inside a PC/SC transaction on `conn`, as the base CSP does: the card's login
// state is shared, and another process's CardAcquireContext (which selects the applet) may
// reset it between a login and a signature.
std::string sign_loop(Env& env, CARD_DATA* cd, pcsc::Connection& conn, BYTE index, unsigned n) {
  Bytes pub;
  {
    if (DWORD rc = pcsc::begin_transaction(conn); rc != 0)
      return "SCardBeginTransaction failed: " + std::to_string(rc);
    struct End {
      pcsc::Connection& c;
      ~End() { pcsc::end_transaction(c); }
    } end{conn};
    if (DWORD rc = container_public(cd, index, false, pub); rc != 0 || pub.empty()) {
      if (container_public(cd, index, true, pub) != 0 || pub.empty()) return "no public key";
    }
  }
  auto key = verify::from_bcrypt_ecc_public(pub);
  for (unsigned i = 0; i < n; ++i) {
    if (DWORD rc = pcsc::begin_transaction(conn); rc != 0)
      return "SCardBeginTransaction failed: " + std::to_string(rc);
    struct End {
      pcsc::Connection& c;
      ~End() { pcsc::end_transaction(c); }
    } end{conn};
    if (DWORD rc = authenticate_user(cd, env.config()); rc != 0)
      return "CardAuthenticateEx failed: " + std::to_string(rc);
    Bytes digest = verify::digest("sha256", Bytes{static_cast<BYTE>(i), 's'});
    CARD_SIGNING_INFO info{};
    info.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
    info.bContainerIndex = index;
    info.dwKeySpec = AT_ECDSA_P256;
    info.aiHashAlg = CALG_SHA_256;
    info.pbData = digest.data();
    info.cbData = static_cast<DWORD>(digest.size());
    if (DWORD rc = cd->pfnCardSignData(cd, &info); rc != 0)
      return "CardSignData failed: " + std::to_string(rc);
    Bytes sig(info.pbSignedData, info.pbSignedData + info.cbSignedData);
    cd->pfnCspFree(info.pbSignedData);
    if (!verify::ecdsa_verify(key.get(), digest, sig)) return "a signature did not verify";
    Bytes id;
    if (DWORD rc = read_file(cd, nullptr, "cardid", id); rc != 0 || id.size() != 16)
      return "CardReadFile(cardid) failed: " + std::to_string(rc);
  }
  return "";
}

pid_t spawn_worker(Env& env, const std::string& spec) {
  std::vector<std::string> args = {env.options().self_exe, "--lib", env.options().library_path,
                                   "--worker", spec};
  if (!env.options().config_path.empty()) {
    args.push_back("--config");
    args.push_back(env.options().config_path);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
  return pid;
}

void stress_nodes(Registry& r) {
  r.add("stress.two_processes",
        "two processes sign and read concurrently on one card (each its own CARD_DATA)",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          TempContainer k(check, env, cs->cd(), AT_ECDSA_P256, 0);
          const std::string spec = "sign:" + std::to_string(k.index) + ":" +
                                   std::to_string(env.config().stress_iterations);
          const pid_t a = spawn_worker(env, spec), b = spawn_worker(env, spec);
          check.require(a > 0 && b > 0, "cannot start the worker processes");
          int sa = 0, sb = 0;
          waitpid(a, &sa, 0);
          waitpid(b, &sb, 0);
          check.require(WIFEXITED(sa) && WEXITSTATUS(sa) == 0, "worker 1 failed (see its stderr)");
          check.require(WIFEXITED(sb) && WEXITSTATUS(sb) == 0, "worker 2 failed (see its stderr)");
        });
  r.add("stress.two_cards", "both cards sign concurrently from two threads",
        [](Env& env, Checker& check) {
          auto a = env.open(0);
          auto b = env.open(1);
          TempContainer ka(check, env, a->cd(), AT_ECDSA_P256, 0);
          TempContainer kb(check, env, b->cd(), AT_ECDSA_P256, 0);
          std::string ea, eb;
          const unsigned n = env.config().stress_iterations;
          std::thread ta([&] {
            AllocTracker::Use use(env.tracker());
            ea = sign_loop(env, a->cd(), a->conn, ka.index, n);
          });
          std::thread tb([&] {
            AllocTracker::Use use(env.tracker());
            eb = sign_loop(env, b->cd(), b->conn, kb.index, n);
          });
          ta.join();
          tb.join();
          check.require(ea.empty(), "card 1: " + ea);
          check.require(eb.empty(), "card 2: " + eb);
        });
  r.add("stress.five_threads", "five threads, each with its own connection and CARD_DATA, sign",
        [](Env& env, Checker& check) {
          auto setup = env.open(0);
          TempContainer k(check, env, setup->cd(), AT_ECDSA_P256, 0);
          const unsigned threads = env.config().stress_threads;
          std::vector<std::unique_ptr<CardSession>> sessions;
          for (unsigned i = 0; i < threads; ++i) sessions.push_back(env.open(0));
          std::vector<std::string> errors(threads);
          std::vector<std::thread> pool;
          for (unsigned i = 0; i < threads; ++i)
            pool.emplace_back([&, i] {
              AllocTracker::Use use(env.tracker());
              errors[i] = sign_loop(env, sessions[i]->cd(), sessions[i]->conn, k.index,
                                    env.config().stress_iterations);
            });
          for (auto& t : pool) t.join();
          for (unsigned i = 0; i < threads; ++i)
            check.require(errors[i].empty(), "thread " + std::to_string(i + 1) + ": " + errors[i]);
        });
}

void reconnect_nodes(Registry& r) {
  r.add("reconnect.reset",
        "card reset by another handle: the next call -> SCARD_W_RESET_CARD; after SCardReconnect "
        "the same CARD_DATA works and the user is no longer authenticated",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx");
          {
            pcsc::Connection other;
            check.rc(0, pcsc::connect(env.reader(0), other), "second SCardConnect");
            check.rc(0, pcsc::reset(other), "SCardReconnect(RESET) on the second handle");
            pcsc::disconnect(other);
          }
          Bytes id;
          check.rc(SCARD_W_RESET_CARD, read_file(cd, nullptr, "cardid", id),
                   "CardReadFile right after the reset");
          check.rc(0, pcsc::reconnect(cs->conn), "SCardReconnect(LEAVE)");
          check.rc(0, read_file(cd, nullptr, "cardid", id), "CardReadFile after reconnecting");
          DWORD s = 0;
          check.rc(0, get_property_dword(cd, CP_CARD_AUTHENTICATED_STATE, s), "state");
          check.require(!IS_PIN_SET(s, ROLE_USER), "the user is still authenticated after a reset");
        });
  r.add("reconnect.remove_insert",
        "card removed mid-session (hook): the next call -> SCARD_W_REMOVED_CARD, CardDeleteContext "
        "still succeeds; after insertion a new context works",
        [](Env& env, Checker& check) {
          const auto& c = env.config();
          if (c.hook_remove.empty()) check.skip("config: no remove/insert hooks");
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          Bytes id;
          check.rc(0, read_file(cd, nullptr, "cardid", id), "CardReadFile before removal");
          env.run_hook(c.hook_remove, "remove");
          const bool gone = pcsc::wait_card(env.reader(0), false, c.reader_wait_seconds);
          DWORD after = 0;
          if (gone) after = read_file(cd, nullptr, "cardid", id);
          const DWORD deleted = (*cs)->delete_context();
          env.run_hook(c.hook_insert, "insert");
          const bool back = pcsc::wait_card(env.reader(0), true, c.reader_wait_seconds);
          if (env.readers_known() > 1) pcsc::wait_card(env.reader(1), true, c.reader_wait_seconds);
          check.require(gone, "the reader still holds a card after the remove hook");
          check.require(back, "no card after the insert hook");
          check.rc(SCARD_W_REMOVED_CARD, after, "CardReadFile after removal");
          check.rc(0, deleted, "CardDeleteContext after removal");
          auto fresh = env.open(0);
          check.rc(0, read_file(fresh->cd(), nullptr, "cardid", id),
                   "CardReadFile after insertion");
        });
}

void memory_node(Registry& r, const std::string& name, const std::string& what,
                 std::function<DWORD(Env&, Checker&, CARD_DATA*, BYTE)> call,
                 bool container = false) {
  r.add("memory." + name, what + " with a failing allocator -> SCARD_E_NO_MEMORY, nothing leaked",
        [=](Env& env, Checker& check) {
          auto cs = env.open(0);
          std::unique_ptr<TempContainer> k;
          if (container)
            k = std::make_unique<TempContainer>(check, env, cs->cd(), AT_ECDSA_P256, 0);
          const long before = env.tracker().live();
          env.tracker().fail_after(0);
          DWORD rc = 0;
          try {
            rc = call(env, check, cs->cd(), k ? k->index : 0);
          } catch (...) {
            env.tracker().fail_after(-1);
            throw;
          }
          env.tracker().fail_after(-1);
          check.require(env.tracker().live() == before,
                        std::to_string(env.tracker().live() - before) + " block(s) leaked");
          check.rc(SCARD_E_NO_MEMORY, rc, what);
        });
}

void memory_nodes(Registry& r) {
  memory_node(r, "read_file", "CardReadFile(cardid)", [](Env&, Checker&, CARD_DATA* cd, BYTE) {
    std::string n = "cardid";
    PBYTE d = nullptr;
    DWORD cb = 0;
    return cd->pfnCardReadFile(cd, nullptr, n.data(), 0, &d, &cb);
  });
  memory_node(r, "enum_files", "CardEnumFiles(mscp)", [](Env&, Checker&, CARD_DATA* cd, BYTE) {
    std::string d = "mscp";
    LPSTR names = nullptr;
    DWORD cb = 0;
    return cd->pfnCardEnumFiles(cd, d.data(), &names, &cb, 0);
  });
  memory_node(
      r, "container_info", "CardGetContainerInfo",
      [](Env&, Checker&, CARD_DATA* cd, BYTE idx) {
        CONTAINER_INFO i{CONTAINER_INFO_CURRENT_VERSION, 0, 0, nullptr, 0, nullptr};
        return cd->pfnCardGetContainerInfo(cd, idx, 0, &i);
      },
      true);
  memory_node(
      r, "sign", "CardSignData (ECDSA)",
      [](Env& env, Checker& check, CARD_DATA* cd, BYTE idx) {
        env.tracker().fail_after(-1);
        check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx");
        env.tracker().fail_after(0);
        Bytes digest(32, 0x11);
        CARD_SIGNING_INFO info{};
        info.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
        info.bContainerIndex = idx;
        info.dwKeySpec = AT_ECDSA_P256;
        info.aiHashAlg = CALG_SHA_256;
        info.pbData = digest.data();
        info.cbData = 32;
        return cd->pfnCardSignData(cd, &info);
      },
      true);
  memory_node(r, "get_challenge", "CardGetChallengeEx(ROLE_ADMIN)",
              [](Env& env, Checker& check, CARD_DATA* cd, BYTE) {
                need(check, env.config(), cd->pfnCardGetChallengeEx, "CardGetChallengeEx");
                PBYTE c = nullptr;
                DWORD cb = 0;
                return cd->pfnCardGetChallengeEx(cd, ROLE_ADMIN, &c, &cb, 0);
              });
  r.add(
      "memory.md_encrypt",
      "MDEncryptData (no-card mode) with a failing allocator -> SCARD_E_NO_MEMORY, nothing leaked",
      [](Env& env, Checker& check) {
        if (!env.config().ski) check.skip("config: no SKI");
        auto s = env.open_no_card();
        CARD_DATA* cd = s->cd();
        const CARD_KEY_HANDLE h = server_import(check, cd, CARD_AES_ALGORITHM, Bytes(32, 3));
        Bytes p = authenticate_struct(0, Bytes{'1', '2'});
        const long before = env.tracker().live();
        env.tracker().fail_after(0);
        PCARD_ENCRYPTED_DATA e = nullptr;
        DWORD n = 0;
        const DWORD rc = cd->pfnMDEncryptData(cd, h, CSF_AUTHENTICATE, p.data(),
                                              static_cast<DWORD>(p.size()), 0, &e, &n);
        env.tracker().fail_after(-1);
        if (rc == 0 && e) cd->pfnCspFree(e);
        cd->pfnCardDestroyKey(cd, h);
        check.require(env.tracker().live() == before, "MDEncryptData leaked");
        check.rc(SCARD_E_NO_MEMORY, rc, "MDEncryptData");
      });
  r.add("memory.each_allocation",
        "CardEnumFiles, CardReadFile and CardGetContainerInfo with the Nth allocation failing, for "
        "every N the call makes: SCARD_E_NO_MEMORY, then success, nothing leaked",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          TempContainer k(check, env, cd, AT_ECDSA_P256, 0);
          const long before = env.tracker().live();
          auto one = [&](long n) {
            env.tracker().fail_after(n);
            DWORD rc = 0;
            std::string dir = "mscp", name = "cmapfile";
            LPSTR names = nullptr;
            DWORD cb = 0;
            PBYTE data = nullptr;
            CONTAINER_INFO info{CONTAINER_INFO_CURRENT_VERSION, 0, 0, nullptr, 0, nullptr};
            rc = cd->pfnCardEnumFiles(cd, dir.data(), &names, &cb, 0);
            if (rc == 0) rc = cd->pfnCardReadFile(cd, dir.data(), name.data(), 0, &data, &cb);
            if (rc == 0) rc = cd->pfnCardGetContainerInfo(cd, k.index, 0, &info);
            env.tracker().fail_after(-1);
            for (void* b : {static_cast<void*>(names), static_cast<void*>(data),
                            static_cast<void*>(info.pbSigPublicKey),
                            static_cast<void*>(info.pbKeyExPublicKey)})
              if (b) cd->pfnCspFree(b);
            return rc;
          };
          long n = 0;
          for (; n < 16; ++n) {
            const DWORD rc = one(n);
            if (rc == 0) break;
            check.rc(SCARD_E_NO_MEMORY, rc, "allocation " + std::to_string(n + 1) + " failing");
            check.require(env.tracker().live() == before,
                          "leak after allocation " + std::to_string(n + 1) + " failed");
          }
          check.require(n > 0 && n < 16, "the sequence made no allocation, or more than 15");
          check.require(env.tracker().live() == before, "leak after the successful sequence");
          check.rc(0, 0, std::to_string(n) + " allocation(s), each failure handled");
        });
  r.add("memory.no_leak_sequence",
        "reads, enumeration, container info, signing and properties leave no CSP block behind",
        [](Env& env, Checker& check) {
          const long before = env.tracker().live();
          {
            auto cs = env.open(0);
            CARD_DATA* cd = cs->cd();
            TempContainer k(check, env, cd, AT_ECDSA_P256, 0);
            check.require(sign_loop(env, cd, cs->conn, k.index, 2).empty(), "sign loop failed");
            Bytes v;
            read_file(cd, "mscp", "cmapfile", v);
            get_property(cd, CP_CARD_GUID, v);
          }
          check.require(env.tracker().live() == before,
                        std::to_string(env.tracker().live() - before) + " CSP block(s) leaked");
          check.require(env.tracker().bad_frees() == 0,
                        "the minidriver freed blocks it did not own");
        });
}

void block_nodes(Registry& r) {
  r.add(
      "pin.block_and_unblock",
      "card 2: max_tries wrong PINs block it (right PIN -> SCARD_W_CHV_BLOCKED); CardUnblockPin "
      "with the admin response and a new PIN -> 0; the PIN works again",
      [](Env& env, Checker& check) {
        const auto& c = env.config();
        if (!c.block_pin) check.skip("config: block_pin false");
        if (c.admin_key.algorithm == "none") check.skip("config: no admin key to unblock");
        auto cs = env.open(1);
        CARD_DATA* cd = cs->cd();
        need(check, c, cd->pfnCardUnblockPin, "CardUnblockPin");
        Bytes bad = pin_bytes(c.user_pin), good = bad;
        bad.back() ^= 1;
        DWORD tries = 0, rc = 0;
        for (unsigned i = 0; i < c.pin_max_tries; ++i)
          rc = cd->pfnCardAuthenticateEx(cd, ROLE_USER, 0, bad.data(),
                                         static_cast<DWORD>(bad.size()), nullptr, nullptr, &tries);
        check.rc_any({SCARD_W_WRONG_CHV, SCARD_W_CHV_BLOCKED}, rc, "the last wrong PIN");
        check.rc(
            SCARD_W_CHV_BLOCKED,
            cd->pfnCardAuthenticateEx(cd, ROLE_USER, 0, good.data(),
                                      static_cast<DWORD>(good.size()), nullptr, nullptr, &tries),
            "the right PIN on a blocked card");
        PBYTE ch = nullptr;
        DWORD cb = 0;
        check.rc(0, cd->pfnCardGetChallenge(cd, &ch, &cb), "CardGetChallenge");
        Bytes resp = admin_response(c, Bytes(ch, ch + cb));
        cd->pfnCspFree(ch);
        std::u16string user = u"user";
        check.rc(0,
                 cd->pfnCardUnblockPin(
                     cd, user.data(), resp.data(), static_cast<DWORD>(resp.size()), good.data(),
                     static_cast<DWORD>(good.size()), 0, CARD_AUTHENTICATE_PIN_CHALLENGE_RESPONSE),
                 "CardUnblockPin");
        check.rc(0, authenticate_user(cd, c), "the PIN after unblocking");
      });
  r.add(
      "pin.block_and_unblock_ex",
      "card 2: blocked again; CardChangeAuthenticatorEx(UNBLOCK, ROLE_ADMIN response -> ROLE_USER) "
      "-> 0; the PIN works again",
      [](Env& env, Checker& check) {
        const auto& c = env.config();
        if (!c.block_pin) check.skip("config: block_pin false");
        if (c.admin_key.algorithm == "none") check.skip("config: no admin key to unblock");
        auto cs = env.open(1);
        CARD_DATA* cd = cs->cd();
        need(check, c, cd->pfnCardGetChallengeEx, "CardGetChallengeEx");
        Bytes bad = pin_bytes(c.user_pin), good = bad;
        bad.back() ^= 1;
        DWORD tries = 0;
        for (unsigned i = 0; i < c.pin_max_tries; ++i)
          cd->pfnCardAuthenticateEx(cd, ROLE_USER, 0, bad.data(), static_cast<DWORD>(bad.size()),
                                    nullptr, nullptr, &tries);
        PBYTE ch = nullptr;
        DWORD cb = 0;
        check.rc(0, cd->pfnCardGetChallengeEx(cd, ROLE_ADMIN, &ch, &cb, 0), "CardGetChallengeEx");
        Bytes resp = admin_response(c, Bytes(ch, ch + cb));
        cd->pfnCspFree(ch);
        check.rc(0,
                 cd->pfnCardChangeAuthenticatorEx(cd, PIN_CHANGE_FLAG_UNBLOCK, ROLE_ADMIN,
                                                  resp.data(), static_cast<DWORD>(resp.size()),
                                                  ROLE_USER, good.data(),
                                                  static_cast<DWORD>(good.size()), 0, &tries),
                 "CardChangeAuthenticatorEx(UNBLOCK)");
        check.rc(0, authenticate_user(cd, c), "the PIN after unblocking");
      });
}

}  // namespace

void register_stress_nodes(Registry& r) {
  stress_nodes(r);
  reconnect_nodes(r);
  memory_nodes(r);
  register_speed_nodes(r);
  block_nodes(r);
}

int run_worker(const std::string& spec, Env& env) {
  // "sign:INDEX:N"
  unsigned index = 0, n = 0;
  if (std::sscanf(spec.c_str(), "sign:%u:%u", &index, &n) != 2) {
    std::fprintf(stderr, "softcard-mdtest: unknown worker %s\n", spec.c_str());
    return 2;
  }
  try {
    AllocTracker::Use use(env.tracker());
    auto cs = env.open(0);
    const std::string err = sign_loop(env, cs->cd(), cs->conn, static_cast<BYTE>(index), n);
    if (!err.empty()) {
      std::fprintf(stderr, "softcard-mdtest worker: %s\n", err.c_str());
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "softcard-mdtest worker: %s\n", e.what());
    return 1;
  }
}

}  // namespace softcard::mdtest
