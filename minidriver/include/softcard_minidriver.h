/* softcard extensions of the minidriver ABI (not part of the Windows specification). */
#ifndef SOFTCARD_MINIDRIVER_H
#define SOFTCARD_MINIDRIVER_H
#include "cardmod.h"
#ifdef __cplusplus
extern "C" {
#endif

/* Sends one C-APDU and receives the R-APDU (data + SW1 SW2). *pcbResponse holds the buffer size on
 * input and the response length on output. Returns 0 or a Windows SCARD_* error. */
typedef DWORD (*SOFTCARD_TRANSMIT_FN)(void* ctx, const BYTE* pbCommand, DWORD cbCommand,
                                      BYTE* pbResponse, DWORD* pcbResponse);

/* CardAcquireContext with the card reached through `transmit` instead of SCardTransmit on
 * pCardData->hScard (in-process tests, Python, the demo). hScard may be 0. */
SOFTCARD_MD_EXPORT DWORD WINAPI SoftcardAcquireContextWithTransport(PCARD_DATA pCardData,
                                                                    DWORD dwFlags,
                                                                    SOFTCARD_TRANSMIT_FN transmit,
                                                                    void* ctx);

/* Connects to a PC/SC reader through pcsc-lite (reader NULL: the first reader holding a card) and
 * returns what CardAcquireContext needs: the context and card handles and the ATR (*pcbAtr: buffer
 * size in, ATR length out). The reader's name is copied to szReader when given. Returns 0 or a
 * Windows SCARD_* error. Keeps callers from including pcsc-lite next to cardmod.h. */
SOFTCARD_MD_EXPORT DWORD WINAPI SoftcardConnect(LPCSTR szReaderWanted, SCARDCONTEXT* phContext,
                                                SCARDHANDLE* phCard, BYTE* pbAtr, DWORD* pcbAtr,
                                                LPSTR szReader, DWORD cchReader);
SOFTCARD_MD_EXPORT DWORD WINAPI SoftcardDisconnect(SCARDCONTEXT hContext, SCARDHANDLE hCard);

/* Zeroes *pCardData, sets dwVersion to CARD_DATA_CURRENT_VERSION and the CSP allocator callbacks
 * to the C heap (pfnCspAlloc zero-fills; free what the library returns with pfnCspFree or
 * free()). What a host without a CSP of its own (tests, Python, the demo) sets before
 * CardAcquireContext; it still fills in pbAtr, pwszCardName, hSCardCtx and hScard itself. */
SOFTCARD_MD_EXPORT void WINAPI SoftcardPrepareCardData(PCARD_DATA pCardData);

#ifdef __cplusplus
}
#endif
#endif
