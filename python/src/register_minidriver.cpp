// The host-side minidriver library (minidriver/, cardmod.h names), so a scenario can play both
// the SKI server (no-card mode) and the client (a card in this process, through the fault layer).
// Bound only when this build has it. Every call releases the GIL.
#include <pybind11/stl.h>

#include <cstdlib>
#include <cstring>

#include "core.h"

#include "softcard_minidriver.h"

namespace softcard::py {

namespace {

struct MinidriverError : std::runtime_error {
  MinidriverError(const std::string& what, DWORD rc) : std::runtime_error(what), code(rc) {}
  DWORD code;
};

void check(DWORD rc, const char* what) {
  if (rc != 0) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08X", static_cast<unsigned>(rc));
    throw MinidriverError(std::string(what) + " failed: " + hex, rc);
  }
}

std::u16string wide(const std::string& s) {
  std::u16string out;
  for (unsigned char c : s) {
    if (c >= 0x80) throw pyb::value_error("minidriver names must be ASCII: " + s);
    out.push_back(static_cast<char16_t>(c));
  }
  return out;
}

class Minidriver {
 public:
  // No-card mode (the server side of secure key injection).
  Minidriver() {
    prepare();
    DWORD rc;
    {
      pyb::gil_scoped_release release;
      rc = CardAcquireContext(&cd_, CARD_SECURE_KEY_INJECTION_NO_CARD_MODE);
    }
    check(rc, "CardAcquireContext(no-card mode)");
    open_ = true;
  }

  // The client side: the card is an in-process softcard.Card, reached through its fault layer
  // (faults apply, exchanges are traced).
  explicit Minidriver(pyb::object card_obj) : card_obj_(card_obj) {
    card_ = &card_obj.cast<CardHandle&>();
    auto& f = card_->faulty();
    prepare();
    {
      pyb::gil_scoped_release release;
      f.power_on();
      atr_ = f.atr();
    }
    cd_.pbAtr = atr_.data();
    cd_.cbAtr = static_cast<DWORD>(atr_.size());
    cd_.pwszCardName = name_.data();
    DWORD rc;
    {
      pyb::gil_scoped_release release;
      rc = SoftcardAcquireContextWithTransport(&cd_, 0, &Minidriver::transmit, this);
    }
    check(rc, "CardAcquireContext");
    open_ = true;
  }

  // The client side over real PC/SC (pcsc-lite): `reader` empty = the first reader with a card.
  Minidriver(const std::string& reader, bool /*pcsc tag*/) {
    prepare();
    BYTE atr[36];
    DWORD cb = sizeof atr;
    char name[256] = {};
    SCARDCONTEXT ctx = 0;
    SCARDHANDLE h = 0;
    DWORD rc;
    {
      pyb::gil_scoped_release release;
      rc = SoftcardConnect(reader.empty() ? nullptr : reader.c_str(), &ctx, &h, atr, &cb, name,
                           sizeof name);
    }
    check(rc, "SoftcardConnect");
    atr_.assign(atr, atr + cb);
    reader_ = name;
    pcsc_ctx_ = ctx;
    pcsc_card_ = h;
    cd_.hSCardCtx = ctx;
    cd_.hScard = h;
    cd_.pbAtr = atr_.data();
    cd_.cbAtr = static_cast<DWORD>(atr_.size());
    cd_.pwszCardName = name_.data();
    {
      pyb::gil_scoped_release release;
      rc = CardAcquireContext(&cd_, 0);
    }
    if (rc != 0) {
      SoftcardDisconnect(ctx, h);
      check(rc, "CardAcquireContext");
    }
    open_ = true;
  }

  ~Minidriver() { close(); }
  const std::string& reader() const { return reader_; }

  void close() {
    if (open_) {
      open_ = false;
      cd_.pfnCardDeleteContext(&cd_);
    }
    if (pcsc_ctx_) {
      SoftcardDisconnect(pcsc_ctx_, pcsc_card_);
      pcsc_ctx_ = 0;
      pcsc_card_ = 0;
    }
  }

  CARD_DATA& cd() {
    if (!open_) throw pyb::value_error("the minidriver context is closed");
    if (card_ && card_->closed()) throw pyb::value_error("the card is closed");
    return cd_;
  }

