/*
 * A small windows.h of the kind a program ported to Linux brings along: the Windows types
 * and a few winerror.h codes, some spelled differently from winnetwk.h's (234L, not 234U).
 * winnetwk.h must compile after it. For Microsoft's samples it also gives `wmain` and
 * `wprintf` for 16-bit wchar_t (compile with -fshort-wchar): main() hands wmain its
 * arguments in UTF-16, and wprintf prints a UTF-16 format with %s, %u, %d as UTF-8.
 */
#ifndef SHIM_WINDOWS_H
#define SHIM_WINDOWS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned int DWORD;
typedef int BOOL;
typedef unsigned short WORD;
typedef unsigned char BYTE;
typedef unsigned int UINT;
typedef unsigned long ULONG_PTR;
typedef void *HANDLE;
typedef void *HWND;
typedef unsigned short WCHAR;
typedef char CHAR;
#define WINAPI
#define MAX_PATH 260
#define TRUE 1
#define FALSE 0
#define NO_ERROR 0L
#define ERROR_MORE_DATA 234L
#define ERROR_ALREADY_ASSIGNED 85L

#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
/* UTF-16 to UTF-8 (what the samples print: ASCII and a little more). */
static void shim_put_utf16(const WCHAR *s) {
    for (; s && *s; s++) {
        unsigned c = *s;
        if (c < 0x80) {
            putchar((int)c);
        } else if (c < 0x800) {
            putchar((int)(0xC0 | (c >> 6)));
            putchar((int)(0x80 | (c & 0x3F)));
        } else {
            putchar((int)(0xE0 | (c >> 12)));
            putchar((int)(0x80 | ((c >> 6) & 0x3F)));
            putchar((int)(0x80 | (c & 0x3F)));
        }
    }
}

static int shim_wprintf(const WCHAR *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            shim_put_utf16(&(WCHAR[]){*fmt, 0}[0]);
            continue;
        }
        fmt++;
        if (*fmt == 's') shim_put_utf16(va_arg(ap, const WCHAR *));
        else if (*fmt == 'u') printf("%u", va_arg(ap, unsigned));
        else if (*fmt == 'd') printf("%d", va_arg(ap, int));
        else if (*fmt == '%') putchar('%');
        else break;
    }
    va_end(ap);
    return 0;
}
#define wprintf shim_wprintf

int wmain(int argc, wchar_t *argv[]);
int main(int argc, char **argv) {
    wchar_t **wargv = calloc((size_t)argc + 1, sizeof *wargv);
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]);
        wargv[i] = calloc(n + 1, sizeof(wchar_t));
        for (size_t k = 0; k < n; k++) wargv[i][k] = (unsigned char)argv[i][k]; /* ASCII paths */
    }
    /* The sample's wmain ends without a return, as MSVC allows for it: its value is not used. */
    (void)wmain(argc, wargv);
    for (int i = 0; i < argc; i++) free(wargv[i]);
    free(wargv);
    return 0;
}
#endif

#endif
