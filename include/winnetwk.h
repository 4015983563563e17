/*
 * winnetwk.h - the Windows WNet API on Linux (libmpr, from netdrive).
 *
 * Every name of the Windows SDK's winnetwk.h (and the wnnc.h network types it includes)
 * with its value; structures laid out as on 64-bit Windows. "A" functions take `char`
 * strings, "W" functions UTF-16 `WCHAR` (unsigned short) strings; define UNICODE to make
 * the plain names mean the W ones, as on Windows. Names (local and remote names, paths)
 * round-trip: in A functions they are the file system's bytes, UTF-8 or not; W functions
 * give each byte that is not UTF-8 as a lone surrogate U+DC80..U+DCFF and take it back.
 * Texts (provider, user, password, messages) are UTF-8 (A) or UTF-16 (W).
 *
 * On Linux:
 *   - a network drive is a mount of a network filesystem (cifs, nfs, sshfs, rclone,
 *     davfs2, ...); its "local name" is the mount point, its remote name \\server\share;
 *   - HWND is an X11 window id cast to a pointer: (HWND)(uintptr_t)xid. NULL: no owner;
 *   - WNetDisconnectDialog returns at once; the dialog runs on its own. To learn how it
 *     ended, use WNetDisconnectDialogEx, WNetDialogWait and WNetDialogClose (extensions);
 *   - every function sets the calling thread's last error on failure (WNetGetLastError).
 *
 * The Windows types (DWORD, WORD, BYTE, UINT, ULONG_PTR, TCHAR, ...) are declared with
 * their Windows sizes. A program that includes its own windows.h (a shim) first keeps it:
 * typedefs are repeated identically (allowed since C11 and in C++), and every macro here
 * (TRUE, MAX_PATH, TEXT, WINAPI, ERROR_*) is defined only if it is not already.
 * Error codes are DWORD-typed (unsigned int, 4 bytes).
 *
 * Link with: pkg-config --cflags --libs netdrive-mpr
 */
#ifndef NETDRIVE_WINNETWK_H
#define NETDRIVE_WINNETWK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Windows types (64-bit Windows sizes) ---- */

typedef unsigned int DWORD;
typedef DWORD *LPDWORD;
typedef int BOOL;
typedef unsigned short WORD;
typedef WORD *LPWORD;
typedef unsigned char BYTE;
typedef BYTE *PBYTE;
typedef BYTE *LPBYTE;
typedef unsigned int UINT;
typedef unsigned long ULONG_PTR; /* LP64: pointer-sized, as on Win64 */
typedef void *PVOID;
typedef void *LPVOID;
typedef void *HANDLE;
typedef HANDLE *LPHANDLE;
typedef void *HWND;
typedef char CHAR;
typedef unsigned short WCHAR;
typedef CHAR *LPSTR;
typedef const CHAR *LPCSTR;
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;
#ifdef UNICODE
typedef WCHAR TCHAR;
#else
typedef char TCHAR;
#endif
typedef TCHAR *LPTSTR;
typedef const TCHAR *LPCTSTR;

#ifndef TEXT
#ifdef UNICODE
/* u"..." is char16_t, which glibc defines as unsigned short: a WCHAR string. */
#define __TEXT(quote) u##quote
#else
#define __TEXT(quote) quote
#endif
#define TEXT(quote) __TEXT(quote)
#endif

#ifndef WINAPI
#define WINAPI
#endif
#ifndef APIENTRY
#define APIENTRY WINAPI
#endif
#ifndef CALLBACK
#define CALLBACK
#endif
#ifndef FAR
#define FAR
#endif
#ifndef MAX_PATH
#define MAX_PATH 260
#endif
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* ---- Network types (wnnc.h) ---- */

#define WNNC_NET_MSNET 0x00010000
#define WNNC_NET_SMB 0x00020000
#define WNNC_NET_LANMAN 0x00020000
#define WNNC_NET_NETWARE 0x00030000
#define WNNC_NET_VINES 0x00040000
#define WNNC_NET_10NET 0x00050000
#define WNNC_NET_LOCUS 0x00060000
#define WNNC_NET_SUN_PC_NFS 0x00070000
#define WNNC_NET_LANSTEP 0x00080000
#define WNNC_NET_9TILES 0x00090000
#define WNNC_NET_LANTASTIC 0x000A0000
#define WNNC_NET_AS400 0x000B0000
#define WNNC_NET_FTP_NFS 0x000C0000
#define WNNC_NET_PATHWORKS 0x000D0000
#define WNNC_NET_LIFENET 0x000E0000
#define WNNC_NET_POWERLAN 0x000F0000
#define WNNC_NET_BWNFS 0x00100000
#define WNNC_NET_COGENT 0x00110000
#define WNNC_NET_FARALLON 0x00120000
#define WNNC_NET_APPLETALK 0x00130000
#define WNNC_NET_INTERGRAPH 0x00140000
#define WNNC_NET_SYMFONET 0x00150000
#define WNNC_NET_CLEARCASE 0x00160000
#define WNNC_NET_FRONTIER 0x00170000
#define WNNC_NET_BMC 0x00180000
#define WNNC_NET_DCE 0x00190000
#define WNNC_NET_AVID 0x001A0000
#define WNNC_NET_DOCUSPACE 0x001B0000
#define WNNC_NET_MANGOSOFT 0x001C0000
#define WNNC_NET_SERNET 0x001D0000
#define WNNC_NET_RIVERFRONT1 0x001E0000
#define WNNC_NET_RIVERFRONT2 0x001F0000
#define WNNC_NET_DECORB 0x00200000
#define WNNC_NET_PROTSTOR 0x00210000
#define WNNC_NET_FJ_REDIR 0x00220000
#define WNNC_NET_DISTINCT 0x00230000
#define WNNC_NET_TWINS 0x00240000
#define WNNC_NET_RDR2SAMPLE 0x00250000
#define WNNC_NET_CSC 0x00260000
#define WNNC_NET_3IN1 0x00270000
#define WNNC_NET_EXTENDNET 0x00290000
#define WNNC_NET_STAC 0x002A0000
#define WNNC_NET_FOXBAT 0x002B0000
#define WNNC_NET_YAHOO 0x002C0000
#define WNNC_NET_EXIFS 0x002D0000
#define WNNC_NET_DAV 0x002E0000
#define WNNC_NET_KNOWARE 0x002F0000
#define WNNC_NET_OBJECT_DIRE 0x00300000
#define WNNC_NET_MASFAX 0x00310000
#define WNNC_NET_HOB_NFS 0x00320000
#define WNNC_NET_SHIVA 0x00330000
#define WNNC_NET_IBMAL 0x00340000
#define WNNC_NET_LOCK 0x00350000
#define WNNC_NET_TERMSRV 0x00360000
#define WNNC_NET_SRT 0x00370000
#define WNNC_NET_QUINCY 0x00380000
#define WNNC_NET_OPENAFS 0x00390000
#define WNNC_NET_AVID1 0x003A0000
#define WNNC_NET_DFS 0x003B0000
#define WNNC_NET_KWNP 0x003C0000
#define WNNC_NET_ZENWORKS 0x003D0000
#define WNNC_NET_DRIVEONWEB 0x003E0000
#define WNNC_NET_VMWARE 0x003F0000
#define WNNC_NET_RSFX 0x00400000
#define WNNC_NET_MFILES 0x00410000
#define WNNC_NET_MS_NFS 0x00420000
#define WNNC_NET_GOOGLE 0x00430000
#define WNNC_NET_NDFS 0x00440000
#define WNNC_NET_DOCUSHARE 0x00450000
#define WNNC_NET_AURISTOR_FS 0x00460000
#define WNNC_NET_SECUREAGENT 0x00470000
#define WNNC_NET_9P 0x00480000

