/* A host program that ignores SIGCHLD (common in servers: the kernel then reaps every
 * child at once) disconnects a drive through libmpr. Prints the result code. */
#include <signal.h>
#include <stdio.h>
#include <winnetwk.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: sigchld MOUNT_POINT\n");
        return 2;
    }
    signal(SIGCHLD, SIG_IGN);
    DWORD r = WNetCancelConnection2A(argv[1], 0, FALSE);
    printf("%lu\n", (unsigned long)r);
    return r == NO_ERROR ? 0 : 1;
}
