/* What the crypto suite's cmocka drivers share: a struct crypto_lib per
 * test group and hex input for known-answer vectors. Include after
 * <cmocka.h>. */
#ifndef TEST_CRYPTO_FIXTURE_H
#define TEST_CRYPTO_FIXTURE_H

#include <stdint.h>
#include <stdio.h>

#include "engine/crypto.h"

/* Group setup/teardown: *state is the library. */
static inline int crypto_setup(void **state)
{
	struct crypto_lib *lib;

	if (crypto_lib_new(&lib))
		return -1;
	*state = lib;
	return 0;
}

static inline int crypto_teardown(void **state)
{
	crypto_lib_free(*state);
	return 0;
}

/* Hex digits into out, spaces ignored; fails the test on bad input. */
static inline size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (s[0] && s[1]) {
		unsigned v;

		if (s[0] == ' ') {
			s++;
			continue;
		}
		assert_true(n < cap);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

#endif
