/*
 * A program that includes its own windows.h before winnetwk.h, as ported code does: both
 * compile together (-std=c11 -pedantic -Werror), the shim's definitions are kept, and
 * winnetwk.h adds the Windows types and names the shim lacks (LPTSTR, TEXT, ULONG_PTR's
 * users, the structures).
 */
#include "windows.h"
#include <winnetwk.h>

#include <stdio.h>

_Static_assert(sizeof(ULONG_PTR) == sizeof(void *) && sizeof(WORD) == 2 && sizeof(BYTE) == 1, "types");
_Static_assert(MAX_PATH == 260 && ERROR_MORE_DATA == 234 && ERROR_BAD_PROVIDER == 1204, "values");
_Static_assert(sizeof(NETINFOSTRUCT) == 40, "NETINFOSTRUCT");

int main(void) {
    TCHAR name[MAX_PATH];
    LPTSTR p = name;
    LPCTSTR text = TEXT("shim");
    UINT n = 0;
    while ((p[n] = text[n])) n++;
    NETINFOSTRUCT ni = {sizeof ni, 0, 0, 0, 0, 0, 0, 0};
    DWORD r = WNetGetNetworkInformation(TEXT("SSHFS"), &ni);
    printf("%s %u %u\n", name, r, (unsigned)ni.wNetType);
    return r == NO_ERROR ? 0 : 1;
}