#define WNNC_CRED_MANAGER 0xFFFF0000

/* ---- Network resources ---- */

/* dwScope */
#define RESOURCE_CONNECTED 0x00000001
#define RESOURCE_GLOBALNET 0x00000002
#define RESOURCE_REMEMBERED 0x00000003
#define RESOURCE_RECENT 0x00000004
#define RESOURCE_CONTEXT 0x00000005

/* dwType */
#define RESOURCETYPE_ANY 0x00000000
#define RESOURCETYPE_DISK 0x00000001
#define RESOURCETYPE_PRINT 0x00000002
#define RESOURCETYPE_RESERVED 0x00000008
#define RESOURCETYPE_UNKNOWN 0xFFFFFFFF

/* dwUsage */
#define RESOURCEUSAGE_CONNECTABLE 0x00000001
#define RESOURCEUSAGE_CONTAINER 0x00000002
#define RESOURCEUSAGE_NOLOCALDEVICE 0x00000004
#define RESOURCEUSAGE_SIBLING 0x00000008
#define RESOURCEUSAGE_ATTACHED 0x00000010
#define RESOURCEUSAGE_ALL (RESOURCEUSAGE_CONNECTABLE | RESOURCEUSAGE_CONTAINER | RESOURCEUSAGE_ATTACHED)
#define RESOURCEUSAGE_RESERVED 0x80000000

/* dwDisplayType */
#define RESOURCEDISPLAYTYPE_GENERIC 0x00000000
#define RESOURCEDISPLAYTYPE_DOMAIN 0x00000001
#define RESOURCEDISPLAYTYPE_SERVER 0x00000002
#define RESOURCEDISPLAYTYPE_SHARE 0x00000003
#define RESOURCEDISPLAYTYPE_FILE 0x00000004
#define RESOURCEDISPLAYTYPE_GROUP 0x00000005
#define RESOURCEDISPLAYTYPE_NETWORK 0x00000006
#define RESOURCEDISPLAYTYPE_ROOT 0x00000007
#define RESOURCEDISPLAYTYPE_SHAREADMIN 0x00000008
#define RESOURCEDISPLAYTYPE_DIRECTORY 0x00000009
#define RESOURCEDISPLAYTYPE_TREE 0x0000000A
#define RESOURCEDISPLAYTYPE_NDSCONTAINER 0x0000000B

typedef struct _NETRESOURCEA {
    DWORD dwScope;
    DWORD dwType;
    DWORD dwDisplayType;
    DWORD dwUsage;
    LPSTR lpLocalName;
    LPSTR lpRemoteName;
    LPSTR lpComment;
    LPSTR lpProvider;
} NETRESOURCEA, *LPNETRESOURCEA;

typedef struct _NETRESOURCEW {
    DWORD dwScope;
    DWORD dwType;
    DWORD dwDisplayType;
    DWORD dwUsage;
    LPWSTR lpLocalName;
    LPWSTR lpRemoteName;
    LPWSTR lpComment;
    LPWSTR lpProvider;
} NETRESOURCEW, *LPNETRESOURCEW;

/* ---- Network connections ---- */

#define NETPROPERTY_PERSISTENT 1

/* WNetAddConnection2/3/4, WNetUseConnection(4), WNetCancelConnection2 dwFlags */
#define CONNECT_UPDATE_PROFILE 0x00000001
#define CONNECT_UPDATE_RECENT 0x00000002
#define CONNECT_TEMPORARY 0x00000004
#define CONNECT_INTERACTIVE 0x00000008
#define CONNECT_PROMPT 0x00000010
#define CONNECT_NEED_DRIVE 0x00000020
#define CONNECT_REFCOUNT 0x00000040
#define CONNECT_REDIRECT 0x00000080
#define CONNECT_LOCALDRIVE 0x00000100
#define CONNECT_CURRENT_MEDIA 0x00000200
#define CONNECT_DEFERRED 0x00000400
#define CONNECT_RESERVED 0xFF000000
#define CONNECT_COMMANDLINE 0x00000800
#define CONNECT_CMD_SAVECRED 0x00001000
#define CONNECT_CRED_RESET 0x00002000
#define CONNECT_REQUIRE_INTEGRITY 0x00004000
#define CONNECT_REQUIRE_PRIVACY 0x00008000
#define CONNECT_WRITE_THROUGH_SEMANTICS 0x00010000
#define CONNECT_GLOBAL_MAPPING 0x00040000

