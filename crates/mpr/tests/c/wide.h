/*
 * UTF-8 to UTF-16 for the C test programs that call the W functions: the tests' names are
 * ASCII or their own non-ASCII literals (BMP or 4-byte), so the input is taken as valid.
 */
#ifndef NETDRIVE_TEST_WIDE_H
#define NETDRIVE_TEST_WIDE_H

#include <stdlib.h>
#include <string.h>
#include <winnetwk.h>

/* The code point c as UTF-16 at w (a surrogate pair above the BMP); returns the units written. */
static inline size_t wide_put(WCHAR *w, unsigned c) {
    if (c < 0x10000) {
        w[0] = (WCHAR)c;
        return 1;
    }
    c -= 0x10000;
    w[0] = (WCHAR)(0xD800 | c >> 10);
    w[1] = (WCHAR)(0xDC00 | (c & 0x3FF));
    return 2;
}

/* s as a new UTF-16 string. */
static inline WCHAR *wide(const char *s) {
    size_t n = strlen(s), o = 0;
    WCHAR *w = calloc(n + 1, sizeof(WCHAR));
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c;
        if (*p < 0x80) c = *p++;
        else if ((*p & 0xE0) == 0xC0) { c = (p[0] & 0x1F) << 6 | (p[1] & 0x3F); p += 2; }
        else if ((*p & 0xF0) == 0xE0) { c = (p[0] & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F); p += 3; }
        else { c = (p[0] & 0x07) << 18 | (p[1] & 0x3F) << 12 | (p[2] & 0x3F) << 6 | (p[3] & 0x3F); p += 4; }
        o += wide_put(w + o, c);
    }
    return w;
}

/* Is w (not NULL) the UTF-16 of s? */
static inline int wide_eq(const WCHAR *w, const char *s) {
    WCHAR *x = wide(s);
    size_t i = 0;
    int eq = w != NULL;
    for (; eq && (w[i] || x[i]); i++) eq = w[i] == x[i];
    free(x);
    return eq;
}

#endif
