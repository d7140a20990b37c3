/* softcard's own minidriver v7 header: the names, values and layouts of the Windows Smart Card
 * Minidriver Specification v7 (CARD_DATA_CURRENT_VERSION 7), written from the published facts in
 * shared/reference/minidriver-v7.md. It uses Windows type widths on every platform (DWORD 32-bit,
 * WCHAR 16-bit, pointers native), so the same code can build a Windows DLL later.
 *
 * Do not include pcsc-lite's <winscard.h> in the same translation unit: pcsc-lite defines the
 * same SCARD_* names with different values. minidriver/src/pcsc_transport.cpp is the only place
 * that talks to pcsc-lite. */
#ifndef SOFTCARD_CARDMOD_H
#define SOFTCARD_CARDMOD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define WINAPI __stdcall
#else
#define WINAPI
#endif

/* ---- Windows base types (widths as on Windows) ---- */
typedef uint32_t DWORD, *PDWORD, *LPDWORD;
typedef uint32_t ULONG;
typedef int32_t LONG;
typedef int32_t BOOL;
typedef uint8_t BYTE, *PBYTE, *LPBYTE;
typedef uint8_t UCHAR, *PUCHAR;
typedef uint16_t WORD;
#ifdef __cplusplus
typedef char16_t WCHAR;
#else
typedef uint16_t WCHAR;
#endif
typedef WCHAR *LPWSTR, *PWSTR;
typedef const WCHAR *LPCWSTR, *PCWSTR;
typedef char* LPSTR;
typedef const char* LPCSTR;
typedef void *PVOID, *LPVOID, *HWND;
typedef uintptr_t ULONG_PTR;
typedef size_t SIZE_T;
typedef ULONG_PTR SCARDCONTEXT;
typedef ULONG_PTR SCARDHANDLE;
typedef DWORD ALG_ID;

#ifndef TRUE
#define TRUE 1
#define FALSE 0
#endif

/* ---- Error codes (Windows values) ---- */
#define SCARD_S_SUCCESS ((DWORD)0x00000000)
#define NO_ERROR ((DWORD)0)
#define ERROR_FILE_EXISTS ((DWORD)80)
#define ERROR_INVALID_PARAMETER ((DWORD)87)
#define ERROR_INSUFFICIENT_BUFFER ((DWORD)122)
#define ERROR_DIR_NOT_EMPTY ((DWORD)145)
#define ERROR_NOT_ENOUGH_MEMORY ((DWORD)8)
#define ERROR_REVISION_MISMATCH ((DWORD)1306)
#define SCARD_F_INTERNAL_ERROR ((DWORD)0x80100001)
#define SCARD_E_CANCELLED ((DWORD)0x80100002)
#define SCARD_E_INVALID_HANDLE ((DWORD)0x80100003)
#define SCARD_E_INVALID_PARAMETER ((DWORD)0x80100004)
#define SCARD_E_INVALID_TARGET ((DWORD)0x80100005)
#define SCARD_E_NO_MEMORY ((DWORD)0x80100006)
#define SCARD_E_INSUFFICIENT_BUFFER ((DWORD)0x80100008)
#define SCARD_E_NO_SMARTCARD ((DWORD)0x8010000C)
#define SCARD_E_UNKNOWN_CARD ((DWORD)0x8010000D)
#define SCARD_E_INVALID_VALUE ((DWORD)0x80100011)
#define SCARD_F_COMM_ERROR ((DWORD)0x80100013)
#define SCARD_F_UNKNOWN_ERROR ((DWORD)0x80100014)
#define SCARD_E_UNEXPECTED ((DWORD)0x8010001F)
#define SCARD_E_UNSUPPORTED_FEATURE ((DWORD)0x80100022)
#define SCARD_E_DIR_NOT_FOUND ((DWORD)0x80100023)
#define SCARD_E_FILE_NOT_FOUND ((DWORD)0x80100024)
#define SCARD_E_NO_ACCESS ((DWORD)0x80100027)
#define SCARD_E_WRITE_TOO_MANY ((DWORD)0x80100028)
#define SCARD_E_INVALID_CHV ((DWORD)0x8010002A)
#define SCARD_E_NO_KEY_CONTAINER ((DWORD)0x80100030)
#define SCARD_E_READ_ONLY_CARD ((DWORD)0x80100034)
#define SCARD_W_RESET_CARD ((DWORD)0x80100068)
#define SCARD_W_REMOVED_CARD ((DWORD)0x80100069)
#define SCARD_W_SECURITY_VIOLATION ((DWORD)0x8010006A)
#define SCARD_W_WRONG_CHV ((DWORD)0x8010006B)
#define SCARD_W_CHV_BLOCKED ((DWORD)0x8010006C)
#define SCARD_W_CARD_NOT_AUTHENTICATED ((DWORD)0x8010006F)
#define NTE_BAD_KEY ((DWORD)0x80090003)
#define NTE_BAD_LEN ((DWORD)0x80090004)
#define NTE_BAD_DATA ((DWORD)0x80090005)
#define NTE_BAD_SIGNATURE ((DWORD)0x80090006)
#define NTE_BAD_ALGID ((DWORD)0x80090008)
#define NTE_BAD_FLAGS ((DWORD)0x80090009)
#define NTE_NO_MEMORY ((DWORD)0x8009000E)
#define NTE_BAD_KEYSET ((DWORD)0x80090016)
#define NTE_INVALID_PARAMETER ((DWORD)0x80090027)
#define NTE_BUFFER_TOO_SMALL ((DWORD)0x80090028)
#define NTE_NOT_SUPPORTED ((DWORD)0x80090029)

/* ---- Versions ---- */
#define CARD_DATA_VERSION_FOUR 4
#define CARD_DATA_VERSION_FIVE 5
#define CARD_DATA_VERSION_SIX 6
#define CARD_DATA_VERSION_SEVEN 7
#define CARD_DATA_CURRENT_VERSION CARD_DATA_VERSION_SEVEN

/* ---- Key specs, roles, PIN sets ---- */
#define AT_KEYEXCHANGE 1
#define AT_SIGNATURE 2
#define AT_ECDSA_P256 3
#define AT_ECDSA_P384 4
#define AT_ECDSA_P521 5
#define AT_ECDHE_P256 6
#define AT_ECDHE_P384 7
#define AT_ECDHE_P521 8

