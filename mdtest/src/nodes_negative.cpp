// neg.*: the negative matrix for files, queries and properties (keys and PINs:
// nodes_negative_keys).
#include "negative.h"
#include "nodes.h"

namespace softcard::mdtest {

void register_negative_key_nodes(Registry& r);

namespace {

// Mutable char buffers for the LPSTR parameters.
struct S {
  explicit S(const char* s) : text(s ? s : "") {}
  LPSTR get() { return text.data(); }
  std::string text;
};

DWORD read_with(CARD_DATA* cd, const char* dir, const char* name, DWORD flags = 0) {
  S d(dir), n(name);
  PBYTE data = nullptr;
  DWORD cb = 0;
  const DWORD rc =
      cd->pfnCardReadFile(cd, dir ? d.get() : nullptr, name ? n.get() : nullptr, flags, &data, &cb);
  if (data) cd->pfnCspFree(data);
  return rc;
}

void file_nodes(Registry& r) {
  neg(r, "CardReadFile", "null_card_data", SCARD_E_INVALID_PARAMETER, "pCardData NULL",
      [](NegFixture& f) {
        S n("cardid");
        PBYTE d = nullptr;
        DWORD cb = 0;
        return f.cd->pfnCardReadFile(nullptr, nullptr, n.get(), 0, &d, &cb);
      });
  neg(r, "CardReadFile", "null_name", SCARD_E_INVALID_PARAMETER, "pszFileName NULL",
      [](NegFixture& f) { return read_with(f.cd, nullptr, nullptr); });
  neg(r, "CardReadFile", "empty_name", SCARD_E_INVALID_PARAMETER, "pszFileName \"\"",
      [](NegFixture& f) { return read_with(f.cd, nullptr, ""); });
  neg(r, "CardReadFile", "null_ppbData", SCARD_E_INVALID_PARAMETER, "ppbData NULL",
      [](NegFixture& f) {
        S n("cardid");
        DWORD cb = 0;
        return f.cd->pfnCardReadFile(f.cd, nullptr, n.get(), 0, nullptr, &cb);
      });
  neg(r, "CardReadFile", "null_pcbData", SCARD_E_INVALID_PARAMETER, "pcbData NULL",
      [](NegFixture& f) {
        S n("cardid");
        PBYTE d = nullptr;
        const DWORD rc = f.cd->pfnCardReadFile(f.cd, nullptr, n.get(), 0, &d, nullptr);
        if (d) f.cd->pfnCspFree(d);
        return rc;
      });
  for (DWORD flags : {1u, 0xFFu})
    neg(r, "CardReadFile", "flags_" + std::to_string(flags), SCARD_E_INVALID_PARAMETER,
        "dwFlags " + std::to_string(flags),
        [flags](NegFixture& f) { return read_with(f.cd, nullptr, "cardid", flags); });
  neg(r, "CardReadFile", "missing_file", SCARD_E_FILE_NOT_FOUND, "root file that does not exist",
      [](NegFixture& f) { return read_with(f.cd, nullptr, "nofile"); });
  neg(r, "CardReadFile", "missing_dir", SCARD_E_DIR_NOT_FOUND, "directory that does not exist",
      [](NegFixture& f) { return read_with(f.cd, "nodir", "cmapfile"); });
  neg(r, "CardReadFile", "name_case", SCARD_E_FILE_NOT_FOUND, "\"CARDID\" (names differ in case)",
      [](NegFixture& f) { return read_with(f.cd, nullptr, "CARDID"); });
  neg(r, "CardReadFile", "dir_case", SCARD_E_DIR_NOT_FOUND, "directory \"MSCP\" (case differs)",
      [](NegFixture& f) { return read_with(f.cd, "MSCP", "cmapfile"); });
  neg(r, "CardReadFile", "directory_as_file", SCARD_E_FILE_NOT_FOUND,
      "the directory \"mscp\" read as a file",
      [](NegFixture& f) { return read_with(f.cd, nullptr, "mscp"); });
  neg(r, "CardReadFile", "name_too_long", SCARD_E_INVALID_PARAMETER, "a 9-character name",
      [](NegFixture& f) { return read_with(f.cd, nullptr, "cardid123"); });
  neg(r, "CardReadFile", "file_in_wrong_dir", SCARD_E_FILE_NOT_FOUND,
      "\"cmapfile\" looked up in the root",
      [](NegFixture& f) { return read_with(f.cd, nullptr, "cmapfile"); });

  neg(r, "CardWriteFile", "null_card_data", SCARD_E_INVALID_PARAMETER, "pCardData NULL",
      [](NegFixture& f) {
        S n("cardcf");
        BYTE b[6] = {};
        return f.cd->pfnCardWriteFile(nullptr, nullptr, n.get(), 0, b, 6);
      });
  neg(r, "CardWriteFile", "null_name", SCARD_E_INVALID_PARAMETER, "pszFileName NULL",
      [](NegFixture& f) {
        BYTE b[6] = {};
        return f.cd->pfnCardWriteFile(f.cd, nullptr, nullptr, 0, b, 6);
      });
  neg(r, "CardWriteFile", "null_data", SCARD_E_INVALID_PARAMETER, "pbData NULL, cbData 6",
      [](NegFixture& f) {
        S n("cardcf");
        return f.cd->pfnCardWriteFile(f.cd, nullptr, n.get(), 0, nullptr, 6);
      });
  for (DWORD flags : {1u, 0xFFu})
    neg(r, "CardWriteFile", "flags_" + std::to_string(flags), SCARD_E_INVALID_PARAMETER,
        "dwFlags " + std::to_string(flags),
        [flags](NegFixture& f) {
          S n("cardcf");
          BYTE b[6] = {};
          return f.cd->pfnCardWriteFile(f.cd, nullptr, n.get(), flags, b, 6);
        },
        {.user = true});
  neg(r, "CardWriteFile", "missing_file", SCARD_E_FILE_NOT_FOUND, "a file that does not exist",
      [](NegFixture& f) {
        S n("nofile");
        BYTE b[4] = {};
        return f.cd->pfnCardWriteFile(f.cd, nullptr, n.get(), 0, b, 4);
      },
      {.user = true});
  neg(r, "CardWriteFile", "cardid_as_user", SCARD_W_SECURITY_VIOLATION,
      "cardid (EveryoneReadAdminWriteAc) written as the user",
      [](NegFixture& f) {
        S n("cardid");
        Bytes id(16, 0x11);
        return f.cd->pfnCardWriteFile(f.cd, nullptr, n.get(), 0, id.data(), 16);
      },
      {.user = true});
  neg(r, "CardWriteFile", "cmapfile_anonymous", SCARD_W_SECURITY_VIOLATION,
      "mscp/cmapfile written without authentication", [](NegFixture& f) {
        Bytes cmap;
        read_file(f.cd, "mscp", "cmapfile", cmap);
        S d("mscp"), n("cmapfile");
        return f.cd->pfnCardWriteFile(f.cd, d.get(), n.get(), 0, cmap.data(),
                                      static_cast<DWORD>(cmap.size()));
      });

  neg(r, "CardEnumFiles", "null_card_data", SCARD_E_INVALID_PARAMETER, "pCardData NULL",
      [](NegFixture& f) {
        LPSTR names = nullptr;
        DWORD cb = 0;
        return f.cd->pfnCardEnumFiles(nullptr, nullptr, &names, &cb, 0);
      });
  neg(r, "CardEnumFiles", "null_out", SCARD_E_INVALID_PARAMETER, "pmszFileNames NULL",
      [](NegFixture& f) {
        DWORD cb = 0;
        return f.cd->pfnCardEnumFiles(f.cd, nullptr, nullptr, &cb, 0);
      });
  neg(r, "CardEnumFiles", "null_len", SCARD_E_INVALID_PARAMETER, "pdwcbFileName NULL",
      [](NegFixture& f) {
        LPSTR names = nullptr;
        const DWORD rc = f.cd->pfnCardEnumFiles(f.cd, nullptr, &names, nullptr, 0);
        if (names) f.cd->pfnCspFree(names);
        return rc;
      });
  for (DWORD flags : {1u, 0xFFu})
    neg(r, "CardEnumFiles", "flags_" + std::to_string(flags), SCARD_E_INVALID_PARAMETER,
        "dwFlags " + std::to_string(flags), [flags](NegFixture& f) {
          LPSTR names = nullptr;
          DWORD cb = 0;
          const DWORD rc = f.cd->pfnCardEnumFiles(f.cd, nullptr, &names, &cb, flags);
          if (names) f.cd->pfnCspFree(names);
          return rc;
        });
  neg(r, "CardEnumFiles", "file_as_directory", SCARD_E_DIR_NOT_FOUND,
      "the file \"cardid\" enumerated as a directory", [](NegFixture& f) {
        S d("cardid");
        LPSTR names = nullptr;
        DWORD cb = 0;
        const DWORD rc = f.cd->pfnCardEnumFiles(f.cd, d.get(), &names, &cb, 0);
        if (names) f.cd->pfnCspFree(names);
        return rc;
      });
  neg(r, "CardEnumFiles", "missing_dir", SCARD_E_DIR_NOT_FOUND, "a directory that does not exist",
      [](NegFixture& f) {
        S d("nodir");
        LPSTR names = nullptr;
        DWORD cb = 0;
        const DWORD rc = f.cd->pfnCardEnumFiles(f.cd, d.get(), &names, &cb, 0);
        if (names) f.cd->pfnCspFree(names);
        return rc;
      });

  neg(r, "CardGetFileInfo", "null_info", SCARD_E_INVALID_PARAMETER, "pCardFileInfo NULL",
      [](NegFixture& f) {
        S n("cardid");
        return f.cd->pfnCardGetFileInfo(f.cd, nullptr, n.get(), nullptr);
      });
  neg(r, "CardGetFileInfo", "missing_file", SCARD_E_FILE_NOT_FOUND, "a file that does not exist",
      [](NegFixture& f) {
        S n("nofile");
        CARD_FILE_INFO info{CARD_FILE_INFO_CURRENT_VERSION, 0, InvalidAc};
        return f.cd->pfnCardGetFileInfo(f.cd, nullptr, n.get(), &info);
      });
  for (DWORD v : bad_versions({0, 1}))
    neg(r, "CardGetFileInfo", "version_" + std::to_string(v), ERROR_REVISION_MISMATCH,
        "CARD_FILE_INFO dwVersion " + std::to_string(v), [v](NegFixture& f) {
          S n("cardid");
          CARD_FILE_INFO info{v, 0, InvalidAc};
          return f.cd->pfnCardGetFileInfo(f.cd, nullptr, n.get(), &info);
        });

  neg(r, "CardCreateFile", "null_name", SCARD_E_INVALID_PARAMETER, "pszFileName NULL",
      [](NegFixture& f) {
        S d("mscp");
        return f.cd->pfnCardCreateFile(f.cd, d.get(), nullptr, 8, EveryoneReadUserWriteAc);
      },
      {.user = true, .function = "CardCreateFile"});
  neg(r, "CardCreateFile", "existing", ERROR_FILE_EXISTS, "mscp/cmapfile, which exists",
      [](NegFixture& f) {
        S d("mscp"), n("cmapfile");
        return f.cd->pfnCardCreateFile(f.cd, d.get(), n.get(), 8, EveryoneReadUserWriteAc);
      },
      {.user = true, .function = "CardCreateFile"});
  neg(r, "CardCreateFile", "bad_access_condition", SCARD_E_INVALID_PARAMETER,
      "AccessCondition InvalidAc",
      [](NegFixture& f) {
        S d("mscp"), n("mdtbad");
        return f.cd->pfnCardCreateFile(f.cd, d.get(), n.get(), 8, InvalidAc);
      },
      {.user = true, .function = "CardCreateFile"});
  neg(r, "CardCreateFile", "missing_dir", SCARD_E_DIR_NOT_FOUND,
      "in a directory that does not exist",
      [](NegFixture& f) {
        S d("nodir"), n("mdtfile");
        return f.cd->pfnCardCreateFile(f.cd, d.get(), n.get(), 8, EveryoneReadUserWriteAc);
      },
      {.user = true, .function = "CardCreateFile"});
  neg(r, "CardCreateFile", "anonymous", SCARD_W_SECURITY_VIOLATION,
      "in mscp without authentication",
      [](NegFixture& f) {
        S d("mscp"), n("mdtanon");
        return f.cd->pfnCardCreateFile(f.cd, d.get(), n.get(), 8, EveryoneReadUserWriteAc);
      },
      {.function = "CardCreateFile"});
  neg(r, "CardDeleteFile", "missing_file", SCARD_E_FILE_NOT_FOUND, "a file that does not exist",
      [](NegFixture& f) {
        S d("mscp"), n("nofile");
        return f.cd->pfnCardDeleteFile(f.cd, d.get(), n.get(), 0);
      },
      {.user = true, .function = "CardDeleteFile"});
  neg(r, "CardDeleteFile", "flags_1", SCARD_E_INVALID_PARAMETER, "dwFlags 1",
      [](NegFixture& f) {
        S d("mscp"), n("nofile");
        return f.cd->pfnCardDeleteFile(f.cd, d.get(), n.get(), 1);
      },
      {.user = true, .function = "CardDeleteFile"});
  neg(r, "CardDeleteFile", "null_name", SCARD_E_INVALID_PARAMETER, "pszFileName NULL",
      [](NegFixture& f) {
        S d("mscp");
        return f.cd->pfnCardDeleteFile(f.cd, d.get(), nullptr, 0);
      },
      {.user = true, .function = "CardDeleteFile"});
  neg(r, "CardCreateDirectory", "existing", ERROR_FILE_EXISTS, "\"mscp\", which exists",
      [](NegFixture& f) {
        S d("mscp");
        return f.cd->pfnCardCreateDirectory(f.cd, d.get(), UserCreateDeleteDirAc);
      },
      {.user = true, .function = "CardCreateDirectory"});
  neg(r, "CardCreateDirectory", "null_name", SCARD_E_INVALID_PARAMETER, "pszDirectoryName NULL",
      [](NegFixture& f) {
        return f.cd->pfnCardCreateDirectory(f.cd, nullptr, UserCreateDeleteDirAc);
      },
      {.user = true, .function = "CardCreateDirectory"});
  neg(r, "CardCreateDirectory", "bad_access_condition", SCARD_E_INVALID_PARAMETER,
      "AccessCondition InvalidDirAc",
      [](NegFixture& f) {
        S d("mdtdir");
        return f.cd->pfnCardCreateDirectory(f.cd, d.get(), InvalidDirAc);
      },
      {.user = true, .function = "CardCreateDirectory"});
  neg(r, "CardDeleteDirectory", "not_empty", ERROR_DIR_NOT_EMPTY, "\"mscp\", which holds files",
      [](NegFixture& f) {
        S d("mscp");
        return f.cd->pfnCardDeleteDirectory(f.cd, d.get());
      },
      {.user = true, .function = "CardDeleteDirectory"});
  neg(r, "CardDeleteDirectory", "missing", SCARD_E_DIR_NOT_FOUND, "a directory that does not exist",
      [](NegFixture& f) {
        S d("nodir");
        return f.cd->pfnCardDeleteDirectory(f.cd, d.get());
      },
      {.user = true, .function = "CardDeleteDirectory"});
}

void query_nodes(Registry& r) {
  neg(r, "CardQueryFreeSpace", "null_info", SCARD_E_INVALID_PARAMETER, "pCardFreeSpaceInfo NULL",
      [](NegFixture& f) { return f.cd->pfnCardQueryFreeSpace(f.cd, 0, nullptr); });
  neg(r, "CardQueryFreeSpace", "flags_1", SCARD_E_INVALID_PARAMETER, "dwFlags 1",
      [](NegFixture& f) {
        CARD_FREE_SPACE_INFO i{CARD_FREE_SPACE_INFO_CURRENT_VERSION, 0, 0, 0};
        return f.cd->pfnCardQueryFreeSpace(f.cd, 1, &i);
      });
  for (DWORD v : bad_versions({0, 1}))
    neg(r, "CardQueryFreeSpace", "version_" + std::to_string(v), ERROR_REVISION_MISMATCH,
        "CARD_FREE_SPACE_INFO dwVersion " + std::to_string(v), [v](NegFixture& f) {
          CARD_FREE_SPACE_INFO i{v, 0, 0, 0};
          return f.cd->pfnCardQueryFreeSpace(f.cd, 0, &i);
        });
  neg(r, "CardQueryCapabilities", "null_info", SCARD_E_INVALID_PARAMETER, "pCardCapabilities NULL",
      [](NegFixture& f) { return f.cd->pfnCardQueryCapabilities(f.cd, nullptr); });
  for (DWORD v : bad_versions({0, 1}))
    neg(r, "CardQueryCapabilities", "version_" + std::to_string(v), ERROR_REVISION_MISMATCH,
        "CARD_CAPABILITIES dwVersion " + std::to_string(v), [v](NegFixture& f) {
          CARD_CAPABILITIES c{v, 0, 0};
          return f.cd->pfnCardQueryCapabilities(f.cd, &c);
        });
  neg(r, "CardQueryKeySizes", "null_info", SCARD_E_INVALID_PARAMETER, "pKeySizes NULL",
      [](NegFixture& f) { return f.cd->pfnCardQueryKeySizes(f.cd, AT_KEYEXCHANGE, 0, nullptr); });
  neg(r, "CardQueryKeySizes", "flags_1", SCARD_E_INVALID_PARAMETER, "dwFlags 1", [](NegFixture& f) {
    CARD_KEY_SIZES k{CARD_KEY_SIZES_CURRENT_VERSION, 0, 0, 0, 0};
    return f.cd->pfnCardQueryKeySizes(f.cd, AT_KEYEXCHANGE, 1, &k);
  });
  for (DWORD spec : {0u, 9u, 0xFFu})
    neg(r, "CardQueryKeySizes", "key_spec_" + std::to_string(spec), SCARD_E_INVALID_PARAMETER,
        "dwKeySpec " + std::to_string(spec), [spec](NegFixture& f) {
          CARD_KEY_SIZES k{CARD_KEY_SIZES_CURRENT_VERSION, 0, 0, 0, 0};
          return f.cd->pfnCardQueryKeySizes(f.cd, spec, 0, &k);
        });
  for (DWORD v : bad_versions({0, 1}))
    neg(r, "CardQueryKeySizes", "version_" + std::to_string(v), ERROR_REVISION_MISMATCH,
        "CARD_KEY_SIZES dwVersion " + std::to_string(v), [v](NegFixture& f) {
          CARD_KEY_SIZES k{v, 0, 0, 0, 0};
          return f.cd->pfnCardQueryKeySizes(f.cd, AT_KEYEXCHANGE, 0, &k);
        });
}

void property_nodes(Registry& r) {
  auto get = [](CARD_DATA* cd, LPCWSTR prop, DWORD cb, DWORD flags) {
    BYTE buf[256] = {};
    DWORD len = 0;
    return cd->pfnCardGetProperty(cd, prop, buf, cb, &len, flags);
  };
  neg(r, "CardGetProperty", "null_card_data", SCARD_E_INVALID_PARAMETER, "pCardData NULL",
      [](NegFixture& f) {
        BYTE b[4];
        DWORD len = 0;
        return f.cd->pfnCardGetProperty(nullptr, CP_CARD_READ_ONLY, b, 4, &len, 0);
      });
  neg(r, "CardGetProperty", "null_name", SCARD_E_INVALID_PARAMETER, "wszProperty NULL",
      [get](NegFixture& f) { return get(f.cd, nullptr, 4, 0); });
  neg(r, "CardGetProperty", "unknown", SCARD_E_INVALID_PARAMETER, "an undefined property",
      [get](NegFixture& f) { return get(f.cd, u"No Such Property", 4, 0); });
  neg(r, "CardGetProperty", "name_case", SCARD_E_INVALID_PARAMETER,
      "\"read only mode\" (case differs)",
      [get](NegFixture& f) { return get(f.cd, u"read only mode", 4, 0); });
  neg(r, "CardGetProperty", "null_len", SCARD_E_INVALID_PARAMETER, "pdwDataLen NULL",
      [](NegFixture& f) {
        BYTE b[4];
        return f.cd->pfnCardGetProperty(f.cd, CP_CARD_READ_ONLY, b, 4, nullptr, 0);
      });
  neg(r, "CardGetProperty", "short_buffer", ERROR_INSUFFICIENT_BUFFER, "CP_CARD_GUID into 15 bytes",
      [get](NegFixture& f) { return get(f.cd, CP_CARD_GUID, 15, 0); });
  for (DWORD flags : {1u, 0xFFu})
    neg(r, "CardGetProperty", "flags_" + std::to_string(flags), SCARD_E_INVALID_PARAMETER,
        "CP_CARD_READ_ONLY with dwFlags " + std::to_string(flags),
        [get, flags](NegFixture& f) { return get(f.cd, CP_CARD_READ_ONLY, 4, flags); });
  neg(r, "CardGetProperty", "pin_info_bad_pin", SCARD_E_INVALID_PARAMETER,
      "CP_CARD_PIN_INFO for PIN id 8", [](NegFixture& f) {
        PIN_INFO pi{};
        pi.dwVersion = PIN_INFO_CURRENT_VERSION;
        DWORD len = 0;
        return f.cd->pfnCardGetProperty(f.cd, CP_CARD_PIN_INFO, reinterpret_cast<PBYTE>(&pi),
                                        sizeof pi, &len, MAX_PINS);
      });
  for (DWORD v : bad_versions({PIN_INFO_CURRENT_VERSION}))
    neg(r, "CardGetProperty", "pin_info_version_" + std::to_string(v), ERROR_REVISION_MISMATCH,
        "CP_CARD_PIN_INFO with PIN_INFO dwVersion " + std::to_string(v), [v](NegFixture& f) {
          PIN_INFO pi{};
          pi.dwVersion = v;
          DWORD len = 0;
          return f.cd->pfnCardGetProperty(f.cd, CP_CARD_PIN_INFO, reinterpret_cast<PBYTE>(&pi),
                                          sizeof pi, &len, ROLE_USER);
        });
  struct Ro {
    const char* tag;
    const char16_t* name;
  };
  for (auto [tag, name] :
       {Ro{"free_space", CP_CARD_FREE_SPACE}, Ro{"capabilities", CP_CARD_CAPABILITIES},
        Ro{"key_sizes", CP_CARD_KEYSIZES}, Ro{"list_pins", CP_CARD_LIST_PINS},
        Ro{"authenticated_state", CP_CARD_AUTHENTICATED_STATE},
        Ro{"key_import_support", CP_KEY_IMPORT_SUPPORT}, Ro{"enum_algorithms", CP_ENUM_ALGORITHMS},
        Ro{"padding_schemes", CP_PADDING_SCHEMES}, Ro{"chaining_modes", CP_CHAINING_MODES}})
    neg(r, "CardSetProperty", std::string("read_only_") + tag, SCARD_E_UNSUPPORTED_FEATURE,
        "setting a read-only property",
        [name = name](NegFixture& f) {  // clang 14 cannot capture a structured binding
          BYTE b[64] = {};
          return f.cd->pfnCardSetProperty(f.cd, name, b, sizeof b, 0);
        },
        {.user = true});
  neg(r, "CardSetProperty", "unknown", SCARD_E_UNSUPPORTED_FEATURE, "an undefined property",
      [](NegFixture& f) {
        BYTE b[4] = {};
        return f.cd->pfnCardSetProperty(f.cd, u"No Such Property", b, 4, 0);
      });
  neg(r, "CardSetProperty", "null_data", SCARD_E_INVALID_PARAMETER,
      "CP_PARENT_WINDOW with pbData NULL", [](NegFixture& f) {
        return f.cd->pfnCardSetProperty(f.cd, CP_PARENT_WINDOW, nullptr, sizeof(HWND), 0);
      });
  neg(r, "CardSetProperty", "flags_1", SCARD_E_INVALID_PARAMETER, "CP_PARENT_WINDOW, dwFlags 1",
      [](NegFixture& f) {
        HWND w = nullptr;
        return f.cd->pfnCardSetProperty(f.cd, CP_PARENT_WINDOW, reinterpret_cast<PBYTE>(&w),
                                        sizeof w, 1);
      });
}

}  // namespace

void register_negative_nodes(Registry& r) {
  file_nodes(r);
  query_nodes(r);
  property_nodes(r);
  register_negative_key_nodes(r);
}

}  // namespace softcard::mdtest
