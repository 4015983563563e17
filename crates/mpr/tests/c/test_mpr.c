/*
 * libmpr from C, as a program ported from Windows uses it, against real sshfs drives.
 * Run by tests/c_api.rs, which mounts the drives and sets:
 *   MPR_DRIVE, MPR_DRIVE_UNC   a connected sshfs drive and its UNC name
 *   MPR_BUSY                   another one, which this program keeps busy
 *   MPR_ADD_LOCAL, MPR_ADD_REMOTE, MPR_ADD_USER, MPR_ADD_PASSWORD   for WNetAddConnection2
 *   DISPLAY                    an X server, for the dialog
 * Prints "test_mpr: N passed, M failed"; exits 1 on any failure.
 */
#include <winnetwk.h>

#define CHECK_PROGRAM "test_mpr"
#include "check.h"
#include "wide.h"

#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Laid out as on Windows (LP64 here, like Win64). */
_Static_assert(sizeof(NETRESOURCEA) == 48, "NETRESOURCEA size");
_Static_assert(sizeof(NETRESOURCEW) == 48, "NETRESOURCEW size");
_Static_assert(offsetof(NETRESOURCEA, dwUsage) == 12, "dwUsage");
_Static_assert(offsetof(NETRESOURCEA, lpLocalName) == 16, "lpLocalName");
_Static_assert(offsetof(NETRESOURCEA, lpRemoteName) == 24, "lpRemoteName");
_Static_assert(offsetof(NETRESOURCEA, lpComment) == 32, "lpComment");
_Static_assert(offsetof(NETRESOURCEA, lpProvider) == 40, "lpProvider");
_Static_assert(sizeof(DISCDLGSTRUCTA) == 40, "DISCDLGSTRUCTA size");
_Static_assert(sizeof(DISCDLGSTRUCTW) == 40, "DISCDLGSTRUCTW size");
_Static_assert(offsetof(DISCDLGSTRUCTA, hwndOwner) == 8, "hwndOwner");
_Static_assert(offsetof(DISCDLGSTRUCTA, lpLocalName) == 16, "lpLocalName");
_Static_assert(offsetof(DISCDLGSTRUCTA, lpRemoteName) == 24, "lpRemoteName");
_Static_assert(offsetof(DISCDLGSTRUCTA, dwFlags) == 32, "dwFlags");
_Static_assert(sizeof(WCHAR) == 2, "WCHAR is UTF-16");
_Static_assert(RESOURCE_CONNECTED == 1 && RESOURCE_GLOBALNET == 2 && RESOURCE_REMEMBERED == 3, "scopes");
_Static_assert(RESOURCETYPE_ANY == 0 && RESOURCETYPE_DISK == 1 && RESOURCETYPE_PRINT == 2, "types");
_Static_assert(CONNECT_UPDATE_PROFILE == 1 && DISC_UPDATE_PROFILE == 1 && DISC_NO_FORCE == 0x40, "flags");
_Static_assert(ERROR_OPEN_FILES == 2401 && ERROR_NOT_CONNECTED == 2250 && ERROR_MORE_DATA == 234 &&
                   ERROR_NO_MORE_ITEMS == 259 && ERROR_EXTENDED_ERROR == 1208 && ERROR_CANCELLED == 1223 &&
                   ERROR_BAD_PROFILE == 1206 && ERROR_CANNOT_OPEN_PROFILE == 1205 && ERROR_NO_NETWORK == 1222 &&
                   ERROR_DEVICE_IN_USE == 2404 && ERROR_BAD_DEVICE == 1200 && ERROR_BUSY == 170 &&
                   ERROR_INVALID_PARAMETER == 87 && ERROR_NOT_SUPPORTED == 50 && ERROR_BAD_NET_NAME == 67 &&
                   ERROR_NOT_ENOUGH_MEMORY == 8 && ERROR_INVALID_HANDLE == 6 && ERROR_ACCESS_DENIED == 5,
               "error codes");

