/*
 * winnetwk.h - the Windows WNet API on Linux (libmpr, from netdrive).
 *
 * Names, values, structures and error codes are Win32's. "A" functions take UTF-8
 * `char` strings, "W" functions UTF-16 `WCHAR` (unsigned short) strings; define UNICODE
 * to make the plain names mean the W ones, as on Windows.
 *
 * On Linux:
 *   - a network drive is a mount of a network filesystem (cifs, nfs, sshfs, rclone,
 *     davfs2, ...); its "local name" is the mount point, its remote name \\server\share;
 *   - HWND is an X11 window id cast to a pointer: (HWND)(uintptr_t)xid. NULL: no owner;
 *   - WNetDisconnectDialog returns at once; the dialog runs on its own. To learn how it
 *     ended, use WNetDisconnectDialogEx, WNetDialogWait and WNetDialogClose (extensions);
 *   - every function sets the calling thread's last error on failure (WNetGetLastError).
 *
 * Link with: pkg-config --cflags --libs netdrive-mpr
 */
#ifndef NETDRIVE_WINNETWK_H
#define NETDRIVE_WINNETWK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t DWORD;
typedef DWORD *LPDWORD;
typedef int32_t BOOL;
typedef void *HANDLE;
typedef HANDLE *LPHANDLE;
typedef void *LPVOID;
typedef void *HWND;
typedef char CHAR;
typedef unsigned short WCHAR;
typedef CHAR *LPSTR;
typedef const CHAR *LPCSTR;
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* dwScope */
#define RESOURCE_CONNECTED 0x00000001
#define RESOURCE_GLOBALNET 0x00000002
#define RESOURCE_REMEMBERED 0x00000003

/* dwType */
#define RESOURCETYPE_ANY 0x00000000
#define RESOURCETYPE_DISK 0x00000001
#define RESOURCETYPE_PRINT 0x00000002

/* dwDisplayType, dwUsage */
#define RESOURCEDISPLAYTYPE_SHARE 0x00000003
#define RESOURCEUSAGE_CONNECTABLE 0x00000001

/* WNetAddConnection2 / WNetCancelConnection2 flags */
#define CONNECT_UPDATE_PROFILE 0x00000001
#define CONNECT_TEMPORARY 0x00000004
#define CONNECT_INTERACTIVE 0x00000008
#define CONNECT_PROMPT 0x00000010

/* DISCDLGSTRUCT dwFlags */
#define DISC_UPDATE_PROFILE 0x00000001
#define DISC_NO_FORCE 0x00000040

/* WNetDialogWait */
#define INFINITE 0xFFFFFFFF
#define WAIT_TIMEOUT 258L

/* Error codes */
#define NO_ERROR 0L
#define ERROR_ACCESS_DENIED 5L
#define ERROR_INVALID_HANDLE 6L
#define ERROR_NOT_ENOUGH_MEMORY 8L
#define ERROR_NOT_SUPPORTED 50L
#define ERROR_BAD_NET_NAME 67L
#define ERROR_ALREADY_ASSIGNED 85L
#define ERROR_INVALID_PARAMETER 87L
#define ERROR_SEM_TIMEOUT 121L /* the server did not answer in time */
#define ERROR_BUSY 170L
#define ERROR_MORE_DATA 234L
#define ERROR_NO_MORE_ITEMS 259L
#define ERROR_BAD_DEVICE 1200L
#define ERROR_CONNECTION_UNAVAIL 1201L
#define ERROR_CANNOT_OPEN_PROFILE 1205L
#define ERROR_BAD_PROFILE 1206L
#define ERROR_EXTENDED_ERROR 1208L
#define ERROR_NO_NETWORK 1222L
#define ERROR_CANCELLED 1223L
#define ERROR_NOT_CONNECTED 2250L
#define ERROR_OPEN_FILES 2401L
#define ERROR_DEVICE_IN_USE 2404L

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
#define WN_BAD_HANDLE ERROR_INVALID_HANDLE
#define WN_ACCESS_DENIED ERROR_ACCESS_DENIED
#define WN_OUT_OF_MEMORY ERROR_NOT_ENOUGH_MEMORY
#define WN_NO_NETWORK ERROR_NO_NETWORK
#define WN_EXTENDED_ERROR ERROR_EXTENDED_ERROR
#define WN_BAD_NETNAME ERROR_BAD_NET_NAME
#define WN_BAD_LOCALNAME ERROR_BAD_DEVICE
#define WN_ALREADY_CONNECTED ERROR_ALREADY_ASSIGNED
#define WN_NOT_CONNECTED ERROR_NOT_CONNECTED
#define WN_OPEN_FILES ERROR_OPEN_FILES
#define WN_DEVICE_IN_USE ERROR_DEVICE_IN_USE
#define WN_NO_MORE_ENTRIES ERROR_NO_MORE_ITEMS
#define WN_BAD_PROFILE ERROR_BAD_PROFILE
#define WN_CANNOT_OPEN_PROFILE ERROR_CANNOT_OPEN_PROFILE
#define WN_CONNECTION_CLOSED ERROR_CONNECTION_UNAVAIL
#define ERROR_RETRY 1237L
#define ERROR_UNEXP_NET_ERR 59L
#define ERROR_INVALID_ADDRESS 487L

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

