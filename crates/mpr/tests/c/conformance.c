/*
 * Conformance of the WNet calls added for the whole API, written from Microsoft's pages
 * (learn.microsoft.com/windows/win32/api/winnetwk/, and npapi/ for WNetSetLastError):
 * each check names the page's function and the rule it tests. Where the pages are silent,
 * Windows' answers as Wine's mpr tests (dlls/mpr/tests/mpr.c) record them are the
 * reference; those checks say "Wine's tests".
 *
 * Run by tests/conformance.rs against a real sshfs drive, which sets:
 *   CONF_DRIVE, CONF_UNC      a connected sshfs drive (mounted as root) and its UNC name
 *   CONF_REMOTE               \\127.0.0.1@PORT\export, to connect with provider "SSHFS"
 *   CONF_FOLDER               an empty local folder to connect on
 *   CONF_RESTORE              an empty local folder, remembered (CONNECT_UPDATE_PROFILE) and
 *                             restored (WNetRestoreSingleConnectionW)
 *   XDG_RUNTIME_DIR           where CONNECT_REDIRECT makes its folders
 *   SSH_AUTH_SOCK             an agent with the server's key (no passwords needed)
 * Prints "conformance: N passed, M failed"; exits 1 on any failure.
 * "conformance deviceless" checks connections without a local device (GVfs), with
 * CONF_REMOTE and a session bus whose gvfsd can log in to the server.
 */
#include <winnetwk.h>

#define CHECK_PROGRAM "conformance"
#include "check.h"
#include "wide.h"

#include <dirent.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* winnetwk.h: every value is the SDK's (a few of each group; the header asserts layouts). */
_Static_assert(RESOURCE_RECENT == 4 && RESOURCE_CONTEXT == 5, "scopes");
_Static_assert(RESOURCETYPE_RESERVED == 8 && RESOURCETYPE_UNKNOWN == 0xFFFFFFFF, "types");
_Static_assert(RESOURCEUSAGE_ALL == 0x13 && RESOURCEUSAGE_RESERVED == 0x80000000, "usage");
_Static_assert(RESOURCEDISPLAYTYPE_NDSCONTAINER == 0xB && RESOURCEDISPLAYTYPE_TREE == 0xA, "display");
_Static_assert(CONNECT_REDIRECT == 0x80 && CONNECT_CMD_SAVECRED == 0x1000 && CONNECT_GLOBAL_MAPPING == 0x40000 &&
                   CONNECT_WRITE_THROUGH_SEMANTICS == 0x10000 && CONNECT_RESERVED == 0xFF000000,
               "connect flags");
_Static_assert(CONNDLG_NOT_PERSIST == 0x20 && WNFMT_CONNECTION == 0x20 && NETINFO_PRINTERRED == 8, "other");
_Static_assert(WNCON_DYNAMIC == 8 && NETPROPERTY_PERSISTENT == 1, "wncon");
_Static_assert(WNNC_NET_SMB == 0x00020000 && WNNC_NET_DAV == 0x002E0000 && WNNC_NET_9P == 0x00480000 &&
                   WNNC_NET_MS_NFS == 0x00420000 && WNNC_CRED_MANAGER == 0xFFFF0000,
               "network types");
_Static_assert(ERROR_BAD_NETPATH == 53 && ERROR_BAD_DEV_TYPE == 66 && ERROR_INVALID_PASSWORD == 86 &&
                   ERROR_INVALID_LEVEL == 124 && ERROR_DEVICE_ALREADY_REMEMBERED == 1202 &&
                   ERROR_NO_NET_OR_BAD_PATH == 1203 && ERROR_BAD_PROVIDER == 1204 && ERROR_NOT_CONTAINER == 1207 &&
                   ERROR_SESSION_CREDENTIAL_CONFLICT == 1219 && ERROR_LOGON_FAILURE == 1326,
               "documented errors");
/* Error codes are DWORDs (4 bytes), not long. */
_Static_assert(sizeof(ERROR_MORE_DATA) == 4 && _Generic(ERROR_BAD_PROVIDER, DWORD: 1, default: 0), "DWORD codes");
_Static_assert(WN_BAD_PROVIDER == ERROR_BAD_PROVIDER && WN_BAD_LEVEL == 124 && WN_BAD_USER == 2202 &&
                   WN_NOT_VALIDATED == 1311 && WN_DEVICE_ERROR == 31,
               "WN_ aliases");

/* The last error this thread recorded. */
static DWORD last_code(void) {
    DWORD code = 0;
    char text[256], provider[64];
    WNetGetLastErrorA(&code, text, sizeof text, provider, sizeof provider);
    return code;
}

static const char *drive, *unc, *remote, *folder, *restore;

