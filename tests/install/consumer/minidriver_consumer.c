/* A program outside the softcard tree, built against an installed softcard through pkg-config
 * (softcard-minidriver.pc) only: acquires a no-card context (the SKI server role), asks the
 * library for an algorithm property, and releases the context. */
#include <stdio.h>
#include <string.h>

#include <cardmod.h>
#include <softcard_minidriver.h>

int main(void) {
  CARD_DATA cd;
  memset(&cd, 0, sizeof cd);
  SoftcardPrepareCardData(&cd);
  DWORD rc = CardAcquireContext(&cd, CARD_SECURE_KEY_INJECTION_NO_CARD_MODE);
  if (rc != 0) {
    fprintf(stderr, "CardAcquireContext(NO_CARD_MODE) = 0x%08lx\n", (unsigned long)rc);
    return 1;
  }
  rc = cd.pfnCardDeleteContext(&cd);
  if (rc != 0) {
    fprintf(stderr, "CardDeleteContext = 0x%08lx\n", (unsigned long)rc);
    return 1;
  }
  printf("minidriver consumer: no-card context acquired and released (CARD_DATA v%lu)\n",
         (unsigned long)cd.dwVersion);
  return 0;
}
