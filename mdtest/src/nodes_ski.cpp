// ski.*: Secure Key Injection. The server half runs in no-card mode (CARD_SECURE_KEY_INJECTION_
// NO_CARD_MODE), the client half on the card; every flow is checked end to end (the card's
// result is observed: a container appears, a PIN verifies).
#include <cstring>

#include "negative.h"
#include "nodes.h"
#include "ski_support.h"

namespace softcard::mdtest {

void register_ski_client_nodes(Registry& r);
void register_ski_session_nodes(Registry& r);

namespace {

void need_ski(Env& env, Checker& check) {
  if (!env.config().ski) check.skip("config: no SKI");
}

// A no-card node with one imported AES-256 key on the server.
void server_node(Registry& r, const std::string& name, const std::string& what,
                 std::function<void(Env&, Checker&, CARD_DATA*, CARD_KEY_HANDLE)> body) {
  r.add("ski.server." + name, what, [body](Env& env, Checker& check) {
    need_ski(env, check);
    auto s = env.open_no_card();
    CARD_DATA* cd = s->cd();
    const CARD_KEY_HANDLE h =
        server_import(check, cd, CARD_AES_ALGORITHM, verify::random_bytes(32));
    body(env, check, cd, h);
    cd->pfnCardDestroyKey(cd, h);
  });
}

DWORD import_raw(CARD_DATA* cd, LPCWSTR type, LPCWSTR alg, const Bytes& blob, CARD_KEY_HANDLE* h) {
  Bytes copy = blob;
  return cd->pfnMDImportSessionKey(cd, type, alg, h, copy.empty() ? nullptr : copy.data(),
                                   static_cast<DWORD>(copy.size()));
}

void md_import_case(Registry& r, const std::string& name, const std::string& what, DWORD expected,
                    LPCWSTR type, LPCWSTR alg, std::function<Bytes()> blob,
                    bool null_handle = false) {
  r.add("ski.server.import_" + name, "MDImportSessionKey " + what + " -> " + error_name(expected),
        [=](Env& env, Checker& check) {
          need_ski(env, check);
          auto s = env.open_no_card();
          CARD_KEY_HANDLE h = 0;
          const DWORD rc = import_raw(s->cd(), type, alg, blob(), null_handle ? nullptr : &h);
          if (rc == 0 && h) s->cd()->pfnCardDestroyKey(s->cd(), h);
          check.rc(expected, rc, "MDImportSessionKey(" + what + ")");
        });
}

DWORD get_key_prop(CARD_DATA* cd, CARD_KEY_HANDLE h, LPCWSTR prop, Bytes& out, DWORD flags = 0) {
  out.assign(256, 0);
  DWORD len = 0;
  const DWORD rc = cd->pfnCardGetKeyProperty(cd, h, prop, out.data(), 256, &len, flags);
  out.resize(rc == 0 ? len : 0);
  return rc;
}

DWORD set_key_prop(CARD_DATA* cd, CARD_KEY_HANDLE h, LPCWSTR prop, Bytes value, DWORD flags = 0) {
  return cd->pfnCardSetKeyProperty(cd, h, prop, value.data(), static_cast<DWORD>(value.size()),
                                   flags);
}

Bytes wide_bytes(const std::u16string& s) {
  Bytes b;
  for (char16_t c : s) {
    b.push_back(static_cast<BYTE>(c));
    b.push_back(static_cast<BYTE>(c >> 8));
  }
  b.push_back(0);
  b.push_back(0);
  return b;
}

DWORD get_alg_prop(CARD_DATA* cd, LPCWSTR alg, LPCWSTR prop, Bytes& out, DWORD flags = 0) {
  out.assign(256, 0);
  DWORD len = 0;
  const DWORD rc = cd->pfnCardGetAlgorithmProperty(cd, alg, prop, out.data(), 256, &len, flags);
  out.resize(rc == 0 ? len : 0);
  return rc;
}

DWORD dword_of(const Bytes& b) {
  return b.size() >= 4 ? (b[0] | b[1] << 8 | b[2] << 16 | static_cast<DWORD>(b[3]) << 24)
                       : 0xFFFFFFFF;
}

void server_nodes(Registry& r) {
  for (auto [alg, len] :
       {std::pair{u"AES", 16}, {u"AES", 24}, {u"AES", 32}, {u"3DES", 24}, {u"3DES_112", 16}}) {
    const std::u16string walg = alg;
    const std::string a(walg.begin(), walg.end());
    const std::string name = a + "_" + std::to_string(len * 8);
    r.add("ski.server.import_" + name,
          "MDImportSessionKey(KeyDataBlob, " + name + ") -> 0, handle != 0",
          [alg = alg, len = len, a](Env& env, Checker& check) {  // clang 14: no binding captures
            need_ski(env, check);
            if (!Config::has(env.config().ski_algorithms, a)) check.skip("config: algorithm");
            auto s = env.open_no_card();
            const CARD_KEY_HANDLE h = server_import(check, s->cd(), alg, verify::random_bytes(len));
            check.rc(0, s->cd()->pfnCardDestroyKey(s->cd(), h), "CardDestroyKey");
          });
  }
  md_import_case(r, "bad_blob_type", "with blob type L\"OpaqueKeyBlob\"", SCARD_E_INVALID_PARAMETER,
                 u"OpaqueKeyBlob", CARD_AES_ALGORITHM, [] { return key_data_blob(Bytes(32, 1)); });
  md_import_case(r, "bad_algorithm", "with algorithm L\"RC4\"", SCARD_E_INVALID_PARAMETER,
                 BCRYPT_KEY_DATA_BLOB, u"RC4", [] { return key_data_blob(Bytes(16, 1)); });
  md_import_case(r, "algorithm_case", "with algorithm L\"aes\" (case differs)",
                 SCARD_E_INVALID_PARAMETER, BCRYPT_KEY_DATA_BLOB, u"aes",
                 [] { return key_data_blob(Bytes(16, 1)); });
  md_import_case(r, "bad_key_length", "AES with a 15-byte key", SCARD_E_INVALID_PARAMETER,
                 BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM,
                 [] { return key_data_blob(Bytes(15, 1)); });
  md_import_case(r, "bad_magic", "a blob with a wrong magic", SCARD_E_INVALID_PARAMETER,
                 BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM, [] {
                   Bytes b = key_data_blob(Bytes(16, 1));
                   b[0] ^= 0xFF;
                   return b;
                 });
  md_import_case(r, "length_mismatch", "cbKeyData larger than the blob", SCARD_E_INVALID_PARAMETER,
                 BCRYPT_KEY_DATA_BLOB, CARD_AES_ALGORITHM, [] {
                   Bytes b = key_data_blob(Bytes(16, 1));
                   b[8] = 32;
                   return b;
                 });
  md_import_case(r, "null_input", "pbInput NULL", SCARD_E_INVALID_PARAMETER, BCRYPT_KEY_DATA_BLOB,
                 CARD_AES_ALGORITHM, [] { return Bytes(); });
  md_import_case(
      r, "null_handle", "phKey NULL", SCARD_E_INVALID_PARAMETER, BCRYPT_KEY_DATA_BLOB,
      CARD_AES_ALGORITHM, [] { return key_data_blob(Bytes(16, 1)); }, true);

  server_node(r, "encrypt_one_blob", "MDEncryptData(CSF_AUTHENTICATE): one blob, freed in one call",
              [](Env& env, Checker& check, CARD_DATA* cd, CARD_KEY_HANDLE h) {
                SessionKeys k;
                k.server = cd;
                k.on_server = h;
                const long before = env.tracker().live();
                server_encrypt(check, k, CSF_AUTHENTICATE, authenticate_struct(0, Bytes{'1', '2'}));
                k.on_server = 0;  // destroyed by server_node
                check.require(env.tracker().live() == before, "MDEncryptData output leaked");
              });
  server_node(r, "encrypt_fresh", "two MDEncryptData of the same input give different blobs",
              [](Env&, Checker& check, CARD_DATA* cd, CARD_KEY_HANDLE h) {
                SessionKeys k;
                k.server = cd;
                k.on_server = h;
                const Bytes p = authenticate_struct(0, Bytes{'1', '2'});
                const Bytes a = server_encrypt(check, k, CSF_AUTHENTICATE, p);
                const Bytes b = server_encrypt(check, k, CSF_AUTHENTICATE, p);
                k.on_server = 0;
                check.require(a != b, "identical blobs (no fresh IV/nonce)");
              });
  auto enc_case = [&r](const std::string& name, const std::string& what, DWORD expected,
                       std::function<DWORD(CARD_DATA*, CARD_KEY_HANDLE, Bytes&)> call) {
    server_node(r, "encrypt_" + name, "MDEncryptData " + what + " -> " + error_name(expected),
                [=](Env&, Checker& check, CARD_DATA* cd, CARD_KEY_HANDLE h) {
                  Bytes p = authenticate_struct(0, Bytes{'1', '2'});
                  check.rc(expected, call(cd, h, p), "MDEncryptData(" + what + ")");
                });
  };
  auto enc = [](CARD_DATA* cd, CARD_KEY_HANDLE h, LPCWSTR f, Bytes& p, DWORD flags) {
    PCARD_ENCRYPTED_DATA e = nullptr;
    DWORD n = 0;
    const DWORD rc =
        cd->pfnMDEncryptData(cd, h, f, p.data(), static_cast<DWORD>(p.size()), flags, &e, &n);
    if (e) cd->pfnCspFree(e);
    return rc;
  };
  enc_case(
      "bad_function", "with pwszSecureFunction L\"Nothing\"", SCARD_E_INVALID_PARAMETER,
      [enc](CARD_DATA* cd, CARD_KEY_HANDLE h, Bytes& p) { return enc(cd, h, u"Nothing", p, 0); });
  enc_case("flags_0xFF", "with dwFlags 0xFF", SCARD_E_INVALID_PARAMETER,
           [enc](CARD_DATA* cd, CARD_KEY_HANDLE h, Bytes& p) {
             return enc(cd, h, CSF_AUTHENTICATE, p, 0xFF);
           });
  enc_case("bad_handle", "with a handle never issued", SCARD_E_INVALID_HANDLE,
           [enc](CARD_DATA* cd, CARD_KEY_HANDLE h, Bytes& p) {
             return enc(cd, h + 1000, CSF_AUTHENTICATE, p, 0);
           });
  enc_case("null_output", "with ppEncryptedData NULL", SCARD_E_INVALID_PARAMETER,
           [](CARD_DATA* cd, CARD_KEY_HANDLE h, Bytes& p) {
             DWORD n = 0;
             return cd->pfnMDEncryptData(cd, h, CSF_AUTHENTICATE, p.data(),
                                         static_cast<DWORD>(p.size()), 0, nullptr, &n);
           });

  server_node(
      r, "key_property_defaults", "a new key: ChainingModeCBC, BlockLength 16 (AES)",
      [](Env&, Checker& check, CARD_DATA* cd, CARD_KEY_HANDLE h) {
        Bytes v;
        check.rc(0, get_key_prop(cd, h, CKP_CHAINING_MODE, v), "CardGetKeyProperty(ChainingMode)");
        check.require(v == wide_bytes(CARD_CHAIN_MODE_CBC), "default mode is not CBC");
        check.rc(0, get_key_prop(cd, h, CKP_BLOCK_LENGTH, v), "CardGetKeyProperty(BlockLength)");
        check.require(dword_of(v) == 16, "block length " + std::to_string(dword_of(v)));
      });
  server_node(
      r, "key_property_iv", "CardSetKeyProperty(IV, 16 bytes) then Get returns it",
      [](Env&, Checker& check, CARD_DATA* cd, CARD_KEY_HANDLE h) {
        const Bytes iv = verify::random_bytes(16);
        check.rc(0, set_key_prop(cd, h, CKP_INITIALIZATION_VECTOR, iv), "CardSetKeyProperty(IV)");
        Bytes v;
        check.rc(0, get_key_prop(cd, h, CKP_INITIALIZATION_VECTOR, v), "CardGetKeyProperty(IV)");
        check.require(v == iv, "IV read back differs");
      });
  auto prop_case = [&r](const std::string& name, const std::string& what, DWORD expected,
                        std::function<DWORD(CARD_DATA*, CARD_KEY_HANDLE)> call) {
    server_node(r, name, what + " -> " + error_name(expected),
                [=](Env&, Checker& check, CARD_DATA* cd, CARD_KEY_HANDLE h) {
                  check.rc(expected, call(cd, h), what);
                });
  };
  prop_case("set_iv_wrong_length", "CardSetKeyProperty(IV, 5 bytes)", SCARD_E_INVALID_PARAMETER,
            [](CARD_DATA* cd, CARD_KEY_HANDLE h) {
              return set_key_prop(cd, h, CKP_INITIALIZATION_VECTOR, Bytes(5, 0));
            });
  prop_case("set_mode_unknown", "CardSetKeyProperty(ChainingMode, L\"ChainingModeXYZ\")",
            SCARD_E_INVALID_PARAMETER, [](CARD_DATA* cd, CARD_KEY_HANDLE h) {
              return set_key_prop(cd, h, CKP_CHAINING_MODE, wide_bytes(u"ChainingModeXYZ"));
            });
  prop_case(
      "set_unknown_property", "CardSetKeyProperty(L\"Colour\")", SCARD_E_INVALID_PARAMETER,
      [](CARD_DATA* cd, CARD_KEY_HANDLE h) { return set_key_prop(cd, h, u"Colour", Bytes(4, 0)); });
  prop_case("set_flags_1", "CardSetKeyProperty(IV) with dwFlags 1", SCARD_E_INVALID_PARAMETER,
            [](CARD_DATA* cd, CARD_KEY_HANDLE h) {
              return set_key_prop(cd, h, CKP_INITIALIZATION_VECTOR, Bytes(16, 0), 1);
            });
  prop_case("get_unknown_property", "CardGetKeyProperty(L\"Colour\")", SCARD_E_INVALID_PARAMETER,
            [](CARD_DATA* cd, CARD_KEY_HANDLE h) {
              Bytes v;
              return get_key_prop(cd, h, u"Colour", v);
            });
  prop_case("get_flags_1", "CardGetKeyProperty(ChainingMode) with dwFlags 1",
            SCARD_E_INVALID_PARAMETER, [](CARD_DATA* cd, CARD_KEY_HANDLE h) {
              Bytes v;
              return get_key_prop(cd, h, CKP_CHAINING_MODE, v, 1);
            });
  prop_case("get_bad_handle", "CardGetKeyProperty on a handle never issued", SCARD_E_INVALID_HANDLE,
            [](CARD_DATA* cd, CARD_KEY_HANDLE h) {
              Bytes v;
              return get_key_prop(cd, h + 1000, CKP_CHAINING_MODE, v);
            });
  prop_case("get_short_buffer", "CardGetKeyProperty(IV) into 1 byte", ERROR_INSUFFICIENT_BUFFER,
            [](CARD_DATA* cd, CARD_KEY_HANDLE h) {
              BYTE b[1];
              DWORD len = 0;
              return cd->pfnCardGetKeyProperty(cd, h, CKP_INITIALIZATION_VECTOR, b, 1, &len, 0);
            });
  prop_case("destroy_twice", "CardDestroyKey twice: the second", SCARD_E_INVALID_HANDLE,
            [](CARD_DATA* cd, CARD_KEY_HANDLE) {
              Checker c;
              const CARD_KEY_HANDLE x = server_import(c, cd, CARD_AES_ALGORITHM, Bytes(16, 7));
              cd->pfnCardDestroyKey(cd, x);
              return cd->pfnCardDestroyKey(cd, x);
            });
  prop_case("destroy_zero", "CardDestroyKey(0)", SCARD_E_INVALID_HANDLE,
            [](CARD_DATA* cd, CARD_KEY_HANDLE) { return cd->pfnCardDestroyKey(cd, 0); });

  struct AlgProp {
    const char* name;
    const char16_t* alg;
    DWORD block;
  };
  for (auto [name, alg, block] : {AlgProp{"AES", u"AES", 16}, AlgProp{"3DES", u"3DES", 8},
                                  AlgProp{"3DES_112", u"3DES_112", 8}})
    r.add(std::string("ski.server.algorithm_block_length_") + name,
          std::string("CardGetAlgorithmProperty(") + name +
              ", BlockLength) = " + std::to_string(block),
          [name = name, alg = alg, block = block](Env& env, Checker& check) {
            need_ski(env, check);
            if (!Config::has(env.config().ski_algorithms, std::string(name)))
              check.skip("config: algorithm");
            auto s = env.open_no_card();
            Bytes v;
            check.rc(0, get_alg_prop(s->cd(), alg, CKP_BLOCK_LENGTH, v),
                     "CardGetAlgorithmProperty");
            check.require(dword_of(v) == block, "block length " + std::to_string(dword_of(v)));
          });
  r.add("ski.server.algorithm_key_lengths",
        "CardGetAlgorithmProperty(AES, KeyLengths) = 128..256/64", [](Env& env, Checker& check) {
          need_ski(env, check);
          auto s = env.open_no_card();
          Bytes v;
          check.rc(0, get_alg_prop(s->cd(), CARD_AES_ALGORITHM, SOFTCARD_KEY_LENGTHS, v),
                   "CardGetAlgorithmProperty(KeyLengths)");
          check.require(v.size() == sizeof(BCRYPT_KEY_LENGTHS_STRUCT), "size");
          BCRYPT_KEY_LENGTHS_STRUCT k{};
          std::memcpy(&k, v.data(), sizeof k);
          check.require(k.dwMinLength == 128 && k.dwMaxLength == 256 && k.dwIncrement == 64,
                        "not 128..256 step 64");
        });
  auto alg_neg = [&r](const std::string& name, const std::string& what, DWORD expected, LPCWSTR alg,
                      LPCWSTR prop, DWORD flags) {
    r.add("ski.server.algorithm_" + name,
          "CardGetAlgorithmProperty " + what + " -> " + error_name(expected),
          [=](Env& env, Checker& check) {
            need_ski(env, check);
            auto s = env.open_no_card();
            Bytes v;
            check.rc(expected, get_alg_prop(s->cd(), alg, prop, v, flags), what);
          });
  };
  alg_neg("unknown_algorithm", "(L\"RC4\", BlockLength)", SCARD_E_INVALID_PARAMETER, u"RC4",
          CKP_BLOCK_LENGTH, 0);
  alg_neg("unknown_property", "(AES, L\"Colour\")", SCARD_E_INVALID_PARAMETER, CARD_AES_ALGORITHM,
          u"Colour", 0);
  alg_neg("flags_1", "(AES, BlockLength) with dwFlags 1", SCARD_E_INVALID_PARAMETER,
          CARD_AES_ALGORITHM, CKP_BLOCK_LENGTH, 1);
  alg_neg("null_algorithm", "(NULL, BlockLength)", SCARD_E_INVALID_PARAMETER, nullptr,
          CKP_BLOCK_LENGTH, 0);
}

}  // namespace

void register_ski_nodes(Registry& r) {
  server_nodes(r);
  register_ski_client_nodes(r);
  register_ski_session_nodes(r);
}

}  // namespace softcard::mdtest
