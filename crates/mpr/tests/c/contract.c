/*
 * libmpr against Microsoft's documented contract for the WNet functions, on real sshfs
 * drives. Each test cites the learn.microsoft.com page (function) and the rule it checks;
 * where the docs are silent, Wine's mpr (dlls/mpr/wnet.c) is the second reference, noted
 * as such. Run by tests/contract.rs:
 *   contract main     with CT_DRIVE, CT_DRIVE2 (two drives of one server: one UNC name),
 *                     CT_UNC, CT_RAW (a drive whose mount point is not UTF-8), CT_RAW2 and
 *                     CT_UNC2 (a drive with bytes that are not UTF-8 in both names: its
 *                     mount point has an encoded surrogate, its remote name Latin-1),
 *                     CT_ADD_LOCAL,
 *                     CT_ADD_REMOTE (\\host@port\path), CT_USER, CT_PASSWORD, CT_FSTAB (an
 *                     fstab naming CT_FSTAB_MP), XDG_CONFIG_HOME (a private profile)
 *   contract frozen   with CT_DRIVE and CT_DRIVE2, whose server is stopped, and the
 *                     profile (XDG_CONFIG_HOME) on CT_DRIVE2
 * Prints "contract: N passed, M failed"; exits 1 on any failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <winnetwk.h>

#define CHECK_PROGRAM "contract"
#include "check.h"
#include "wide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Values from the Windows SDK, for a header that does not have them yet. */
#ifndef ERROR_BAD_DEV_TYPE
#define ERROR_BAD_DEV_TYPE 66L
#endif
#ifndef ERROR_DEVICE_ALREADY_REMEMBERED
#define ERROR_DEVICE_ALREADY_REMEMBERED 1202L
#endif
#ifndef ERROR_BAD_PROVIDER
#define ERROR_BAD_PROVIDER 1204L
#endif
#ifndef RESOURCE_CONTEXT
#define RESOURCE_CONTEXT 0x00000005
#endif
#ifndef RESOURCEDISPLAYTYPE_SERVER
#define RESOURCEDISPLAYTYPE_SERVER 0x00000002
#endif
#ifndef RESOURCEDISPLAYTYPE_ROOT
#define RESOURCEDISPLAYTYPE_ROOT 0x00000007
#endif
#ifndef RESOURCEUSAGE_CONTAINER
#define RESOURCEUSAGE_CONTAINER 0x00000002
#endif
#ifndef CONNECT_UPDATE_RECENT
#define CONNECT_UPDATE_RECENT 0x00000002
#endif
#ifndef CONNECT_REDIRECT
#define CONNECT_REDIRECT 0x00000080
#endif
#ifndef CONNECT_CURRENT_MEDIA
#define CONNECT_CURRENT_MEDIA 0x00000200
#endif
#ifndef CONNECT_COMMANDLINE
#define CONNECT_COMMANDLINE 0x00000800
#endif
#ifndef CONNECT_CMD_SAVECRED
#define CONNECT_CMD_SAVECRED 0x00001000
#endif
#ifndef CONNECT_CRED_RESET
#define CONNECT_CRED_RESET 0x00002000
#endif
#ifndef CONNECT_REQUIRE_INTEGRITY
#define CONNECT_REQUIRE_INTEGRITY 0x00004000
#endif
#ifndef CONNECT_REQUIRE_PRIVACY
#define CONNECT_REQUIRE_PRIVACY 0x00008000
#endif
#ifndef CONNECT_WRITE_THROUGH_SEMANTICS
#define CONNECT_WRITE_THROUGH_SEMANTICS 0x00010000
#endif
#ifndef CONNECT_GLOBAL_MAPPING
#define CONNECT_GLOBAL_MAPPING 0x00040000
#endif

static size_t wlen(const WCHAR *w) {
    size_t n = 0;
    while (w[n]) n++;
    return n;
}

/* Python's surrogateescape, written here apart from the library to check it: bytes to
 * UTF-16, valid UTF-8 decoded, every other byte as U+DC00 + byte. */
static WCHAR *escaped(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    WCHAR *w = calloc(2 * strlen(s) + 1, sizeof(WCHAR));
    while (*p) {
        unsigned c = 0, b = p[0];
        int len = 0;
        if (b < 0x80) {
            c = b;
            len = 1;
        } else if (b >= 0xC2 && b <= 0xDF && (p[1] & 0xC0) == 0x80) {
            c = (b & 0x1F) << 6 | (p[1] & 0x3F);
            len = 2;
        } else if ((b & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
            c = (b & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F);
            if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) len = 3;
        } else if (b >= 0xF0 && b <= 0xF4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
                   (p[3] & 0xC0) == 0x80) {
            c = (b & 0x07) << 18 | (p[1] & 0x3F) << 12 | (p[2] & 0x3F) << 6 | (p[3] & 0x3F);
            if (c >= 0x10000 && c <= 0x10FFFF) len = 4;
        }
        if (!len) {
            w[o++] = (WCHAR)(0xDC00 + b);
            p++;
            continue;
        }
        o += wide_put(w + o, c);
        p += len;
    }
    return w;
}

static int weq(const WCHAR *a, const WCHAR *b) {
    if (!a || !b) return 0;
    size_t i = 0;
    for (; a[i] && a[i] == b[i]; i++) {
    }
    return a[i] == b[i];
}

static WCHAR *wdup(const WCHAR *w) {
    WCHAR *r = calloc(wlen(w) + 1, sizeof(WCHAR));
    memcpy(r, w, wlen(w) * sizeof(WCHAR));
    return r;
}