/* ---- Dialogs ---- */

typedef struct _CONNECTDLGSTRUCTA {
    DWORD cbStructure; /* sizeof(CONNECTDLGSTRUCTA) */
    HWND hwndOwner;
    LPNETRESOURCEA lpConnRes;
    DWORD dwFlags;
    DWORD dwDevNum;
} CONNECTDLGSTRUCTA, *LPCONNECTDLGSTRUCTA;

typedef struct _CONNECTDLGSTRUCTW {
    DWORD cbStructure; /* sizeof(CONNECTDLGSTRUCTW) */
    HWND hwndOwner;
    LPNETRESOURCEW lpConnRes;
    DWORD dwFlags;
    DWORD dwDevNum;
} CONNECTDLGSTRUCTW, *LPCONNECTDLGSTRUCTW;

#define CONNDLG_RO_PATH 0x00000001
#define CONNDLG_CONN_POINT 0x00000002
#define CONNDLG_USE_MRU 0x00000004
#define CONNDLG_HIDE_BOX 0x00000008
#define CONNDLG_PERSIST 0x00000010
#define CONNDLG_NOT_PERSIST 0x00000020

typedef struct _DISCDLGSTRUCTA {
    DWORD cbStructure; /* sizeof(DISCDLGSTRUCTA) */
    HWND hwndOwner;
    LPSTR lpLocalName;
    LPSTR lpRemoteName;
    DWORD dwFlags;
} DISCDLGSTRUCTA, *LPDISCDLGSTRUCTA;

typedef struct _DISCDLGSTRUCTW {
    DWORD cbStructure; /* sizeof(DISCDLGSTRUCTW) */
    HWND hwndOwner;
    LPWSTR lpLocalName;
    LPWSTR lpRemoteName;
    DWORD dwFlags;
} DISCDLGSTRUCTW, *LPDISCDLGSTRUCTW;

#define DISC_UPDATE_PROFILE 0x00000001
#define DISC_NO_FORCE 0x00000040

/* ---- Universal naming ---- */

#define UNIVERSAL_NAME_INFO_LEVEL 0x00000001
#define REMOTE_NAME_INFO_LEVEL 0x00000002

typedef struct _UNIVERSAL_NAME_INFOA {
    LPSTR lpUniversalName;
} UNIVERSAL_NAME_INFOA, *LPUNIVERSAL_NAME_INFOA;

typedef struct _UNIVERSAL_NAME_INFOW {
    LPWSTR lpUniversalName;
} UNIVERSAL_NAME_INFOW, *LPUNIVERSAL_NAME_INFOW;

typedef struct _REMOTE_NAME_INFOA {
    LPSTR lpUniversalName;
    LPSTR lpConnectionName;
    LPSTR lpRemainingPath;
} REMOTE_NAME_INFOA, *LPREMOTE_NAME_INFOA;

typedef struct _REMOTE_NAME_INFOW {
    LPWSTR lpUniversalName;
    LPWSTR lpConnectionName;
    LPWSTR lpRemainingPath;
} REMOTE_NAME_INFOW, *LPREMOTE_NAME_INFOW;

/* ---- Other ---- */

#define WNFMT_MULTILINE 0x01
#define WNFMT_ABBREVIATED 0x02
#define WNFMT_INENUM 0x10
#define WNFMT_CONNECTION 0x20

typedef struct _NETINFOSTRUCT {
    DWORD cbStructure; /* sizeof(NETINFOSTRUCT) */
    DWORD dwProviderVersion;
    DWORD dwStatus;
    DWORD dwCharacteristics;
    ULONG_PTR dwHandle;
    WORD wNetType;
    DWORD dwPrinters;
    DWORD dwDrives;
} NETINFOSTRUCT, *LPNETINFOSTRUCT;

#define NETINFO_DLL16 0x00000001
#define NETINFO_DISKRED 0x00000004
#define NETINFO_PRINTERRED 0x00000008

typedef struct _NETCONNECTINFOSTRUCT {
    DWORD cbStructure; /* sizeof(NETCONNECTINFOSTRUCT) */
    DWORD dwFlags;
    DWORD dwSpeed;
    DWORD dwDelay;
    DWORD dwOptDataSize;
} NETCONNECTINFOSTRUCT, *LPNETCONNECTINFOSTRUCT;

#define WNCON_FORNETCARD 0x00000001
#define WNCON_NOTROUTED 0x00000002
#define WNCON_SLOWLINK 0x00000004
#define WNCON_DYNAMIC 0x00000008

/* 64-bit Windows layouts (LP64 Linux gives the same). */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define NETDRIVE_STATIC_ASSERT static_assert
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define NETDRIVE_STATIC_ASSERT _Static_assert
#endif
#ifdef NETDRIVE_STATIC_ASSERT
NETDRIVE_STATIC_ASSERT(sizeof(DWORD) == 4 && sizeof(WORD) == 2 && sizeof(WCHAR) == 2, "Windows type sizes");
NETDRIVE_STATIC_ASSERT(sizeof(ULONG_PTR) == sizeof(void *), "ULONG_PTR is pointer-sized");
NETDRIVE_STATIC_ASSERT(sizeof(NETRESOURCEA) == 48 && offsetof(NETRESOURCEA, lpLocalName) == 16, "NETRESOURCEA");
NETDRIVE_STATIC_ASSERT(sizeof(NETRESOURCEW) == 48 && offsetof(NETRESOURCEW, lpProvider) == 40, "NETRESOURCEW");
NETDRIVE_STATIC_ASSERT(sizeof(CONNECTDLGSTRUCTA) == 32 && offsetof(CONNECTDLGSTRUCTA, lpConnRes) == 16
                           && offsetof(CONNECTDLGSTRUCTA, dwFlags) == 24 && offsetof(CONNECTDLGSTRUCTA, dwDevNum) == 28,
                       "CONNECTDLGSTRUCTA");