typedef DWORD PIN_ID, *PPIN_ID;
typedef DWORD PIN_SET, *PPIN_SET;
#define MAX_PINS 8
#define ROLE_EVERYONE 0
#define ROLE_USER 1
#define ROLE_ADMIN 2
#define PIN_SET_NONE 0x00
#define PIN_SET_ALL_ROLES 0xFF
#define CREATE_PIN_SET(PinId) ((PIN_SET)(1u << (PinId)))
#define SET_PIN(PinSet, PinId) ((PinSet) |= CREATE_PIN_SET(PinId))
#define IS_PIN_SET(PinSet, PinId) (0 != ((PinSet)&CREATE_PIN_SET(PinId)))
#define CLEAR_PIN(PinSet, PinId) ((PinSet) &= ~CREATE_PIN_SET(PinId))
#define PIN_CHANGE_FLAG_UNBLOCK 0x01
#define PIN_CHANGE_FLAG_CHANGEPIN 0x02
#define CARD_AUTHENTICATE_GENERATE_SESSION_PIN 0x10000000
#define CARD_AUTHENTICATE_SESSION_PIN 0x20000000
#define CARD_PIN_SILENT_CONTEXT 0x00000040
#define CARD_AUTHENTICATE_PIN_CHALLENGE_RESPONSE 1
#define CARD_AUTHENTICATE_PIN_PIN 2
#define CARD_PIN_STRENGTH_PLAINTEXT 0x1
#define CARD_PIN_STRENGTH_SESSION_PIN 0x2

typedef enum {
  AlphaNumericPinType = 0,
  ExternalPinType,
  ChallengeResponsePinType,
  EmptyPinType
} SECRET_TYPE;
typedef enum {
  AuthenticationPin = 0,
  DigitalSignaturePin,
  EncryptionPin,
  NonRepudiationPin,
  AdministratorPin,
  PrimaryCardPin,
  UnblockOnlyPin
} SECRET_PURPOSE;
typedef enum {
  PinCacheNormal = 0,
  PinCacheTimed,
  PinCacheNone,
  PinCacheAlwaysPrompt
} PIN_CACHE_POLICY_TYPE;

#define PIN_CACHE_POLICY_CURRENT_VERSION 6
typedef struct _PIN_CACHE_POLICY {
  DWORD dwVersion;
  PIN_CACHE_POLICY_TYPE PinCachePolicyType;
  DWORD dwPinCachePolicyInfo;
} PIN_CACHE_POLICY, *PPIN_CACHE_POLICY;

#define PIN_INFO_CURRENT_VERSION 6
#define PIN_INFO_REQUIRE_SECURE_ENTRY 1
typedef struct _PIN_INFO {
  DWORD dwVersion;
  SECRET_TYPE PinType;
  SECRET_PURPOSE PinPurpose;
  PIN_SET dwChangePermission;
  PIN_SET dwUnblockPermission;
  PIN_CACHE_POLICY PinCachePolicy;
  DWORD dwFlags;
} PIN_INFO, *PPIN_INFO;

/* ---- File system ---- */
#define szBASE_CSP_DIR "mscp"
#define szINTERMEDIATE_CERTS_DIR "mscerts"
#define szCACHE_FILE "cardcf"
#define szCARD_IDENTIFIER_FILE "cardid"
#define szCONTAINER_MAP_FILE "cmapfile"
#define szROOT_STORE_FILE "msroots"
#define szUSER_SIGNATURE_CERT_PREFIX "ksc"
#define szUSER_KEYEXCHANGE_CERT_PREFIX "kxc"
#define MAX_CONTAINER_NAME_LEN 39
#define CARD_DATA_VALUE_UNKNOWN ((DWORD)-1)
#define CONTAINER_MAP_VALID_CONTAINER 1
#define CONTAINER_MAP_DEFAULT_CONTAINER 2
#define CARD_CACHE_FILE_CURRENT_VERSION 1

typedef enum {
  InvalidDirAc = 0,
  UserCreateDeleteDirAc,
  AdminCreateDeleteDirAc
} CARD_DIRECTORY_ACCESS_CONDITION;
typedef enum {
  InvalidAc = 0,
  EveryoneReadUserWriteAc = 1,
  UserWriteExecuteAc = 2,
  EveryoneReadAdminWriteAc = 3,
  UnknownAc = 4,
  UserReadWriteAc = 5,
  AdminReadWriteAc = 6
} CARD_FILE_ACCESS_CONDITION;

#pragma pack(push, 1)
typedef struct _CONTAINER_MAP_RECORD {
  WCHAR wszGuid[MAX_CONTAINER_NAME_LEN + 1];
  BYTE bFlags;
  BYTE bReserved;
  WORD wSigKeySizeBits;
  WORD wKeyExchangeKeySizeBits;
} CONTAINER_MAP_RECORD, *PCONTAINER_MAP_RECORD;
typedef struct _CARD_CACHE_FILE_FORMAT {
  BYTE bVersion;
  BYTE bPinsFreshness;
  WORD wContainersFreshness;
  WORD wFilesFreshness;
} CARD_CACHE_FILE_FORMAT, *PCARD_CACHE_FILE_FORMAT;
#pragma pack(pop)

#define CARD_FILE_INFO_CURRENT_VERSION 1
typedef struct _CARD_FILE_INFO {
  DWORD dwVersion;
  DWORD cbFileSize;
  CARD_FILE_ACCESS_CONDITION AccessCondition;
} CARD_FILE_INFO, *PCARD_FILE_INFO;

#define CARD_FREE_SPACE_INFO_CURRENT_VERSION 1
typedef struct _CARD_FREE_SPACE_INFO {
  DWORD dwVersion;
  DWORD dwBytesAvailable;
  DWORD dwKeyContainersAvailable;
  DWORD dwMaxKeyContainers;
} CARD_FREE_SPACE_INFO, *PCARD_FREE_SPACE_INFO;

#define CARD_CAPABILITIES_CURRENT_VERSION 1
typedef struct _CARD_CAPABILITIES {
  DWORD dwVersion;
  BOOL fCertificateCompression;
  BOOL fKeyGen;
} CARD_CAPABILITIES, *PCARD_CAPABILITIES;

#define CARD_KEY_SIZES_CURRENT_VERSION 1
typedef struct _CARD_KEY_SIZES {
  DWORD dwVersion;
  DWORD dwMinimumBitlen;
  DWORD dwDefaultBitlen;
  DWORD dwMaximumBitlen;
  DWORD dwIncrementalBitlen;
} CARD_KEY_SIZES, *PCARD_KEY_SIZES;