/* w followed by the ASCII text a, in a new string. */
static WCHAR *wcat(const WCHAR *w, const char *a) {
    size_t n = wlen(w), m = strlen(a);
    WCHAR *r = calloc(n + m + 1, sizeof(WCHAR));
    memcpy(r, w, n * sizeof(WCHAR));
    for (size_t i = 0; i < m; i++) r[n + i] = (unsigned char)a[i];
    return r;
}

static DWORD last_code(char *text, DWORD len) {
    DWORD code = 0;
    char provider[64];
    DWORD r = WNetGetLastErrorA(&code, text, len, provider, sizeof provider);
    CHECK(r == NO_ERROR, "WNetGetLastErrorA returned %u", r);
    return code;
}

static int connected_as(const char *local, const char *want) {
    char remote[1024];
    DWORD len = sizeof remote;
    DWORD r = WNetGetConnectionA(local, remote, &len);
    if (r != NO_ERROR) return 0;
    return want == NULL || strcmp(remote, want) == 0;
}

/* Every entry of an A enumeration, into one buffer; returns the count (0 on failure). */
static DWORD enum_all_a(DWORD scope, DWORD type, NETRESOURCEA *start, NETRESOURCEA **out, void **mem) {
    HANDLE h = NULL;
    DWORD r = WNetOpenEnumA(scope, type, 0, start, &h);
    CHECK(r == NO_ERROR, "WNetOpenEnumA(%u, %u) -> %u", scope, type, r);
    *out = NULL;
    *mem = NULL;
    if (r != NO_ERROR) return 0;
    DWORD count = 0xFFFFFFFF, size = 1 << 20;
    *mem = malloc(size);
    r = WNetEnumResourceA(h, &count, *mem, &size);
    WNetCloseEnum(h);
    if (r == ERROR_NO_MORE_ITEMS) return 0;
    CHECK(r == NO_ERROR, "WNetEnumResourceA -> %u", r);
    *out = *mem;
    return r == NO_ERROR ? count : 0;
}

/* WNetCancelConnection2 (learn.microsoft.com), lpName: "If the parameter specifies a
 * redirected local device, the function cancels only the specified device redirection.
 * If the parameter specifies a remote network resource, all connections without devices
 * are canceled." Two mounted drives share one remote name: neither is cancelled by it;
 * there is no connection without a device to it, so ERROR_NOT_CONNECTED. */
static void test_cancel_by_remote_name(const char *drive, const char *drive2, const char *unc) {
    char text[512];
    DWORD r = WNetCancelConnection2A(unc, 0, FALSE);
    CHECK(r == ERROR_NOT_CONNECTED, "by remote name -> %u", r);
    CHECK(last_code(text, sizeof text) == ERROR_NOT_CONNECTED, "last error: %s", text);
    WCHAR *w = wide(unc);
    r = WNetCancelConnection2W(w, 0, TRUE);
    CHECK(r == ERROR_NOT_CONNECTED, "W, forced, by remote name -> %u", r);
    free(w);
    /* The same name with forward slashes. */
    char slashes[1024];
    snprintf(slashes, sizeof slashes, "%s", unc);
    for (char *p = slashes; *p; p++)
        if (*p == '\\') *p = '/';
    CHECK(WNetCancelConnection2A(slashes, 0, FALSE) == ERROR_NOT_CONNECTED, "%s", slashes);
    CHECK(connected_as(drive, unc) && connected_as(drive2, unc), "both drives are still connected");
}

/* WNetGetConnection (learn.microsoft.com): "retrieves the name of the network resource
 * associated with a local device". A connected drive's answer comes from the connection,
 * not from the profile (remembered connections): a damaged profile must not fail it. */
static void test_damaged_profile(const char *drive, const char *unc) {
    char dir[1024], path[1100];
    snprintf(dir, sizeof dir, "%s/netdrive", env("XDG_CONFIG_HOME"));
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/connections.toml", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL, "write %s", path);
    if (!f) return;
    fputs("[[connection]]\nlocal_name = \"/mnt/x\"\nremote_name = oops\n", f);
    fclose(f);
    char remote[1024];
    DWORD len = sizeof remote;
    DWORD r = WNetGetConnectionA(drive, remote, &len);
    CHECK(r == NO_ERROR && strcmp(remote, unc) == 0, "damaged profile: -> %u %s", r, r ? "" : remote);
    WCHAR *w = wide(drive), wremote[1024];
    len = 1024;
    r = WNetGetConnectionW(w, wremote, &len);
    CHECK(r == NO_ERROR && wide_eq(wremote, unc), "W, damaged profile -> %u", r);
    free(w);
    unlink(path);
}