static DWORD last_code(char *text, DWORD len) {
    DWORD code = 0;
    char provider[64];
    DWORD r = WNetGetLastErrorA(&code, text, len, provider, sizeof provider);
    CHECK(r == NO_ERROR, "WNetGetLastErrorA returned %u", r);
    return code;
}

/* Find `local` among the entries of an open A enumeration; fills `remote`/`provider`. */
static int enum_find_a(DWORD scope, const char *local, char *remote, char *provider) {
    HANDLE h = NULL;
    DWORD r = WNetOpenEnumA(scope, RESOURCETYPE_DISK, 0, NULL, &h);
    CHECK(r == NO_ERROR, "WNetOpenEnumA -> %u", r);
    if (r != NO_ERROR) return 0;
    int found = 0;
    for (;;) {
        DWORD count = 0xFFFFFFFF, size = 16384;
        void *buf = malloc(size);
        r = WNetEnumResourceA(h, &count, buf, &size);
        if (r == ERROR_NO_MORE_ITEMS) {
            free(buf);
            break;
        }
        CHECK(r == NO_ERROR, "WNetEnumResourceA -> %u", r);
        if (r != NO_ERROR) {
            free(buf);
            break;
        }
        NETRESOURCEA *nr = buf;
        for (DWORD i = 0; i < count; i++) {
            CHECK(nr[i].dwScope == scope && nr[i].dwType == RESOURCETYPE_DISK, "entry %u scope/type", i);
            if (nr[i].lpLocalName && strcmp(nr[i].lpLocalName, local) == 0) {
                found = 1;
                if (remote) strcpy(remote, nr[i].lpRemoteName ? nr[i].lpRemoteName : "");
                if (provider) strcpy(provider, nr[i].lpProvider ? nr[i].lpProvider : "");
            }
        }
        free(buf);
    }
    CHECK(WNetCloseEnum(h) == NO_ERROR, "WNetCloseEnum");
    CHECK(WNetCloseEnum(h) == ERROR_INVALID_HANDLE, "closing twice is ERROR_INVALID_HANDLE");
    return found;
}