#define CONTAINER_INFO_CURRENT_VERSION 1
typedef struct _CONTAINER_INFO {
  DWORD dwVersion;
  DWORD dwReserved;
  DWORD cbSigPublicKey;
  PBYTE pbSigPublicKey;
  DWORD cbKeyExPublicKey;
  PBYTE pbKeyExPublicKey;
} CONTAINER_INFO, *PCONTAINER_INFO;

/* ---- Container creation ---- */
#define CARD_CREATE_CONTAINER_KEY_GEN 1
#define CARD_CREATE_CONTAINER_KEY_IMPORT 2

/* ---- Padding, flags ---- */
#define CARD_PADDING_NONE 0x00000001
#define CARD_PADDING_PKCS1 0x00000002
#define CARD_PADDING_PSS 0x00000004
#define CARD_PADDING_OAEP 0x00000008
#define CARD_BUFFER_SIZE_ONLY 0x20000000
#define CARD_PADDING_INFO_PRESENT 0x40000000
#define CARD_RETURN_KEY_HANDLE 0x01000000
#define CARD_SECURE_KEY_INJECTION_NO_CARD_MODE 0x1
#define CARD_KEY_IMPORT_PLAIN_TEXT 0x1
#define CARD_KEY_IMPORT_RSA_KEYEST 0x2
#define CARD_KEY_IMPORT_ECC_KEYEST 0x4
#define CARD_KEY_IMPORT_SHARED_SYMMETRIC 0x8
#define CARD_CIPHER_OPERATION 0x1
#define CARD_ASYMMETRIC_OPERATION 0x2
#define CARD_BLOCK_PADDING 0x00000001
#define BCRYPT_BLOCK_PADDING 0x00000001

/* ---- Strings (UTF-16 literals) ---- */
#define CARD_3DES_112_ALGORITHM u"3DES_112"
#define CARD_3DES_ALGORITHM u"3DES"
#define CARD_AES_ALGORITHM u"AES"
#define CARD_CHAIN_MODE_CBC u"ChainingModeCBC"
#define SOFTCARD_CHAIN_MODE_GCM u"ChainingModeGCM" /* = BCRYPT_CHAIN_MODE_GCM */
#define CKP_CHAINING_MODE u"ChainingMode"
#define CKP_INITIALIZATION_VECTOR u"IV"
#define CKP_BLOCK_LENGTH u"BlockLength"
#define SOFTCARD_KEY_LENGTHS u"KeyLengths" /* = BCRYPT_KEY_LENGTHS */
#define BCRYPT_KEY_DATA_BLOB u"KeyDataBlob"
#define BCRYPT_KDF_HKDF u"HKDF"
#define BCRYPT_KDF_HASH u"HASH"
#define BCRYPT_KDF_HMAC u"HMAC"
#define BCRYPT_KDF_SP80056A_CONCAT u"SP800_56A_CONCAT"
#define CSF_IMPORT_KEYPAIR u"Import Key Pair"
#define CSF_CHANGE_AUTHENTICATOR u"Change Authenticator"
#define CSF_AUTHENTICATE u"Authenticate"

#define CP_CARD_FREE_SPACE u"Free Space"
#define CP_CARD_CAPABILITIES u"Capabilities"
#define CP_CARD_KEYSIZES u"Key Sizes"
#define CP_CARD_READ_ONLY u"Read Only Mode"
#define CP_CARD_CACHE_MODE u"Cache Mode"
#define CP_SUPPORTS_WIN_X509_ENROLLMENT u"Supports Windows x.509 Enrollment"
#define CP_CARD_GUID u"Card Identifier"
#define CP_CARD_SERIAL_NO u"Card Serial Number"
#define CP_CARD_PIN_INFO u"PIN Information"
#define CP_CARD_LIST_PINS u"PIN List"
#define CP_CARD_AUTHENTICATED_STATE u"Authenticated State"
#define CP_CARD_PIN_STRENGTH_VERIFY u"PIN Strength Verify"
#define CP_CARD_PIN_STRENGTH_CHANGE u"PIN Strength Change"
#define CP_CARD_PIN_STRENGTH_UNBLOCK u"PIN Strength Unblock"
#define CP_PARENT_WINDOW u"Parent Window"
#define CP_PIN_CONTEXT_STRING u"PIN Context String"
#define CP_KEY_IMPORT_SUPPORT u"Key Import Support"
#define CP_ENUM_ALGORITHMS u"Algorithms"
#define CP_PADDING_SCHEMES u"Padding Schemes"
#define CP_CHAINING_MODES u"Chaining Modes"
#define CP_CACHE_MODE_GLOBAL_CACHE 1
#define CP_CACHE_MODE_SESSION_ONLY 2
#define CP_CACHE_MODE_NO_CACHE 3
#define CCP_CONTAINER_INFO u"Container Info"
#define CCP_PIN_IDENTIFIER u"PIN Identifier"
#define CCP_ASSOCIATED_ECDH_KEY u"Associated ECDH Key"

/* ---- SKI and crypto structures ---- */
typedef ULONG_PTR CARD_KEY_HANDLE, *PCARD_KEY_HANDLE;

typedef struct _CARD_ENCRYPTED_DATA {
  PBYTE pbEncryptedData;
  DWORD cbEncryptedData;
} CARD_ENCRYPTED_DATA, *PCARD_ENCRYPTED_DATA;

#define CARD_IMPORT_KEYPAIR_VERSION_SEVEN 7
#define CARD_IMPORT_KEYPAIR_CURRENT_VERSION CARD_IMPORT_KEYPAIR_VERSION_SEVEN
typedef struct _CARD_IMPORT_KEYPAIR {
  DWORD dwVersion;
  BYTE bContainerIndex;
  PIN_ID PinId;
  DWORD dwKeySpec;
  DWORD dwKeySize;
  DWORD cbInput;
  BYTE pbInput[];
} CARD_IMPORT_KEYPAIR, *PCARD_IMPORT_KEYPAIR;

#define CARD_CHANGE_AUTHENTICATOR_VERSION_SEVEN 7
#define CARD_CHANGE_AUTHENTICATOR_CURRENT_VERSION CARD_CHANGE_AUTHENTICATOR_VERSION_SEVEN
typedef struct _CARD_CHANGE_AUTHENTICATOR {
  DWORD dwVersion;
  DWORD dwFlags;
  PIN_ID dwAuthenticatingPinId;
  DWORD cbAuthenticatingPinData;
  PIN_ID dwTargetPinId;
  DWORD cbTargetData;
  DWORD cRetryCount;
  BYTE pbData[];
} CARD_CHANGE_AUTHENTICATOR, *PCARD_CHANGE_AUTHENTICATOR;

