/*
 * Walks the network as a Windows program does: WNetOpenEnum(RESOURCE_GLOBALNET) from the
 * root (lpNetResource NULL), then into every container it returns, with WNetEnumResourceA.
 * Run by crates/netdrive-cli/tests/browse.rs inside the network namespace it sets up, which
 * compares the lines with `netdrive browse --json`. Prints, one per line:
 *   DEPTH|DISPLAYTYPE|USAGE|PROVIDER|REMOTE|COMMENT   for each entry (providers at depth 0)
 *   DEPTH|error|CODE|REMOTE                           for a container whose listing failed
 * and checks on the way: shares are not containers (ERROR_NOT_CONTAINER), a buffer too
 * small for one entry is ERROR_MORE_DATA with the size needed, the W calls give the same
 * providers. Exits 1 on a failed check ("FAIL ..." on stderr).
 */
#include <winnetwk.h>

#define CHECK_PROGRAM "browse"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void walk(NETRESOURCEA *parent, int depth) {
    HANDLE h = NULL;
    DWORD r = WNetOpenEnumA(RESOURCE_GLOBALNET, RESOURCETYPE_ANY, 0, parent, &h);
    if (r != NO_ERROR) {
        printf("%d|error|%u|%s\n", depth, (unsigned)r, parent ? parent->lpRemoteName : "");
        return;
    }
    /* Entries come back in a byte buffer, strings after the structures. */
    union { NETRESOURCEA align; char bytes[16384]; } buf;
    for (;;) {
        DWORD count = 0xFFFFFFFF, size = sizeof buf;
        r = WNetEnumResourceA(h, &count, &buf, &size);
        if (r == ERROR_NO_MORE_ITEMS) break;
        if (r != NO_ERROR) {
            printf("%d|error|%u|%s\n", depth, (unsigned)r, parent ? parent->lpRemoteName : "");
            break;
        }
        NETRESOURCEA *e = &buf.align;
        for (DWORD i = 0; i < count; i++) {
            CHECK(e[i].dwScope == RESOURCE_GLOBALNET, "scope %u", (unsigned)e[i].dwScope);
            CHECK(e[i].lpLocalName == NULL, "a browsed resource has no local name");
            printf("%d|%u|%u|%s|%s|%s\n", depth, (unsigned)e[i].dwDisplayType, (unsigned)e[i].dwUsage,
                   e[i].lpProvider, e[i].lpRemoteName, e[i].lpComment ? e[i].lpComment : "");
            fflush(stdout);
            if (e[i].dwUsage & RESOURCEUSAGE_CONTAINER) {
                walk(&e[i], depth + 1);
            } else {
                HANDLE none = NULL;
                DWORD nc = WNetOpenEnumA(RESOURCE_GLOBALNET, RESOURCETYPE_ANY, 0, &e[i], &none);
                CHECK(nc == ERROR_NOT_CONTAINER, "%s: %u", e[i].lpRemoteName, (unsigned)nc);
            }
        }
    }
    CHECK(WNetCloseEnum(h) == NO_ERROR, "close");
}

int main(void) {
    /* A buffer too small for one entry: ERROR_MORE_DATA and the size one needs. */
    HANDLE h = NULL;
    CHECK(WNetOpenEnumA(RESOURCE_GLOBALNET, RESOURCETYPE_ANY, 0, NULL, &h) == NO_ERROR, "open root");
    DWORD count = 1, size = 8;
    char small[8];
    DWORD r = WNetEnumResourceA(h, &count, small, &size);
    CHECK(r == ERROR_MORE_DATA && size > sizeof(NETRESOURCEA), "small buffer: %u, size %u", (unsigned)r,
          (unsigned)size);
    WNetCloseEnum(h);
    CHECK(WNetCloseEnum(h) == ERROR_INVALID_HANDLE, "closed twice");

    /* The W calls: the same four providers, as containers. */
    HANDLE hw = NULL;
    CHECK(WNetOpenEnumW(RESOURCE_GLOBALNET, RESOURCETYPE_DISK, 0, NULL, &hw) == NO_ERROR, "open root W");
    union { NETRESOURCEW align; char bytes[4096]; } wbuf;
    unsigned providers = 0;
    for (;;) {
        DWORD wcount = 0xFFFFFFFF, wsize = sizeof wbuf;
        DWORD wr = WNetEnumResourceW(hw, &wcount, &wbuf, &wsize);
        if (wr == ERROR_NO_MORE_ITEMS) break;
        CHECK(wr == NO_ERROR, "W: %u", (unsigned)wr);
        if (wr != NO_ERROR) break;
        NETRESOURCEW *e = &wbuf.align;
        for (DWORD i = 0; i < wcount; i++, providers++) {
            CHECK(e[i].dwDisplayType == RESOURCEDISPLAYTYPE_NETWORK && e[i].dwUsage == RESOURCEUSAGE_CONTAINER,
                  "W provider %u", providers);
        }
        if (providers == 0) CHECK(e[0].lpRemoteName[0] == 'S' && e[0].lpRemoteName[1] == 'M', "W: SMB first");
    }
    CHECK(providers == 4, "W: %u providers", providers);
    WNetCloseEnum(hw);

    walk(NULL, 0);
    fprintf(stderr, "browse: %d failed\n", failures);
    return failures ? 1 : 0;
}