static void universal_name(void) {
    char buf[1024];
    DWORD size = sizeof buf;
    char *path = cat(drive, "/sub/file.txt");
    char *want = cat(unc, "\\sub\\file.txt");

    /* WNetGetUniversalName: "The lpLocalPath parameter does not have to specify a path
     * or resource that is already present" -- a file that does not exist has a UNC name. */
    DWORD r = WNetGetUniversalNameA(path, UNIVERSAL_NAME_INFO_LEVEL, buf, &size);
    UNIVERSAL_NAME_INFOA *u = (UNIVERSAL_NAME_INFOA *)buf;
    CHECK(r == NO_ERROR && strcmp(u->lpUniversalName, want) == 0, "%u %s", r, r ? "" : u->lpUniversalName);
    /* Wine's tests: a success leaves *lpBufferSize as it was (Microsoft's sample relies on it). */
    CHECK(size == sizeof buf, "%u", size);
    /* The strings are in the caller's buffer, after the structure. */
    CHECK(r == NO_ERROR && u->lpUniversalName >= buf + sizeof *u && u->lpUniversalName < buf + sizeof buf, "in buffer");

    /* REMOTE_NAME_INFO: "lpConnectionName: the remote name used to make the connection.
     * This string does not have a trailing backslash"; "lpRemainingPath ... has a
     * backslash at the start of the path". */
    r = WNetGetUniversalNameA(path, REMOTE_NAME_INFO_LEVEL, buf, &size);
    REMOTE_NAME_INFOA *rn = (REMOTE_NAME_INFOA *)buf;
    CHECK(r == NO_ERROR && strcmp(rn->lpUniversalName, want) == 0 && strcmp(rn->lpConnectionName, unc) == 0 &&
              strcmp(rn->lpRemainingPath, "\\sub\\file.txt") == 0,
          "%u", r);

    /* The drive itself: its remote name. */
    r = WNetGetUniversalNameA(drive, UNIVERSAL_NAME_INFO_LEVEL, buf, &size);
    CHECK(r == NO_ERROR && strcmp(u->lpUniversalName, unc) == 0, "%u", r);

    /* lpBufferSize: "If the function fails because the buffer is too small, this location
     * receives the required buffer size, and the function returns ERROR_MORE_DATA." */
    DWORD small = 3;
    r = WNetGetUniversalNameA(path, REMOTE_NAME_INFO_LEVEL, buf, &small);
    CHECK(r == ERROR_MORE_DATA && small > 3 && last_code() == ERROR_MORE_DATA, "%u %u", r, small);
    DWORD exact = small;
    r = WNetGetUniversalNameA(path, REMOTE_NAME_INFO_LEVEL, buf, &exact);
    CHECK(r == NO_ERROR, "exactly the size asked for: %u", r);

    /* The W function: the same, in UTF-16, sizes in bytes. */
    WCHAR *wpath = wide(path);
    WCHAR wbuf[512];
    DWORD wsize = sizeof wbuf;
    r = WNetGetUniversalNameW(wpath, UNIVERSAL_NAME_INFO_LEVEL, wbuf, &wsize);
    CHECK(r == NO_ERROR && wide_eq(((UNIVERSAL_NAME_INFOW *)wbuf)->lpUniversalName, want), "%u", r);
    DWORD wsmall = 9;
    r = WNetGetUniversalNameW(wpath, UNIVERSAL_NAME_INFO_LEVEL, wbuf, &wsmall);
    CHECK(r == ERROR_MORE_DATA && wsmall == sizeof(UNIVERSAL_NAME_INFOW) + 2 * (strlen(want) + 1), "%u %u", r, wsmall);

    /* "ERROR_NOT_CONNECTED: The device specified by the lpLocalPath parameter is not
     * redirected." */
    r = WNetGetUniversalNameA("/tmp", UNIVERSAL_NAME_INFO_LEVEL, buf, &size);
    CHECK(r == ERROR_NOT_CONNECTED && last_code() == ERROR_NOT_CONNECTED, "%u", r);
    /* dwInfoLevel is one of the two levels (silent on others: WN_BAD_LEVEL). */
    r = WNetGetUniversalNameA(path, 3, buf, &size);
    CHECK(r == ERROR_INVALID_LEVEL, "%u", r);
    /* Wine's tests: NULL buffers are WN_BAD_POINTER, a zero size WN_BAD_VALUE. */
    r = WNetGetUniversalNameA(path, UNIVERSAL_NAME_INFO_LEVEL, NULL, &size);
    CHECK(r == ERROR_INVALID_ADDRESS && last_code() == ERROR_INVALID_ADDRESS, "%u", r);
    r = WNetGetUniversalNameA(path, UNIVERSAL_NAME_INFO_LEVEL, buf, NULL);
    CHECK(r == WN_BAD_POINTER, "%u", r);
    DWORD zero = 0;
    r = WNetGetUniversalNameA(path, UNIVERSAL_NAME_INFO_LEVEL, buf, &zero);
    CHECK(r == WN_BAD_VALUE, "%u", r);
    free(wpath);
    free(path);
    free(want);
}

static void get_user(void) {
    char name[64];
    DWORD len = sizeof name;
    const struct passwd *pw = getpwuid(geteuid());
    /* WNetGetUser: "lpName ... If this parameter is NULL or the empty string, the system
     * returns the name of the current user for the process." */
    DWORD r = WNetGetUserA(NULL, name, &len);
    CHECK(r == NO_ERROR && pw && strcmp(name, pw->pw_name) == 0, "%u %s", r, name);
    len = sizeof name;
    r = WNetGetUserA("", name, &len);
    CHECK(r == NO_ERROR && strcmp(name, pw->pw_name) == 0, "%u", r);
    /* "lpName: ... the name of a local device that has been redirected to a network
     * resource": the drive (its mount point) was mounted as root@127.0.0.1. */
    len = sizeof name;
    r = WNetGetUserA(drive, name, &len);
    CHECK(r == NO_ERROR && strcmp(name, "root") == 0, "%u %s", r, name);
    WCHAR wname[64];
    DWORD wlen = 64;
    WCHAR *wdrive = wide(drive);
    r = WNetGetUserW(wdrive, wname, &wlen);
    CHECK(r == NO_ERROR && wide_eq(wname, "root"), "W: %u", r);
    free(wdrive);
    /* "... or the remote name of a network resource to which a connection has been made
     * without redirecting a local device": the drive has a local device, so its remote
     * name is not one. */
    WCHAR *wunc = wide(unc);
    wlen = 64;
    r = WNetGetUserW(wunc, wname, &wlen);
    CHECK(r == ERROR_NOT_CONNECTED, "by the remote name of a drive: %u", r);
    /* "ERROR_MORE_DATA: The buffer pointed to by lpnLength is too small" -- and lpnLength
     * receives the size needed, in characters. */
    len = 2;
    r = WNetGetUserA(drive, name, &len);
    CHECK(r == ERROR_MORE_DATA && len == 5, "%u %u", r, len);
    /* "ERROR_NOT_CONNECTED: The device specified by lpName is not a redirected device nor a
     * connected network name." */
    len = sizeof name;
    r = WNetGetUserA("/tmp", name, &len);
    CHECK(r == ERROR_NOT_CONNECTED && last_code() == ERROR_NOT_CONNECTED, "%u", r);
    r = WNetGetUserA(NULL, name, NULL);
    CHECK(r == ERROR_INVALID_ADDRESS, "no lpnLength: %u", r);
    free(wunc);
}

