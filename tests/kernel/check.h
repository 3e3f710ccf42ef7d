/* What the root kernel drivers share: a check that counts failures and
 * goes on (they must clean their namespaces up whatever fails), and
 * literal addresses. */
#ifndef TEST_KERNEL_CHECK_H
#define TEST_KERNEL_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include "kernel/kernel.h"

static int failures;

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,   \
				__LINE__, #cond);                                \
			failures++;                                              \
		}                                                                \
	} while (0)

static inline struct ip_addr addr(const char *s)
{
	struct ip_addr a;
	if (ip_addr_parse(s, &a))
		abort();
	return a;
}

#endif
