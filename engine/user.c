/* The user table of `auth user` (see user.h). Linear lookups: the
 * reference caps users at a few thousand and a lookup happens once per
 * EAP login. */
#include "engine/user.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base/err.h"

static void wipe_str(char *s)
{
	if (s)
		OPENSSL_cleanse(s, strlen(s));
	free(s);
}

struct user_config *user_get(struct user_table **tp, unsigned id)
{
	struct user_table *t = *tp;
	if (!t && !(t = *tp = calloc(1, sizeof(*t))))
		return NULL;
	for (size_t i = 0; i < t->n_users; i++)
		if (t->users[i].id == id)
			return &t->users[i];
	struct user_config *u = realloc(t->users, (t->n_users + 1) * sizeof(*u));
	if (!u)
		return NULL;
	t->users = u;
	u += t->n_users++;
	*u = (struct user_config){ .id = id };
	return u;
}

int user_set(struct user_table **t, unsigned id, const char *name, const char *password)
{
	struct user_config *u = user_get(t, id);
	char *n = u ? strdup(name) : NULL, *p = n ? strdup(password) : NULL;
	if (!p) {
		free(n);
		return -RTX_ENOMEM;
	}
	free(u->name);
	wipe_str(u->password);
	u->name = n;
	u->password = p;
	return 0;
}

struct user_group *user_group_get(struct user_table **tp, unsigned gid)
{
	struct user_table *t = *tp;
	if (!t && !(t = *tp = calloc(1, sizeof(*t))))
		return NULL;
	for (size_t i = 0; i < t->n_groups; i++)
		if (t->groups[i].id == gid)
			return &t->groups[i];
	struct user_group *g = realloc(t->groups, (t->n_groups + 1) * sizeof(*g));
	if (!g)
		return NULL;
	t->groups = g;
	g += t->n_groups++;
	*g = (struct user_group){ .id = gid };
	return g;
}

int user_group_set(struct user_table **tp, unsigned gid, const unsigned *ids, size_t n)
{
	unsigned *copy = malloc((n ? n : 1) * sizeof(*copy));
	struct user_group *g = copy ? user_group_get(tp, gid) : NULL;
	if (!g) {
		free(copy);
		return -RTX_ENOMEM;
	}
	memcpy(copy, ids, n * sizeof(*copy));
	free(g->ids);
	g->ids = copy;
	g->n = n;
	return 0;
}

static bool in_group(const struct user_table *t, unsigned gid, unsigned uid)
{
	for (size_t i = 0; i < t->n_groups; i++) {
		if (t->groups[i].id != gid)
			continue;
		for (size_t j = 0; j < t->groups[i].n; j++)
			if (t->groups[i].ids[j] == uid)
				return true;
	}
	return false;
}

const struct user_config *user_find(const struct user_table *t, const char *name, unsigned gid)
{
	for (size_t i = 0; t && i < t->n_users; i++) {
		const struct user_config *u = &t->users[i];
		if (u->name && !strcmp(u->name, name) && (!gid || in_group(t, gid, u->id)))
			return u;
	}
	return NULL;
}

bool user_eap_md5(const struct user_table *t, const struct user_config *u)
{
	if (u->eap_md5_set)
		return u->eap_md5;
	for (size_t i = 0; t && i < t->n_groups; i++)
		if (t->groups[i].eap_md5 && in_group(t, t->groups[i].id, u->id))
			return true;
	return false;
}

const struct user_group *user_group_of(const struct user_table *t, const struct user_config *u,
				       unsigned gid)
{
	const struct user_group *first = NULL;
	for (size_t i = 0; t && i < t->n_groups; i++) {
		const struct user_group *g = &t->groups[i];
		if (!in_group(t, g->id, u->id))
			continue;
		if (g->id == gid)
			return g;
		if (!first)
			first = g;
	}
	return first;
}

void user_table_free(struct user_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_users; i++) {
		free(t->users[i].name);
		wipe_str(t->users[i].password);
	}
	for (size_t i = 0; i < t->n_groups; i++)
		free(t->groups[i].ids);
	free(t->users);
	free(t->groups);
	free(t);
}
