/* Address pools of mode-cfg (see pool.h). A pick walks the pool from
 * its start; pools are small (a /24 per gateway is typical) and a pick
 * happens once per login. */
#include "engine/pool.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

static int parse4(const char *s, uint32_t *out)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1)
		return -RTX_EINVAL;
	*out = ntohl(a.s_addr);
	return 0;
}

int pool_parse(const char *text, uint32_t *first, uint32_t *last)
{
	char buf[64];
	if (strlen(text) >= sizeof(buf))
		return -RTX_EINVAL;
	snprintf(buf, sizeof(buf), "%s", text);
	char *dash = strchr(buf, '-'), *slash = strchr(buf, '/');
	if (dash && !slash) {
		*dash = '\0';
		if (parse4(buf, first) || parse4(dash + 1, last) || *last < *first)
			return -RTX_EINVAL;
		return 0;
	}
	if (slash && !dash) {
		*slash = '\0';
		char *end;
		unsigned long len = strtoul(slash + 1, &end, 10);
		uint32_t a;
		if (*end || len < 1 || len > 30 || parse4(buf, &a))
			return -RTX_EINVAL;
		uint32_t mask = ~0u << (32 - len);
		*first = (a & mask) + 1;
		*last = (a | ~mask) - 1;
		return 0;
	}
	if (dash || parse4(buf, first))
		return -RTX_EINVAL;
	*last = *first;
	return 0;
}

int pool_set(struct pool_table **tp, unsigned id, uint32_t first, uint32_t last)
{
	struct pool_table *t = *tp;
	if (!t && !(t = *tp = calloc(1, sizeof(*t))))
		return -RTX_ENOMEM;
	for (size_t i = 0; i < t->n; i++)
		if (t->pools[i].id == id) {
			t->pools[i].first = first;
			t->pools[i].last = last;
			return 0;
		}
	struct pool_config *p = realloc(t->pools, (t->n + 1) * sizeof(*p));
	if (!p)
		return -RTX_ENOMEM;
	t->pools = p;
	p[t->n++] = (struct pool_config){ id, first, last };
	return 0;
}

const struct pool_config *pool_find(const struct pool_table *t, unsigned id)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (t->pools[i].id == id)
			return &t->pools[i];
	return NULL;
}

void pool_table_free(struct pool_table *t)
{
	if (t)
		free(t->pools);
	free(t);
}

int pool_pick_sorted(const struct pool_config *p, const uint32_t *taken, size_t n,
		     uint32_t *out)
{
	uint64_t a = p->first;
	for (size_t i = 0; i < n && a <= p->last; i++) {
		if (taken[i] < a)
			continue;      /* below the pool, or a duplicate */
		if (taken[i] > a)
			break;         /* a is free */
		a++;
	}
	if (a > p->last)
		return -RTX_ENOENT;
	*out = (uint32_t)a;
	return 0;
}