static void test_enumerate(const char *drive, const char *unc) {
    char remote[1024] = "", provider[64] = "";
    CHECK(enum_find_a(RESOURCE_CONNECTED, drive, remote, provider), "%s not enumerated", drive);
    CHECK(strcmp(remote, unc) == 0, "remote %s, want %s", remote, unc);
    CHECK(strcmp(provider, "SSHFS") == 0, "provider %s", provider);

    /* A buffer too small for one entry: ERROR_MORE_DATA and the size needed. */
    HANDLE h = NULL;
    CHECK(WNetOpenEnumA(RESOURCE_CONNECTED, RESOURCETYPE_ANY, 0, NULL, &h) == NO_ERROR, "open");
    DWORD count = 1, size = 8;
    char small[8];
    DWORD r = WNetEnumResourceA(h, &count, small, &size);
    CHECK(r == ERROR_MORE_DATA, "small buffer -> %u", r);
    CHECK(size > sizeof(NETRESOURCEA), "size needed %u", size);
    /* One at a time, in exactly the size asked for, until ERROR_NO_MORE_ITEMS. */
    int n = 0;
    for (;;) {
        DWORD need = 4096;
        char *buf = malloc(need);
        count = 1;
        r = WNetEnumResourceA(h, &count, buf, &need);
        free(buf);
        if (r == ERROR_NO_MORE_ITEMS) break;
        CHECK(r == NO_ERROR && count == 1, "one at a time -> %u, count %u", r, count);
        if (r != NO_ERROR || ++n > 100000) break;
    }
    CHECK(n >= 1, "enumerated %d one at a time", n);
    count = 1;
    size = 4096;
    char buf[4096];
    CHECK(WNetEnumResourceA(h, &count, buf, &size) == ERROR_NO_MORE_ITEMS, "stays at the end");
    WNetCloseEnum(h);

    /* W: the same drive, UTF-16. */
    CHECK(WNetOpenEnumW(RESOURCE_CONNECTED, RESOURCETYPE_DISK, 0, NULL, &h) == NO_ERROR, "open W");
    count = 0xFFFFFFFF;
    size = 65536;
    void *wbuf = malloc(size);
    r = WNetEnumResourceW(h, &count, wbuf, &size);
    CHECK(r == NO_ERROR, "WNetEnumResourceW -> %u", r);
    int found = 0;
    NETRESOURCEW *nw = wbuf;
    for (DWORD i = 0; r == NO_ERROR && i < count; i++)
        if (wide_eq(nw[i].lpLocalName, drive)) {
            found = 1;
            CHECK(wide_eq(nw[i].lpRemoteName, unc), "W remote name");
            CHECK(wide_eq(nw[i].lpProvider, "SSHFS"), "W provider");
        }
    CHECK(found, "W enumeration finds %s", drive);
    free(wbuf);
    WNetCloseEnum(h);

    /* Printers: none. Browsing the network: not supported. */
    CHECK(WNetOpenEnumA(RESOURCE_CONNECTED, RESOURCETYPE_PRINT, 0, NULL, &h) == NO_ERROR, "print");
    count = 0xFFFFFFFF;
    size = sizeof buf;
    CHECK(WNetEnumResourceA(h, &count, buf, &size) == ERROR_NO_MORE_ITEMS, "no printers");
    WNetCloseEnum(h);
    /* Browsing: the providers at the root (crates/netdrive-cli/tests/browse.rs walks further). */
    CHECK(WNetOpenEnumA(RESOURCE_GLOBALNET, RESOURCETYPE_DISK, 0, NULL, &h) == NO_ERROR, "globalnet");
    WNetCloseEnum(h);
    CHECK(WNetOpenEnumA(9, RESOURCETYPE_DISK, 0, NULL, &h) == ERROR_INVALID_PARAMETER, "bad scope");
    CHECK(WNetOpenEnumA(RESOURCE_CONNECTED, 7, 0, NULL, &h) == ERROR_INVALID_PARAMETER, "bad type");
}

static void test_get_connection(const char *drive, const char *unc) {
    char remote[1024];
    DWORD len = 4;
    DWORD r = WNetGetConnectionA(drive, remote, &len);
    CHECK(r == ERROR_MORE_DATA, "short -> %u", r);
    CHECK(len == strlen(unc) + 1, "length needed %u, want %zu", len, strlen(unc) + 1);
    len = sizeof remote;
    r = WNetGetConnectionA(drive, remote, &len);
    CHECK(r == NO_ERROR && strcmp(remote, unc) == 0, "-> %u %s", r, remote);
    len = 0;
    CHECK(WNetGetConnectionA(drive, NULL, &len) == ERROR_MORE_DATA && len == strlen(unc) + 1, "NULL buffer");
    len = sizeof remote;
    CHECK(WNetGetConnectionA("/", remote, &len) == ERROR_NOT_CONNECTED, "/ is local");
    CHECK(WNetGetConnectionA("", remote, &len) == ERROR_BAD_DEVICE, "empty");
    CHECK(WNetGetConnectionA(drive, remote, NULL) == ERROR_INVALID_PARAMETER, "NULL length");
    CHECK(WNetGetConnectionA(NULL, remote, &len) == ERROR_INVALID_PARAMETER, "NULL name");
    /* Names are bytes (contract.c tests that they round-trip): not UTF-8 is no error. */
    CHECK(WNetGetConnectionA("\xff\xfe", remote, &len) == ERROR_NOT_CONNECTED, "not UTF-8");

    WCHAR *w = wide(drive), wremote[1024];
    len = 1024;
    r = WNetGetConnectionW(w, wremote, &len);
    CHECK(r == NO_ERROR && wide_eq(wremote, unc), "W -> %u", r);
    len = 2;
    CHECK(WNetGetConnectionW(w, wremote, &len) == ERROR_MORE_DATA && len == strlen(unc) + 1, "W short");
    WCHAR bad[] = {0xDC00, 0};
    len = 1024;
    CHECK(WNetGetConnectionW(bad, wremote, &len) == ERROR_NOT_CONNECTED, "lone surrogate");
    free(w);
}

