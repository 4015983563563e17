/*
 * The W functions with every caller pointer at an odd address: WCHAR strings in and out,
 * DWORD in/out parameters, NETRESOURCEW, DISCDLGSTRUCTW and CONNECTDLGSTRUCTW. Windows code hands these over
 * from packed structures and byte buffers; libmpr must read and write them byte-wise.
 * This program touches misaligned memory only through memcpy, so it is itself clean under
 * UBSan's alignment check.
 *
 * Usage: misaligned DRIVE UNC DRIVE2 FOLDER
 *   DRIVE    a connected sshfs drive whose remote name is UNC; disconnected at the end
 *   DRIVE2   another connected drive; disconnected at the end
 *   FOLDER   an empty local folder
 * Prints "misaligned: N passed, M failed"; exits 1 on any failure.
 */
#include <winnetwk.h>

#define CHECK_PROGRAM "misaligned"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Storage for one misaligned object: the object starts at byte 1. */
typedef struct {
    _Alignas(16) unsigned char bytes[1 + 8192];
} Odd;

static void *odd(Odd *o) { return o->bytes + 1; }

/* `s` (ASCII) as UTF-16 at an odd address. */
static LPWSTR odd_wide(Odd *o, const char *s) {
    unsigned char *p = odd(o);
    size_t n = strlen(s);
    for (size_t i = 0; i <= n; i++) {
        WCHAR u = (unsigned char)s[i];
        memcpy(p + i * sizeof u, &u, sizeof u);
    }
    return (LPWSTR)(void *)p;
}

/* The UTF-16 unit `i` of a string at any address. */
static WCHAR unit_at(const void *w, size_t i) {
    WCHAR u;
    memcpy(&u, (const unsigned char *)w + i * sizeof u, sizeof u);
    return u;
}

/* Does the UTF-16 string at any address equal `s` (ASCII)? */
static int wide_eq(const void *w, const char *s) {
    if (!w) return 0;
    size_t i = 0;
    for (; s[i]; i++)
        if (unit_at(w, i) != (unsigned char)s[i]) return 0;
    return unit_at(w, i) == 0;
}

static LPDWORD odd_dword(Odd *o, DWORD v) {
    memcpy(odd(o), &v, sizeof v);
    return (LPDWORD)odd(o);
}

static DWORD get_dword(Odd *o) {
    DWORD v;
    memcpy(&v, odd(o), sizeof v);
    return v;
}

static void test_get_connection(const char *drive, const char *unc) {
    Odd name, out, len;
    LPWSTR w = odd_wide(&name, drive);
    DWORD r = WNetGetConnectionW(w, odd(&out), odd_dword(&len, 1024));
    CHECK(r == NO_ERROR, "WNetGetConnectionW -> %u", r);
    CHECK(wide_eq(odd(&out), unc), "the remote name");
    r = WNetGetConnectionW(w, odd(&out), odd_dword(&len, 2));
    CHECK(r == ERROR_MORE_DATA, "short -> %u", r);
    CHECK(get_dword(&len) == strlen(unc) + 1, "size needed %u", get_dword(&len));
}

static void test_enumerate(const char *drive, const char *unc) {
    HANDLE h = NULL;
    CHECK(WNetOpenEnumW(RESOURCE_CONNECTED, RESOURCETYPE_DISK, 0, NULL, &h) == NO_ERROR, "open");
    static Odd buf;
    Odd count, size;
    int found = 0;
    for (;;) {
        DWORD r = WNetEnumResourceW(h, odd_dword(&count, 0xFFFFFFFF), odd(&buf), odd_dword(&size, 8192));
        if (r == ERROR_NO_MORE_ITEMS) break;
        CHECK(r == NO_ERROR, "WNetEnumResourceW -> %u", r);
        if (r != NO_ERROR) break;
        for (DWORD i = 0; i < get_dword(&count); i++) {
            NETRESOURCEW nr;
            memcpy(&nr, (unsigned char *)odd(&buf) + i * sizeof nr, sizeof nr);
            CHECK(nr.dwScope == RESOURCE_CONNECTED && nr.dwType == RESOURCETYPE_DISK, "entry %u", i);
            if (wide_eq(nr.lpLocalName, drive)) {
                found = 1;
                CHECK(wide_eq(nr.lpRemoteName, unc), "remote name");
                CHECK(wide_eq(nr.lpProvider, "SSHFS"), "provider");
            }
        }
    }
    CHECK(found, "%s enumerated", drive);
    WNetCloseEnum(h);
}

static void test_last_error(void) {
    Odd name, code, text, provider, small;
    DWORD r = WNetCancelConnection2W(odd_wide(&name, "/no/such/drive"), 0, FALSE);
    CHECK(r == ERROR_NOT_CONNECTED, "cancel a name not connected -> %u", r);
    r = WNetGetLastErrorW(odd_dword(&code, 0), odd(&text), 1024, odd(&provider), 64);
    CHECK(r == NO_ERROR, "WNetGetLastErrorW -> %u", r);
    CHECK(get_dword(&code) == ERROR_NOT_CONNECTED, "code %u", get_dword(&code));
    /* The same as the A form says. */
    char atext[1024], aprovider[64];
    DWORD acode = 0;
    CHECK(WNetGetLastErrorA(&acode, atext, sizeof atext, aprovider, sizeof aprovider) == NO_ERROR, "A");
    CHECK(atext[0] && wide_eq(odd(&text), atext), "text: %s", atext);
    CHECK(aprovider[0] && wide_eq(odd(&provider), aprovider), "provider: %s", aprovider);
    /* Truncated to the buffer, with a NUL. */
    CHECK(WNetGetLastErrorW(odd_dword(&code, 0), odd(&small), 6, NULL, 0) == NO_ERROR, "short");
    atext[5] = 0;
    CHECK(wide_eq(odd(&small), atext), "truncated to \"%s\"", atext);
}

