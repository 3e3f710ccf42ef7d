/* What the grammar fuzzers must not run. `save FILE` writes FILE: a
 * fuzzer (often run as root) must not write where it likes on the host,
 * so an input that names save anywhere is skipped whole. */
#ifndef RTX_FUZZ_GUARD_H
#define RTX_FUZZ_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <strings.h>

static inline bool fuzz_mentions_save(const uint8_t *d, size_t n)
{
	for (size_t i = 0; i + 3 < n; i++)
		if (!strncasecmp((const char *)d + i, "save", 4))
			return true;
	return false;
}

#endif