static void test_cancel_busy(const char *busy) {
    char path[1024], text[512];
    snprintf(path, sizeof path, "%s/hello.txt", busy);
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0, "open %s", path);
    DWORD r = WNetCancelConnection2A(busy, 0, FALSE);
    CHECK(r == ERROR_OPEN_FILES, "busy -> %u", r);
    DWORD code = last_code(text, sizeof text);
    CHECK(code == ERROR_OPEN_FILES, "last error %u", code);
    CHECK(strstr(text, "files are open") != NULL, "text: %s", text);
    char pid[32];
    snprintf(pid, sizeof pid, "PID %d", (int)getpid());
    CHECK(strstr(text, pid) != NULL, "the text names this process (%s): %s", pid, text);
    /* A short buffer is truncated, NUL-terminated. */
    char tiny[6];
    DWORD c2 = 0;
    char name[4];
    CHECK(WNetGetLastErrorA(&c2, tiny, sizeof tiny, name, sizeof name) == NO_ERROR, "short buffers");
    CHECK(c2 == ERROR_OPEN_FILES && strlen(tiny) == 5 && strlen(name) == 3, "truncated: %s %s", tiny, name);
    r = WNetCancelConnection2A(busy, 0, TRUE);
    CHECK(r == NO_ERROR, "forced -> %u", r);
    if (fd >= 0) close(fd);
    char remote[64];
    DWORD len = sizeof remote;
    CHECK(WNetGetConnectionA(busy, remote, &len) == ERROR_NOT_CONNECTED, "gone");
}

static void *other_thread(void *arg) {
    (void)arg;
    DWORD r = WNetCancelConnection2A("/no/such/drive", 0, FALSE);
    DWORD code = 0;
    WNetGetLastErrorA(&code, NULL, 0, NULL, 0);
    return (void *)(uintptr_t)(r == ERROR_NOT_CONNECTED && code == ERROR_NOT_CONNECTED);
}

static void test_last_error_per_thread(void) {
    CHECK(WNetCancelConnection2A(NULL, 0, FALSE) == ERROR_INVALID_PARAMETER, "NULL name");
    pthread_t t;
    void *ok = NULL;
    pthread_create(&t, NULL, other_thread, NULL);
    pthread_join(t, &ok);
    CHECK(ok != NULL, "the other thread saw its own error");
    char text[256];
    CHECK(last_code(text, sizeof text) == ERROR_INVALID_PARAMETER, "this thread's error is untouched");
}