NETDRIVE_STATIC_ASSERT(sizeof(CONNECTDLGSTRUCTW) == 32, "CONNECTDLGSTRUCTW");
NETDRIVE_STATIC_ASSERT(sizeof(DISCDLGSTRUCTA) == 40 && offsetof(DISCDLGSTRUCTA, dwFlags) == 32, "DISCDLGSTRUCTA");
NETDRIVE_STATIC_ASSERT(sizeof(DISCDLGSTRUCTW) == 40 && offsetof(DISCDLGSTRUCTW, hwndOwner) == 8, "DISCDLGSTRUCTW");
NETDRIVE_STATIC_ASSERT(sizeof(UNIVERSAL_NAME_INFOA) == 8 && sizeof(UNIVERSAL_NAME_INFOW) == 8, "UNIVERSAL_NAME_INFO");
NETDRIVE_STATIC_ASSERT(sizeof(REMOTE_NAME_INFOA) == 24 && offsetof(REMOTE_NAME_INFOW, lpRemainingPath) == 16,
                       "REMOTE_NAME_INFO");
NETDRIVE_STATIC_ASSERT(sizeof(NETINFOSTRUCT) == 40 && offsetof(NETINFOSTRUCT, dwHandle) == 16
                           && offsetof(NETINFOSTRUCT, wNetType) == 24 && offsetof(NETINFOSTRUCT, dwPrinters) == 28
                           && offsetof(NETINFOSTRUCT, dwDrives) == 32,
                       "NETINFOSTRUCT");
NETDRIVE_STATIC_ASSERT(sizeof(NETCONNECTINFOSTRUCT) == 20 && offsetof(NETCONNECTINFOSTRUCT, dwOptDataSize) == 16,
                       "NETCONNECTINFOSTRUCT");
#endif

/* ---- Error codes (winerror.h values, DWORD-typed) ---- */

#ifndef NO_ERROR
#define NO_ERROR 0U
#endif
#ifndef ERROR_ACCESS_DENIED
#define ERROR_ACCESS_DENIED 5U
#endif
#ifndef ERROR_INVALID_HANDLE
#define ERROR_INVALID_HANDLE 6U
#endif
#ifndef ERROR_NOT_ENOUGH_MEMORY
#define ERROR_NOT_ENOUGH_MEMORY 8U
#endif
#ifndef ERROR_GEN_FAILURE
#define ERROR_GEN_FAILURE 31U
#endif
#ifndef ERROR_NOT_SUPPORTED
#define ERROR_NOT_SUPPORTED 50U
#endif
#ifndef ERROR_BAD_NETPATH
#define ERROR_BAD_NETPATH 53U
#endif
#ifndef ERROR_UNEXP_NET_ERR
#define ERROR_UNEXP_NET_ERR 59U
#endif
#ifndef ERROR_BAD_DEV_TYPE
#define ERROR_BAD_DEV_TYPE 66U
#endif
#ifndef ERROR_BAD_NET_NAME
#define ERROR_BAD_NET_NAME 67U
#endif
#ifndef ERROR_ALREADY_ASSIGNED
#define ERROR_ALREADY_ASSIGNED 85U
#endif
#ifndef ERROR_INVALID_PASSWORD
#define ERROR_INVALID_PASSWORD 86U
#endif
#ifndef ERROR_INVALID_PARAMETER
#define ERROR_INVALID_PARAMETER 87U
#endif
#ifndef ERROR_SEM_TIMEOUT
#define ERROR_SEM_TIMEOUT 121U /* the server did not answer in time; WNetCancelConnection2: call again with fForce = TRUE */
#endif
#ifndef ERROR_INVALID_LEVEL
#define ERROR_INVALID_LEVEL 124U
#endif
#ifndef ERROR_BUSY
#define ERROR_BUSY 170U
#endif
#ifndef ERROR_MORE_DATA
#define ERROR_MORE_DATA 234U
#endif
#ifndef WAIT_TIMEOUT
#define WAIT_TIMEOUT 258U
#endif
#ifndef ERROR_NO_MORE_ITEMS
#define ERROR_NO_MORE_ITEMS 259U
#endif
#ifndef ERROR_INVALID_ADDRESS
#define ERROR_INVALID_ADDRESS 487U
#endif
#ifndef ERROR_BAD_DEVICE
#define ERROR_BAD_DEVICE 1200U
#endif
#ifndef ERROR_CONNECTION_UNAVAIL
#define ERROR_CONNECTION_UNAVAIL 1201U
#endif
#ifndef ERROR_DEVICE_ALREADY_REMEMBERED
#define ERROR_DEVICE_ALREADY_REMEMBERED 1202U
#endif
#ifndef ERROR_NO_NET_OR_BAD_PATH
#define ERROR_NO_NET_OR_BAD_PATH 1203U
#endif
#ifndef ERROR_BAD_PROVIDER
#define ERROR_BAD_PROVIDER 1204U
#endif
#ifndef ERROR_CANNOT_OPEN_PROFILE
#define ERROR_CANNOT_OPEN_PROFILE 1205U
#endif
#ifndef ERROR_BAD_PROFILE
#define ERROR_BAD_PROFILE 1206U
#endif
#ifndef ERROR_NOT_CONTAINER
#define ERROR_NOT_CONTAINER 1207U
#endif
#ifndef ERROR_EXTENDED_ERROR
#define ERROR_EXTENDED_ERROR 1208U
#endif
#ifndef ERROR_SESSION_CREDENTIAL_CONFLICT
#define ERROR_SESSION_CREDENTIAL_CONFLICT 1219U
#endif
#ifndef ERROR_NO_NETWORK
#define ERROR_NO_NETWORK 1222U
#endif
#ifndef ERROR_CANCELLED
#define ERROR_CANCELLED 1223U
#endif
#ifndef ERROR_RETRY
#define ERROR_RETRY 1237U
#endif
#ifndef ERROR_NOT_AUTHENTICATED
#define ERROR_NOT_AUTHENTICATED 1244U
#endif
#ifndef ERROR_NOT_LOGGED_ON
#define ERROR_NOT_LOGGED_ON 1245U
#endif
#ifndef ERROR_ALREADY_INITIALIZED
#define ERROR_ALREADY_INITIALIZED 1247U
#endif
#ifndef ERROR_NO_MORE_DEVICES
#define ERROR_NO_MORE_DEVICES 1248U
#endif
#ifndef ERROR_NO_LOGON_SERVERS
#define ERROR_NO_LOGON_SERVERS 1311U
#endif
#ifndef ERROR_LOGON_FAILURE
#define ERROR_LOGON_FAILURE 1326U
#endif
#ifndef ERROR_CONNECTED_OTHER_PASSWORD
#define ERROR_CONNECTED_OTHER_PASSWORD 2108U
#endif
#ifndef ERROR_CONNECTED_OTHER_PASSWORD_DEFAULT
#define ERROR_CONNECTED_OTHER_PASSWORD_DEFAULT 2109U
#endif
#ifndef ERROR_BAD_USERNAME
#define ERROR_BAD_USERNAME 2202U
#endif
#ifndef ERROR_NOT_CONNECTED
#define ERROR_NOT_CONNECTED 2250U
#endif
#ifndef ERROR_OPEN_FILES
#define ERROR_OPEN_FILES 2401U
#endif
#ifndef ERROR_DEVICE_IN_USE
#define ERROR_DEVICE_IN_USE 2404U
#endif