/* WNetOpenEnum (learn.microsoft.com). */
static void test_open_enum(const char *drive, const char *unc) {
    NETRESOURCEA *nr;
    void *mem;
    /* dwType "can be a combination of" RESOURCETYPE_DISK and RESOURCETYPE_PRINT. */
    DWORD n = enum_all_a(RESOURCE_CONNECTED, RESOURCETYPE_DISK | RESOURCETYPE_PRINT, NULL, &nr, &mem);
    int found = 0;
    for (DWORD i = 0; i < n; i++) found |= nr[i].lpLocalName && strcmp(nr[i].lpLocalName, drive) == 0;
    CHECK(found, "DISK|PRINT lists %s", drive);
    free(mem);

    /* lpNetResource: the docs say it "must be NULL" unless RESOURCE_GLOBALNET; Windows does
     * not fail (Wine's WNetOpenEnumW comment: "Windows doesn't return an error if it isn't
     * NULL"), and ignores it. Docs silent on the result: Wine is the reference here. */
    NETRESOURCEA start = {0};
    start.lpRemoteName = "\\\\elsewhere";
    n = enum_all_a(RESOURCE_CONNECTED, RESOURCETYPE_DISK, &start, &nr, &mem);
    found = 0;
    for (DWORD i = 0; i < n; i++) found |= nr[i].lpLocalName && strcmp(nr[i].lpLocalName, drive) == 0;
    CHECK(found, "lpNetResource is ignored for RESOURCE_CONNECTED");
    free(mem);

    /* dwScope RESOURCE_CONTEXT: "Enumerate only resources in the network context of the
     * caller." What is in it, the docs do not say; Wine's comment: "MS includes an 'Entire
     * Network' net resource in the enumerated list, as well as any machines in your
     * workgroup". Here: Entire Network, then the servers of the connected drives. */
    n = enum_all_a(RESOURCE_CONTEXT, RESOURCETYPE_ANY, NULL, &nr, &mem);
    CHECK(n >= 2, "RESOURCE_CONTEXT lists %u", n);
    if (n >= 1) {
        CHECK(nr[0].dwDisplayType == RESOURCEDISPLAYTYPE_ROOT && (nr[0].dwUsage & RESOURCEUSAGE_CONTAINER) &&
                  nr[0].lpComment && strcmp(nr[0].lpComment, "Entire Network") == 0 && !nr[0].lpRemoteName,
              "first: Entire Network (display %u usage %x)", nr[0].dwDisplayType, nr[0].dwUsage);
    }
    char server[256];
    snprintf(server, sizeof server, "%.*s", (int)(strchr(unc + 2, '\\') - unc), unc);
    found = 0;
    for (DWORD i = 1; i < n; i++)
        found |= nr[i].dwDisplayType == RESOURCEDISPLAYTYPE_SERVER && (nr[i].dwUsage & RESOURCEUSAGE_CONTAINER) &&
                 nr[i].lpRemoteName && strcmp(nr[i].lpRemoteName, server) == 0;
    CHECK(found, "RESOURCE_CONTEXT has the server %s", server);
    free(mem);

    HANDLE h;
    CHECK(WNetOpenEnumA(RESOURCE_CONNECTED, 4, 0, NULL, &h) == ERROR_INVALID_PARAMETER, "unknown type bit");
}

/* WNetGetLastError (learn.microsoft.com), Return value: "If the caller supplies an invalid
 * buffer, the return value is ERROR_INVALID_ADDRESS." And a failing WNet call is the last
 * error, whatever code it returns (WNetGetConnection's ERROR_MORE_DATA,
 * WNetEnumResource's ERROR_NO_MORE_ITEMS). */
static void test_last_error(const char *drive) {
    char text[512];
    CHECK(WNetCancelConnection2A("/no/such/drive", 0, FALSE) == ERROR_NOT_CONNECTED, "a first error");
    char remote[4];
    DWORD len = sizeof remote;
    CHECK(WNetGetConnectionA(drive, remote, &len) == ERROR_MORE_DATA, "short buffer");
    DWORD code = last_code(text, sizeof text);
    CHECK(code == ERROR_MORE_DATA, "ERROR_MORE_DATA is the last error: %u %s", code, text);

    HANDLE h = NULL;
    CHECK(WNetOpenEnumA(RESOURCE_REMEMBERED, RESOURCETYPE_PRINT, 0, NULL, &h) == NO_ERROR, "open");
    DWORD count = 1, size = sizeof text;
    CHECK(WNetEnumResourceA(h, &count, text, &size) == ERROR_NO_MORE_ITEMS, "no printers");
    WNetCloseEnum(h);
    code = last_code(text, sizeof text);
    CHECK(code == ERROR_NO_MORE_ITEMS, "ERROR_NO_MORE_ITEMS is the last error: %u", code);

    DWORD n;
    CHECK(WNetGetLastErrorA(NULL, text, sizeof text, NULL, 0) == ERROR_INVALID_ADDRESS, "NULL lpError");
    CHECK(WNetGetLastErrorA(&n, NULL, 10, NULL, 0) == ERROR_INVALID_ADDRESS, "NULL buffer, size 10");
    CHECK(WNetGetLastErrorW(&n, NULL, 0, NULL, 5) == ERROR_INVALID_ADDRESS, "W: NULL name buffer, size 5");
    /* ... and asking badly does not lose the error. */
    CHECK(last_code(text, sizeof text) == ERROR_NO_MORE_ITEMS, "still the last error");
}

static int valid_utf8(const unsigned char *s) {
    while (*s) {
        int n = *s < 0x80 ? 0 : (*s & 0xE0) == 0xC0 ? 1 : (*s & 0xF0) == 0xE0 ? 2 : (*s & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0) return 0;
        s++;
        for (int i = 0; i < n; i++, s++)
            if ((*s & 0xC0) != 0x80) return 0;
    }
    return 1;
}

/* WNetGetLastError (learn.microsoft.com): lpErrorBuf receives "the null-terminated string
 * that describes the error", truncated to nErrorBufSize characters. A character is never
 * cut in two: no partial UTF-8 sequence (A), no half of a surrogate pair (W). */