static void provider_name(void) {
    char name[32];
    DWORD len = sizeof name;
    /* WNetGetProviderName: "Only the high word of the network type is used. If a network
     * reports a subtype in the low word, it is ignored." */
    DWORD r = WNetGetProviderNameA(WNNC_NET_SMB, name, &len);
    CHECK(r == NO_ERROR && strcmp(name, "SMB") == 0, "%u %s", r, name);
    len = sizeof name;
    r = WNetGetProviderNameA(WNNC_NET_DAV | 0x0005, name, &len);
    CHECK(r == NO_ERROR && strcmp(name, "WebDAV") == 0, "%u %s", r, name);
    WCHAR wname[32];
    len = 32;
    r = WNetGetProviderNameW(WNNC_NET_9P, wname, &len);
    CHECK(r == NO_ERROR && wide_eq(wname, "9P"), "%u", r);
    /* "ERROR_MORE_DATA: The buffer is too small to hold the network provider name" -- the
     * size needed, in characters, in *lpBufferSize. */
    len = 2;
    r = WNetGetProviderNameA(WNNC_NET_SMB, name, &len);
    CHECK(r == ERROR_MORE_DATA && len == 4, "%u %u", r, len);
    /* "ERROR_NO_NETWORK: The network is unavailable" -- no provider has that type. */
    len = sizeof name;
    r = WNetGetProviderNameA(WNNC_NET_NETWARE, name, &len);
    CHECK(r == ERROR_NO_NETWORK && last_code() == ERROR_NO_NETWORK, "%u", r);
    /* "ERROR_INVALID_ADDRESS: The lpProviderName parameter or the lpBufferSize parameter is
     * invalid." */
    r = WNetGetProviderNameA(WNNC_NET_SMB, NULL, &len);
    CHECK(r == ERROR_INVALID_ADDRESS, "%u", r);
}

static void network_information(void) {
    NETINFOSTRUCT ni;
    memset(&ni, 0, sizeof ni);
    ni.cbStructure = sizeof ni;
    /* WNetGetNetworkInformation: "returns extended information about a specific network
     * provider"; its wNetType is the high word of the type WNetGetProviderName takes back. */
    DWORD r = WNetGetNetworkInformationA("SSHFS", &ni);
    CHECK(r == NO_ERROR && ni.cbStructure == sizeof ni, "%u", r);
    char name[32];
    DWORD len = sizeof name;
    CHECK(WNetGetProviderNameA((DWORD)ni.wNetType << 16, name, &len) == NO_ERROR && strcmp(name, "SSHFS") == 0,
          "type %#x names %s", ni.wNetType, name);
    /* dwStatus: "NO_ERROR: the network is running" -- sshfs and FUSE are here. */
    CHECK(ni.dwStatus == NO_ERROR, "status %u", ni.dwStatus);
    WCHAR *smb = wide("SMB");
    memset(&ni, 0, sizeof ni);
    ni.cbStructure = sizeof ni;
    r = WNetGetNetworkInformationW(smb, &ni);
    CHECK(r == NO_ERROR && ni.wNetType == (WNNC_NET_SMB >> 16), "%u %#x", r, ni.wNetType);
    /* "ERROR_BAD_PROVIDER: The lpProvider parameter does not match any running network." */
    ni.cbStructure = sizeof ni;
    r = WNetGetNetworkInformationA("NetWare", &ni);
    CHECK(r == ERROR_BAD_PROVIDER && last_code() == ERROR_BAD_PROVIDER, "%u", r);
    /* "ERROR_BAD_VALUE: The cbStructure member of the NETINFOSTRUCT structure does not
     * contain a valid structure size." (WN_BAD_VALUE is ERROR_INVALID_PARAMETER.) */
    ni.cbStructure = 8;
    r = WNetGetNetworkInformationA("SSHFS", &ni);
    CHECK(r == ERROR_INVALID_PARAMETER, "%u", r);
    r = WNetGetNetworkInformationA("SSHFS", NULL);
    CHECK(r == ERROR_INVALID_ADDRESS, "%u", r);
    free(smb);
}