static void test_add_and_profile(void) {
    const char *local = env("MPR_ADD_LOCAL"), *remote = env("MPR_ADD_REMOTE");
    const char *user = env("MPR_ADD_USER"), *password = env("MPR_ADD_PASSWORD");
    NETRESOURCEA nr = {0};
    nr.dwType = RESOURCETYPE_DISK;
    nr.lpLocalName = (LPSTR)local;
    nr.lpRemoteName = (LPSTR)remote;
    nr.lpProvider = "SSHFS";
    DWORD r = WNetAddConnection2A(&nr, password, user, CONNECT_UPDATE_PROFILE);
    char text[512];
    if (r != NO_ERROR) last_code(text, sizeof text);
    CHECK(r == NO_ERROR, "WNetAddConnection2A -> %u (%s)", r, r ? text : "");
    char got[1024];
    DWORD len = sizeof got;
    CHECK(WNetGetConnectionA(local, got, &len) == NO_ERROR, "connected");
    CHECK(enum_find_a(RESOURCE_REMEMBERED, local, NULL, NULL), "remembered after CONNECT_UPDATE_PROFILE");
    CHECK(WNetAddConnection2A(&nr, password, user, 0) == ERROR_ALREADY_ASSIGNED, "twice");
    /* WNetCancelConnection updates the profile, as on Windows. */
    r = WNetCancelConnectionA(local, FALSE);
    CHECK(r == NO_ERROR, "WNetCancelConnectionA -> %u", r);
    CHECK(!enum_find_a(RESOURCE_REMEMBERED, local, NULL, NULL), "forgotten");
    len = sizeof got;
    CHECK(WNetGetConnectionA(local, got, &len) == ERROR_NOT_CONNECTED, "gone");

    nr.lpProvider = "Carrier pigeon";
    CHECK(WNetAddConnection2A(&nr, NULL, NULL, 0) == 1204 /* ERROR_BAD_PROVIDER */, "unknown provider");
    nr.lpProvider = "SSHFS";
    nr.lpLocalName = "/no/such/folder";
    CHECK(WNetAddConnection2A(&nr, NULL, NULL, 0) == ERROR_BAD_DEVICE, "no folder");
    nr.lpLocalName = (LPSTR)local;
    nr.lpRemoteName = "not-a-unc";
    CHECK(WNetAddConnection2A(&nr, NULL, NULL, 0) == ERROR_BAD_NET_NAME, "bad remote");
    CHECK(WNetAddConnection2A(NULL, NULL, NULL, 0) == ERROR_INVALID_PARAMETER, "NULL");
    nr.lpRemoteName = (LPSTR)remote;
    CHECK(WNetAddConnection2A(&nr, NULL, NULL, 0x80000000) == ERROR_INVALID_PARAMETER, "unknown flags");
    nr.dwType = RESOURCETYPE_PRINT;
    CHECK(WNetAddConnection2A(&nr, NULL, NULL, 0) == 66 /* ERROR_BAD_DEV_TYPE */, "printers");
}

static void test_dialogs(const char *drive) {
    HANDLE h = NULL;
    DWORD result = 12345;
    CHECK(WNetDisconnectDialog(NULL, RESOURCETYPE_PRINT) == ERROR_INVALID_PARAMETER, "print");
    CHECK(WNetDisconnectDialogEx(NULL, RESOURCETYPE_DISK, NULL) == ERROR_INVALID_PARAMETER, "NULL out");
    if (getenv("DISPLAY")) {
        CHECK(WNetDisconnectDialogEx(NULL, RESOURCETYPE_DISK, &h) == NO_ERROR, "Ex");
        DWORD r = WNetDialogWait(h, 1500, &result);
        CHECK(r == WAIT_TIMEOUT, "still open -> %u (result %u)", r, result);
        CHECK(WNetDialogClose(h) == NO_ERROR, "close");
        CHECK(WNetDialogWait(h, 0, &result) == ERROR_INVALID_HANDLE, "closed handle");
        CHECK(WNetDialogClose(h) == ERROR_INVALID_HANDLE, "closed twice");
        /* An owner window that does not exist: the dialog ends with ERROR_INVALID_PARAMETER. */
        CHECK(WNetDisconnectDialogEx((HWND)(uintptr_t)0x7ffffff0, RESOURCETYPE_DISK, &h) == NO_ERROR, "Ex owner");
        r = WNetDialogWait(h, INFINITE, &result);
        CHECK(r == NO_ERROR && result == ERROR_INVALID_PARAMETER, "-> %u result %u", r, result);
        WNetDialogClose(h);
        CHECK(WNetDisconnectDialog(NULL, RESOURCETYPE_DISK) == NO_ERROR, "plain call returns at once");
    }
    CHECK(WNetDialogWait((HANDLE)(uintptr_t)0xdeadbeef, 0, &result) == ERROR_INVALID_HANDLE, "garbage handle");
    CHECK(WNetDialogWait(h, 0, NULL) == ERROR_INVALID_PARAMETER, "NULL result");

    /* WNetDisconnectDialog1: bad structures, then a drive with nothing open: no question. */
    DISCDLGSTRUCTA d = {0};
    CHECK(WNetDisconnectDialog1A(NULL) == ERROR_INVALID_PARAMETER, "NULL");
    d.cbStructure = 12;
    d.lpLocalName = (LPSTR)drive;
    CHECK(WNetDisconnectDialog1A(&d) == ERROR_INVALID_PARAMETER, "cbStructure");
    d.cbStructure = sizeof d;
    d.dwFlags = 0x1000;
    CHECK(WNetDisconnectDialog1A(&d) == ERROR_INVALID_PARAMETER, "unknown flags");
    d.dwFlags = DISC_NO_FORCE;
    DWORD r = WNetDisconnectDialog1A(&d);
    CHECK(r == NO_ERROR, "WNetDisconnectDialog1A -> %u", r);
    char remote[64];
    DWORD len = sizeof remote;
    CHECK(WNetGetConnectionA(drive, remote, &len) == ERROR_NOT_CONNECTED, "gone");
    DISCDLGSTRUCTW dw = {0};
    dw.cbStructure = sizeof dw;
    CHECK(WNetDisconnectDialog1W(&dw) == ERROR_INVALID_PARAMETER, "no names");
}

