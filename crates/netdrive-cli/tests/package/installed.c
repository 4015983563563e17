/* A program built only from the installed libmpr-dev (pkg-config netdrive-mpr): names
 * the drive given as argv[1], then opens the Disconnect Network Drives dialog and
 * prints how it ended. */
#include <stdint.h>
#include <stdio.h>
#include <winnetwk.h>

int main(int argc, char **argv) {
    char remote[1024];
    DWORD len = sizeof remote, result = 0;
    HANDLE dialog = NULL;
    if (argc != 2) {
        fprintf(stderr, "usage: installed MOUNT_POINT\n");
        return 2;
    }
    DWORD r = WNetGetConnectionA(argv[1], remote, &len);
    if (r != NO_ERROR) {
        fprintf(stderr, "WNetGetConnectionA: %u\n", (unsigned)r);
        return 3;
    }
    printf("remote %s\n", remote);
    fflush(stdout);
    r = WNetDisconnectDialogEx(NULL, RESOURCETYPE_DISK, &dialog);
    if (r != NO_ERROR) {
        fprintf(stderr, "WNetDisconnectDialogEx: %u\n", (unsigned)r);
        return 4;
    }
    r = WNetDialogWait(dialog, 60000, &result);
    printf("wait %u result %u\n", (unsigned)r, (unsigned)result);
    WNetDialogClose(dialog);
    return 0;
}