static void resource_information(void) {
    char buf[1024];
    DWORD size = sizeof buf;
    char *sys = NULL;
    char *name = cat(unc, "\\sub\\file.txt");
    NETRESOURCEA nr;
    memset(&nr, 0, sizeof nr);
    nr.dwType = RESOURCETYPE_DISK;
    nr.lpRemoteName = name;
    /* WNetGetResourceInformation: "identifies the network provider that owns the resource
     * and obtains information about the type of the resource"; "lplpSystem: ... the part of
     * the resource that is accessed through system functions". */
    DWORD r = WNetGetResourceInformationA(&nr, buf, &size, &sys);
    NETRESOURCEA *out = (NETRESOURCEA *)buf;
    CHECK(r == NO_ERROR && strcmp(out->lpRemoteName, unc) == 0 && strcmp(out->lpProvider, "SSHFS") == 0 &&
              out->dwType == RESOURCETYPE_DISK && sys && strcmp(sys, "\\sub\\file.txt") == 0,
          "%u", r);
    /* "lpRemoteName, lpProvider, dwType, dwDisplayType, and dwUsage members ... are returned,
     * with all other members set to NULL." */
    CHECK(r == NO_ERROR && out->dwScope == 0 && out->lpLocalName == NULL && out->lpComment == NULL, "others");
    CHECK(r == NO_ERROR && sys > buf && sys < buf + sizeof buf, "lplpSystem points into lpBuffer");
    /* "ERROR_MORE_DATA: ... the lpcbBuffer parameter ... receives the required size". */
    DWORD small = 20;
    r = WNetGetResourceInformationA(&nr, buf, &small, &sys);
    CHECK(r == ERROR_MORE_DATA && small > 20, "%u %u", r, small);
    DWORD exact = small;
    r = WNetGetResourceInformationA(&nr, buf, &exact, &sys);
    CHECK(r == NO_ERROR, "exact size: %u", r);
    /* "ERROR_BAD_DEV_TYPE: The input dwType member does not match the type of resource
     * specified by the lpRemoteName member." */
    nr.dwType = RESOURCETYPE_PRINT;
    r = WNetGetResourceInformationA(&nr, buf, &size, &sys);
    CHECK(r == ERROR_BAD_DEV_TYPE && last_code() == ERROR_BAD_DEV_TYPE, "%u", r);
    nr.dwType = RESOURCETYPE_DISK;
    /* An unknown provider: ERROR_BAD_PROVIDER, as WNetGetResourceParent's page words it:
     * "The input lpProvider member does not match any installed network provider." */
    nr.lpProvider = "NetWare";
    r = WNetGetResourceInformationA(&nr, buf, &size, &sys);
    CHECK(r == ERROR_BAD_PROVIDER, "%u", r);
    nr.lpProvider = NULL;
    /* "ERROR_BAD_NET_NAME: The input lpRemoteName member is not an existing network
     * resource for any network." */
    nr.lpRemoteName = "not a network name";
    r = WNetGetResourceInformationA(&nr, buf, &size, &sys);
    CHECK(r == ERROR_BAD_NET_NAME, "%u", r);
    /* The W function. */
    NETRESOURCEW nw;
    memset(&nw, 0, sizeof nw);
    nw.lpRemoteName = wide(name);
    WCHAR *wsys = NULL;
    WCHAR wbuf[512];
    DWORD wsize = sizeof wbuf;
    r = WNetGetResourceInformationW(&nw, wbuf, &wsize, &wsys);
    CHECK(r == NO_ERROR && wide_eq(((NETRESOURCEW *)wbuf)->lpRemoteName, unc) && wide_eq(wsys, "\\sub\\file.txt"),
          "%u", r);
    free(nw.lpRemoteName);
    free(name);
}

static void resource_parent(void) {
    char buf[1024];
    DWORD size = sizeof buf;
    NETRESOURCEA nr;
    memset(&nr, 0, sizeof nr);
    nr.dwType = RESOURCETYPE_DISK;
    nr.lpRemoteName = (char *)unc;
    nr.lpProvider = "SSHFS";
    /* WNetGetResourceParent: "returns the parent of a network resource in the network
     * browse hierarchy": \\server\share\dir -> \\server\share. */
    char *want = cat(unc, "");
    *strrchr(want, '\\') = 0;
    DWORD r = WNetGetResourceParentA(&nr, buf, &size);
    NETRESOURCEA *out = (NETRESOURCEA *)buf;
    CHECK(r == NO_ERROR && out->lpRemoteName && strcmp(out->lpRemoteName, want) == 0 &&
              strcmp(out->lpProvider, "SSHFS") == 0 && (out->dwUsage & RESOURCEUSAGE_CONTAINER),
          "%u %s", r, r ? "" : out->lpRemoteName);
    /* "If the input resource has no parent on any of the networks, the lpRemoteName member
     * is returned as NULL": a server's parent is its network. */
    nr.lpRemoteName = "\\\\127.0.0.1";
    r = WNetGetResourceParentA(&nr, buf, &size);
    CHECK(r == NO_ERROR && out->lpRemoteName == NULL && out->dwDisplayType == RESOURCEDISPLAYTYPE_NETWORK, "%u", r);
    /* "ERROR_MORE_DATA: The buffer pointed to by lpBuffer is too small." */
    nr.lpRemoteName = (char *)unc;
    DWORD small = 8;
    r = WNetGetResourceParentA(&nr, buf, &small);
    CHECK(r == ERROR_MORE_DATA && small > 8, "%u %u", r, small);
    /* "ERROR_BAD_PROVIDER: The input lpProvider member does not match any installed network
     * provider." */
    nr.lpProvider = "NetWare";
    r = WNetGetResourceParentA(&nr, buf, &size);
    CHECK(r == ERROR_BAD_PROVIDER, "%u", r);
    /* "ERROR_BAD_NET_NAME: The input lpRemoteName member is not an existing network
     * resource for any network." */
    nr.lpProvider = "SSHFS";
    nr.lpRemoteName = "relative";
    r = WNetGetResourceParentA(&nr, buf, &size);
    CHECK(r == ERROR_BAD_NET_NAME, "%u", r);
    NETRESOURCEW nw;
    memset(&nw, 0, sizeof nw);
    nw.lpRemoteName = wide(unc);
    WCHAR wbuf[512];
    DWORD wsize = sizeof wbuf;
    r = WNetGetResourceParentW(&nw, wbuf, &wsize);
    CHECK(r == NO_ERROR && wide_eq(((NETRESOURCEW *)wbuf)->lpRemoteName, want), "%u", r);
    free(nw.lpRemoteName);
    free(want);
}