  bool no_card() const { return card_ == nullptr && pcsc_ctx_ == 0; }

 private:
  void prepare() { SoftcardPrepareCardData(&cd_); }

  static DWORD transmit(void* ctx, const BYTE* cmd, DWORD n, BYTE* resp, DWORD* rlen) {
    auto* self = static_cast<Minidriver*>(ctx);
    if (!self->card_ || self->card_->closed()) return SCARD_W_REMOVED_CARD;
    faults::Exchange ex = self->card_->faulty().transmit(ByteView{cmd, n});
    if (ex.outcome != faults::Outcome::answered) return SCARD_W_REMOVED_CARD;
    if (ex.response.size() > *rlen) return SCARD_E_INSUFFICIENT_BUFFER;
    std::memcpy(resp, ex.response.data(), ex.response.size());
    *rlen = static_cast<DWORD>(ex.response.size());
    return 0;
  }

  CARD_DATA cd_{};
  bool open_ = false;
  pyb::object card_obj_;  // keeps the card alive while the context uses it
  CardHandle* card_ = nullptr;
  Bytes atr_;
  std::u16string name_ = u"softcard";
  std::string reader_;
  SCARDCONTEXT pcsc_ctx_ = 0;
  SCARDHANDLE pcsc_card_ = 0;
};

Bytes take(CARD_DATA& cd, PBYTE p, DWORD n) {
  Bytes out(p, p + n);
  cd.pfnCspFree(p);
  return out;
}

}  // namespace