static void test_truncation(void) {
    const char *name = "/no/such/Z\xc3\xbcrich\xe2\x82\xac\xf0\x9f\x98\x80x";
    CHECK(WNetCancelConnection2A(name, 0, FALSE) == ERROR_NOT_CONNECTED, "an error naming %s", name);
    char full[512];
    last_code(full, sizeof full);
    int bad_a = 0, bad_w = 0;
    for (DWORD cap = 1; cap < 40; cap++) {
        char buf[64];
        DWORD code;
        memset(buf, 'X', sizeof buf);
        WNetGetLastErrorA(&code, buf, cap, NULL, 0);
        if (!valid_utf8((unsigned char *)buf) || strncmp(buf, full, strlen(buf)) != 0 || strlen(buf) >= cap) bad_a++;
        WCHAR wbuf[64];
        WNetGetLastErrorW(&code, wbuf, cap, NULL, 0);
        size_t n = wlen(wbuf);
        if (n >= cap || (n > 0 && wbuf[n - 1] >= 0xD800 && wbuf[n - 1] < 0xDC00)) bad_w++;
    }
    CHECK(bad_a == 0, "%d A truncations split a character", bad_a);
    CHECK(bad_w == 0, "%d W truncations split a surrogate pair", bad_w);
}

/* Names round-trip. The docs give names as strings of the code page (A) or UTF-16 (W);
 * Linux's names are bytes. A drive at a mount point that is not UTF-8 is enumerated with
 * its bytes (A) or with lone surrogates for them (W), and the name returned addresses it. */
static void test_names_round_trip(const char *raw, const char *unc) {
    NETRESOURCEA *nr;
    void *mem;
    DWORD n = enum_all_a(RESOURCE_CONNECTED, RESOURCETYPE_DISK, NULL, &nr, &mem);
    int found = 0;
    for (DWORD i = 0; i < n; i++) found |= nr[i].lpLocalName && strcmp(nr[i].lpLocalName, raw) == 0;
    CHECK(found, "A enumeration gives the mount point's bytes");
    free(mem);
    CHECK(connected_as(raw, unc), "WNetGetConnectionA by the bytes");

    HANDLE h = NULL;
    CHECK(WNetOpenEnumW(RESOURCE_CONNECTED, RESOURCETYPE_DISK, 0, NULL, &h) == NO_ERROR, "open W");
    DWORD count = 0xFFFFFFFF, size = 1 << 20;
    void *wmem = malloc(size);
    DWORD r = WNetEnumResourceW(h, &count, wmem, &size);
    WNetCloseEnum(h);
    CHECK(r == NO_ERROR, "WNetEnumResourceW -> %u", r);
    NETRESOURCEW *nw = wmem;
    WCHAR *name = NULL;
    size_t rawlen = strlen(raw);
    for (DWORD i = 0; r == NO_ERROR && i < count; i++) {
        const WCHAR *l = nw[i].lpLocalName;
        if (!l || wlen(l) != rawlen) continue;
        int same = 1; /* the test's name is ASCII but for bytes >= 0x80, each U+DC00 + byte */
        for (size_t k = 0; same && k < rawlen; k++) {
            unsigned char b = (unsigned char)raw[k];
            same = l[k] == (b < 0x80 ? b : 0xDC00 + b);
        }
        if (same) {
            name = calloc(rawlen + 1, sizeof(WCHAR));
            memcpy(name, l, rawlen * sizeof(WCHAR));
        }
    }
    free(wmem);
    CHECK(name != NULL, "W enumeration gives U+DC80..U+DCFF for the bytes that are not UTF-8");
    if (name) {
        WCHAR wremote[1024];
        DWORD len = 1024;
        r = WNetGetConnectionW(name, wremote, &len);
        CHECK(r == NO_ERROR && wide_eq(wremote, unc), "WNetGetConnectionW by the enumerated name -> %u", r);
        r = WNetCancelConnection2W(name, 0, FALSE);
        CHECK(r == NO_ERROR, "WNetCancelConnection2W by the enumerated name -> %u", r);
        CHECK(!connected_as(raw, NULL), "cancelled");
        free(name);
    }
    /* An unpaired surrogate is a name the docs allow: looked up, not refused as invalid. */
    WCHAR lone[] = {'/', 'x', 0xD800, 0}, wremote[64];
    DWORD len = 64;
    r = WNetGetConnectionW(lone, wremote, &len);
    CHECK(r == ERROR_NOT_CONNECTED, "unpaired surrogate -> %u", r);
}

/* Every call that takes a name, with the A name (bytes) of a drive as the enumeration gave
 * it: learn.microsoft.com's pages for WNetGetConnection, WNetGetUniversalName ("lpLocalPath:
 * ... a drive-based path"; REMOTE_NAME_INFO's lpConnectionName "the remote name used to
 * make the connection"), WNetGetUser ("lpName: ... the name of a local device that has been
 * redirected"), MultinetGetConnectionPerformance (lpLocalName, or lpRemoteName "a network
 * resource ... [with] an established connection"), WNetGetResourceInformation and
 * WNetGetResourceParent (lpRemoteName). */