static void performance(void) {
    NETCONNECTINFOSTRUCT ci;
    memset(&ci, 0, sizeof ci);
    ci.cbStructure = sizeof ci;
    NETRESOURCEA nr;
    memset(&nr, 0, sizeof nr);
    /* MultinetGetConnectionPerformance: "lpLocalName: a local device ... redirected to a
     * network resource"; the server is 127.0.0.1: not routed, and no netcard is used
     * (NETCONNECTINFOSTRUCT: "WNCON_FORNETCARD: If set, the information returned is for the
     * performance of the netcard used for the connection"). */
    nr.lpLocalName = (char *)drive;
    DWORD r = MultinetGetConnectionPerformanceA(&nr, &ci);
    CHECK(r == NO_ERROR && ci.cbStructure == sizeof ci && (ci.dwFlags & WNCON_NOTROUTED) &&
              !(ci.dwFlags & WNCON_FORNETCARD),
          "%u %#x", r, ci.dwFlags);
    /* "lpRemoteName: A pointer to a network resource to query. The resource must currently
     * have an established connection." */
    nr.lpLocalName = NULL;
    nr.lpRemoteName = (char *)unc;
    r = MultinetGetConnectionPerformanceA(&nr, &ci);
    CHECK(r == NO_ERROR, "%u", r);
    /* "ERROR_NOT_CONNECTED: The lpLocalName member ... does not specify a redirected
     * device". */
    nr.lpLocalName = "/tmp";
    r = MultinetGetConnectionPerformanceA(&nr, &ci);
    CHECK(r == ERROR_NOT_CONNECTED && last_code() == ERROR_NOT_CONNECTED, "%u", r);
    /* "ERROR_BAD_NET_NAME: ... lpLocalName ... was NULL and the lpRemoteName member ... was
     * also NULL". */
    nr.lpLocalName = NULL;
    nr.lpRemoteName = NULL;
    r = MultinetGetConnectionPerformanceA(&nr, &ci);
    CHECK(r == ERROR_BAD_NET_NAME, "%u", r);
    /* "ERROR_INVALID_ADDRESS: ... lpNetResource or lpNetConnectInfoStruct parameters were
     * NULL". */
    r = MultinetGetConnectionPerformanceA(NULL, &ci);
    CHECK(r == ERROR_INVALID_ADDRESS, "%u", r);
    /* "ERROR_INVALID_PARAMETER: ... cbStructure [not] filled with the proper structure size". */
    ci.cbStructure = 4;
    NETRESOURCEW nw;
    memset(&nw, 0, sizeof nw);
    nw.lpLocalName = wide(drive);
    r = MultinetGetConnectionPerformanceW(&nw, &ci);
    CHECK(r == ERROR_INVALID_PARAMETER, "%u", r);
    ci.cbStructure = sizeof ci;
    r = MultinetGetConnectionPerformanceW(&nw, &ci);
    CHECK(r == NO_ERROR, "W: %u", r);
    free(nw.lpLocalName);
}

static void set_last_error(void) {
    /* WNetSetLastError (npapi.h): "The error information is saved until it is overwritten
     * by another call to WNetSetLastError in the same thread" -- and WNetGetLastError
     * reads it. */
    WNetSetLastErrorA(1234, "the provider's own words", "MyNet");
    DWORD code = 0;
    char text[64], prov[16];
    DWORD r = WNetGetLastErrorA(&code, text, sizeof text, prov, sizeof prov);
    CHECK(r == NO_ERROR && code == 1234 && strcmp(text, "the provider's own words") == 0 && strcmp(prov, "MyNet") == 0,
          "%u %u %s %s", r, code, text, prov);
    WCHAR *wt = wide("wide words"), *wp = wide("WNet");
    WNetSetLastErrorW(ERROR_EXTENDED_ERROR, wt, wp);
    WCHAR wtext[32], wprov[16];
    r = WNetGetLastErrorW(&code, wtext, 32, wprov, 16);
    CHECK(r == NO_ERROR && code == ERROR_EXTENDED_ERROR && wide_eq(wtext, "wide words") && wide_eq(wprov, "WNet"),
          "%u %u", r, code);
    free(wt);
    free(wp);
}

/* Is `local` connected (WNetGetConnection knows it)? */
static int connected(const char *local) {
    char r[512];
    DWORD len = sizeof r;
    return WNetGetConnectionA(local, r, &len) == NO_ERROR;
}