#define CARD_CHANGE_AUTHENTICATOR_RESPONSE_VERSION_SEVEN 7
#define CARD_CHANGE_AUTHENTICATOR_RESPONSE_CURRENT_VERSION \
  CARD_CHANGE_AUTHENTICATOR_RESPONSE_VERSION_SEVEN
typedef struct _CARD_CHANGE_AUTHENTICATOR_RESPONSE {
  DWORD dwVersion;
  DWORD cAttemptsRemaining;
} CARD_CHANGE_AUTHENTICATOR_RESPONSE, *PCARD_CHANGE_AUTHENTICATOR_RESPONSE;

#define CARD_AUTHENTICATE_VERSION_SEVEN 7
#define CARD_AUTHENTICATE_CURRENT_VERSION CARD_AUTHENTICATE_VERSION_SEVEN
typedef struct _CARD_AUTHENTICATE {
  DWORD dwVersion;
  DWORD dwFlags;
  PIN_ID PinId;
  DWORD cbPinData;
  BYTE pbPinData[];
} CARD_AUTHENTICATE, *PCARD_AUTHENTICATE;

#define CARD_AUTHENTICATE_RESPONSE_VERSION_SEVEN 7
#define CARD_AUTHENTICATE_RESPONSE_CURRENT_VERSION CARD_AUTHENTICATE_RESPONSE_VERSION_SEVEN
typedef struct _CARD_AUTHENTICATE_RESPONSE {
  DWORD dwVersion;
  DWORD cbSessionPin;
  DWORD cAttemptsRemaining;
  BYTE pbSessionPin[];
} CARD_AUTHENTICATE_RESPONSE, *PCARD_AUTHENTICATE_RESPONSE;

#define BCRYPT_KEY_DATA_BLOB_MAGIC 0x4d42444b
#define BCRYPT_KEY_DATA_BLOB_VERSION1 0x1
typedef struct _BCRYPT_KEY_DATA_BLOB_HEADER {
  ULONG dwMagic;
  ULONG dwVersion;
  ULONG cbKeyData;
} BCRYPT_KEY_DATA_BLOB_HEADER, *PBCRYPT_KEY_DATA_BLOB_HEADER;

typedef struct _BCRYPT_OAEP_PADDING_INFO {
  LPCWSTR pszAlgId;
  PUCHAR pbLabel;
  ULONG cbLabel;
} BCRYPT_OAEP_PADDING_INFO;

typedef struct _BCRYPT_PKCS1_PADDING_INFO {
  LPCWSTR pszAlgId;
} BCRYPT_PKCS1_PADDING_INFO;

typedef struct _BCRYPT_PSS_PADDING_INFO {
  LPCWSTR pszAlgId;
  ULONG cbSalt;
} BCRYPT_PSS_PADDING_INFO;

typedef struct __BCRYPT_KEY_LENGTHS_STRUCT {
  ULONG dwMinLength;
  ULONG dwMaxLength;
  ULONG dwIncrement;
} BCRYPT_KEY_LENGTHS_STRUCT;

typedef struct _BCRYPT_ECCKEY_BLOB {
  ULONG dwMagic;
  ULONG cbKey;
} BCRYPT_ECCKEY_BLOB;
#define BCRYPT_ECDH_PUBLIC_P256_MAGIC 0x314B4345
#define BCRYPT_ECDH_PRIVATE_P256_MAGIC 0x324B4345
#define BCRYPT_ECDH_PUBLIC_P384_MAGIC 0x334B4345
#define BCRYPT_ECDH_PRIVATE_P384_MAGIC 0x344B4345
#define BCRYPT_ECDH_PUBLIC_P521_MAGIC 0x354B4345
#define BCRYPT_ECDH_PRIVATE_P521_MAGIC 0x364B4345
#define BCRYPT_ECDSA_PUBLIC_P256_MAGIC 0x31534345
#define BCRYPT_ECDSA_PRIVATE_P256_MAGIC 0x32534345
#define BCRYPT_ECDSA_PUBLIC_P384_MAGIC 0x33534345
#define BCRYPT_ECDSA_PRIVATE_P384_MAGIC 0x34534345
#define BCRYPT_ECDSA_PUBLIC_P521_MAGIC 0x35534345
#define BCRYPT_ECDSA_PRIVATE_P521_MAGIC 0x36534345

/* CAPI key blobs (PUBLICKEYBLOB / PRIVATEKEYBLOB) */
#define PUBLICKEYBLOB 0x6
#define PRIVATEKEYBLOB 0x7
#define CUR_BLOB_VERSION 2
#define CALG_RSA_SIGN 0x00002400
#define CALG_RSA_KEYX 0x0000a400
#define RSA1_MAGIC 0x31415352 /* "RSA1" */
#define RSA2_MAGIC 0x32415352 /* "RSA2" */
typedef struct _PUBLICKEYSTRUC {
  BYTE bType;
  BYTE bVersion;
  WORD reserved;
  ALG_ID aiKeyAlg;
} BLOBHEADER, PUBLICKEYSTRUC;
typedef struct _RSAPUBKEY {
  DWORD magic;
  DWORD bitlen;
  DWORD pubexp;
} RSAPUBKEY;

#define CARD_RSA_KEY_DECRYPT_INFO_VERSION_ONE 1
#define CARD_RSA_KEY_DECRYPT_INFO_VERSION_TWO 2
#define CARD_RSA_KEY_DECRYPT_INFO_CURRENT_VERSION CARD_RSA_KEY_DECRYPT_INFO_VERSION_TWO
typedef struct _CARD_RSA_DECRYPT_INFO {
  DWORD dwVersion;
  BYTE bContainerIndex;
  DWORD dwKeySpec;
  PBYTE pbData;
  DWORD cbData;
  LPVOID pPaddingInfo;
  DWORD dwPaddingType;
} CARD_RSA_DECRYPT_INFO, *PCARD_RSA_DECRYPT_INFO;