static void query_a(const char *local, const char *remote) {
    char got[1024];
    DWORD len = sizeof got;
    DWORD r = WNetGetConnectionA(local, got, &len);
    CHECK(r == NO_ERROR && strcmp(got, remote) == 0, "WNetGetConnectionA -> %u", r);

    char *path = cat(local, "/sub"), *sub = cat(remote, "\\sub");
    char buf[2048];
    DWORD size = sizeof buf;
    r = WNetGetUniversalNameA(path, REMOTE_NAME_INFO_LEVEL, buf, &size);
    REMOTE_NAME_INFOA *rn = (REMOTE_NAME_INFOA *)buf;
    CHECK(r == NO_ERROR && strcmp(rn->lpUniversalName, sub) == 0 && strcmp(rn->lpConnectionName, remote) == 0 &&
              strcmp(rn->lpRemainingPath, "\\sub") == 0,
          "WNetGetUniversalNameA -> %u", r);

    len = sizeof got;
    r = WNetGetUserA(local, got, &len);
    CHECK(r == NO_ERROR && strcmp(got, "root") == 0, "WNetGetUserA -> %u", r);

    NETCONNECTINFOSTRUCT ci = {0};
    ci.cbStructure = sizeof ci;
    NETRESOURCEA nr = {0};
    nr.lpLocalName = (LPSTR)local;
    r = MultinetGetConnectionPerformanceA(&nr, &ci);
    CHECK(r == NO_ERROR, "MultinetGetConnectionPerformanceA by the local name -> %u", r);
    nr.lpLocalName = NULL;
    nr.lpRemoteName = (LPSTR)remote;
    r = MultinetGetConnectionPerformanceA(&nr, &ci);
    CHECK(r == NO_ERROR, "MultinetGetConnectionPerformanceA by the remote name -> %u", r);

    nr.lpRemoteName = sub;
    char *sys = NULL;
    size = sizeof buf;
    r = WNetGetResourceInformationA(&nr, buf, &size, &sys);
    NETRESOURCEA *out = (NETRESOURCEA *)buf;
    CHECK(r == NO_ERROR && strcmp(out->lpRemoteName, remote) == 0 && sys && strcmp(sys, "\\sub") == 0,
          "WNetGetResourceInformationA -> %u", r);
    size = sizeof buf;
    r = WNetGetResourceParentA(&nr, buf, &size);
    CHECK(r == NO_ERROR && out->lpRemoteName && strcmp(out->lpRemoteName, remote) == 0,
          "WNetGetResourceParentA -> %u", r);
    free(path);
    free(sub);
}

/* query_a's calls with the W name (surrogate-escaped) the enumeration gave; and
 * WNetRestoreSingleConnectionW (WNetRestoreConnectionW's page: "ERROR_ALREADY_ASSIGNED: The
 * local device specified by lpDevice is already connected"). */
static void query_w(const WCHAR *local, const WCHAR *remote) {
    WCHAR got[1024];
    DWORD len = 1024;
    DWORD r = WNetGetConnectionW(local, got, &len);
    CHECK(r == NO_ERROR && weq(got, remote), "WNetGetConnectionW -> %u", r);

    WCHAR *path = wcat(local, "/sub"), *sub = wcat(remote, "\\sub"), *tail = wcat((const WCHAR[]){0}, "\\sub");
    WCHAR buf[1024];
    DWORD size = sizeof buf;
    r = WNetGetUniversalNameW(path, REMOTE_NAME_INFO_LEVEL, buf, &size);
    REMOTE_NAME_INFOW *rn = (REMOTE_NAME_INFOW *)buf;
    CHECK(r == NO_ERROR && weq(rn->lpUniversalName, sub) && weq(rn->lpConnectionName, remote) &&
              weq(rn->lpRemainingPath, tail),
          "WNetGetUniversalNameW -> %u", r);

    len = 1024;
    r = WNetGetUserW(local, got, &len);
    CHECK(r == NO_ERROR && wide_eq(got, "root"), "WNetGetUserW -> %u", r);

    NETCONNECTINFOSTRUCT ci = {0};
    ci.cbStructure = sizeof ci;
    NETRESOURCEW nr = {0};
    nr.lpLocalName = (LPWSTR)local;
    r = MultinetGetConnectionPerformanceW(&nr, &ci);
    CHECK(r == NO_ERROR, "MultinetGetConnectionPerformanceW by the local name -> %u", r);
    nr.lpLocalName = NULL;
    nr.lpRemoteName = (LPWSTR)remote;
    r = MultinetGetConnectionPerformanceW(&nr, &ci);
    CHECK(r == NO_ERROR, "MultinetGetConnectionPerformanceW by the remote name -> %u", r);

    nr.lpRemoteName = sub;
    WCHAR *sys = NULL;
    size = sizeof buf;
    r = WNetGetResourceInformationW(&nr, buf, &size, &sys);
    NETRESOURCEW *out = (NETRESOURCEW *)buf;
    CHECK(r == NO_ERROR && weq(out->lpRemoteName, remote) && weq(sys, tail), "WNetGetResourceInformationW -> %u", r);
    size = sizeof buf;
    r = WNetGetResourceParentW(&nr, buf, &size);
    CHECK(r == NO_ERROR && weq(out->lpRemoteName, remote), "WNetGetResourceParentW -> %u", r);

    r = WNetRestoreSingleConnectionW(NULL, local, FALSE);
    CHECK(r == ERROR_ALREADY_ASSIGNED, "WNetRestoreSingleConnectionW on the connected drive -> %u", r);
    free(path);
    free(sub);
    free(tail);
}

/* A drive whose names are not UTF-8 is enumerated (A: its bytes; W: lone surrogates for
 * the bytes that do not decode), and every call that takes a name finds it by the names
 * returned. Returns the W local name the enumeration gave (NULL if none; the caller frees). */