/* The dialog */
DWORD WNetDisconnectDialog(HWND hwnd, DWORD dwType);
DWORD WNetDisconnectDialog1A(LPDISCDLGSTRUCTA lpConnDlgStruct);
DWORD WNetDisconnectDialog1W(LPDISCDLGSTRUCTW lpConnDlgStruct);

/* Extensions: learn the dialog's outcome. *lpResult is what WNetDisconnectDialog
 * returns on Windows: NO_ERROR, 0xFFFFFFFF (cancelled), or an error code.
 * WNetDialogWait returns NO_ERROR when the dialog has ended, WAIT_TIMEOUT otherwise.
 * WNetDialogClose takes the dialog away if it is open and frees the handle. */
DWORD WNetDisconnectDialogEx(HWND hwnd, DWORD dwType, LPHANDLE lphDialog);
DWORD WNetDialogWait(HANDLE hDialog, DWORD dwMilliseconds, LPDWORD lpResult);
DWORD WNetDialogClose(HANDLE hDialog);

/* Connections */
DWORD WNetAddConnection2A(LPNETRESOURCEA lpNetResource, LPCSTR lpPassword, LPCSTR lpUserName, DWORD dwFlags);
DWORD WNetAddConnection2W(LPNETRESOURCEW lpNetResource, LPCWSTR lpPassword, LPCWSTR lpUserName, DWORD dwFlags);
DWORD WNetCancelConnection2A(LPCSTR lpName, DWORD dwFlags, BOOL fForce);
DWORD WNetCancelConnection2W(LPCWSTR lpName, DWORD dwFlags, BOOL fForce);
DWORD WNetCancelConnectionA(LPCSTR lpName, BOOL fForce);
DWORD WNetCancelConnectionW(LPCWSTR lpName, BOOL fForce);
DWORD WNetGetConnectionA(LPCSTR lpLocalName, LPSTR lpRemoteName, LPDWORD lpnLength);
DWORD WNetGetConnectionW(LPCWSTR lpLocalName, LPWSTR lpRemoteName, LPDWORD lpnLength);

/* Enumeration */
DWORD WNetOpenEnumA(DWORD dwScope, DWORD dwType, DWORD dwUsage, LPNETRESOURCEA lpNetResource, LPHANDLE lphEnum);
DWORD WNetOpenEnumW(DWORD dwScope, DWORD dwType, DWORD dwUsage, LPNETRESOURCEW lpNetResource, LPHANDLE lphEnum);
DWORD WNetEnumResourceA(HANDLE hEnum, LPDWORD lpcCount, LPVOID lpBuffer, LPDWORD lpBufferSize);
DWORD WNetEnumResourceW(HANDLE hEnum, LPDWORD lpcCount, LPVOID lpBuffer, LPDWORD lpBufferSize);
DWORD WNetCloseEnum(HANDLE hEnum);

/* The last error */
DWORD WNetGetLastErrorA(LPDWORD lpError, LPSTR lpErrorBuf, DWORD nErrorBufSize, LPSTR lpNameBuf, DWORD nNameBufSize);
DWORD WNetGetLastErrorW(LPDWORD lpError, LPWSTR lpErrorBuf, DWORD nErrorBufSize, LPWSTR lpNameBuf, DWORD nNameBufSize);

#ifdef UNICODE
typedef NETRESOURCEW NETRESOURCE;
typedef LPNETRESOURCEW LPNETRESOURCE;
typedef DISCDLGSTRUCTW DISCDLGSTRUCT;
typedef LPDISCDLGSTRUCTW LPDISCDLGSTRUCT;
#define WNetDisconnectDialog1 WNetDisconnectDialog1W
#define WNetAddConnection2 WNetAddConnection2W
#define WNetCancelConnection2 WNetCancelConnection2W
#define WNetCancelConnection WNetCancelConnectionW
#define WNetGetConnection WNetGetConnectionW
#define WNetOpenEnum WNetOpenEnumW
#define WNetEnumResource WNetEnumResourceW
#define WNetGetLastError WNetGetLastErrorW
#else
typedef NETRESOURCEA NETRESOURCE;
typedef LPNETRESOURCEA LPNETRESOURCE;
typedef DISCDLGSTRUCTA DISCDLGSTRUCT;
typedef LPDISCDLGSTRUCTA LPDISCDLGSTRUCT;
#define WNetDisconnectDialog1 WNetDisconnectDialog1A
#define WNetAddConnection2 WNetAddConnection2A
#define WNetCancelConnection2 WNetCancelConnection2A
#define WNetCancelConnection WNetCancelConnectionA
#define WNetGetConnection WNetGetConnectionA
#define WNetOpenEnum WNetOpenEnumA
#define WNetEnumResource WNetEnumResourceA
#define WNetGetLastError WNetGetLastErrorA
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