/* WNetDialogWait */
#ifndef INFINITE
#define INFINITE 0xFFFFFFFF
#endif

/* WN_* aliases, as in Windows' winnetwk.h */
#define WN_SUCCESS NO_ERROR
#define WN_NO_ERROR NO_ERROR
#define WN_NOT_SUPPORTED ERROR_NOT_SUPPORTED
#define WN_CANCEL ERROR_CANCELLED
#define WN_RETRY ERROR_RETRY
#define WN_NET_ERROR ERROR_UNEXP_NET_ERR
#define WN_MORE_DATA ERROR_MORE_DATA
#define WN_BAD_POINTER ERROR_INVALID_ADDRESS
#define WN_BAD_VALUE ERROR_INVALID_PARAMETER
#define WN_BAD_USER ERROR_BAD_USERNAME
#define WN_BAD_PASSWORD ERROR_INVALID_PASSWORD
#define WN_ACCESS_DENIED ERROR_ACCESS_DENIED
#define WN_FUNCTION_BUSY ERROR_BUSY
#define WN_WINDOWS_ERROR ERROR_UNEXP_NET_ERR
#define WN_OUT_OF_MEMORY ERROR_NOT_ENOUGH_MEMORY
#define WN_NO_NETWORK ERROR_NO_NETWORK
#define WN_EXTENDED_ERROR ERROR_EXTENDED_ERROR
#define WN_BAD_LEVEL ERROR_INVALID_LEVEL
#define WN_BAD_HANDLE ERROR_INVALID_HANDLE
#define WN_NOT_INITIALIZING ERROR_ALREADY_INITIALIZED
#define WN_NO_MORE_DEVICES ERROR_NO_MORE_DEVICES
#define WN_NOT_CONNECTED ERROR_NOT_CONNECTED
#define WN_OPEN_FILES ERROR_OPEN_FILES
#define WN_DEVICE_IN_USE ERROR_DEVICE_IN_USE
#define WN_BAD_NETNAME ERROR_BAD_NET_NAME
#define WN_BAD_LOCALNAME ERROR_BAD_DEVICE
#define WN_ALREADY_CONNECTED ERROR_ALREADY_ASSIGNED
#define WN_DEVICE_ERROR ERROR_GEN_FAILURE
#define WN_CONNECTION_CLOSED ERROR_CONNECTION_UNAVAIL
#define WN_NO_NET_OR_BAD_PATH ERROR_NO_NET_OR_BAD_PATH
#define WN_BAD_PROVIDER ERROR_BAD_PROVIDER
#define WN_CANNOT_OPEN_PROFILE ERROR_CANNOT_OPEN_PROFILE
#define WN_BAD_PROFILE ERROR_BAD_PROFILE
#define WN_BAD_DEV_TYPE ERROR_BAD_DEV_TYPE
#define WN_DEVICE_ALREADY_REMEMBERED ERROR_DEVICE_ALREADY_REMEMBERED
#define WN_CONNECTED_OTHER_PASSWORD ERROR_CONNECTED_OTHER_PASSWORD
#define WN_CONNECTED_OTHER_PASSWORD_DEFAULT ERROR_CONNECTED_OTHER_PASSWORD_DEFAULT
#define WN_NO_MORE_ENTRIES ERROR_NO_MORE_ITEMS
#define WN_NOT_CONTAINER ERROR_NOT_CONTAINER
#define WN_NOT_AUTHENTICATED ERROR_NOT_AUTHENTICATED
#define WN_NOT_LOGGED_ON ERROR_NOT_LOGGED_ON
#define WN_NOT_VALIDATED ERROR_NO_LOGON_SERVERS

/* ---- Functions ---- */

/* Connections.
 * Names are the file system's bytes in A functions; W functions give bytes that are not
 * UTF-8 as the lone surrogates U+DC80..U+DCFF (and take them back), so every name an
 * enumeration returns can be passed back.
 * WNetAddConnection2: lpLocalName NULL or "" is a deviceless connection (a GVfs mount;
 * ERROR_NO_NETWORK without GVfs). Every documented CONNECT_* flag is accepted:
 * CONNECT_CMD_SAVECRED stores the password given; CONNECT_REQUIRE_INTEGRITY and
 * CONNECT_REQUIRE_PRIVACY ask for signing/encryption (SMB sign/seal, NFS krb5i/krb5p; SSH
 * always has both; rclone: ERROR_NOT_SUPPORTED); CONNECT_WRITE_THROUGH_SEMANTICS is SMB
 * cache=none, NFS sync; CONNECT_GLOBAL_MAPPING lets every user see a FUSE drive
 * (allow_other); CONNECT_REDIRECT with a local name has no effect; UPDATE_RECENT,
 * CURRENT_MEDIA, COMMANDLINE and CRED_RESET have no meaning here and are ignored.
 * WNetCancelConnection2 by a remote name cancels only connections without a local device
 * (GVfs), as Windows does; a mounted drive is cancelled by its mount point. */