static WCHAR *test_names_in_every_call(const char *local, const char *remote) {
    NETRESOURCEA *nr;
    void *mem;
    DWORD n = enum_all_a(RESOURCE_CONNECTED, RESOURCETYPE_DISK, NULL, &nr, &mem);
    char *a_local = NULL, *a_remote = NULL;
    for (DWORD i = 0; i < n && !a_local; i++)
        if (nr[i].lpLocalName && strcmp(nr[i].lpLocalName, local) == 0 && nr[i].lpRemoteName) {
            a_local = strdup(nr[i].lpLocalName);
            a_remote = strdup(nr[i].lpRemoteName);
        }
    free(mem);
    CHECK(a_local && strcmp(a_remote, remote) == 0, "A enumeration: the bytes of both names");

    WCHAR *want_local = escaped(local), *want_remote = escaped(remote), *w_local = NULL, *w_remote = NULL;
    HANDLE h = NULL;
    CHECK(WNetOpenEnumW(RESOURCE_CONNECTED, RESOURCETYPE_DISK, 0, NULL, &h) == NO_ERROR, "open W");
    DWORD count = 0xFFFFFFFF, size = 1 << 20;
    void *wmem = malloc(size);
    DWORD r = WNetEnumResourceW(h, &count, wmem, &size);
    WNetCloseEnum(h);
    NETRESOURCEW *nw = wmem;
    for (DWORD i = 0; r == NO_ERROR && i < count && !w_local; i++)
        if (weq(nw[i].lpLocalName, want_local) && nw[i].lpRemoteName) {
            w_local = wdup(nw[i].lpLocalName);
            w_remote = wdup(nw[i].lpRemoteName);
        }
    free(wmem);
    CHECK(w_local && weq(w_remote, want_remote), "W enumeration: both names surrogate-escaped");

    if (a_local) query_a(a_local, a_remote);
    if (w_local) query_w(w_local, w_remote);
    free(a_local);
    free(a_remote);
    free(want_local);
    free(want_remote);
    free(w_remote);
    return w_local;
}

/* The calls that connect, on a folder whose name is not UTF-8, by its bytes (A) and by its
 * surrogate-escaped name (W). WNetUseConnection: "lpAccessName: ... If the lpLocalName
 * member specifies a local device, ... the name of the local device" -- the same name, as
 * given; "ERROR_MORE_DATA: The lpAccessName buffer is too small", its size in characters
 * (here: the UTF-16 units of the escaped name). WNetAddConnection3: as WNetAddConnection2.
 * WNetDisconnectDialog1 (DISCDLGSTRUCT lpLocalName) and WNetCancelConnection by either name. */
static void test_connect_on_names(const char *folder) {
    const char *remote = env("CT_ADD_REMOTE"), *user = env("CT_USER"), *password = env("CT_PASSWORD");
    WCHAR *wfolder = escaped(folder), *wremote = wide(remote), *wuser = wide(user), *wpassword = wide(password),
          *wprovider = wide("SSHFS");
    NETRESOURCEA nr = {0};
    nr.dwType = RESOURCETYPE_DISK;
    nr.lpLocalName = (LPSTR)folder;
    nr.lpRemoteName = (LPSTR)remote;
    nr.lpProvider = "SSHFS";
    char access[1024];
    DWORD size = sizeof access, result = 0;
    DWORD r = WNetUseConnectionA(NULL, &nr, password, user, 0, access, &size, &result);
    CHECK(r == NO_ERROR && strcmp(access, folder) == 0 && result == CONNECT_LOCALDRIVE && connected_as(folder, remote),
          "WNetUseConnectionA on the bytes -> %u", r);
    if (r == NO_ERROR) CHECK(WNetCancelConnection2A(access, 0, TRUE) == NO_ERROR, "cancel by lpAccessName (A)");

    NETRESOURCEW nw = {0};
    nw.dwType = RESOURCETYPE_DISK;
    nw.lpLocalName = wfolder;
    nw.lpRemoteName = wremote;
    nw.lpProvider = wprovider;
    WCHAR waccess[1024];
    size = 2;
    r = WNetUseConnectionW(NULL, &nw, wpassword, wuser, 0, waccess, &size, &result);
    CHECK(r == ERROR_MORE_DATA && size == wlen(wfolder) + 1 && !connected_as(folder, NULL),
          "WNetUseConnectionW, small lpAccessName -> %u %u (want %zu)", r, size, wlen(wfolder) + 1);
    r = WNetUseConnectionW(NULL, &nw, wpassword, wuser, 0, waccess, &size, &result);
    CHECK(r == NO_ERROR && weq(waccess, wfolder) && connected_as(folder, remote),
          "WNetUseConnectionW on the escaped name -> %u", r);
    if (r == NO_ERROR) {
        DISCDLGSTRUCTW d = {0};
        d.cbStructure = sizeof d;
        d.lpLocalName = waccess;
        r = WNetDisconnectDialog1W(&d);
        CHECK(r == NO_ERROR && !connected_as(folder, NULL), "WNetDisconnectDialog1W by lpAccessName -> %u", r);
    }

    r = WNetAddConnection3W(NULL, &nw, wpassword, wuser, 0);
    CHECK(r == NO_ERROR && connected_as(folder, remote), "WNetAddConnection3W on the escaped name -> %u", r);
    if (r == NO_ERROR) {
        DISCDLGSTRUCTA d = {0};
        d.cbStructure = sizeof d;
        d.lpLocalName = (LPSTR)folder;
        r = WNetDisconnectDialog1A(&d);
        CHECK(r == NO_ERROR && !connected_as(folder, NULL), "WNetDisconnectDialog1A by the bytes -> %u", r);
    }
    r = WNetAddConnection3A(NULL, &nr, password, user, 0);
    CHECK(r == NO_ERROR && connected_as(folder, remote), "WNetAddConnection3A on the bytes -> %u", r);
    if (r == NO_ERROR) CHECK(WNetCancelConnectionW(wfolder, TRUE) == NO_ERROR, "WNetCancelConnectionW");
    CHECK(!connected_as(folder, NULL), "all cancelled");
    free(wfolder);
    free(wremote);
    free(wuser);
    free(wpassword);
    free(wprovider);
}