static void test_add(const char *drive, const char *folder) {
    Odd nrs, local, remote, provider, user, password;
    NETRESOURCEW nr = {0};
    nr.dwType = RESOURCETYPE_DISK;
    nr.lpLocalName = odd_wide(&local, "/no/such/folder");
    nr.lpRemoteName = odd_wide(&remote, "\\\\127.0.0.1\\srv");
    nr.lpProvider = odd_wide(&provider, "SSHFS");
    LPWSTR u = odd_wide(&user, "nobody"), pw = odd_wide(&password, "secret");
#define ADD() (memcpy(odd(&nrs), &nr, sizeof nr), WNetAddConnection2W(odd(&nrs), pw, u, 0))
    DWORD r = ADD();
    CHECK(r == ERROR_BAD_DEVICE, "no such folder -> %u", r);
    nr.lpLocalName = odd_wide(&local, drive);
    r = ADD();
    CHECK(r == ERROR_ALREADY_ASSIGNED, "a connected drive's folder -> %u", r);
    nr.lpLocalName = odd_wide(&local, folder);
    nr.lpProvider = odd_wide(&provider, "Carrier pigeon");
    r = ADD();
    CHECK(r == 1204 /* ERROR_BAD_PROVIDER */, "unknown provider -> %u", r);
    nr.lpProvider = odd_wide(&provider, "SSHFS");
    nr.lpRemoteName = odd_wide(&remote, "not-a-unc");
    r = ADD();
    CHECK(r == ERROR_BAD_NET_NAME, "not a UNC name -> %u", r);
    nr.dwType = RESOURCETYPE_PRINT;
    r = ADD();
    CHECK(r == 66 /* ERROR_BAD_DEV_TYPE */, "printer -> %u", r);
#undef ADD
}

static void test_disconnect(const char *drive, const char *drive2) {
    Odd ds, name;
    DISCDLGSTRUCTW d = {0};
    d.cbStructure = sizeof d;
    d.lpLocalName = odd_wide(&name, drive);
    d.dwFlags = DISC_NO_FORCE;
    memcpy(odd(&ds), &d, sizeof d);
    DWORD r = WNetDisconnectDialog1W(odd(&ds));
    CHECK(r == NO_ERROR, "WNetDisconnectDialog1W -> %u", r);
    char remote[1024];
    DWORD len = sizeof remote;
    CHECK(WNetGetConnectionA(drive, remote, &len) == ERROR_NOT_CONNECTED, "%s gone", drive);

    r = WNetCancelConnectionW(odd_wide(&name, drive2), FALSE);
    CHECK(r == NO_ERROR, "WNetCancelConnectionW -> %u", r);
    len = sizeof remote;
    CHECK(WNetGetConnectionA(drive2, remote, &len) == ERROR_NOT_CONNECTED, "%s gone", drive2);
}

/* CONNECTDLGSTRUCTW and its NETRESOURCEW at odd addresses, read whole (strings included)
 * and refused for what they say, before any window. */
static void test_connect_dialog(void) {
    Odd ds, nrs, local, remote;
    NETRESOURCEW nr = {0};
    nr.dwType = RESOURCETYPE_DISK;
    nr.lpLocalName = odd_wide(&local, "/no/such/folder");
    nr.lpRemoteName = odd_wide(&remote, "\\\\127.0.0.1\\srv");
    memcpy(odd(&nrs), &nr, sizeof nr);
    CONNECTDLGSTRUCTW d = {0};
    d.cbStructure = sizeof d;
    d.lpConnRes = odd(&nrs);
    d.dwFlags = CONNDLG_PERSIST | CONNDLG_NOT_PERSIST;
    memcpy(odd(&ds), &d, sizeof d);
    DWORD r = WNetConnectionDialog1W(odd(&ds));
    CHECK(r == ERROR_INVALID_PARAMETER, "PERSIST and NOT_PERSIST -> %u", r);
    nr.dwType = RESOURCETYPE_PRINT;
    memcpy(odd(&nrs), &nr, sizeof nr);
    d.dwFlags = CONNDLG_RO_PATH;
    memcpy(odd(&ds), &d, sizeof d);
    r = WNetConnectionDialog1W(odd(&ds));
    CHECK(r == ERROR_INVALID_PARAMETER, "a printer -> %u", r);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: misaligned DRIVE UNC DRIVE2 FOLDER\n");
        return 2;
    }
    test_get_connection(argv[1], argv[2]);
    test_enumerate(argv[1], argv[2]);
    test_last_error();
    test_add(argv[1], argv[4]);
    test_disconnect(argv[1], argv[3]);
    test_connect_dialog();
    printf("misaligned: %d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