DWORD WINAPI WNetAddConnectionA(LPCSTR lpRemoteName, LPCSTR lpPassword, LPCSTR lpLocalName);
DWORD WINAPI WNetAddConnectionW(LPCWSTR lpRemoteName, LPCWSTR lpPassword, LPCWSTR lpLocalName);
DWORD WINAPI WNetAddConnection2A(LPNETRESOURCEA lpNetResource, LPCSTR lpPassword, LPCSTR lpUserName, DWORD dwFlags);
DWORD WINAPI WNetAddConnection2W(LPNETRESOURCEW lpNetResource, LPCWSTR lpPassword, LPCWSTR lpUserName, DWORD dwFlags);
DWORD WINAPI WNetAddConnection3A(HWND hwndOwner, LPNETRESOURCEA lpNetResource, LPCSTR lpPassword, LPCSTR lpUserName,
                                 DWORD dwFlags);
DWORD WINAPI WNetAddConnection3W(HWND hwndOwner, LPNETRESOURCEW lpNetResource, LPCWSTR lpPassword, LPCWSTR lpUserName,
                                 DWORD dwFlags);
/* pAuthBuffer: NULL, or the password as UTF-8 (A) / UTF-16 (W), NUL-terminated within cbAuthBuffer bytes.
 * lpUseOptions: must be NULL with cbUseOptions 0 (SMB use options have no Linux meaning). */
DWORD WINAPI WNetAddConnection4A(HWND hwndOwner, LPNETRESOURCEA lpNetResource, PVOID pAuthBuffer, DWORD cbAuthBuffer,
                                 DWORD dwFlags, PBYTE lpUseOptions, DWORD cbUseOptions);
DWORD WINAPI WNetAddConnection4W(HWND hwndOwner, LPNETRESOURCEW lpNetResource, PVOID pAuthBuffer, DWORD cbAuthBuffer,
                                 DWORD dwFlags, PBYTE lpUseOptions, DWORD cbUseOptions);
DWORD WINAPI WNetCancelConnectionA(LPCSTR lpName, BOOL fForce);
DWORD WINAPI WNetCancelConnectionW(LPCWSTR lpName, BOOL fForce);
DWORD WINAPI WNetCancelConnection2A(LPCSTR lpName, DWORD dwFlags, BOOL fForce);
DWORD WINAPI WNetCancelConnection2W(LPCWSTR lpName, DWORD dwFlags, BOOL fForce);
DWORD WINAPI WNetGetConnectionA(LPCSTR lpLocalName, LPSTR lpRemoteName, LPDWORD lpnLength);
DWORD WINAPI WNetGetConnectionW(LPCWSTR lpLocalName, LPWSTR lpRemoteName, LPDWORD lpnLength);
DWORD WINAPI WNetRestoreSingleConnectionW(HWND hwndParent, LPCWSTR lpDevice, BOOL fUseUI);
DWORD WINAPI WNetRestoreConnectionW(HWND hWnd, LPCWSTR lpDevice); /* pre-Vista form; NULL: every remembered drive */
/* CONNECT_REDIRECT: a free folder is chosen (under $XDG_RUNTIME_DIR/netdrive or /run/netdrive)
 * and returned in lpAccessName. */
DWORD WINAPI WNetUseConnectionA(HWND hwndOwner, LPNETRESOURCEA lpNetResource, LPCSTR lpPassword, LPCSTR lpUserId,
                                DWORD dwFlags, LPSTR lpAccessName, LPDWORD lpBufferSize, LPDWORD lpResult);
DWORD WINAPI WNetUseConnectionW(HWND hwndOwner, LPNETRESOURCEW lpNetResource, LPCWSTR lpPassword, LPCWSTR lpUserId,
                                DWORD dwFlags, LPWSTR lpAccessName, LPDWORD lpBufferSize, LPDWORD lpResult);
DWORD WINAPI WNetUseConnection4A(HWND hwndOwner, LPNETRESOURCEA lpNetResource, PVOID pAuthBuffer, DWORD cbAuthBuffer,
                                 DWORD dwFlags, PBYTE lpUseOptions, DWORD cbUseOptions, LPSTR lpAccessName,
                                 LPDWORD lpBufferSize, LPDWORD lpResult);
DWORD WINAPI WNetUseConnection4W(HWND hwndOwner, LPNETRESOURCEW lpNetResource, PVOID pAuthBuffer, DWORD cbAuthBuffer,
                                 DWORD dwFlags, PBYTE lpUseOptions, DWORD cbUseOptions, LPWSTR lpAccessName,
                                 LPDWORD lpBufferSize, LPDWORD lpResult);

/* Dialogs */
DWORD WINAPI WNetConnectionDialog(HWND hwnd, DWORD dwType);
DWORD WINAPI WNetConnectionDialog1A(LPCONNECTDLGSTRUCTA lpConnDlgStruct);
DWORD WINAPI WNetConnectionDialog1W(LPCONNECTDLGSTRUCTW lpConnDlgStruct);
DWORD WINAPI WNetDisconnectDialog(HWND hwnd, DWORD dwType);
DWORD WINAPI WNetDisconnectDialog1A(LPDISCDLGSTRUCTA lpConnDlgStruct);
DWORD WINAPI WNetDisconnectDialog1W(LPDISCDLGSTRUCTW lpConnDlgStruct);

/* Extensions: learn the dialog's outcome. *lpResult is what WNetDisconnectDialog
 * returns on Windows: NO_ERROR, 0xFFFFFFFF (cancelled), or an error code.
 * WNetDialogWait returns NO_ERROR when the dialog has ended, WAIT_TIMEOUT otherwise.
 * WNetDialogClose takes the dialog away if it is open and frees the handle. */
DWORD WINAPI WNetDisconnectDialogEx(HWND hwnd, DWORD dwType, LPHANDLE lphDialog);
DWORD WINAPI WNetDialogWait(HANDLE hDialog, DWORD dwMilliseconds, LPDWORD lpResult);
DWORD WINAPI WNetDialogClose(HANDLE hDialog);

