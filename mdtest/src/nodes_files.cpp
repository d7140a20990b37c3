// fs.*: the logical file system: mandatory files, enumeration, file info, create/write/read/
// delete, directories, access conditions per role.
#include <algorithm>

#include "helpers.h"
#include "nodes.h"

namespace softcard::mdtest {

namespace {

struct S {
  explicit S(const char* s) : text(s ? s : "") {}
  LPSTR get() { return text.data(); }
  std::string text;
};

std::vector<std::string> enum_files(Checker& check, CARD_DATA* cd, const char* dir) {
  S d(dir);
  LPSTR names = nullptr;
  DWORD cb = 0;
  check.rc(0, cd->pfnCardEnumFiles(cd, dir ? d.get() : nullptr, &names, &cb, 0),
           std::string("CardEnumFiles(") + (dir ? dir : "root") + ")");
  std::vector<std::string> out;
  for (DWORD i = 0; names && i < cb && names[i];) {
    std::string n(names + i);
    i += static_cast<DWORD>(n.size()) + 1;
    out.push_back(n);
  }
  if (names) cd->pfnCspFree(names);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

CARD_FILE_INFO file_info(Checker& check, CARD_DATA* cd, const char* dir, const char* name) {
  S d(dir), n(name);
  CARD_FILE_INFO info{CARD_FILE_INFO_CURRENT_VERSION, 0, InvalidAc};
  check.rc(0, cd->pfnCardGetFileInfo(cd, dir ? d.get() : nullptr, n.get(), &info),
           std::string("CardGetFileInfo(") + name + ")");
  return info;
}

// A file the node creates in `dir` and deletes again.
class TempFile {
 public:
  TempFile(Checker& check, Env& env, CARD_DATA* cd, const char* dir, const char* name,
           CARD_FILE_ACCESS_CONDITION ac)
      : env_(env), cd_(cd), dir_(dir), name_(name) {
    need(check, env.config(), cd->pfnCardCreateFile, "CardCreateFile");
    S d(dir), n(name);
    check.rc(0, cd->pfnCardCreateFile(cd, dir ? d.get() : nullptr, n.get(), 0, ac),
             std::string("CardCreateFile(") + name + ")");
  }
  ~TempFile() {
    if (!cd_->pfnCardDeleteFile) return;
    authenticate_user(cd_, env_.config());
    S d(dir_), n(name_);
    cd_->pfnCardDeleteFile(cd_, dir_ ? d.get() : nullptr, n.get(), 0);
  }

 private:
  Env& env_;
  CARD_DATA* cd_;
  const char* dir_;
  const char* name_;
};

DWORD write(CARD_DATA* cd, const char* dir, const char* name, const Bytes& data) {
  S d(dir), n(name);
  Bytes copy = data;
  return cd->pfnCardWriteFile(cd, dir ? d.get() : nullptr, n.get(), 0, copy.data(),
                              static_cast<DWORD>(copy.size()));
}

}  // namespace

void register_file_nodes(Registry& r) {
  r.add("fs.cardid", "cardid: 16 bytes, EveryoneReadAdminWriteAc", [](Env& env, Checker& check) {
    auto cs = env.open(0);
    Bytes v;
    check.rc(0, read_file(cs->cd(), nullptr, "cardid", v), "CardReadFile(cardid)");
    check.require(v.size() == 16, "cardid is " + std::to_string(v.size()) + " bytes");
    const auto info = file_info(check, cs->cd(), nullptr, "cardid");
    check.require(info.cbFileSize == 16, "CardGetFileInfo size");
    check.require(info.AccessCondition == EveryoneReadAdminWriteAc,
                  "access condition " + std::to_string(info.AccessCondition));
  });
  r.add("fs.cardcf", "cardcf: at least 6 bytes, readable by everyone",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          Bytes v;
          check.rc(0, read_file(cs->cd(), nullptr, "cardcf", v), "CardReadFile(cardcf)");
          check.require(v.size() >= 6, "cardcf shorter than CARD_CACHE_FILE_FORMAT");
        });
  r.add("fs.cardapps", "cardapps lists \"mscp\"", [](Env& env, Checker& check) {
    auto cs = env.open(0);
    Bytes v;
    check.rc(0, read_file(cs->cd(), nullptr, "cardapps", v), "CardReadFile(cardapps)");
    const std::string text(v.begin(), v.end());
    check.require(text.find("mscp") != std::string::npos, "no mscp entry");
  });
  r.add("fs.cmapfile", "mscp/cmapfile: whole CONTAINER_MAP_RECORDs, EveryoneReadUserWriteAc",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          Bytes v;
          check.rc(0, read_file(cs->cd(), "mscp", "cmapfile", v), "CardReadFile(mscp/cmapfile)");
          check.require(v.size() % sizeof(CONTAINER_MAP_RECORD) == 0,
                        "size " + std::to_string(v.size()) + " is not a multiple of 86");
          const auto info = file_info(check, cs->cd(), "mscp", "cmapfile");
          check.require(info.AccessCondition == EveryoneReadUserWriteAc, "access condition");
        });
  r.add("fs.enum_root", "CardEnumFiles(root) lists cardid, cardcf, cardapps",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          const auto files = enum_files(check, cs->cd(), nullptr);
          for (const char* f : {"cardid", "cardcf", "cardapps"})
            check.require(has(files, f), std::string(f) + " not listed");
        });
  r.add("fs.enum_mscp", "CardEnumFiles(mscp) lists cmapfile", [](Env& env, Checker& check) {
    auto cs = env.open(0);
    check.require(has(enum_files(check, cs->cd(), "mscp"), "cmapfile"), "cmapfile not listed");
  });
  r.add("fs.file_lifecycle",
        "create (EveryoneReadUserWriteAc) / write 300 bytes / read / info / enum / delete",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx(user)");
          Bytes data(300);
          for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<BYTE>(i * 7);
          {
            TempFile f(check, env, cd, "mscp", "mdtf1", EveryoneReadUserWriteAc);
            check.rc(0, write(cd, "mscp", "mdtf1", data), "CardWriteFile");
            Bytes back;
            check.rc(0, read_file(cd, "mscp", "mdtf1", back), "CardReadFile");
            check.require(back == data, "read back differs from what was written");
            const auto info = file_info(check, cd, "mscp", "mdtf1");
            check.require(info.cbFileSize == 300, "size " + std::to_string(info.cbFileSize));
            check.require(info.AccessCondition == EveryoneReadUserWriteAc, "access condition");
            check.require(has(enum_files(check, cd, "mscp"), "mdtf1"), "not enumerated");
            S d("mscp"), n("mdtf1");
            need(check, env.config(), cd->pfnCardDeleteFile, "CardDeleteFile");
            check.rc(0, cd->pfnCardDeleteFile(cd, d.get(), n.get(), 0), "CardDeleteFile");
          }
          Bytes gone;
          check.rc(SCARD_E_FILE_NOT_FOUND, read_file(cd, "mscp", "mdtf1", gone),
                   "CardReadFile after CardDeleteFile");
        });
  r.add("fs.create_existing", "CardCreateFile of a name that exists -> ERROR_FILE_EXISTS",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx(user)");
          TempFile f(check, env, cd, "mscp", "mdtf2", EveryoneReadUserWriteAc);
          S d("mscp"), n("mdtf2");
          check.rc(ERROR_FILE_EXISTS,
                   cd->pfnCardCreateFile(cd, d.get(), n.get(), 0, EveryoneReadUserWriteAc),
                   "second CardCreateFile");
        });
  r.add("fs.names_case_sensitive", "\"mdtf3\" exists, \"MDTF3\" does not (names are exact)",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx(user)");
          TempFile f(check, env, cd, "mscp", "mdtf3", EveryoneReadUserWriteAc);
          Bytes v;
          check.rc(0, read_file(cd, "mscp", "mdtf3", v), "CardReadFile(mdtf3)");
          check.rc(SCARD_E_FILE_NOT_FOUND, read_file(cd, "mscp", "MDTF3", v),
                   "CardReadFile(MDTF3)");
        });
  r.add("fs.user_read_write_ac", "UserReadWriteAc: anonymous read refused, user read allowed",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx(user)");
          TempFile f(check, env, cd, "mscp", "mdtf4", UserReadWriteAc);
          check.rc(0, write(cd, "mscp", "mdtf4", Bytes(8, 0x33)), "CardWriteFile as user");
          check.rc(0, cd->pfnCardDeauthenticateEx(cd, CREATE_PIN_SET(ROLE_USER), 0),
                   "CardDeauthenticateEx");
          Bytes v;
          check.rc(SCARD_W_SECURITY_VIOLATION, read_file(cd, "mscp", "mdtf4", v),
                   "CardReadFile anonymous");
          check.rc(SCARD_W_SECURITY_VIOLATION, write(cd, "mscp", "mdtf4", Bytes(8, 0)),
                   "CardWriteFile anonymous");
          check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx(user)");
          check.rc(0, read_file(cd, "mscp", "mdtf4", v), "CardReadFile as user");
        });
  r.add("fs.everyone_read_user_write_ac", "EveryoneReadUserWriteAc: anonymous write refused",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx(user)");
          TempFile f(check, env, cd, "mscp", "mdtf5", EveryoneReadUserWriteAc);
          check.rc(0, cd->pfnCardDeauthenticateEx(cd, CREATE_PIN_SET(ROLE_USER), 0),
                   "CardDeauthenticateEx");
          Bytes v;
          check.rc(0, read_file(cd, "mscp", "mdtf5", v), "CardReadFile anonymous");
          check.rc(SCARD_W_SECURITY_VIOLATION, write(cd, "mscp", "mdtf5", Bytes(4, 1)),
                   "CardWriteFile anonymous");
        });
  r.add("fs.admin_read_write_ac", "AdminReadWriteAc: created by the admin, refused to the user",
        [](Env& env, Checker& check) {
          if (env.config().admin_key.algorithm == "none") check.skip("config: no admin key");
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          check.rc(0, authenticate_admin(cd, env.config()), "admin challenge-response");
          TempFile f(check, env, cd, "mscp", "mdtf6", AdminReadWriteAc);
          check.rc(0, write(cd, "mscp", "mdtf6", Bytes(4, 9)), "CardWriteFile as admin");
          check.rc(0, cd->pfnCardDeauthenticateEx(cd, CREATE_PIN_SET(ROLE_ADMIN), 0),
                   "CardDeauthenticateEx(admin)");
          check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx(user)");
          Bytes v;
          check.rc(SCARD_W_SECURITY_VIOLATION, read_file(cd, "mscp", "mdtf6", v),
                   "CardReadFile as user");
          authenticate_admin(cd, env.config());  // so TempFile can delete it
        });
  r.add("fs.directory_lifecycle",
        "CardCreateDirectory, a file in it, ERROR_DIR_NOT_EMPTY, delete file and directory",
        [](Env& env, Checker& check) {
          auto cs = env.open(0);
          CARD_DATA* cd = cs->cd();
          need(check, env.config(), cd->pfnCardCreateDirectory, "CardCreateDirectory");
          need(check, env.config(), cd->pfnCardDeleteDirectory, "CardDeleteDirectory");
          check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx(user)");
          S dir("mdtd");
          check.rc(0, cd->pfnCardCreateDirectory(cd, dir.get(), UserCreateDeleteDirAc),
                   "CardCreateDirectory(mdtd)");
          check.rc(ERROR_FILE_EXISTS,
                   cd->pfnCardCreateDirectory(cd, dir.get(), UserCreateDeleteDirAc),
                   "CardCreateDirectory(mdtd) again");
          {
            TempFile f(check, env, cd, "mdtd", "inner", EveryoneReadUserWriteAc);
            check.require(has(enum_files(check, cd, "mdtd"), "inner"), "inner not listed");
            check.rc(ERROR_DIR_NOT_EMPTY, cd->pfnCardDeleteDirectory(cd, dir.get()),
                     "CardDeleteDirectory(mdtd) with a file in it");
          }
          check.rc(0, cd->pfnCardDeleteDirectory(cd, dir.get()), "CardDeleteDirectory(mdtd)");
          Bytes v;
          check.rc(SCARD_E_DIR_NOT_FOUND, read_file(cd, "mdtd", "inner", v),
                   "CardReadFile in the deleted directory");
        });
  r.add(
      "fs.free_space_shrinks", "CardQueryFreeSpace: bytes available drop after a 1 KB file",
      [](Env& env, Checker& check) {
        if (env.config().read_only) check.skip("config: read-only card");
        auto cs = env.open(0);
        CARD_DATA* cd = cs->cd();
        CARD_FREE_SPACE_INFO before{CARD_FREE_SPACE_INFO_CURRENT_VERSION, 0, 0, 0}, after = before;
        check.rc(0, cd->pfnCardQueryFreeSpace(cd, 0, &before), "CardQueryFreeSpace");
        if (before.dwBytesAvailable == CARD_DATA_VALUE_UNKNOWN) check.skip("free bytes unknown");
        check.rc(0, authenticate_user(cd, env.config()), "CardAuthenticateEx(user)");
        TempFile f(check, env, cd, "mscp", "mdtf7", EveryoneReadUserWriteAc);
        check.rc(0, write(cd, "mscp", "mdtf7", Bytes(1024, 0x44)), "CardWriteFile 1 KB");
        check.rc(0, cd->pfnCardQueryFreeSpace(cd, 0, &after), "CardQueryFreeSpace");
        check.require(after.dwBytesAvailable < before.dwBytesAvailable,
                      "free space did not shrink");
      });
}

}  // namespace softcard::mdtest