#define CARD_SIGNING_INFO_BASIC_VERSION 1
#define CARD_SIGNING_INFO_CURRENT_VERSION 2
typedef struct _CARD_SIGNING_INFO {
  DWORD dwVersion;
  BYTE bContainerIndex;
  DWORD dwKeySpec;
  DWORD dwSigningFlags;
  ALG_ID aiHashAlg;
  PBYTE pbData;
  DWORD cbData;
  PBYTE pbSignedData;
  DWORD cbSignedData;
  LPVOID pPaddingInfo;
  DWORD dwPaddingType;
} CARD_SIGNING_INFO, *PCARD_SIGNING_INFO;
#define CALG_SHA1 0x00008004
#define CALG_SHA_256 0x0000800c
#define CALG_SHA_384 0x0000800d
#define CALG_SHA_512 0x0000800e
#define CALG_MD5 0x00008003
#define CALG_SSL3_SHAMD5 0x00008008

#define CARD_DH_AGREEMENT_INFO_VERSION 2
typedef struct _CARD_DH_AGREEMENT_INFO {
  DWORD dwVersion;
  BYTE bContainerIndex;
  DWORD dwFlags;
  DWORD dwPublicKey;
  PBYTE pbPublicKey;
  PBYTE pbReserved;
  DWORD cbReserved;
  BYTE bSecretAgreementIndex;
} CARD_DH_AGREEMENT_INFO, *PCARD_DH_AGREEMENT_INFO;

#define CARD_DERIVE_KEY_VERSION 1
#define CARD_DERIVE_KEY_VERSION_TWO 2
#define CARD_DERIVE_KEY_CURRENT_VERSION CARD_DERIVE_KEY_VERSION_TWO
typedef struct _CARD_DERIVE_KEY {
  DWORD dwVersion;
  DWORD dwFlags;
  LPWSTR pwszKDF;
  BYTE bSecretAgreementIndex;
  PVOID pParameterList;
  PBYTE pbDerivedKey;
  DWORD cbDerivedKey;
  LPWSTR pwszAlgId;
  DWORD dwKeyLen;
  CARD_KEY_HANDLE hKey;
} CARD_DERIVE_KEY, *PCARD_DERIVE_KEY;

/* CARD_DERIVE_KEY.dwFlags (bcrypt.h): the agreed secret is the HMAC key of the HMAC KDF. */
#define KDF_USE_SECRET_AS_HMAC_KEY_FLAG 0x1
/* pParameterList is a BCryptBufferDesc (bcrypt.h); ulVersion BCRYPTBUFFER_VERSION. */
typedef struct _BCryptBuffer {
  ULONG cbBuffer;
  ULONG BufferType;
  PVOID pvBuffer;
} BCryptBuffer, *PBCryptBuffer;
typedef struct _BCryptBufferDesc {
  ULONG ulVersion;
  ULONG cBuffers;
  PBCryptBuffer pBuffers;
} BCryptBufferDesc, *PBCryptBufferDesc;
#define BCRYPTBUFFER_VERSION 0
#define KDF_HASH_ALGORITHM 0x0
#define KDF_SECRET_PREPEND 0x1
#define KDF_SECRET_APPEND 0x2
#define KDF_HMAC_KEY 0x3
#define KDF_ALGORITHMID 0x8
#define KDF_PARTYUINFO 0x9
#define KDF_PARTYVINFO 0xA
#define KDF_SUPPPUBINFO 0xB
#define KDF_SUPPPRIVINFO 0xC

/* ---- CARD_DATA and the function table ---- */
struct _CARD_DATA;
typedef struct _CARD_DATA CARD_DATA, *PCARD_DATA;

typedef LPVOID(WINAPI* PFN_CSP_ALLOC)(SIZE_T Size);
typedef LPVOID(WINAPI* PFN_CSP_REALLOC)(LPVOID Address, SIZE_T Size);
typedef void(WINAPI* PFN_CSP_FREE)(LPVOID Address);
typedef DWORD(WINAPI* PFN_CSP_CACHE_ADD_FILE)(PVOID pvCacheContext, LPWSTR wszTag, DWORD dwFlags,
                                              PBYTE pbData, DWORD cbData);
typedef DWORD(WINAPI* PFN_CSP_CACHE_LOOKUP_FILE)(PVOID pvCacheContext, LPWSTR wszTag, DWORD dwFlags,
                                                 PBYTE* ppbData, PDWORD pcbData);
typedef DWORD(WINAPI* PFN_CSP_CACHE_DELETE_FILE)(PVOID pvCacheContext, LPWSTR wszTag,
                                                 DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CSP_PAD_DATA)(PCARD_SIGNING_INFO pSigningInfo, DWORD cbMaxWidth,
                                        DWORD* pcbPaddedBuffer, PBYTE* ppbPaddedBuffer);
typedef DWORD(WINAPI* PFN_CSP_GET_DH_AGREEMENT)(PCARD_DATA pCardData, PVOID hSecretAgreement,
                                                BYTE* pbSecretAgreementIndex, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CSP_UNPAD_DATA)(PCARD_RSA_DECRYPT_INFO pRSADecryptInfo,
                                          DWORD* pcbUnpaddedData, PBYTE* ppbUnpaddedData);

typedef DWORD(WINAPI* PFN_CARD_DELETE_CONTEXT)(PCARD_DATA pCardData);
typedef DWORD(WINAPI* PFN_CARD_QUERY_CAPABILITIES)(PCARD_DATA pCardData,
                                                   PCARD_CAPABILITIES pCardCapabilities);
typedef DWORD(WINAPI* PFN_CARD_DELETE_CONTAINER)(PCARD_DATA pCardData, BYTE bContainerIndex,
                                                 DWORD dwReserved);
typedef DWORD(WINAPI* PFN_CARD_CREATE_CONTAINER)(PCARD_DATA pCardData, BYTE bContainerIndex,
                                                 DWORD dwFlags, DWORD dwKeySpec, DWORD dwKeySize,
                                                 PBYTE pbKeyData);
typedef DWORD(WINAPI* PFN_CARD_GET_CONTAINER_INFO)(PCARD_DATA pCardData, BYTE bContainerIndex,
                                                   DWORD dwFlags, PCONTAINER_INFO pContainerInfo);
typedef DWORD(WINAPI* PFN_CARD_AUTHENTICATE_PIN)(PCARD_DATA pCardData, LPWSTR pwszUserId,
                                                 PBYTE pbPin, DWORD cbPin,
                                                 PDWORD pcAttemptsRemaining);
typedef DWORD(WINAPI* PFN_CARD_GET_CHALLENGE)(PCARD_DATA pCardData, PBYTE* ppbChallengeData,
                                              PDWORD pcbChallengeData);