/* Enumeration and browsing */
DWORD WINAPI WNetOpenEnumA(DWORD dwScope, DWORD dwType, DWORD dwUsage, LPNETRESOURCEA lpNetResource,
                           LPHANDLE lphEnum);
DWORD WINAPI WNetOpenEnumW(DWORD dwScope, DWORD dwType, DWORD dwUsage, LPNETRESOURCEW lpNetResource,
                           LPHANDLE lphEnum);
DWORD WINAPI WNetEnumResourceA(HANDLE hEnum, LPDWORD lpcCount, LPVOID lpBuffer, LPDWORD lpBufferSize);
DWORD WINAPI WNetEnumResourceW(HANDLE hEnum, LPDWORD lpcCount, LPVOID lpBuffer, LPDWORD lpBufferSize);
DWORD WINAPI WNetCloseEnum(HANDLE hEnum);
DWORD WINAPI WNetGetResourceParentA(LPNETRESOURCEA lpNetResource, LPVOID lpBuffer, LPDWORD lpcbBuffer);
DWORD WINAPI WNetGetResourceParentW(LPNETRESOURCEW lpNetResource, LPVOID lpBuffer, LPDWORD lpcbBuffer);
DWORD WINAPI WNetGetResourceInformationA(LPNETRESOURCEA lpNetResource, LPVOID lpBuffer, LPDWORD lpcbBuffer,
                                         LPSTR *lplpSystem);
DWORD WINAPI WNetGetResourceInformationW(LPNETRESOURCEW lpNetResource, LPVOID lpBuffer, LPDWORD lpcbBuffer,
                                         LPWSTR *lplpSystem);

/* Names, users, providers */
DWORD WINAPI WNetGetUniversalNameA(LPCSTR lpLocalPath, DWORD dwInfoLevel, LPVOID lpBuffer, LPDWORD lpBufferSize);
DWORD WINAPI WNetGetUniversalNameW(LPCWSTR lpLocalPath, DWORD dwInfoLevel, LPVOID lpBuffer, LPDWORD lpBufferSize);
DWORD WINAPI WNetGetUserA(LPCSTR lpName, LPSTR lpUserName, LPDWORD lpnLength);
DWORD WINAPI WNetGetUserW(LPCWSTR lpName, LPWSTR lpUserName, LPDWORD lpnLength);
DWORD WINAPI WNetGetProviderNameA(DWORD dwNetType, LPSTR lpProviderName, LPDWORD lpBufferSize);
DWORD WINAPI WNetGetProviderNameW(DWORD dwNetType, LPWSTR lpProviderName, LPDWORD lpBufferSize);
DWORD WINAPI WNetGetNetworkInformationA(LPCSTR lpProvider, LPNETINFOSTRUCT lpNetInfoStruct);
DWORD WINAPI WNetGetNetworkInformationW(LPCWSTR lpProvider, LPNETINFOSTRUCT lpNetInfoStruct);
DWORD WINAPI MultinetGetConnectionPerformanceA(LPNETRESOURCEA lpNetResource,
                                               LPNETCONNECTINFOSTRUCT lpNetConnectInfoStruct);
DWORD WINAPI MultinetGetConnectionPerformanceW(LPNETRESOURCEW lpNetResource,
                                               LPNETCONNECTINFOSTRUCT lpNetConnectInfoStruct);

/* The last error (WNetSetLastError is npapi.h's, for providers; here too) */
DWORD WINAPI WNetGetLastErrorA(LPDWORD lpError, LPSTR lpErrorBuf, DWORD nErrorBufSize, LPSTR lpNameBuf,
                               DWORD nNameBufSize);
DWORD WINAPI WNetGetLastErrorW(LPDWORD lpError, LPWSTR lpErrorBuf, DWORD nErrorBufSize, LPWSTR lpNameBuf,
                               DWORD nNameBufSize);
void WINAPI WNetSetLastErrorA(DWORD err, LPSTR lpError, LPSTR lpProviders);
void WINAPI WNetSetLastErrorW(DWORD err, LPWSTR lpError, LPWSTR lpProviders);

#ifdef UNICODE
typedef NETRESOURCEW NETRESOURCE;
typedef LPNETRESOURCEW LPNETRESOURCE;
typedef CONNECTDLGSTRUCTW CONNECTDLGSTRUCT;
typedef LPCONNECTDLGSTRUCTW LPCONNECTDLGSTRUCT;
typedef DISCDLGSTRUCTW DISCDLGSTRUCT;
typedef LPDISCDLGSTRUCTW LPDISCDLGSTRUCT;
typedef UNIVERSAL_NAME_INFOW UNIVERSAL_NAME_INFO;
typedef LPUNIVERSAL_NAME_INFOW LPUNIVERSAL_NAME_INFO;
typedef REMOTE_NAME_INFOW REMOTE_NAME_INFO;
typedef LPREMOTE_NAME_INFOW LPREMOTE_NAME_INFO;
#define WNetAddConnection WNetAddConnectionW
#define WNetAddConnection2 WNetAddConnection2W
#define WNetAddConnection3 WNetAddConnection3W
#define WNetAddConnection4 WNetAddConnection4W
#define WNetCancelConnection WNetCancelConnectionW
#define WNetCancelConnection2 WNetCancelConnection2W
#define WNetGetConnection WNetGetConnectionW
#define WNetUseConnection WNetUseConnectionW
#define WNetUseConnection4 WNetUseConnection4W
#define WNetConnectionDialog1 WNetConnectionDialog1W
#define WNetDisconnectDialog1 WNetDisconnectDialog1W
#define WNetOpenEnum WNetOpenEnumW
#define WNetEnumResource WNetEnumResourceW
#define WNetGetResourceParent WNetGetResourceParentW
#define WNetGetResourceInformation WNetGetResourceInformationW
#define WNetGetUniversalName WNetGetUniversalNameW
#define WNetGetUser WNetGetUserW
#define WNetGetProviderName WNetGetProviderNameW
#define WNetGetNetworkInformation WNetGetNetworkInformationW
#define MultinetGetConnectionPerformance MultinetGetConnectionPerformanceW
#define WNetGetLastError WNetGetLastErrorW
#define WNetSetLastError WNetSetLastErrorW
#else
typedef NETRESOURCEA NETRESOURCE;
typedef LPNETRESOURCEA LPNETRESOURCE;
typedef CONNECTDLGSTRUCTA CONNECTDLGSTRUCT;
typedef LPCONNECTDLGSTRUCTA LPCONNECTDLGSTRUCT;
typedef DISCDLGSTRUCTA DISCDLGSTRUCT;
typedef LPDISCDLGSTRUCTA LPDISCDLGSTRUCT;
typedef UNIVERSAL_NAME_INFOA UNIVERSAL_NAME_INFO;
typedef LPUNIVERSAL_NAME_INFOA LPUNIVERSAL_NAME_INFO;
typedef REMOTE_NAME_INFOA REMOTE_NAME_INFO;
typedef LPREMOTE_NAME_INFOA LPREMOTE_NAME_INFO;
#define WNetAddConnection WNetAddConnectionA
#define WNetAddConnection2 WNetAddConnection2A
#define WNetAddConnection3 WNetAddConnection3A
#define WNetAddConnection4 WNetAddConnection4A
#define WNetCancelConnection WNetCancelConnectionA
#define WNetCancelConnection2 WNetCancelConnection2A
#define WNetGetConnection WNetGetConnectionA
#define WNetUseConnection WNetUseConnectionA
#define WNetUseConnection4 WNetUseConnection4A
#define WNetConnectionDialog1 WNetConnectionDialog1A
#define WNetDisconnectDialog1 WNetDisconnectDialog1A
#define WNetOpenEnum WNetOpenEnumA
#define WNetEnumResource WNetEnumResourceA
#define WNetGetResourceParent WNetGetResourceParentA
#define WNetGetResourceInformation WNetGetResourceInformationA
#define WNetGetUniversalName WNetGetUniversalNameA
#define WNetGetUser WNetGetUserA
#define WNetGetProviderName WNetGetProviderNameA
#define WNetGetNetworkInformation WNetGetNetworkInformationA
#define MultinetGetConnectionPerformance MultinetGetConnectionPerformanceA
#define WNetGetLastError WNetGetLastErrorA
#define WNetSetLastError WNetSetLastErrorA
#endif