static int entries(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    if (!d) return 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static void connections(void) {
    NETRESOURCEA nr;
    memset(&nr, 0, sizeof nr);
    nr.dwType = RESOURCETYPE_DISK;
    nr.lpLocalName = (char *)folder;
    nr.lpRemoteName = (char *)remote;
    nr.lpProvider = "SSHFS";

    /* WNetAddConnection3: "makes a connection to a network resource" as
     * WNetAddConnection2 does, with an owner window for prompts. */
    DWORD r = WNetAddConnection3A(NULL, &nr, NULL, NULL, 0);
    CHECK(r == NO_ERROR && connected(folder), "WNetAddConnection3A: %u", r);
    CHECK(WNetCancelConnection2A(folder, 0, TRUE) == NO_ERROR && !connected(folder), "cancel");

    /* WNetAddConnection4: "pAuthBuffer: A pointer to an authentication buffer", here NULL
     * (the key is in the agent). */
    NETRESOURCEW nw;
    memset(&nw, 0, sizeof nw);
    nw.dwType = RESOURCETYPE_DISK;
    nw.lpLocalName = wide(folder);
    nw.lpRemoteName = wide(remote);
    nw.lpProvider = wide("SSHFS");
    r = WNetAddConnection4W(NULL, &nw, NULL, 0, 0, NULL, 0);
    CHECK(r == NO_ERROR && connected(folder), "WNetAddConnection4W: %u", r);
    CHECK(WNetCancelConnection2W(nw.lpLocalName, 0, TRUE) == NO_ERROR, "cancel");
    /* Use options are SMB's; they have no Linux meaning. */
    BYTE opts[8] = {0};
    r = WNetAddConnection4W(NULL, &nw, NULL, 0, 0, opts, sizeof opts);
    CHECK(r == ERROR_NOT_SUPPORTED && !connected(folder), "%u", r);
    /* A password without its NUL within cbAuthBuffer is no password. */
    char pw[4] = {'a', 'b', 'c', 'd'};
    r = WNetAddConnection4A(NULL, &nr, pw, sizeof pw, 0, NULL, 0);
    CHECK(r == ERROR_INVALID_PARAMETER && last_code() == ERROR_INVALID_PARAMETER, "%u", r);

    /* WNetUseConnection: "CONNECT_REDIRECT: This flag forces the redirection of a local
     * device when making the connection"; "lpAccessName: ... if the CONNECT_REDIRECT value
     * is set, this buffer receives the name of the redirected local device". Too small:
     * "ERROR_MORE_DATA: The lpAccessName buffer is too small. ... If this error is returned,
     * then no connection has been made" -- and no folder is left behind. */
    const char *run = env("XDG_RUNTIME_DIR");
    char *made = cat(run, "/netdrive");
    int before = entries(made);
    NETRESOURCEA redirect = nr;
    redirect.lpLocalName = NULL;
    char access[512];
    DWORD size = 1, result = 0;
    r = WNetUseConnectionA(NULL, &redirect, NULL, NULL, CONNECT_REDIRECT, access, &size, &result);
    CHECK(r == ERROR_MORE_DATA && size > 1 && entries(made) == before, "%u %u", r, size);
    DWORD needed = size;
    size = sizeof access;
    r = WNetUseConnectionA(NULL, &redirect, NULL, NULL, CONNECT_REDIRECT, access, &size, &result);
    CHECK(r == NO_ERROR && strncmp(access, made, strlen(made)) == 0 && strlen(access) + 1 == needed &&
              result == CONNECT_LOCALDRIVE && connected(access),
          "%u %s %u", r, r ? "" : access, result);
    if (r == NO_ERROR) CHECK(WNetCancelConnection2A(access, 0, TRUE) == NO_ERROR, "cancel %s", access);
    /* The folder of a drive since disconnected is chosen again, not a new one each time. */
    char again[512];
    size = sizeof again;
    r = WNetUseConnectionA(NULL, &redirect, NULL, NULL, CONNECT_REDIRECT, again, &size, &result);
    CHECK(r == NO_ERROR && strcmp(again, access) == 0, "%u %s", r, r ? "" : again);
    if (r == NO_ERROR) WNetCancelConnection2A(again, 0, TRUE);

    /* "When the operating system automatically chooses a local device, the dwType member
     * must not be equal to RESOURCETYPE_ANY": ERROR_INVALID_PARAMETER. */
    redirect.dwType = RESOURCETYPE_ANY;
    before = entries(made);
    size = sizeof access;
    r = WNetUseConnectionA(NULL, &redirect, NULL, NULL, CONNECT_REDIRECT, access, &size, &result);
    CHECK(r == ERROR_INVALID_PARAMETER && entries(made) == before, "%u", r);
    /* "ERROR_INVALID_PARAMETER: The lpRemoteName member is NULL." */
    redirect.dwType = RESOURCETYPE_DISK;
    redirect.lpRemoteName = NULL;
    r = WNetUseConnectionA(NULL, &redirect, NULL, NULL, CONNECT_REDIRECT, access, &size, &result);
    CHECK(r == ERROR_INVALID_PARAMETER, "%u", r);

    /* "lpAccessName is not NULL, but lpBufferSize is either NULL or points to zero":
     * ERROR_INVALID_PARAMETER (and Wine's tests: no lpAccessName with a zero size connects).
     * "CONNECT_LOCALDRIVE: ... the connection was made using a local device redirection." */
    size = 0;
    r = WNetUseConnectionA(NULL, &nr, NULL, NULL, 0, NULL, &size, &result);
    CHECK(r == NO_ERROR && size == 0 && result == CONNECT_LOCALDRIVE && connected(folder), "%u", r);
    WNetCancelConnection2A(folder, 0, TRUE);
    size = 0;
    r = WNetUseConnectionA(NULL, &nr, NULL, NULL, 0, access, &size, &result);
    CHECK(r == ERROR_INVALID_PARAMETER && !connected(folder), "%u", r);

    /* WNetUseConnection4: the same with an authentication buffer. */
    NETRESOURCEW wredirect = nw;
    wredirect.lpLocalName = NULL;
    WCHAR waccess[512];
    size = 512;
    r = WNetUseConnection4W(NULL, &wredirect, NULL, 0, CONNECT_REDIRECT, NULL, 0, waccess, &size, &result);
    CHECK(r == NO_ERROR && result == CONNECT_LOCALDRIVE, "WNetUseConnection4W: %u", r);
    if (r == NO_ERROR) CHECK(WNetCancelConnection2W(waccess, 0, TRUE) == NO_ERROR, "cancel");

    /* WNetAddConnection: "lpRemoteName ... the network resource to connect to"; it takes no
     * provider, so the default one (SMB) is asked, at the port given: an SSH server there
     * does not speak SMB, so the call fails and nothing is connected (the code is the SMB
     * client's: no such network name or path, or its own message). */
    r = WNetAddConnectionA(remote, NULL, folder);
    CHECK((r == ERROR_BAD_NET_NAME || r == ERROR_BAD_NETPATH || r == ERROR_EXTENDED_ERROR ||
           r == ERROR_SEM_TIMEOUT) && !connected(folder), "%u", r);
    r = WNetAddConnectionW(NULL, NULL, nw.lpLocalName);
    CHECK(r == ERROR_BAD_NET_NAME, "%u", r);

    /* WNetAddConnection2: "CONNECT_UPDATE_PROFILE: The network resource connection should be
     * remembered." The entry it writes is the one restored below; WNetGetConnection gives
     * "the name of the network resource" it remembers -- the name used, port included. */
    NETRESOURCEA remember = nr;
    remember.lpLocalName = (char *)restore;
    r = WNetAddConnection2A(&remember, NULL, NULL, CONNECT_UPDATE_PROFILE);
    CHECK(r == NO_ERROR && connected(restore), "remember: %u", r);
    CHECK(WNetCancelConnection2A(restore, 0, TRUE) == NO_ERROR && !connected(restore), "cancel, keep remembered");
    char got[512];
    DWORD glen = sizeof got;
    r = WNetGetConnectionA(restore, got, &glen);
    CHECK(r == ERROR_CONNECTION_UNAVAIL && strcmp(got, remote) == 0, "remembered as: %u %s", r, got);

    /* "ERROR_DEVICE_ALREADY_REMEMBERED: An entry for the device specified by lpLocalName is
     * already in the user profile" -- another remote name for it, to be remembered, is
     * refused before anything is connected; the same through WNetUseConnection. */
    char *other = cat(remote, "\\sub");
    remember.lpRemoteName = other;
    r = WNetAddConnection2A(&remember, NULL, NULL, CONNECT_UPDATE_PROFILE);
    CHECK(r == ERROR_DEVICE_ALREADY_REMEMBERED && last_code() == ERROR_DEVICE_ALREADY_REMEMBERED && !connected(restore),
          "%u", r);
    size = sizeof access;
    r = WNetUseConnectionA(NULL, &remember, NULL, NULL, CONNECT_UPDATE_PROFILE, access, &size, &result);
    CHECK(r == ERROR_DEVICE_ALREADY_REMEMBERED && !connected(restore), "WNetUseConnectionA: %u", r);
    glen = sizeof got;
    r = WNetGetConnectionA(restore, got, &glen);
    CHECK(r == ERROR_CONNECTION_UNAVAIL && strcmp(got, remote) == 0, "the entry is unchanged: %u %s", r, got);
    free(other);

    /* WNetGetUniversalName: "ERROR_CONNECTION_UNAVAIL: There is no current connection to
     * the remote device, but there is a remembered (persistent) connection to it." */
    char ubuf[512];
    DWORD usize = sizeof ubuf;
    char *inside = cat(restore, "/dir");
    r = WNetGetUniversalNameA(inside, UNIVERSAL_NAME_INFO_LEVEL, ubuf, &usize);
    CHECK(r == ERROR_CONNECTION_UNAVAIL && last_code() == ERROR_CONNECTION_UNAVAIL, "%u", r);
    free(inside);

    WCHAR *wrestore = wide(restore);
    /* WNetRestoreSingleConnectionW (no page of its own; WNetRestoreConnectionW's page):
     * "restores the connection to a network resource" -- the one the profile remembers. */
    r = WNetRestoreSingleConnectionW(NULL, wrestore, FALSE);
    CHECK(r == NO_ERROR && connected(restore), "restore: %u", r);
    /* "ERROR_ALREADY_ASSIGNED: The local device specified by lpDevice is already connected
     * to a network resource." */
    r = WNetRestoreSingleConnectionW(NULL, wrestore, FALSE);
    CHECK(r == ERROR_ALREADY_ASSIGNED && last_code() == ERROR_ALREADY_ASSIGNED, "already connected: %u", r);
    r = WNetRestoreConnectionW(NULL, wrestore);
    CHECK(r == ERROR_ALREADY_ASSIGNED, "already connected: %u", r);
    WNetCancelConnection2A(restore, 0, TRUE);
    /* WNetRestoreConnectionW: "If this parameter is NULL, the function reconnects all
     * persistent drives stored in the registry for the current user." */
    r = WNetRestoreConnectionW(NULL, NULL);
    CHECK(r == NO_ERROR && connected(restore), "restore all: %u", r);
    /* WNetCancelConnection2: "CONNECT_UPDATE_PROFILE: The system updates the user profile
     * with the information that the connection is no longer a persistent one." */
    CHECK(WNetCancelConnection2A(restore, CONNECT_UPDATE_PROFILE, TRUE) == NO_ERROR, "cancel and forget");
    r = WNetRestoreSingleConnectionW(NULL, wrestore, FALSE);
    CHECK(r == ERROR_BAD_DEVICE, "forgotten: %u", r);
    /* "ERROR_BAD_DEVICE: The value specified by lpDevice is invalid": nothing is remembered
     * there. */
    r = WNetRestoreSingleConnectionW(NULL, nw.lpLocalName, FALSE);
    CHECK(r == ERROR_BAD_DEVICE && last_code() == ERROR_BAD_DEVICE, "not remembered: %u", r);
    r = WNetRestoreSingleConnectionW(NULL, NULL, FALSE);
    CHECK(r == ERROR_INVALID_PARAMETER, "%u", r);

    free(wrestore);
    free(made);
    free(nw.lpLocalName);
    free(nw.lpRemoteName);
    free(nw.lpProvider);
}

/* Connections without a local device (run as "conformance deviceless", in a session whose
 * GVfs can reach the server; CONF_REMOTE only). */
static void deviceless(void) {
    NETRESOURCEA nr;
    memset(&nr, 0, sizeof nr);
    nr.dwType = RESOURCETYPE_DISK;
    nr.lpRemoteName = (char *)remote;
    nr.lpProvider = "SSHFS";
    char access[512], user[64];
    DWORD size = 4, result = 0xFF, len;

    /* WNetUseConnection: "ERROR_MORE_DATA: The lpAccessName buffer is too small. ... If this
     * error is returned, then no connection has been made." */
    DWORD r = WNetUseConnectionA(NULL, &nr, NULL, "root", 0, access, &size, &result);
    len = sizeof user;
    CHECK(r == ERROR_MORE_DATA && size == strlen(remote) + 1 && WNetGetUserA(remote, user, &len) == ERROR_NOT_CONNECTED,
          "%u %u", r, size);
    /* "lpLocalName ... If the string is empty, or if lpLocalName is NULL, [and] CONNECT_REDIRECT
     * is not set, a connection is made without redirecting a local device" (here: a GVfs
     * mount); "lpAccessName: ... Otherwise, the name copied into the buffer is that of a remote
     * resource"; no CONNECT_LOCALDRIVE in lpResult. */
    size = sizeof access;
    r = WNetUseConnectionA(NULL, &nr, NULL, "root", 0, access, &size, &result);
    if (r != NO_ERROR) {
        char text[512], prov[64];
        DWORD code;
        WNetGetLastErrorA(&code, text, sizeof text, prov, sizeof prov);
        fprintf(stderr, "WNetUseConnectionA deviceless: %u %s: %s\n", code, prov, text);
    }
    CHECK(r == NO_ERROR && strcmp(access, remote) == 0 && result == 0, "%u %s %u", r, r ? "" : access, result);
    /* WNetGetUser: "lpName: ... the remote name of a network resource to which a connection
     * has been made without redirecting a local device". */
    len = sizeof user;
    r = WNetGetUserA(access, user, &len);
    CHECK(r == NO_ERROR && strcmp(user, "root") == 0, "WNetGetUserA(remote name): %u %s", r, r ? "" : user);
    /* MultinetGetConnectionPerformance: "lpRemoteName: A pointer to a network resource to
     * query. The resource must currently have an established connection." */
    NETCONNECTINFOSTRUCT ci;
    memset(&ci, 0, sizeof ci);
    ci.cbStructure = sizeof ci;
    NETRESOURCEA by_remote;
    memset(&by_remote, 0, sizeof by_remote);
    by_remote.lpRemoteName = access;
    r = MultinetGetConnectionPerformanceA(&by_remote, &ci);
    CHECK(r == NO_ERROR, "MultinetGetConnectionPerformanceA(remote name): %u", r);
    /* WNetCancelConnection2: "If the parameter specifies a remote network resource, all
     * connections without devices are canceled." */
    r = WNetCancelConnection2A(access, 0, FALSE);
    CHECK(r == NO_ERROR, "cancel by the remote name: %u", r);
    len = sizeof user;
    CHECK(WNetGetUserA(remote, user, &len) == ERROR_NOT_CONNECTED, "cancelled");
    r = WNetCancelConnection2A(access, 0, FALSE);
    CHECK(r == ERROR_NOT_CONNECTED, "again: %u", r);

    /* The W function, lpLocalName "" this time, cancelled by the lpAccessName it returned. */
    NETRESOURCEW nw;
    memset(&nw, 0, sizeof nw);
    nw.dwType = RESOURCETYPE_DISK;
    WCHAR empty[1] = {0};
    nw.lpLocalName = empty;
    nw.lpRemoteName = wide(remote);
    nw.lpProvider = wide("SSHFS");
    WCHAR *wroot = wide("root"), waccess[512];
    size = 512;
    r = WNetUseConnectionW(NULL, &nw, NULL, wroot, 0, waccess, &size, &result);
    CHECK(r == NO_ERROR && wide_eq(waccess, remote) && result == 0, "W: %u", r);
    if (r == NO_ERROR) CHECK(WNetCancelConnection2W(waccess, 0, TRUE) == NO_ERROR, "W cancel");
    free(wroot);
    free(nw.lpRemoteName);
    free(nw.lpProvider);
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "deviceless") == 0) {
        remote = env("CONF_REMOTE");
        env("DBUS_SESSION_BUS_ADDRESS");
        deviceless();
        printf("conformance deviceless: %d passed, %d failed\n", passes, failures);
        return failures ? 1 : 0;
    }
    drive = env("CONF_DRIVE");
    unc = env("CONF_UNC");
    remote = env("CONF_REMOTE");
    folder = env("CONF_FOLDER");
    restore = env("CONF_RESTORE");
    env("SSH_AUTH_SOCK");

    universal_name();
    get_user();
    provider_name();
    network_information();
    resource_information();
    resource_parent();
    performance();
    set_last_error();
    connections();

    printf("conformance: %d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