static void test_nulls(void) {
    DWORD n = 0;
    CHECK(WNetGetLastErrorA(NULL, NULL, 0, NULL, 0) == ERROR_INVALID_ADDRESS, "NULL code");
    CHECK(WNetGetLastErrorA(&n, NULL, 10, NULL, 0) == ERROR_INVALID_ADDRESS, "NULL buffer, size 10");
    CHECK(WNetGetLastErrorW(&n, NULL, 0, NULL, 0) == NO_ERROR, "sizes 0");
    CHECK(WNetOpenEnumA(RESOURCE_CONNECTED, RESOURCETYPE_DISK, 0, NULL, NULL) == ERROR_INVALID_PARAMETER, "%s", "");
    NETRESOURCEA start = {0};
    HANDLE h;
    /* Ignored for RESOURCE_CONNECTED, as Windows does (contract.c). */
    CHECK(WNetOpenEnumA(RESOURCE_CONNECTED, RESOURCETYPE_DISK, 0, &start, &h) == NO_ERROR, "%s", "");
    WNetCloseEnum(h);
    CHECK(WNetEnumResourceA(NULL, &n, NULL, &n) == ERROR_INVALID_HANDLE, "NULL handle");
    CHECK(WNetEnumResourceW((HANDLE)1, NULL, NULL, NULL) == ERROR_INVALID_PARAMETER, "NULLs");
    CHECK(WNetCloseEnum(NULL) == ERROR_INVALID_HANDLE, "%s", "");
    CHECK(WNetCancelConnection2W(NULL, 0, FALSE) == ERROR_INVALID_PARAMETER, "%s", "");
    CHECK(WNetCancelConnectionW(NULL, FALSE) == ERROR_INVALID_PARAMETER, "%s", "");
    CHECK(WNetCancelConnection2A("/no/such/drive", 0, FALSE) == ERROR_NOT_CONNECTED, "%s", "");
    CHECK(WNetGetConnectionW(NULL, NULL, NULL) == ERROR_INVALID_PARAMETER, "%s", "");
    CHECK(WNetAddConnection2W(NULL, NULL, NULL, 0) == ERROR_INVALID_PARAMETER, "%s", "");
    CHECK(WNetDisconnectDialog1W(NULL) == ERROR_INVALID_PARAMETER, "%s", "");
    CHECK(WNetDialogClose(NULL) == ERROR_INVALID_HANDLE, "%s", "");
}

int main(void) {
    const char *drive = env("MPR_DRIVE"), *unc = env("MPR_DRIVE_UNC"), *busy = env("MPR_BUSY");
    test_enumerate(drive, unc);
    test_get_connection(drive, unc);
    test_cancel_busy(busy);
    test_last_error_per_thread();
    test_add_and_profile();
    test_nulls();
    test_dialogs(drive);
    printf("test_mpr: %d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