typedef DWORD(WINAPI* PFN_CARD_AUTHENTICATE_CHALLENGE)(PCARD_DATA pCardData, PBYTE pbResponseData,
                                                       DWORD cbResponseData,
                                                       PDWORD pcAttemptsRemaining);
typedef DWORD(WINAPI* PFN_CARD_UNBLOCK_PIN)(PCARD_DATA pCardData, LPWSTR pwszUserId,
                                            PBYTE pbAuthenticationData, DWORD cbAuthenticationData,
                                            PBYTE pbNewPinData, DWORD cbNewPinData,
                                            DWORD cRetryCount, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_CHANGE_AUTHENTICATOR)(PCARD_DATA pCardData, LPWSTR pwszUserId,
                                                     PBYTE pbCurrentAuthenticator,
                                                     DWORD cbCurrentAuthenticator,
                                                     PBYTE pbNewAuthenticator,
                                                     DWORD cbNewAuthenticator, DWORD cRetryCount,
                                                     DWORD dwFlags, PDWORD pcAttemptsRemaining);
typedef DWORD(WINAPI* PFN_CARD_DEAUTHENTICATE)(PCARD_DATA pCardData, LPWSTR pwszUserId,
                                               DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_CREATE_DIRECTORY)(PCARD_DATA pCardData, LPSTR pszDirectoryName,
                                                 CARD_DIRECTORY_ACCESS_CONDITION AccessCondition);
typedef DWORD(WINAPI* PFN_CARD_DELETE_DIRECTORY)(PCARD_DATA pCardData, LPSTR pszDirectoryName);
typedef DWORD(WINAPI* PFN_CARD_CREATE_FILE)(PCARD_DATA pCardData, LPSTR pszDirectoryName,
                                            LPSTR pszFileName, DWORD cbInitialCreationSize,
                                            CARD_FILE_ACCESS_CONDITION AccessCondition);
typedef DWORD(WINAPI* PFN_CARD_READ_FILE)(PCARD_DATA pCardData, LPSTR pszDirectoryName,
                                          LPSTR pszFileName, DWORD dwFlags, PBYTE* ppbData,
                                          PDWORD pcbData);
typedef DWORD(WINAPI* PFN_CARD_WRITE_FILE)(PCARD_DATA pCardData, LPSTR pszDirectoryName,
                                           LPSTR pszFileName, DWORD dwFlags, PBYTE pbData,
                                           DWORD cbData);
typedef DWORD(WINAPI* PFN_CARD_DELETE_FILE)(PCARD_DATA pCardData, LPSTR pszDirectoryName,
                                            LPSTR pszFileName, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_ENUM_FILES)(PCARD_DATA pCardData, LPSTR pszDirectoryName,
                                           LPSTR* pmszFileNames, LPDWORD pdwcbFileName,
                                           DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_GET_FILE_INFO)(PCARD_DATA pCardData, LPSTR pszDirectoryName,
                                              LPSTR pszFileName, PCARD_FILE_INFO pCardFileInfo);
typedef DWORD(WINAPI* PFN_CARD_QUERY_FREE_SPACE)(PCARD_DATA pCardData, DWORD dwFlags,
                                                 PCARD_FREE_SPACE_INFO pCardFreeSpaceInfo);
typedef DWORD(WINAPI* PFN_CARD_QUERY_KEY_SIZES)(PCARD_DATA pCardData, DWORD dwKeySpec,
                                                DWORD dwFlags, PCARD_KEY_SIZES pKeySizes);
typedef DWORD(WINAPI* PFN_CARD_SIGN_DATA)(PCARD_DATA pCardData, PCARD_SIGNING_INFO pInfo);
typedef DWORD(WINAPI* PFN_CARD_RSA_DECRYPT)(PCARD_DATA pCardData, PCARD_RSA_DECRYPT_INFO pInfo);
typedef DWORD(WINAPI* PFN_CARD_CONSTRUCT_DH_AGREEMENT)(PCARD_DATA pCardData,
                                                       PCARD_DH_AGREEMENT_INFO pAgreementInfo);
typedef DWORD(WINAPI* PFN_CARD_DERIVE_KEY)(PCARD_DATA pCardData, PCARD_DERIVE_KEY pAgreementInfo);
typedef DWORD(WINAPI* PFN_CARD_DESTROY_DH_AGREEMENT)(PCARD_DATA pCardData,
                                                     BYTE bSecretAgreementIndex, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_GET_CHALLENGE_EX)(PCARD_DATA pCardData, PIN_ID PinId,
                                                 PBYTE* ppbChallengeData, PDWORD pcbChallengeData,
                                                 DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_AUTHENTICATE_EX)(PCARD_DATA pCardData, PIN_ID PinId, DWORD dwFlags,
                                                PBYTE pbPinData, DWORD cbPinData,
                                                PBYTE* ppbSessionPin, PDWORD pcbSessionPin,
                                                PDWORD pcAttemptsRemaining);
typedef DWORD(WINAPI* PFN_CARD_CHANGE_AUTHENTICATOR_EX)(
    PCARD_DATA pCardData, DWORD dwFlags, PIN_ID dwAuthenticatingPinId,
    PBYTE pbAuthenticatingPinData, DWORD cbAuthenticatingPinData, PIN_ID dwTargetPinId,
    PBYTE pbTargetData, DWORD cbTargetData, DWORD cRetryCount, PDWORD pcAttemptsRemaining);
typedef DWORD(WINAPI* PFN_CARD_DEAUTHENTICATE_EX)(PCARD_DATA pCardData, PIN_SET PinId,
                                                  DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_GET_CONTAINER_PROPERTY)(PCARD_DATA pCardData, BYTE bContainerIndex,
                                                       LPCWSTR wszProperty, PBYTE pbData,
                                                       DWORD cbData, PDWORD pdwDataLen,
                                                       DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_SET_CONTAINER_PROPERTY)(PCARD_DATA pCardData, BYTE bContainerIndex,
                                                       LPCWSTR wszProperty, PBYTE pbData,
                                                       DWORD cbDataLen, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_GET_PROPERTY)(PCARD_DATA pCardData, LPCWSTR wszProperty,
                                             PBYTE pbData, DWORD cbData, PDWORD pdwDataLen,
                                             DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_SET_PROPERTY)(PCARD_DATA pCardData, LPCWSTR wszProperty,
                                             PBYTE pbData, DWORD cbDataLen, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_MD_IMPORT_SESSION_KEY)(PCARD_DATA pCardData, LPCWSTR pwszBlobType,
                                                 LPCWSTR pwszAlgId, PCARD_KEY_HANDLE phKey,
                                                 PBYTE pbInput, DWORD cbInput);