void register_minidriver(pyb::module_& m) {
  m.attr("has_minidriver") = true;
  static pyb::exception<MinidriverError> md_error(m, "MinidriverError", PyExc_RuntimeError);
  pyb::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const MinidriverError& e) {
      pyb::object err = pyb::reinterpret_borrow<pyb::object>(md_error.ptr())(pyb::str(e.what()));
      err.attr("code") = e.code;
      PyErr_SetObject(md_error.ptr(), err.ptr());
    }
  });

  using G = pyb::gil_scoped_release;
  pyb::class_<Minidriver>(m, "Minidriver",
                          "Minidriver v7 context (private; use softcard.minidriver).")
      .def(pyb::init<>())
      .def(pyb::init<pyb::object>(), pyb::arg("card"))
      .def_static(
          "for_reader",
          [](const std::string& reader) { return std::make_unique<Minidriver>(reader, true); },
          pyb::arg("reader") = "")
      .def_property_readonly("reader", &Minidriver::reader)
      .def_property_readonly("no_card", &Minidriver::no_card)
      .def("close", &Minidriver::close)
      .def(
          "get_property",
          [](Minidriver& md, const std::string& name, DWORD flags, DWORD size) {
            auto& cd = md.cd();
            const auto w = wide(name);
            Bytes buf(size);
            DWORD len = 0;
            DWORD rc;
            {
              G g;
              rc = cd.pfnCardGetProperty(&cd, w.c_str(), buf.data(), size, &len, flags);
            }
            check(rc, "CardGetProperty");
            buf.resize(len);
            return to_py(buf);
          },
          pyb::arg("name"), pyb::arg("flags") = 0, pyb::arg("size") = 1024)
      .def(
          "authenticate_pin",
          [](Minidriver& md, const pyb::bytes& pin, const std::string& user) {
            auto& cd = md.cd();
            auto w = wide(user);
            auto v = as_view(pin);
            Bytes p(v.begin(), v.end());
            DWORD left = 0;
            DWORD rc;
            {
              G g;
              rc = cd.pfnCardAuthenticatePin(&cd, w.data(), p.data(), static_cast<DWORD>(p.size()),
                                             &left);
            }
            check(rc, "CardAuthenticatePin");
            return left;
          },
          pyb::arg("pin"), pyb::arg("user") = "user")
      .def(
          "create_container",
          [](Minidriver& md, BYTE index, DWORD flags, DWORD key_spec, DWORD key_size,
             std::optional<pyb::bytes> key_data, DWORD pin_id) {
            auto& cd = md.cd();
            Bytes data;
            if (key_data) {
              auto v = as_view(*key_data);
              data.assign(v.begin(), v.end());
            }
            DWORD rc;
            {
              G g;
              rc = cd.pfnCardCreateContainerEx(&cd, index, flags, key_spec, key_size,
                                               data.empty() ? nullptr : data.data(), pin_id);
            }
            check(rc, "CardCreateContainerEx");
          },
          pyb::arg("index"), pyb::arg("flags"), pyb::arg("key_spec"), pyb::arg("key_size"),
          pyb::arg("key_data") = pyb::none(), pyb::arg("pin_id") = ROLE_USER)
      .def(
          "container_info",
          [](Minidriver& md, BYTE index) {
            auto& cd = md.cd();
            CONTAINER_INFO ci{};
            ci.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
            DWORD rc;
            {
              G g;
              rc = cd.pfnCardGetContainerInfo(&cd, index, 0, &ci);
            }
            check(rc, "CardGetContainerInfo");
            Bytes sig =
                ci.pbSigPublicKey ? take(cd, ci.pbSigPublicKey, ci.cbSigPublicKey) : Bytes{};
            Bytes kx =
                ci.pbKeyExPublicKey ? take(cd, ci.pbKeyExPublicKey, ci.cbKeyExPublicKey) : Bytes{};
            return pyb::make_tuple(to_py(sig), to_py(kx));
          },
          pyb::arg("index"))
      .def(
          "import_session_key",
          [](Minidriver& md, BYTE index, const pyb::bytes& data, const std::string& alg,
             const std::string& blob_type, DWORD padding, const std::string& oaep_hash,
             const pyb::bytes& label) {
            auto& cd = md.cd();
            auto a = wide(alg), b = wide(blob_type), h = wide(oaep_hash);
            auto dv = as_view(data);
            Bytes in(dv.begin(), dv.end());
            auto lv = as_view(label);
            Bytes lab(lv.begin(), lv.end());
            BCRYPT_OAEP_PADDING_INFO oaep{h.c_str(), lab.empty() ? nullptr : lab.data(),
                                          static_cast<ULONG>(lab.size())};
            CARD_KEY_HANDLE key = 0;
            DWORD rc;
            {
              G g;
              rc = cd.pfnCardImportSessionKey(
                  &cd, index, padding == CARD_PADDING_OAEP ? &oaep : nullptr, b.c_str(), a.c_str(),
                  &key, in.data(), static_cast<DWORD>(in.size()), padding);
            }
            check(rc, "CardImportSessionKey");
            return static_cast<std::uint64_t>(key);
          },
          pyb::arg("index"), pyb::arg("data"), pyb::arg("alg"), pyb::arg("blob_type"),
          pyb::arg("padding"), pyb::arg("oaep_hash"), pyb::arg("label"))
      .def(
          "md_import_session_key",
          [](Minidriver& md, const pyb::bytes& data, const std::string& alg,
             const std::string& blob_type) {
            auto& cd = md.cd();
            auto a = wide(alg), b = wide(blob_type);
            auto dv = as_view(data);
            Bytes in(dv.begin(), dv.end());
            CARD_KEY_HANDLE key = 0;
            DWORD rc;
            {
              G g;
              rc = cd.pfnMDImportSessionKey(&cd, b.c_str(), a.c_str(), &key, in.data(),
                                            static_cast<DWORD>(in.size()));
            }
            check(rc, "MDImportSessionKey");
            return static_cast<std::uint64_t>(key);
          },
          pyb::arg("data"), pyb::arg("alg"), pyb::arg("blob_type"))
      .def(
          "set_key_property",
          [](Minidriver& md, std::uint64_t key, const std::string& name, const pyb::bytes& value,
             DWORD flags) {
            auto& cd = md.cd();
            auto w = wide(name);
            auto v = as_view(value);
            Bytes in(v.begin(), v.end());
            DWORD rc;
            {
              G g;
              rc = cd.pfnCardSetKeyProperty(&cd, static_cast<CARD_KEY_HANDLE>(key), w.c_str(),
                                            in.data(), static_cast<DWORD>(in.size()), flags);
            }
            check(rc, "CardSetKeyProperty");
          },
          pyb::arg("key"), pyb::arg("name"), pyb::arg("value"), pyb::arg("flags") = 0)
      .def(
          "md_encrypt_data",
          [](Minidriver& md, std::uint64_t key, const std::string& function, const pyb::bytes& data,
             DWORD flags) {
            auto& cd = md.cd();
            auto f = wide(function);
            auto v = as_view(data);
            Bytes in(v.begin(), v.end());
            PCARD_ENCRYPTED_DATA enc = nullptr;
            DWORD count = 0;
            DWORD rc;
            {
              G g;
              rc = cd.pfnMDEncryptData(&cd, static_cast<CARD_KEY_HANDLE>(key), f.c_str(), in.data(),
                                       static_cast<DWORD>(in.size()), flags, &enc, &count);
            }
            check(rc, "MDEncryptData");
            std::vector<pyb::bytes> out;
            for (DWORD i = 0; i < count; ++i)
              out.emplace_back(reinterpret_cast<const char*>(enc[i].pbEncryptedData),
                               enc[i].cbEncryptedData);
            cd.pfnCspFree(enc);  // one allocation holds the array and the data (D12)
            return out;
          },
          pyb::arg("key"), pyb::arg("function"), pyb::arg("data"), pyb::arg("flags") = 0)
      .def(
          "process_encrypted_data",
          [](Minidriver& md, std::uint64_t key, const std::string& function, const pyb::bytes& blob,
             DWORD out_size, DWORD flags) {
            auto& cd = md.cd();
            auto f = wide(function);
            auto v = as_view(blob);
            Bytes in(v.begin(), v.end());
            CARD_ENCRYPTED_DATA ed{in.data(), static_cast<DWORD>(in.size())};
            Bytes out(out_size);
            DWORD len = 0;
            DWORD rc;
            {
              G g;
              rc = cd.pfnCardProcessEncryptedData(&cd, static_cast<CARD_KEY_HANDLE>(key), f.c_str(),
                                                  &ed, 1, out_size ? out.data() : nullptr, out_size,
                                                  &len, flags);
            }
            check(rc, "CardProcessEncryptedData");
            out.resize(len);
            return to_py(out);
          },
          pyb::arg("key"), pyb::arg("function"), pyb::arg("blob"), pyb::arg("out_size") = 256,
          pyb::arg("flags") = 0)
      .def(
          "destroy_key",
          [](Minidriver& md, std::uint64_t key) {
            auto& cd = md.cd();
            DWORD rc;
            {
              G g;
              rc = cd.pfnCardDestroyKey(&cd, static_cast<CARD_KEY_HANDLE>(key));
            }
            check(rc, "CardDestroyKey");
          },
          pyb::arg("key"))
      .def(
          "read_file",
          [](Minidriver& md, std::string dir, std::string file) {
            auto& cd = md.cd();
            PBYTE data = nullptr;
            DWORD len = 0;
            DWORD rc;
            {
              G g;
              rc = cd.pfnCardReadFile(&cd, dir.empty() ? nullptr : dir.data(), file.data(), 0,
                                      &data, &len);
            }
            check(rc, "CardReadFile");
            return to_py(take(cd, data, len));
          },
          pyb::arg("directory"), pyb::arg("file"))
      .def(
          "sign_data",
          [](Minidriver& md, BYTE index, DWORD key_spec, DWORD hash_alg, const pyb::bytes& data) {
            auto& cd = md.cd();
            auto v = as_view(data);
            Bytes in(v.begin(), v.end());
            CARD_SIGNING_INFO si{};
            si.dwVersion = 1;
            si.bContainerIndex = index;
            si.dwKeySpec = key_spec;
            si.aiHashAlg = hash_alg;
            si.pbData = in.data();
            si.cbData = static_cast<DWORD>(in.size());
            DWORD rc;
            {
              G g;
              rc = cd.pfnCardSignData(&cd, &si);
            }
            check(rc, "CardSignData");
            return to_py(take(cd, si.pbSignedData, si.cbSignedData));
          },
          pyb::arg("index"), pyb::arg("key_spec"), pyb::arg("hash_alg"), pyb::arg("data"));
}

}  // namespace softcard::py
