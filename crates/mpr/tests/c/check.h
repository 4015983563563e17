/*
 * The harness the C test programs share: pass/fail counters and CHECK, which reports a
 * failed condition with its place and goes on. A program defines CHECK_PROGRAM (its name,
 * for messages) before including this, and ends with its own summary of the counters.
 */
#ifndef NETDRIVE_TEST_CHECK_H
#define NETDRIVE_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CHECK_PROGRAM
#error "define CHECK_PROGRAM before including check.h"
#endif

static int passes, failures;

#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        if (cond) {                                                         \
            passes++;                                                       \
        } else {                                                            \
            failures++;                                                     \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                   \
            fputc('\n', stderr);                                            \
        }                                                                   \
    } while (0)

/* A variable the running test set; exits 2 (not a test failure) when it is missing. */
static inline const char *env(const char *name) {
    const char *v = getenv(name);
    if (!v || !*v) {
        fprintf(stderr, CHECK_PROGRAM ": %s is not set\n", name);
        exit(2);
    }
    return v;
}

/* a followed by b, in a new string. */
static inline char *cat(const char *a, const char *b) {
    char *r = malloc(strlen(a) + strlen(b) + 1);
    strcpy(r, a);
    strcat(r, b);
    return r;
}

#endif