typedef DWORD(WINAPI* PFN_MD_ENCRYPT_DATA)(PCARD_DATA pCardData, CARD_KEY_HANDLE hKey,
                                           LPCWSTR pwszSecureFunction, PBYTE pbInput, DWORD cbInput,
                                           DWORD dwFlags, PCARD_ENCRYPTED_DATA* ppEncryptedData,
                                           PDWORD pcEncryptedData);
typedef DWORD(WINAPI* PFN_CARD_IMPORT_SESSION_KEY)(PCARD_DATA pCardData, BYTE bContainerIndex,
                                                   LPVOID pPaddingInfo, LPCWSTR pwszBlobType,
                                                   LPCWSTR pwszAlgId, PCARD_KEY_HANDLE phKey,
                                                   PBYTE pbInput, DWORD cbInput, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_GET_SHARED_KEY_HANDLE)(PCARD_DATA pCardData, PBYTE pbInput,
                                                      DWORD cbInput, PBYTE* ppbOutput,
                                                      PDWORD pcbOutput, PCARD_KEY_HANDLE phKey);
typedef DWORD(WINAPI* PFN_CARD_GET_ALGORITHM_PROPERTY)(PCARD_DATA pCardData, LPCWSTR pwszAlgId,
                                                       LPCWSTR pwszProperty, PBYTE pbData,
                                                       DWORD cbData, PDWORD pdwDataLen,
                                                       DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_GET_KEY_PROPERTY)(PCARD_DATA pCardData, CARD_KEY_HANDLE hKey,
                                                 LPCWSTR pwszProperty, PBYTE pbData, DWORD cbData,
                                                 PDWORD pdwDataLen, DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_SET_KEY_PROPERTY)(PCARD_DATA pCardData, CARD_KEY_HANDLE hKey,
                                                 LPCWSTR pwszProperty, PBYTE pbInput, DWORD cbInput,
                                                 DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_DESTROY_KEY)(PCARD_DATA pCardData, CARD_KEY_HANDLE hKey);
typedef DWORD(WINAPI* PFN_CARD_PROCESS_ENCRYPTED_DATA)(PCARD_DATA pCardData, CARD_KEY_HANDLE hKey,
                                                       LPCWSTR pwszSecureFunction,
                                                       PCARD_ENCRYPTED_DATA pEncryptedData,
                                                       DWORD cEncryptedData, PBYTE pbOutput,
                                                       DWORD cbOutput, PDWORD pdwOutputLen,
                                                       DWORD dwFlags);
typedef DWORD(WINAPI* PFN_CARD_CREATE_CONTAINER_EX)(PCARD_DATA pCardData, BYTE bContainerIndex,
                                                    DWORD dwFlags, DWORD dwKeySpec, DWORD dwKeySize,
                                                    PBYTE pbKeyData, PIN_ID PinId);

struct _CARD_DATA {
  /* set by the caller (CSP/KSP) */
  DWORD dwVersion;
  PBYTE pbAtr;
  DWORD cbAtr;
  LPWSTR pwszCardName;
  PFN_CSP_ALLOC pfnCspAlloc;
  PFN_CSP_REALLOC pfnCspReAlloc;
  PFN_CSP_FREE pfnCspFree;
  PFN_CSP_CACHE_ADD_FILE pfnCspCacheAddFile;
  PFN_CSP_CACHE_LOOKUP_FILE pfnCspCacheLookupFile;
  PFN_CSP_CACHE_DELETE_FILE pfnCspCacheDeleteFile;
  PVOID pvCacheContext;
  PFN_CSP_PAD_DATA pfnCspPadData;
  SCARDCONTEXT hSCardCtx;
  SCARDHANDLE hScard;
  PVOID pvVendorSpecific; /* owned by the card module */
  /* set by the card module */
  PFN_CARD_DELETE_CONTEXT pfnCardDeleteContext;
  PFN_CARD_QUERY_CAPABILITIES pfnCardQueryCapabilities;
  PFN_CARD_DELETE_CONTAINER pfnCardDeleteContainer;
  PFN_CARD_CREATE_CONTAINER pfnCardCreateContainer;
  PFN_CARD_GET_CONTAINER_INFO pfnCardGetContainerInfo;
  PFN_CARD_AUTHENTICATE_PIN pfnCardAuthenticatePin;
  PFN_CARD_GET_CHALLENGE pfnCardGetChallenge;
  PFN_CARD_AUTHENTICATE_CHALLENGE pfnCardAuthenticateChallenge;
  PFN_CARD_UNBLOCK_PIN pfnCardUnblockPin;
  PFN_CARD_CHANGE_AUTHENTICATOR pfnCardChangeAuthenticator;
  PFN_CARD_DEAUTHENTICATE pfnCardDeauthenticate;
  PFN_CARD_CREATE_DIRECTORY pfnCardCreateDirectory;
  PFN_CARD_DELETE_DIRECTORY pfnCardDeleteDirectory;
  LPVOID pvUnused3;
  LPVOID pvUnused4;
  PFN_CARD_CREATE_FILE pfnCardCreateFile;
  PFN_CARD_READ_FILE pfnCardReadFile;
  PFN_CARD_WRITE_FILE pfnCardWriteFile;
  PFN_CARD_DELETE_FILE pfnCardDeleteFile;
  PFN_CARD_ENUM_FILES pfnCardEnumFiles;
  PFN_CARD_GET_FILE_INFO pfnCardGetFileInfo;
  PFN_CARD_QUERY_FREE_SPACE pfnCardQueryFreeSpace;
  PFN_CARD_QUERY_KEY_SIZES pfnCardQueryKeySizes;
  PFN_CARD_SIGN_DATA pfnCardSignData;
  PFN_CARD_RSA_DECRYPT pfnCardRSADecrypt;
  PFN_CARD_CONSTRUCT_DH_AGREEMENT pfnCardConstructDHAgreement;
  /* version 5 */
  PFN_CARD_DERIVE_KEY pfnCardDeriveKey;
  PFN_CARD_DESTROY_DH_AGREEMENT pfnCardDestroyDHAgreement;
  PFN_CSP_GET_DH_AGREEMENT pfnCspGetDHAgreement;
  /* version 6 */
  PFN_CARD_GET_CHALLENGE_EX pfnCardGetChallengeEx;
  PFN_CARD_AUTHENTICATE_EX pfnCardAuthenticateEx;
  PFN_CARD_CHANGE_AUTHENTICATOR_EX pfnCardChangeAuthenticatorEx;
  PFN_CARD_DEAUTHENTICATE_EX pfnCardDeauthenticateEx;
  PFN_CARD_GET_CONTAINER_PROPERTY pfnCardGetContainerProperty;
  PFN_CARD_SET_CONTAINER_PROPERTY pfnCardSetContainerProperty;
  PFN_CARD_GET_PROPERTY pfnCardGetProperty;
  PFN_CARD_SET_PROPERTY pfnCardSetProperty;
  /* version 7 */
  PFN_CSP_UNPAD_DATA pfnCspUnpadData; /* set by the CSP/KSP */
  PFN_MD_IMPORT_SESSION_KEY pfnMDImportSessionKey;
  PFN_MD_ENCRYPT_DATA pfnMDEncryptData;
  PFN_CARD_IMPORT_SESSION_KEY pfnCardImportSessionKey;
  PFN_CARD_GET_SHARED_KEY_HANDLE pfnCardGetSharedKeyHandle;
  PFN_CARD_GET_ALGORITHM_PROPERTY pfnCardGetAlgorithmProperty;
  PFN_CARD_GET_KEY_PROPERTY pfnCardGetKeyProperty;
  PFN_CARD_SET_KEY_PROPERTY pfnCardSetKeyProperty;
  PFN_CARD_DESTROY_KEY pfnCardDestroyKey;
  PFN_CARD_PROCESS_ENCRYPTED_DATA pfnCardProcessEncryptedData;
  PFN_CARD_CREATE_CONTAINER_EX pfnCardCreateContainerEx;
};