/* WNetAddConnection2 (learn.microsoft.com). */
static void test_add_connection(void) {
    const char *local = env("CT_ADD_LOCAL"), *remote = env("CT_ADD_REMOTE");
    const char *user = env("CT_USER"), *password = env("CT_PASSWORD");
    char text[1024] = "", got[1024] = "";
    NETRESOURCEA nr = {0};
    nr.dwType = RESOURCETYPE_DISK;
    nr.lpLocalName = (LPSTR)local;
    nr.lpRemoteName = (LPSTR)remote;
    nr.lpProvider = "SSHFS";

    /* Return value ERROR_BAD_DEV_TYPE: "The type of local device and the type of network
     * resource do not match." A printer on a folder. */
    nr.dwType = RESOURCETYPE_PRINT;
    DWORD r = WNetAddConnection2A(&nr, password, user, 0);
    CHECK(r == ERROR_BAD_DEV_TYPE, "printer on a folder -> %u", r);
    nr.dwType = RESOURCETYPE_DISK;

    /* ERROR_BAD_PROVIDER: "The value specified by lpProvider does not match any provider." */
    nr.lpProvider = "Carrier pigeon";
    r = WNetAddConnection2A(&nr, password, user, 0);
    CHECK(r == ERROR_BAD_PROVIDER, "unknown provider -> %u", r);
    CHECK(last_code(text, sizeof text) == ERROR_BAD_PROVIDER, "last error %s", text);
    nr.lpProvider = "SSHFS";

    /* lpLocalName: "If the string is empty, or if lpLocalName is NULL, the function makes a
     * connection to the network resource without redirecting a local device." Here that is
     * a GVfs mount; this test's session has no bus for GVfs, so: ERROR_NO_NETWORK, saying
     * so; never ERROR_BAD_DEVICE. */
    nr.lpLocalName = NULL;
    r = WNetAddConnection2A(&nr, password, user, 0);
    CHECK(r == ERROR_NO_NETWORK, "deviceless (NULL) -> %u", r);
    CHECK(last_code(text, sizeof text) == ERROR_NO_NETWORK && strstr(text, "GVfs"), "text: %s", text);
    nr.lpLocalName = "";
    r = WNetAddConnection2A(&nr, password, user, 0);
    CHECK(r == ERROR_NO_NETWORK, "deviceless (\"\") -> %u", r);
    nr.lpLocalName = (LPSTR)local;

    /* dwFlags: every documented flag is accepted (each one's Linux meaning is in
     * winnetwk.h); CONNECT_TEMPORARY aside, as it would cancel CONNECT_UPDATE_PROFILE. */
    DWORD all = CONNECT_UPDATE_PROFILE | CONNECT_UPDATE_RECENT | CONNECT_INTERACTIVE | CONNECT_PROMPT |
                CONNECT_REDIRECT | CONNECT_CURRENT_MEDIA | CONNECT_COMMANDLINE | CONNECT_CMD_SAVECRED |
                CONNECT_CRED_RESET | CONNECT_REQUIRE_INTEGRITY | CONNECT_REQUIRE_PRIVACY |
                CONNECT_WRITE_THROUGH_SEMANTICS | CONNECT_GLOBAL_MAPPING;
    r = WNetAddConnection2A(&nr, password, user, all);
    if (r != NO_ERROR) last_code(text, sizeof text);
    CHECK(r == NO_ERROR, "every documented flag -> %u (%s)", r, r ? text : "");

    /* CONNECT_GLOBAL_MAPPING: every user sees the drive; for FUSE that is allow_other. */
    FILE *mi = fopen("/proc/self/mountinfo", "r");
    char line[4096], needle[1100];
    int global = 0;
    snprintf(needle, sizeof needle, " %s ", local);
    while (mi && fgets(line, sizeof line, mi))
        if (strstr(line, needle) && strstr(line, "allow_other")) global = 1;
    if (mi) fclose(mi);
    CHECK(global, "CONNECT_GLOBAL_MAPPING: allow_other");

    /* WNetGetConnection gives "the remote name used to make the connection": with its port. */
    DWORD len = sizeof got;
    r = WNetGetConnectionA(local, got, &len);
    CHECK(r == NO_ERROR && strcmp(got, remote) == 0, "-> %u %s, want %s", r, got, remote);
    NETRESOURCEA *e;
    void *mem;
    DWORD n = enum_all_a(RESOURCE_REMEMBERED, RESOURCETYPE_DISK, NULL, &e, &mem);
    int remembered = 0;
    for (DWORD i = 0; i < n; i++)
        remembered |= e[i].lpLocalName && strcmp(e[i].lpLocalName, local) == 0 && e[i].lpRemoteName &&
                      strcmp(e[i].lpRemoteName, remote) == 0;
    CHECK(remembered, "remembered as %s", remote);
    free(mem);

    /* Disconnected but remembered: ERROR_CONNECTION_UNAVAIL with the name (WNetGetConnection). */
    CHECK(WNetCancelConnection2A(local, 0, FALSE) == NO_ERROR, "cancel, keep remembered");
    len = sizeof got;
    r = WNetGetConnectionA(local, got, &len);
    CHECK(r == ERROR_CONNECTION_UNAVAIL && strcmp(got, remote) == 0, "remembered -> %u %s", r, got);

    /* Cancelling it again without CONNECT_UPDATE_PROFILE: not connected, and the text says
     * which call forgets it, in a C caller's terms. */
    CHECK(WNetCancelConnection2A(local, 0, FALSE) == ERROR_NOT_CONNECTED, "remembered, not connected");
    last_code(text, sizeof text);
    CHECK(strstr(text, "CONNECT_UPDATE_PROFILE") && !strstr(text, "--"), "in C terms: %s", text);

    /* ERROR_DEVICE_ALREADY_REMEMBERED: "An entry for the device specified by lpLocalName is
     * already in the user profile." Another remote for it, with CONNECT_UPDATE_PROFILE. */
    char other[1100];
    snprintf(other, sizeof other, "%s\\sub", remote);
    nr.lpRemoteName = other;
    r = WNetAddConnection2A(&nr, password, user, CONNECT_UPDATE_PROFILE);
    CHECK(r == ERROR_DEVICE_ALREADY_REMEMBERED, "another remote for a remembered name -> %u", r);
    len = sizeof got;
    r = WNetGetConnectionA(local, got, &len);
    CHECK(r == ERROR_CONNECTION_UNAVAIL && strcmp(got, remote) == 0, "the entry is unchanged: %u %s", r, got);
    nr.lpRemoteName = (LPSTR)remote;

    /* Forget it (WNetCancelConnection2 with CONNECT_UPDATE_PROFILE on a remembered name). */
    CHECK(WNetCancelConnection2A(local, CONNECT_UPDATE_PROFILE, FALSE) == NO_ERROR, "forget");
    len = sizeof got;
    CHECK(WNetGetConnectionA(local, got, &len) == ERROR_NOT_CONNECTED, "forgotten");
}

