// SoftcardPrepareCardData: the CSP side of CARD_DATA for hosts that are not a CSP.
#include <cstdlib>
#include <cstring>

#include "softcard_minidriver.h"

namespace {
LPVOID WINAPI heap_alloc(SIZE_T n) {
  return std::calloc(1, n);
}
LPVOID WINAPI heap_realloc(LPVOID p, SIZE_T n) {
  return std::realloc(p, n);
}
void WINAPI heap_free(LPVOID p) {
  std::free(p);
}
}  // namespace

extern "C" SOFTCARD_MD_EXPORT void WINAPI SoftcardPrepareCardData(PCARD_DATA pCardData) {
  if (pCardData == nullptr) return;
  std::memset(pCardData, 0, sizeof *pCardData);
  pCardData->dwVersion = CARD_DATA_CURRENT_VERSION;
  pCardData->pfnCspAlloc = heap_alloc;
  pCardData->pfnCspReAlloc = heap_realloc;
  pCardData->pfnCspFree = heap_free;
}