/* The one exported entry point. */
#if defined(_WIN32)
#define SOFTCARD_MD_EXPORT __declspec(dllexport)
#else
#define SOFTCARD_MD_EXPORT __attribute__((visibility("default")))
#endif
SOFTCARD_MD_EXPORT DWORD WINAPI CardAcquireContext(PCARD_DATA pCardData, DWORD dwFlags);

#ifdef __cplusplus
} /* extern "C" */
#endif

/* Layout checks against the reference (x64; x86 where it differs). */
#ifdef __cplusplus
#define SOFTCARD_SA static_assert
#else
#define SOFTCARD_SA _Static_assert
#endif
SOFTCARD_SA(sizeof(DWORD) == 4 && sizeof(WCHAR) == 2 && sizeof(BOOL) == 4, "Windows widths");
SOFTCARD_SA(sizeof(CONTAINER_MAP_RECORD) == 86, "CONTAINER_MAP_RECORD is 86 bytes");
SOFTCARD_SA(offsetof(CONTAINER_MAP_RECORD, bFlags) == 80, "bFlags at 80");
SOFTCARD_SA(offsetof(CONTAINER_MAP_RECORD, wKeyExchangeKeySizeBits) == 84, "wKeyEx at 84");
SOFTCARD_SA(sizeof(CARD_CACHE_FILE_FORMAT) == 6, "cardcf is 6 bytes");
SOFTCARD_SA(sizeof(CARD_IMPORT_KEYPAIR) == 24, "CARD_IMPORT_KEYPAIR fixed part");
SOFTCARD_SA(offsetof(CARD_IMPORT_KEYPAIR, PinId) == 8, "PinId at 8");
SOFTCARD_SA(offsetof(CARD_IMPORT_KEYPAIR, pbInput) == 24, "pbInput at 24");
SOFTCARD_SA(offsetof(CARD_CHANGE_AUTHENTICATOR, pbData) == 28, "pbData at 28");
SOFTCARD_SA(sizeof(CARD_CHANGE_AUTHENTICATOR_RESPONSE) == 8, "8");
SOFTCARD_SA(offsetof(CARD_AUTHENTICATE, pbPinData) == 16, "pbPinData at 16");
SOFTCARD_SA(offsetof(CARD_AUTHENTICATE_RESPONSE, pbSessionPin) == 12, "pbSessionPin at 12");
SOFTCARD_SA(sizeof(BCRYPT_KEY_DATA_BLOB_HEADER) == 12, "12");
SOFTCARD_SA(sizeof(PIN_INFO) == 36 && offsetof(PIN_INFO, PinCachePolicy) == 20 &&
                offsetof(PIN_INFO, dwFlags) == 32,
            "PIN_INFO");
SOFTCARD_SA(sizeof(CARD_FILE_INFO) == 12, "CARD_FILE_INFO");
SOFTCARD_SA(sizeof(CARD_FREE_SPACE_INFO) == 16, "CARD_FREE_SPACE_INFO");
SOFTCARD_SA(sizeof(CARD_KEY_SIZES) == 20 && offsetof(CARD_KEY_SIZES, dwDefaultBitlen) == 8,
            "CARD_KEY_SIZES");
#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
SOFTCARD_SA(sizeof(CARD_ENCRYPTED_DATA) == 16 &&
                offsetof(CARD_ENCRYPTED_DATA, cbEncryptedData) == 8,
            "CARD_ENCRYPTED_DATA x64");
SOFTCARD_SA(sizeof(CARD_RSA_DECRYPT_INFO) == 48, "CARD_RSA_DECRYPT_INFO x64");
SOFTCARD_SA(offsetof(CARD_RSA_DECRYPT_INFO, pbData) == 16 &&
                offsetof(CARD_RSA_DECRYPT_INFO, cbData) == 24,
            "v1 fields");
SOFTCARD_SA(offsetof(CARD_RSA_DECRYPT_INFO, pPaddingInfo) == 32 &&
                offsetof(CARD_RSA_DECRYPT_INFO, dwPaddingType) == 40,
            "v2 fields");
SOFTCARD_SA(sizeof(CONTAINER_INFO) == 40, "CONTAINER_INFO x64");
#else
SOFTCARD_SA(sizeof(CARD_ENCRYPTED_DATA) == 8, "CARD_ENCRYPTED_DATA x86");
SOFTCARD_SA(sizeof(CARD_RSA_DECRYPT_INFO) == 28, "CARD_RSA_DECRYPT_INFO x86");
#endif
#undef SOFTCARD_SA

#endif /* SOFTCARD_CARDMOD_H */