/* WNetCancelConnection2, fForce: "If this parameter is FALSE, the function fails if there
 * are open files or jobs." ERROR_OPEN_FILES, and the text says what to do in C terms. */
static void test_open_files(const char *drive) {
    char path[1100], text[1024];
    snprintf(path, sizeof path, "%s/hello.txt", drive);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "open %s", path);
    DWORD r = WNetCancelConnection2A(drive, 0, FALSE);
    CHECK(r == ERROR_OPEN_FILES, "open files -> %u", r);
    last_code(text, sizeof text);
    CHECK(strstr(text, "fForce = TRUE") && !strstr(text, "--"), "in C terms: %s", text);
    if (f) fclose(f);
}

/* WNetCancelConnection2 with CONNECT_UPDATE_PROFILE on a drive the system remembers (an
 * fstab entry): refused, and the message names the file that remembers it. */
static void test_fstab_forget(void) {
    const char *fstab = env("CT_FSTAB"), *mp = env("CT_FSTAB_MP");
    char text[1024];
    DWORD r = WNetCancelConnection2A(mp, CONNECT_UPDATE_PROFILE, FALSE);
    CHECK(r == ERROR_ACCESS_DENIED, "forget an fstab entry -> %u", r);
    last_code(text, sizeof text);
    CHECK(strstr(text, fstab) != NULL, "the message names %s: %s", fstab, text);
}

/* WNetCancelConnection2 on a drive whose server does not answer: a code the caller can act
 * on (ERROR_SEM_TIMEOUT, documented in winnetwk.h) and a message in the caller's terms;
 * with fForce = TRUE ("whether the disconnection should occur if there are open files or
 * jobs on the connection") the drive goes. */
static void test_frozen(const char *drive) {
    char text[1024];
    /* WNetGetConnection on a connected drive while the profile (XDG_CONFIG_HOME) is on a
     * drive whose server is stopped: answered from the connection, at once, not after the
     * profile's time bound. */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int found = connected_as(env("CT_DRIVE2"), env("CT_UNC"));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CHECK(found && took < 1.5, "WNetGetConnectionA with the profile on a stopped server: %d in %.1fs", found, took);

    DWORD r = WNetCancelConnection2A(drive, 0, FALSE);
    CHECK(r == ERROR_SEM_TIMEOUT, "server stopped -> %u", r);
    DWORD code = last_code(text, sizeof text);
    CHECK(code == ERROR_SEM_TIMEOUT, "last error %u", code);
    CHECK(strstr(text, "--") == NULL && strstr(text, "fForce = TRUE") != NULL, "in C terms: %s", text);
    r = WNetCancelConnection2A(drive, 0, TRUE);
    if (r != NO_ERROR) last_code(text, sizeof text);
    CHECK(r == NO_ERROR, "forced -> %u %s", r, r ? text : "");
    CHECK(!connected_as(drive, NULL), "gone");
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "frozen") == 0) {
        test_frozen(env("CT_DRIVE"));
    } else if (argc == 2 && strcmp(argv[1], "main") == 0) {
        const char *drive = env("CT_DRIVE"), *drive2 = env("CT_DRIVE2"), *unc = env("CT_UNC");
        test_cancel_by_remote_name(drive, drive2, unc);
        test_damaged_profile(drive, unc);
        test_open_enum(drive, unc);
        test_last_error(drive);
        test_truncation();
        free(test_names_in_every_call(env("CT_RAW"), unc));
        test_names_round_trip(env("CT_RAW"), unc);
        WCHAR *raw2 = test_names_in_every_call(env("CT_RAW2"), env("CT_UNC2"));
        if (raw2) {
            CHECK(WNetCancelConnection2W(raw2, 0, FALSE) == NO_ERROR && !connected_as(env("CT_RAW2"), NULL),
                  "WNetCancelConnection2W by the enumerated name");
            free(raw2);
        }
        test_connect_on_names(env("CT_RAW2"));
        test_open_files(drive2);
        test_add_connection();
        test_fstab_forget();
    } else {
        fprintf(stderr, "usage: contract main|frozen\n");
        return 2;
    }
    printf("contract %s: %d passed, %d failed\n", argv[1], passes, failures);
    return failures ? 1 : 0;
}
