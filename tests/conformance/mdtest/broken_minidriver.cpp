// A deliberately wrong minidriver for conformance.mdtest.broken_library: it accepts every
// CARD_DATA version and flag, answers SCARD_S_SUCCESS to everything, and CardReadFile crashes
// on a NULL file name. softcard-mdtest must report these as failed nodes and keep running.
#include "cardmod.h"

namespace {

DWORD WINAPI ok_delete(PCARD_DATA) {
  return 0;
}
DWORD WINAPI ok_get_property(PCARD_DATA, LPCWSTR, PBYTE, DWORD, PDWORD len, DWORD) {
  if (len) *len = 0;
  return 0;
}
DWORD WINAPI crashing_read(PCARD_DATA, LPSTR, LPSTR name, DWORD, PBYTE* data, PDWORD cb) {
  volatile char first = name[0];  // NULL name: crash, as a careless minidriver would
  (void)first;
  *data = nullptr;
  *cb = 0;
  return 0;
}

}  // namespace

extern "C" SOFTCARD_MD_EXPORT DWORD WINAPI CardAcquireContext(PCARD_DATA pCardData, DWORD) {
  if (!pCardData) return 0;
  pCardData->pfnCardDeleteContext = ok_delete;
  pCardData->pfnCardReadFile = crashing_read;
  if (pCardData->dwVersion >= 6) pCardData->pfnCardGetProperty = ok_get_property;
  return 0;
}
