/* Console passwords (`administrator password`, `login password`), kept in
 * the config only as a salted hash, as the RTX keeps them with `...
 * password encrypted`. The hash is PBKDF2-HMAC-SHA256 through OpenSSL:
 *   $pbkdf2-sha256$ITERATIONS$SALT$HASH   (salt and hash in base64)
 * An RTX's own encrypted form (`*` and hex) cannot be checked here. */
#ifndef RTX_SHELL_PASSWD_H
#define RTX_SHELL_PASSWD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWD_PREFIX "$pbkdf2-sha256$"
#define PASSWD_ITERATIONS 100000
/* A check runs on the event loop (some 50 ms at 100000 iterations): a
 * stored hash asking for more than this is refused as malformed. */
#define PASSWD_ITERATIONS_MAX 1000000
/* The longest password taken, in bytes (as on an RTX: 32 characters, with
 * room for UTF-8). */
#define PASSWD_MAX 128

/* The stored form of pw (malloc'd), with a fresh random salt; NULL when
 * OpenSSL fails or is out of memory. */
char *passwd_hash(const char *pw);
/* Whether stored is one of ours, well formed. */
bool passwd_ours(const char *stored);
/* Whether stored is an RTX's encrypted form ("*" then hex digits). */
bool passwd_rtx(const char *stored);
/* Whether pw matches stored (one of ours), in constant time. */
bool passwd_check(const char *pw, const char *stored);

#endif