/* ---- Map Network Drive: WNetConnectionDialog (netdrive, connect dialog) ---------------
 * WNetConnectionDialog and WNetConnectionDialog1A/W wait for the dialog, as on Windows:
 * NO_ERROR when a drive was connected, 0xFFFFFFFF when cancelled, or an error code.
 * Folders, not drive letters: on success dwDevNum is 0xFFFFFFFF (-1), as Windows gives
 * for a deviceless connection. With CONNDLG_CONN_POINT, lpConnRes->lpLocalName is a
 * buffer of MAX_PATH characters: on entry the folder to offer (empty: a free one under
 * ~/Network is suggested), on return the folder chosen (ERROR_MORE_DATA if it does not
 * fit; the drive stays connected). Extension: WNetConnectionDialog1ExA/W return at once
 * with a handle for WNetDialogWait / WNetDialogClose (nothing is written back then). */
#ifndef CONNDLG_RO_PATH
#define CONNDLG_RO_PATH 0x00000001     /* show lpRemoteName read-only */
#define CONNDLG_CONN_POINT 0x00000002  /* lpLocalName: MAX_PATH buffer, in and out */
#define CONNDLG_USE_MRU 0x00000004     /* offer the recently used folders */
#define CONNDLG_HIDE_BOX 0x00000008    /* no "Reconnect at sign-in" box */
#define CONNDLG_PERSIST 0x00000010     /* reconnect at sign-in */
#define CONNDLG_NOT_PERSIST 0x00000020 /* do not reconnect at sign-in */

typedef struct _CONNECTDLGSTRUCTA {
    DWORD cbStructure; /* sizeof(CONNECTDLGSTRUCTA) */
    HWND hwndOwner;
    LPNETRESOURCEA lpConnRes;
    DWORD dwFlags;
    DWORD dwDevNum;
} CONNECTDLGSTRUCTA, *LPCONNECTDLGSTRUCTA;

typedef struct _CONNECTDLGSTRUCTW {
    DWORD cbStructure; /* sizeof(CONNECTDLGSTRUCTW) */
    HWND hwndOwner;
    LPNETRESOURCEW lpConnRes;
    DWORD dwFlags;
    DWORD dwDevNum;
} CONNECTDLGSTRUCTW, *LPCONNECTDLGSTRUCTW;
#endif
#ifndef MAX_PATH
#define MAX_PATH 260
#endif
#ifndef ERROR_MORE_DATA
#define ERROR_MORE_DATA 234L
#endif

DWORD WNetConnectionDialog(HWND hwnd, DWORD dwType);
DWORD WNetConnectionDialog1A(LPCONNECTDLGSTRUCTA lpConnDlgStruct);
DWORD WNetConnectionDialog1W(LPCONNECTDLGSTRUCTW lpConnDlgStruct);
DWORD WNetConnectionDialog1ExA(const CONNECTDLGSTRUCTA *lpConnDlgStruct, LPHANDLE lphDialog);
DWORD WNetConnectionDialog1ExW(const CONNECTDLGSTRUCTW *lpConnDlgStruct, LPHANDLE lphDialog);

#ifdef UNICODE
typedef CONNECTDLGSTRUCTW CONNECTDLGSTRUCT;
typedef LPCONNECTDLGSTRUCTW LPCONNECTDLGSTRUCT;
#define WNetConnectionDialog1 WNetConnectionDialog1W
#define WNetConnectionDialog1Ex WNetConnectionDialog1ExW
#else
typedef CONNECTDLGSTRUCTA CONNECTDLGSTRUCT;
typedef LPCONNECTDLGSTRUCTA LPCONNECTDLGSTRUCT;
#define WNetConnectionDialog1 WNetConnectionDialog1A
#define WNetConnectionDialog1Ex WNetConnectionDialog1ExA
#endif
/* ---- end of Map Network Drive ------------------------------------------------------- */

#ifdef __cplusplus
}
#endif

#endif /* NETDRIVE_WINNETWK_H */
