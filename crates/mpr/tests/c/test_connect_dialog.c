/*
 * WNetConnectionDialog1W from C, as a program ported from Windows calls it. Run by
 * tests/connect_dialog.rs, which starts an sshd and an X server, sets
 *   MPR_REMOTE   the network folder (sftp://user@127.0.0.1:PORT/path), shown read-only
 *   MPR_LOCAL    the folder to mount on (CONNDLG_CONN_POINT: in and out)
 * and types the password into the window. Prints "result=R devnum=D local=L", then
 * "test_connect_dialog: N passed, M failed"; exits 1 on any failure.
 */
#include <winnetwk.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(CONNECTDLGSTRUCTW) == 32, "CONNECTDLGSTRUCTW size");
_Static_assert(offsetof(CONNECTDLGSTRUCTW, hwndOwner) == 8, "hwndOwner");
_Static_assert(offsetof(CONNECTDLGSTRUCTW, lpConnRes) == 16, "lpConnRes");
_Static_assert(offsetof(CONNECTDLGSTRUCTW, dwFlags) == 24, "dwFlags");
_Static_assert(offsetof(CONNECTDLGSTRUCTW, dwDevNum) == 28, "dwDevNum");
_Static_assert(CONNDLG_RO_PATH == 1 && CONNDLG_CONN_POINT == 2 && CONNDLG_USE_MRU == 4 &&
                   CONNDLG_HIDE_BOX == 8 && CONNDLG_PERSIST == 0x10 && CONNDLG_NOT_PERSIST == 0x20,
               "CONNDLG flags");

static int passed, failed;
#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            fprintf(stderr, "FAILED: %s (%s:%d)\n", what, __FILE__, __LINE__);                     \
        }                                                                                          \
    } while (0)

/* ASCII into WCHARs (the test's names are ASCII). */
static void widen(const char *s, WCHAR *out, size_t cap) {
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++) out[i] = (WCHAR)(unsigned char)s[i];
    out[i] = 0;
}

static void narrow(const WCHAR *s, char *out, size_t cap) {
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++) out[i] = s[i] < 128 ? (char)s[i] : '?';
    out[i] = 0;
}

int main(void) {
    const char *remote = getenv("MPR_REMOTE"), *local = getenv("MPR_LOCAL");
    if (!remote || !local) {
        fprintf(stderr, "set MPR_REMOTE and MPR_LOCAL\n");
        return 2;
    }
    WCHAR wremote[512], wlocal[MAX_PATH];
    widen(remote, wremote, 512);
    widen(local, wlocal, MAX_PATH);
    NETRESOURCEW nr;
    memset(&nr, 0, sizeof nr);
    nr.dwType = RESOURCETYPE_DISK;
    nr.lpRemoteName = wremote;
    nr.lpLocalName = wlocal;
    CONNECTDLGSTRUCTW d = {sizeof d, NULL, &nr, CONNDLG_RO_PATH | CONNDLG_CONN_POINT | CONNDLG_HIDE_BOX, 0};

    /* What Win32 refuses, refused at once. */
    CHECK(WNetConnectionDialog1W(NULL) == ERROR_INVALID_PARAMETER, "NULL");
    CONNECTDLGSTRUCTW bad = d;
    bad.cbStructure = 8;
    CHECK(WNetConnectionDialog1W(&bad) == ERROR_INVALID_PARAMETER, "cbStructure");
    bad = d;
    bad.lpConnRes = NULL;
    CHECK(WNetConnectionDialog1W(&bad) == ERROR_INVALID_PARAMETER, "lpConnRes NULL");
    bad = d;
    bad.dwFlags = CONNDLG_PERSIST | CONNDLG_NOT_PERSIST;
    CHECK(WNetConnectionDialog1W(&bad) == ERROR_INVALID_PARAMETER, "PERSIST and NOT_PERSIST");
    NETRESOURCEW none = nr;
    none.lpRemoteName = NULL;
    bad = d;
    bad.lpConnRes = &none;
    CHECK(WNetConnectionDialog1W(&bad) == ERROR_INVALID_PARAMETER, "RO_PATH without a remote");
    NETRESOURCEW printer = nr;
    printer.dwType = RESOURCETYPE_PRINT;
    bad = d;
    bad.lpConnRes = &printer;
    CHECK(WNetConnectionDialog1W(&bad) == ERROR_INVALID_PARAMETER, "a printer");
    CHECK(WNetConnectionDialog(NULL, RESOURCETYPE_PRINT) == ERROR_INVALID_PARAMETER, "WNetConnectionDialog printer");

    /* The Ex form: open, still open, closed by the program. */
    HANDLE h = NULL;
    DWORD r = 0;
    CHECK(WNetConnectionDialog1ExW(&d, NULL) == ERROR_INVALID_PARAMETER, "Ex NULL out");
    CHECK(WNetConnectionDialog1ExW(&d, &h) == NO_ERROR && h != NULL, "Ex");
    CHECK(WNetDialogWait(h, 200, &r) == WAIT_TIMEOUT, "Ex still open");
    CHECK(WNetDialogClose(h) == NO_ERROR, "Ex closed");

    /* The real thing: the person types the password and connects. The test says when
     * (a line on standard input), once the Ex form's window has gone from the screen. */
    printf("ready\n");
    fflush(stdout);
    char go[8];
    if (!fgets(go, sizeof go, stdin)) return 2;
    d.dwDevNum = 7;
    r = WNetConnectionDialog1W(&d);
    char chosen[MAX_PATH];
    narrow(wlocal, chosen, sizeof chosen);
    printf("result=%u devnum=%u local=%s\n", r, d.dwDevNum, chosen);
    CHECK(r == NO_ERROR, "connected");
    CHECK(d.dwDevNum == 0xFFFFFFFF, "dwDevNum is -1 for a folder");
    CHECK(strcmp(chosen, local) == 0, "the folder chosen");
    printf("test_connect_dialog: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
