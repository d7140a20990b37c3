// The host library against a hostile card: the minidriver through
// SoftcardAcquireContextWithTransport, where every response may come from the fuzzer. Each
// transmit takes one control byte: below 0x80 the real in-memory GIDS card answers (so the
// library gets deep into its flows), otherwise the next fuzzed chunk is the response. Then the
// calls a CSP makes run in turn; every buffer the library hands out is read in full (ASan checks
// its bounds) and freed with the CSP's allocator.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "fuzz_card.h"
#include "softcard_minidriver.h"

using namespace softcard;

namespace {

LPVOID WINAPI fuzz_alloc(SIZE_T n) {
  return std::calloc(1, n);
}
LPVOID WINAPI fuzz_realloc(LPVOID p, SIZE_T n) {
  return std::realloc(p, n);
}
void WINAPI fuzz_free(LPVOID p) {
  std::free(p);
}

struct Hostile {
  fuzz::Splitter* in;
  Card* card;
};

DWORD hostile_transmit(void* ctx, const BYTE* cmd, DWORD n, BYTE* resp, DWORD* rlen) {
  auto& h = *static_cast<Hostile*>(ctx);
  if (h.in->done()) return SCARD_E_NO_SMARTCARD;  // the card went away
  const bool genuine = h.in->byte() < 0x80;
  const Bytes r = genuine ? h.card->transmit(ByteView{cmd, n}) : h.in->chunk();
  if (r.size() > *rlen) return SCARD_E_INSUFFICIENT_BUFFER;
  if (!r.empty()) std::memcpy(resp, r.data(), r.size());
  *rlen = static_cast<DWORD>(r.size());
  return 0;
}

volatile std::uint8_t sink;
void touch(const void* p, std::size_t n) {
  const auto* b = static_cast<const std::uint8_t*>(p);
  std::uint8_t x = 0;
  for (std::size_t i = 0; i < n; ++i) x ^= b[i];
  sink = x;
}

struct World {
  StoredObjects objects = fuzz::personalized_objects(load_profile("gids"));
  AppletRegistry registry = builtin_applets();
};

void exercise(CARD_DATA& cd) {
  char16_t user[] = u"user";
  BYTE pin[] = {'1', '2', '3', '4', '5', '6'};
  DWORD left = 0;
  cd.pfnCardAuthenticatePin(&cd, user, pin, sizeof pin, &left);
  for (const char16_t* prop :
       {CP_CARD_GUID, CP_CARD_SERIAL_NO, CP_CARD_FREE_SPACE, CP_CARD_CAPABILITIES, CP_CARD_KEYSIZES,
        CP_CARD_READ_ONLY, CP_CARD_CACHE_MODE, CP_CARD_LIST_PINS, CP_CARD_PIN_INFO}) {
    BYTE buf[512];
    DWORD len = 0;
    if (cd.pfnCardGetProperty(&cd, reinterpret_cast<LPCWSTR>(prop), buf, sizeof buf, &len, 0) ==
        0) {
      if (len > sizeof buf) fuzz::oracle_failed("property longer than the buffer it was given");
      touch(buf, len);
    }
  }
  char root[] = "";
  char mscp[] = "mscp";
  char cardid[] = "cardid", cardcf[] = "cardcf", cmapfile[] = "cmapfile";
  for (auto [dir, file] :
       {std::pair{root, cardid}, std::pair{root, cardcf}, std::pair{mscp, cmapfile}}) {
    PBYTE data = nullptr;
    DWORD len = 0;
    if (cd.pfnCardReadFile(&cd, dir[0] ? dir : nullptr, file, 0, &data, &len) == 0 && data) {
      touch(data, len);
      fuzz_free(data);
    }
    CARD_FILE_INFO info{};
    info.dwVersion = CARD_FILE_INFO_CURRENT_VERSION;
    cd.pfnCardGetFileInfo(&cd, dir[0] ? dir : nullptr, file, &info);
  }
  LPSTR names = nullptr;
  DWORD names_len = 0;
  if (cd.pfnCardEnumFiles(&cd, mscp, &names, &names_len, 0) == 0 && names) {
    touch(names, names_len);
    fuzz_free(names);
  }
  CARD_FREE_SPACE_INFO space{};
  space.dwVersion = CARD_FREE_SPACE_INFO_CURRENT_VERSION;
  cd.pfnCardQueryFreeSpace(&cd, 0, &space);
  for (BYTE idx = 0; idx < 3; ++idx) {
    CONTAINER_INFO ci{};
    ci.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
    if (cd.pfnCardGetContainerInfo(&cd, idx, 0, &ci) == 0) {
      if (ci.pbSigPublicKey) touch(ci.pbSigPublicKey, ci.cbSigPublicKey);
      if (ci.pbKeyExPublicKey) touch(ci.pbKeyExPublicKey, ci.cbKeyExPublicKey);
      fuzz_free(ci.pbSigPublicKey);
      fuzz_free(ci.pbKeyExPublicKey);
    }
  }
  PBYTE challenge = nullptr;
  DWORD challenge_len = 0;
  if (cd.pfnCardGetChallenge(&cd, &challenge, &challenge_len) == 0 && challenge) {
    touch(challenge, challenge_len);
    fuzz_free(challenge);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World w;
  fuzz::DeterministicRng rng;
  const MemoryStore* backend = nullptr;
  auto card = fuzz::card_from(w.objects, rng, w.registry, &backend);
  card->power_on();
  fuzz::Splitter in(data, size);
  Hostile hostile{&in, card.get()};
  Bytes atr = card->atr();
  char16_t name[9] = u"softcard";
  CARD_DATA cd;
  std::memset(&cd, 0, sizeof cd);
  cd.dwVersion = CARD_DATA_CURRENT_VERSION;
  cd.pfnCspAlloc = fuzz_alloc;
  cd.pfnCspReAlloc = fuzz_realloc;
  cd.pfnCspFree = fuzz_free;
  cd.pbAtr = atr.data();
  cd.cbAtr = static_cast<DWORD>(atr.size());
  cd.pwszCardName = reinterpret_cast<LPWSTR>(name);
  if (SoftcardAcquireContextWithTransport(&cd, 0, hostile_transmit, &hostile) != 0) return 0;
  exercise(cd);
  cd.pfnCardDeleteContext(&cd);
  return 0;
}
